"""Seeded synthetic SSDA903 returns: councils' children in care over several years, written as the CSV tables.

For benchmarks and tests at scale; every child is invented. The same seed gives the same files, byte for
byte. Each child's history is drawn first (entry, placements, legal status changes, reviews, missing
incidents, leaving care), then cut into one return per year: the episodes open at some time in the year
(open ones without an end date), that year's reviews and missing incidents, the header rows of the
children in the return and an OC2 row for each child looked after for 12 months at 31 March. With
``adoptions``, many young children leaving care are adopted instead: a placement or freeing order, then
placement with adopters (now and then their own foster carers, now and then after an adoptive placement
that broke down), an adoption order and an AD1 row in the return of the year they were adopted.
``SyntheticCouncil.truth`` keeps the counts the generator knows, to check the engine against.

Each child has a home postcode and each placement a postcode (now and then blank), drawn from invented postcodes
around a point given to the council (``Z09017 4AB`` for E09000017: no real postcode starts with Z): most
placements near home, some in another council's area up to about 80 miles away. ``synthetic_postcodes`` writes
them as a postcode lookup in the ONS Postcode Directory's columns, to load before the returns.
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TextIO

SEX_CODES = ("1", "2")
ETHNIC_CODES = ("WBRI", "WIRI", "WOTH", "MWBC", "MWBA", "AIND", "APKN", "BCRB", "BAFR", "CHNE", "OOTH", "REFU")
PLACEMENTS = ("U1", "U2", "U3", "U4", "U5", "U6", "K2", "R1", "H5", "P1", "S1", "Z1")
LEGAL_STATUSES = ("C1", "C2", "V2", "E1", "J2")
CEASED = ("E4A", "E4B", "E11", "E41", "E45", "E13", "E8", "E3")
FOSTER_PLACEMENTS = ("U1", "U2", "U3", "U4", "U5", "U6")


def _format(day: date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


@dataclass
class _Episode:
    decom: date
    rne: str
    ls: str
    place: str
    provider: str
    urn: str
    dec: date | None = None
    rec: str | None = None
    postcode: str = ""  # the placement's (PL_POST)


@dataclass(frozen=True)
class _Adoption:
    """A child's AD1 record: when the decision to place was made, the match, and who adopted."""

    decided: date
    matched: date
    by_foster_carers: bool
    adopters: int


@dataclass
class _Child:
    child_id: str
    sex: str
    dob: date
    ethnic: str
    episodes: list[_Episode] = field(default_factory=list)
    reviews: list[date] = field(default_factory=list)
    missing: list[tuple[str, date, date | None]] = field(default_factory=list)
    health: tuple[int, int, int] = (1, 1, 1)
    short_breaks: bool = False
    adoption: _Adoption | None = None  # the AD1 record, for a child adopted (None for some adopted children too)
    home: str = ""  # the home postcode (HOME_POST)

    @property
    def entered(self) -> date:
        return self.episodes[0].decom

    @property
    def left(self) -> date | None:
        return self.episodes[-1].dec

    def looked_after_on(self, day: date) -> bool:
        return self.entered <= day and (self.left is None or self.left > day)


@dataclass
class SyntheticCouncil:
    code: str
    children: list[_Child]
    first_year_ending: int
    last_year_ending: int
    adoptions: bool = False  # the returns have AD1 tables
    postcodes: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # postcode -> district, grid reference

    def truth(self, year_ending: int) -> dict[str, int]:
        """What the generator knows about a collection year: children looked after at 31 March, starts, ceases.

        Children on short breaks are left out, as the measures leave them out.
        """
        start, end = date(year_ending - 1, 4, 1), date(year_ending, 3, 31)
        children = [c for c in self.children if not c.short_breaks]
        return {
            "cla_count_at_end": sum(c.looked_after_on(end) for c in children),
            "cla_starts": sum(start <= c.entered <= end for c in children),
            "cla_ceases": sum(c.left is not None and start <= c.left <= end for c in children),
        }


def synthetic_council(
    code: str,
    *,
    seed: int,
    first_year_ending: int,
    last_year_ending: int,
    starts_per_year: int = 250,
    adoptions: bool = False,
) -> SyntheticCouncil:
    """One council's children, entering care from five years before the first return to the last one's end.

    With ``adoptions``, a quarter of the children under 10 who leave care after three months or more are adopted
    (drawn from a stream of their own, so the rest of each child's history is the same either way).
    """
    rng = random.Random(f"{seed}:{code}")
    begin, finish = date(first_year_ending - 6, 4, 1), date(last_year_ending, 3, 31)
    days = (finish - begin).days
    count = starts_per_year * days // 365
    children = [
        _draw_child(rng, f"{code[-3:]}{n:06d}", begin + timedelta(days=rng.randrange(days)), finish)
        for n in range(count)
    ]
    if adoptions:
        adopting = random.Random(f"adoption:{seed}:{code}")
        for child in children:
            if _may_be_adopted(child) and adopting.random() < 0.25:
                _adopt(adopting, child)
    council = SyntheticCouncil(code, children, first_year_ending, last_year_ending, adoptions)
    _place(council, _postcode_stream(code, seed))
    return council


