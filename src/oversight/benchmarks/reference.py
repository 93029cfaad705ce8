"""Reference data: English local authorities, regions, ONS codes, reorganisations, child populations and DfE's
statistical-neighbour groupings, read from the copies in ``benchmarks/data`` (see SOURCES.md there).

Loading is idempotent: a second load changes nothing. A data migration (benchmarks 0003) loads it into every
new database, so pages only read it; an import and ``oversight benchmark reference`` load it again if missing.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction

from oversight.benchmarks.models import (
    AuthorityCode,
    LocalAuthority,
    Neighbour,
    NeighbourSet,
    Population,
    Region,
    Reorganisation,
)
from oversight.core.problems import Issue

DATA_DIR = Path(__file__).resolve().parent / "data"
ENGLAND = "E92000001"
NEIGHBOUR_SETS = (
    ("April 2021", date(2021, 4, 1), "statistical_neighbours_2021-04.csv"),
    ("May 2025", date(2025, 5, 1), "statistical_neighbours_2025-05.csv"),
)


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def region_key(name: str) -> str:
    """'London (Inner)' and 'Inner London', 'Yorkshire and the Humber' and '… The Humber' are the same region."""
    text = name.strip().lower()
    if match := re.fullmatch(r"london \((inner|outer)\)", text):
        text = f"{match[1]} london"
    return text


@dataclass
class ReferenceResult:
    authorities: int = 0
    regions: int = 0
    neighbour_sets: int = 0
    created: bool = False
    issues: list[Issue] = field(default_factory=list)


def reference_loaded() -> bool:
    return LocalAuthority.objects.exists() and NeighbourSet.objects.count() >= len(NEIGHBOUR_SETS)


def reference_ensure() -> ReferenceResult:
    """Load the reference data unless it is already there."""
    if reference_loaded():
        return ReferenceResult(LocalAuthority.objects.count(), Region.objects.count(), NeighbourSet.objects.count())
    return reference_load()


@transaction.atomic
def reference_load() -> ReferenceResult:
    population = _rows("population_0_17_2012_to_2024.csv")
    regions = _load_regions(population)
    by_key = {region_key(region.name): region for region in regions}
    authorities = _load_authorities(population, by_key)
    _load_population(population)
    created = False
    issues: list[Issue] = []
    for name, published, filename in NEIGHBOUR_SETS:
        path = DATA_DIR / filename
        neighbour_set, new = NeighbourSet.objects.get_or_create(
            name=name, defaults={"published": published, "source": filename}
        )
        created = created or new
        issues += neighbours_replace(neighbour_set, path.name, path.read_text(encoding="utf-8-sig"))
    return ReferenceResult(len(authorities), len(regions), len(NEIGHBOUR_SETS), created, issues)


def _load_regions(population: Sequence[dict[str, str]]) -> list[Region]:
    names = {row["region_code"]: row["region_name"] for row in population if row["region_code"]}
    lait = {region_key(row["name"]): row["number"] for row in _rows("la_code_list.csv") if row["type"] == "NA"}
    regions = []
    for code, name in sorted(names.items()):
        region, _ = Region.objects.update_or_create(
            code=code, defaults={"name": name, "lait_number": lait.get(region_key(name), "")}
        )
        regions.append(region)
    return regions


def _clean_name(name: str) -> str:
    return name.removesuffix(" (Pre LG)").strip()


def _load_authorities(population: Sequence[dict[str, str]], regions: dict[str, Region]) -> list[LocalAuthority]:
    years: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in population:
        if row["geographic_level"] == "Local authority":
            years[(row["old_la_code"], row["new_la_code"])].append(int(row["time_period"]))
    latest: dict[str, tuple[int, str]] = {}
    for (number, code), seen in years.items():
        if number not in latest or max(seen) > latest[number][0]:
            latest[number] = (max(seen), code)
    reorganisations = _rows("reorganisations.csv")
    ended = {row["predecessor_number"]: date.fromisoformat(row["effective"]) for row in reorganisations}

    def region_of(name: str) -> Region | None:
        key = region_key(name)
        return regions.get("london" if key in ("inner london", "outer london") else key)

    listed = [
        (row["number"], _clean_name(row["name"]), row["region"], row["type"]) for row in _rows("la_code_list.csv")
    ]
    listed += [
        (row["predecessor_number"], row["predecessor_name"], row["predecessor_region"], row["predecessor_type"])
        for row in reorganisations
    ]
    authorities: dict[str, LocalAuthority] = {}
    for number, name, region, kind in listed:
        if kind == "NA" or number in authorities:
            continue
        authority, _ = LocalAuthority.objects.update_or_create(
            number=number,
            defaults={
                "name": name,
                "code": latest.get(number, (0, ""))[1],
                "region": region_of(region),
                "kind": kind,
                "ended": ended[number] - timedelta(days=1) if number in ended else None,
            },
        )
        authorities[number] = authority
    for (number, code), seen in years.items():
        AuthorityCode.objects.update_or_create(
            code=code,
            defaults={"authority": authorities[number], "first_year": min(seen), "last_year": max(seen)},
        )
    for row in reorganisations:
        Reorganisation.objects.update_or_create(
            predecessor=authorities[row["predecessor_number"]],
            successor=authorities[row["successor_number"]],
            defaults={"effective": date.fromisoformat(row["effective"]), "note": row["note"]},
        )
    return list(authorities.values())


def _load_population(population: Iterable[dict[str, str]]) -> None:
    wanted = {}
    for row in population:
        level = row["geographic_level"]
        place = {"National": ENGLAND, "Regional": row["region_code"]}.get(level, row["old_la_code"])
        if place and row["population_estimate"].isdigit():
            wanted[(place, int(row["time_period"]))] = int(row["population_estimate"])
    existing = set(Population.objects.values_list("place", "year"))
    Population.objects.bulk_create(
        [Population(place=p, year=y, children=n) for (p, y), n in wanted.items() if (p, y) not in existing]
    )


_SN_COLUMN = re.compile(r"SN_?(\d+)")


def looks_like_neighbours(header: Sequence[str]) -> bool:
    return any(_SN_COLUMN.fullmatch(name.strip()) for name in header) and not any(
        name.strip() == "time_period" for name in header
    )


def neighbours_replace(neighbour_set: NeighbourSet, source: str, text: str) -> list[Issue]:
    """Replace a set's neighbours from a DfE groupings file (the 2021 layout 'LA num, …, SN1, SNP …' or the
    2025 layout 'old_la_code, …, SN_1, SN_1P …'). Writes nothing if any row names an unknown authority."""
    records = list(csv.reader(text.splitlines()))
    header = [name.strip() for name in records[0]]
    ranks = [(index, int(match[1])) for index, name in enumerate(header) if (match := _SN_COLUMN.fullmatch(name))]
    authorities = {authority.number: authority for authority in LocalAuthority.objects.all()}
    issues: list[Issue] = []
    rows: list[Neighbour] = []
    for number, record in enumerate(records[1:], start=2):
        if not record or not record[0].strip():
            continue
        subject = authorities.get(record[0].strip())
        if subject is None:
            issues.append(Issue(source, number, header[0], f"'{record[0]}' is not a known LA number."))
            continue
        for index, rank in ranks:
            cell = record[index].strip() if index < len(record) else ""
            if not cell:
                continue
            other = authorities.get(cell)
            if other is None:
                issues.append(Issue(source, number, header[index], f"'{cell}' is not a known LA number."))
                continue
            closeness = record[index + 1].strip() if index + 1 < len(record) else ""
            rows.append(Neighbour(neighbour_set=neighbour_set, authority=subject, neighbour=other, rank=rank,
                                  closeness=closeness))  # fmt: skip
    if issues:
        return issues
    with transaction.atomic():
        neighbour_set.neighbours.all().delete()
        Neighbour.objects.bulk_create(rows)
    return []