HOME_POSTCODES, AWAY_POSTCODES = 300, 120


def synthetic_postcode_area(code: str, *, seed: int) -> dict[str, tuple[str, int, int]]:
    """The postcodes ``synthetic_council(code, seed=seed, …)`` gives the council, without drawing its children:
    postcode -> (district, easting, northing)."""
    return _area(code, _postcode_stream(code, seed))


def _postcode_stream(code: str, seed: int) -> random.Random:
    """The random stream a council's postcodes, homes and placements are drawn from, apart from the rest."""
    return random.Random(f"postcodes:{seed}:{code}")


def _area(code: str, rng: random.Random) -> dict[str, tuple[str, int, int]]:
    """The council's invented postcodes: most within 9 km of a point given to it, the rest 2 to 80 miles away in
    another council's area."""
    outward = f"Z{code[1:3]}{code[-3:]}"  # E09000017 -> Z09017
    centre_east, centre_north = rng.randrange(200_000, 600_000), rng.randrange(100_000, 500_000)
    elsewhere = f"X{code[1:]}"  # the district of every placement outside the council: not a real code
    postcodes: dict[str, tuple[str, int, int]] = {}
    for n in range(HOME_POSTCODES + AWAY_POSTCODES):
        postcode = f"{outward} {n // 676 % 10}{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}"
        if n < HOME_POSTCODES:
            metres, district = rng.uniform(0, 9_000), code
        else:
            metres, district = rng.uniform(2, 80) * 1609.344, elsewhere
        bearing = rng.uniform(0, 6.283185307179586)
        postcodes[postcode] = (
            district,
            round(centre_east + metres * math.cos(bearing)),
            round(centre_north + metres * math.sin(bearing)),
        )
    return postcodes


def _place(council: SyntheticCouncil, rng: random.Random) -> None:
    """Give the council its postcodes and each child a home and each placement a postcode (from a stream of its
    own, so the rest of the returns is the same either way). A new episode with the same carer keeps the
    placement's postcode."""
    council.postcodes = _area(council.code, rng)
    home = [postcode for postcode, (district, _, _) in council.postcodes.items() if district == council.code]
    away = [postcode for postcode, (district, _, _) in council.postcodes.items() if district != council.code]
    for child in council.children:
        child.home = "" if rng.random() < 0.02 else rng.choice(home)
        previous: _Episode | None = None
        for episode in child.episodes:
            if previous is not None and episode.rne in ("L", "T") and episode.provider == previous.provider:
                episode.postcode = previous.postcode
            else:
                draw = rng.random()
                episode.postcode = "" if draw < 0.05 else rng.choice(away) if draw < 0.25 else rng.choice(home)
            previous = episode


def synthetic_postcodes(councils: Iterable[SyntheticCouncil], path: Path) -> Path:
    """Write the councils' postcodes as a postcode lookup (the ONS Postcode Directory's columns pcd, laua,
    oseast1m, osnrth1m) at ``path``; the path."""
    return write_postcodes((item for council in councils for item in council.postcodes.items()), path)


def write_postcodes(postcodes: Iterable[tuple[str, tuple[str, int, int]]], path: Path) -> Path:
    """Write (postcode, (district, easting, northing)) pairs as a postcode lookup at ``path``; the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["pcd", "laua", "oseast1m", "osnrth1m"])
        writer.writerows(
            [postcode, district, easting, northing] for postcode, (district, easting, northing) in postcodes
        )
    return path


def _may_be_adopted(child: _Child) -> bool:
    left = child.left
    return (
        left is not None
        and not child.short_breaks
        and (left - child.entered).days >= 90
        and (left - child.dob).days < 10 * 365
    )


def _adopt(rng: random.Random, child: _Child) -> None:
    """Rewrite the last stretch of a leaver's care as an adoption, leaving on the same day: a placement order
    (or now and then a freeing order), then placement with adopters until the adoption order."""
    left = child.left
    if left is None:
        raise AssertionError("left is not None")
    span = (left - child.entered).days
    ordered = child.entered + timedelta(days=max(1, int(span * rng.uniform(0.2, 0.5))))
    placed = ordered + timedelta(days=max(1, int((left - ordered).days * rng.uniform(0.3, 0.7))))
    if placed >= left:
        return
    kept = [e for e in child.episodes if e.decom < ordered]
    before = kept[-1]
    before.dec, before.rec = ordered, "X1"
    status = "D1" if rng.random() < 0.1 else "E1"
    episodes = [*kept, _Episode(ordered, "L", status, before.place, before.provider, before.urn, placed, "X1")]
    by_foster_carers = before.place in FOSTER_PLACEMENTS and rng.random() < 0.4
    if by_foster_carers:  # the foster carers adopt: a change of placement with the same carer
        episodes.append(_Episode(placed, "T", status, rng.choice(("A3", "A5")), before.provider, before.urn))
    else:
        if (left - placed).days >= 30 and rng.random() < 0.15:  # a placement with adopters that broke down
            broke = placed + timedelta(days=rng.randrange(5, (left - placed).days // 3 + 6))
            again = broke + timedelta(days=rng.randrange(5, (left - broke).days // 2 + 6))
            if again < left:
                episodes.append(_Episode(placed, "P", status, "A4", "PR7", _urn(rng), broke, "X1"))
                episodes.append(
                    _Episode(broke, "P", status, rng.choice(FOSTER_PLACEMENTS), "PR2", _urn(rng), again, "X1")
                )
                placed = again
        episodes.append(_Episode(placed, "P", status, rng.choice(("A4", "A6")), "PR8", _urn(rng)))
    episodes[-1].dec, episodes[-1].rec = left, "E11" if rng.random() < 0.9 else "E12"
    child.episodes = episodes
    if rng.random() < 0.9:  # now and then the AD1 record is missing
        child.adoption = _Adoption(
            decided=max(child.entered, ordered - timedelta(days=rng.randrange(10, 120))),
            matched=placed - timedelta(days=rng.randrange(7, 150)),  # sometimes before the order: 0 days
            by_foster_carers=by_foster_carers,
            adopters=rng.choice((1, 2, 2)),
        )


def _urn(rng: random.Random) -> str:
    return str(rng.randrange(10**6, 10**7))


def _draw_child(rng: random.Random, child_id: str, entered: date, horizon: date) -> _Child:
    age_days = int(rng.triangular(0, 17.5, 9) * 365.25)
    dob = entered - timedelta(days=age_days)
    child = _Child(child_id, rng.choice(SEX_CODES), dob, rng.choice(ETHNIC_CODES))
    eighteenth = date(dob.year + 18, dob.month, 28 if (dob.month, dob.day) == (2, 29) else dob.day)
    stay = int(rng.expovariate(1 / 700))
    leaves: date | None = entered + timedelta(days=max(stay, 1))
    if leaves is not None and leaves >= eighteenth:
        leaves = eighteenth
    if leaves is not None and leaves > horizon:
        leaves = None
    end = leaves or horizon
    short_breaks = child.short_breaks = rng.random() < 0.03
    ls = "V3" if short_breaks else rng.choice(LEGAL_STATUSES)
    changes = sorted(
        {
            entered + timedelta(days=rng.randrange(1, max((end - entered).days, 2)))
            for _ in range(_moves(rng, end - entered))
        }
    )
    episode = _Episode(
        entered, "S", ls, rng.choice(PLACEMENTS), f"PR{rng.randrange(6)}", str(rng.randrange(10**6, 10**7))
    )
    child.episodes.append(episode)
    for day in changes:
        if day >= end:
            break
        previous = child.episodes[-1]
        previous.dec, previous.rec = day, "X1"
        kind = rng.random()
        if kind < 0.2 and not short_breaks:  # a change of legal status only
            new = _Episode(day, "L", rng.choice(LEGAL_STATUSES), previous.place, previous.provider, previous.urn)
        elif kind < 0.3:  # a new placement with the same carer
            new = _Episode(day, "T", previous.ls, rng.choice(PLACEMENTS), previous.provider, previous.urn)
        else:
            new = _Episode(
                day, "P", previous.ls, rng.choice(PLACEMENTS), f"PR{rng.randrange(6)}", str(rng.randrange(10**6, 10**7))
            )
        child.episodes.append(new)
    if leaves is not None:
        child.episodes[-1].dec, child.episodes[-1].rec = leaves, rng.choice(CEASED)
    due = entered + timedelta(days=28)
    while due <= end:
        held = (
            due - timedelta(days=rng.randrange(0, 20))
            if rng.random() < 0.9
            else due + timedelta(days=rng.randrange(1, 40))
        )
        if held > end:
            break
        child.reviews.append(held)
        due = held + timedelta(days=91 if len(child.reviews) == 1 else 182)
    incidents: dict[tuple[str, date], date] = {}
    for _ in range(rng.choice((0,) * 9 + (1, 2, 4))):
        start = entered + timedelta(days=rng.randrange(max((end - entered).days, 1)))
        incidents[(rng.choice("MMMA"), start)] = start + timedelta(days=rng.randrange(0, 5))
    child.missing = [(kind, start, finish) for (kind, start), finish in sorted(incidents.items())]
    child.health = (int(rng.random() < 0.88), int(rng.random() < 0.85), int(rng.random() < 0.82))
    return child


def _moves(rng: random.Random, span: timedelta) -> int:
    return sum(rng.random() < 0.55 for _ in range(max(1, span.days // 200)))


HEADERS = {
    "header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "episodes": [
        "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE",
        "HOME_POST", "PL_POST", "URN",
    ],
    "reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "oc2": [
        "CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
        "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED",
    ],
    "missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    "ad1": ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"],
}  # fmt: skip


def _return_rows(council: SyntheticCouncil, year_ending: int) -> dict[str, list[list[str]]]:
    start, end = date(year_ending - 1, 4, 1), date(year_ending, 3, 31)
    tables: dict[str, list[list[str]]] = {name: [] for name in HEADERS if name != "ad1" or council.adoptions}
    for child in council.children:
        episodes = [e for e in child.episodes if e.decom <= end and (e.dec is None or e.dec >= start)]
        if not episodes:
            continue
        dob = _format(child.dob)
        tables["header"].append([child.child_id, child.sex, dob, child.ethnic, f"A{child.child_id}", "", ""])
        for e in episodes:
            closed = e.dec is not None and e.dec <= end
            tables["episodes"].append(
                [
                    child.child_id, _format(e.decom), e.rne, e.ls, "N1", e.place, e.provider,
                    _format(e.dec) if closed else "", (e.rec or "") if closed else "", "", child.home, e.postcode,
                    e.urn,
                ]
            )  # fmt: skip
        tables["reviews"] += [[child.child_id, dob, _format(r), "PN1"] for r in child.reviews if start <= r <= end]
        tables["missing"] += [
            [child.child_id, dob, kind, _format(s), _format(f) if f is not None and f <= end else ""]
            for kind, s, f in child.missing
            if start <= s <= end
        ]
        if child.looked_after_on(end) and child.entered <= date(year_ending - 1, 3, 31):
            health, teeth, jabs = child.health
            tables["oc2"].append(
                [child.child_id, dob, "", "SDQ1", "0", str(health), str(jabs), str(teeth), "", "0", "", ""]
            )
        adoption, left = child.adoption, child.left
        if council.adoptions and adoption is not None and left is not None and start <= left <= end:
            tables["ad1"].append(
                [
                    child.child_id, dob, _format(adoption.decided), _format(adoption.matched),
                    str(int(adoption.by_foster_carers)), str(adoption.adopters),
                    "MF" if adoption.adopters == 2 else "F1", "L0" if adoption.adopters == 2 else "L4",
                ]
            )  # fmt: skip
    return tables


def synthetic_returns(council: SyntheticCouncil, folder: Path) -> Iterator[Path]:
    """Write each year's return as ``<folder>/<code>/<start year>-<table>.csv``; yields the paths written."""
    target = folder / council.code
    target.mkdir(parents=True, exist_ok=True)
    for year_ending in range(council.first_year_ending, council.last_year_ending + 1):
        for table, rows in _return_rows(council, year_ending).items():
            path = target / f"{year_ending - 1}-{table}.csv"
            with path.open("w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out, lineterminator="\n")
                writer.writerow(HEADERS[table])
                writer.writerows(rows)
            yield path


def synthetic_national_returns(councils: Iterable[SyntheticCouncil], folder: Path) -> list[Path]:
    """Every council's returns merged, as a national extract is, into one file per table and year with an LA
    column: ``<folder>/<start year>-<table>.csv``. Each council's own files are written under
    ``<folder>/councils`` on the way and removed."""
    writers: dict[str, tuple[Any, TextIO]] = {}
    paths: dict[str, Path] = {}
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for council in councils:
            for part in synthetic_returns(council, folder / "councils"):
                with part.open(encoding="utf-8", newline="") as source:
                    reader = csv.reader(source)
                    header = next(reader)
                    if part.name not in writers:
                        paths[part.name] = folder / part.name
                        out = paths[part.name].open("w", encoding="utf-8", newline="")
                        writers[part.name] = (csv.writer(out, lineterminator="\n"), out)
                        writers[part.name][0].writerow(["LA", *header])
                    writers[part.name][0].writerows([council.code, *row] for row in reader)
                part.unlink()
    finally:
        for _, opened in writers.values():
            opened.close()
    return sorted(paths.values())
