"""Fixtures for the casework engine: a real DuckDB store in a temporary folder, and hand-built case rows."""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from oversight.casework.engine import measure_card, measure_compute
from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.store import CaseworkStore
from oversight.core.periods import parse_period

SSDA903 = Path(__file__).resolve().parent.parent / "data" / "ssda903"
D2I = SSDA903 / "d2i_903_validator_fake"
LONGITUDINAL = SSDA903 / "demand_model_longitudinal_2017_2021"
DIRTY = SSDA903 / "liia_dirty_samples"
CIN = Path(__file__).resolve().parent.parent / "data" / "cin_census"
SSDA903_XML = Path(__file__).resolve().parent.parent / "data" / "ssda903_xml"
ANNEX_A = Path(__file__).resolve().parent.parent / "data" / "annex_a"
UB_EXTRACT = Path(__file__).resolve().parent.parent / "data" / "postcodes" / "onspd_ub_extract.csv"  # real ONSPD rows
WORKFORCE = Path(__file__).resolve().parent.parent / "data" / "workforce"

TEST_KEY = b"a test key that is long enough to be accepted by the pseudonymiser"
LA = "E06000049"


def d(text: str) -> date:
    return date.fromisoformat(text)


def workforce_censuses(folder: Path, years: range) -> list[Path]:
    """The hand-made workforce census (tests/data/workforce/hand_made_2023.xml) moved to 30 September of each
    of ``years``: every date in it, and its Year, shifted by the same number of years, so each edge stays one."""
    text = (WORKFORCE / "hand_made_2023.xml").read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for year in years:
        shift = year - 2023

        def moved(found: re.Match[str], shift: int = shift) -> str:
            return str(int(found.group(1)) + shift) + found.group(2)

        path = folder / f"workforce_{year}.xml"
        path.write_text(re.sub(r"(?<![0-9])(20[0-9]{2}|19[0-9]{2})(-[0-9]{2}-[0-9]{2}|</Year>)", moved, text))
        paths.append(path)
    return paths


_NAMES: dict[str, str] = {}  # a hand-built child's pseudonym (hex) -> its name


def pseudonym(name: str) -> uuid.UUID:
    """The pseudonym of a hand-built child, made from its name (a UUID, as a loaded child's is)."""
    child = uuid.uuid5(uuid.NAMESPACE_URL, f"oversight-test-child:{name}")
    _NAMES[child.hex] = name
    return child


def named(child: str) -> str:
    """The name of the hand-built child with this pseudonym, as a measure's records show it."""
    return _NAMES.get(child, child)


@pytest.fixture
def pseudonymiser() -> Pseudonymiser:
    return Pseudonymiser(TEST_KEY)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CaseworkStore]:
    with CaseworkStore(tmp_path / "casework.duckdb") as store:
        yield store


@dataclass
class Casebook:
    """Case rows written straight into the store's tables, for pinning a measure's rule at its boundary."""

    store: CaseworkStore
    la: str = LA
    _row: int = 1
    _loaded: set[tuple[str, str]] = field(default_factory=set)

    def _next(self, la: str, table: str = "episodes") -> int:
        if (la, table) not in self._loaded:
            # A load of the table for the council, reaching far enough for any period under test.
            self.store.query(
                "INSERT INTO loads (file_name, sha256, table_name, la, year_ending, rows, loaded_at, loaded_by) "
                "VALUES ('casebook', 'casebook', $table, $la, 2040, 0, now(), 'test')",
                {"la": la, "table": table},
            )
            self._loaded.add((la, table))
        self._row += 1
        return self._row

    def loaded(self, table: str, *, la: str | None = None) -> None:
        """A load of ``table`` for the council with no rows in it: its return is loaded, with nothing to count."""
        self._next(la or self.la, table)

    def child(self, child: str, dob: str, *, sex: str = "F", la: str | None = None) -> None:
        council = la or self.la
        self.store.query(
            "INSERT INTO children VALUES ($la, $child, $sex, $dob, 'WBRI', NULL, 1, $row)",
            {"la": council, "child": pseudonym(child), "sex": sex, "dob": d(dob), "row": self._next(council)},
        )

    def episode(
        self,
        child: str,
        decom: str,
        dec: str | None = None,
        *,
        rne: str = "P",
        ls: str = "C2",
        place: str = "U1",
        rec: str | None = None,
        provider: str = "PR1",
        urn: str | None = None,
        la: str | None = None,
        miles: float | None = None,
        outside: bool | None = None,
    ) -> None:
        council = la or self.la
        self.store.query(
            "INSERT INTO episodes VALUES ($la, $child, $decom, $rne, $ls, 'N1', $place, $provider, $dec, $rec, NULL, "
            "$urn, $miles, $outside, NULL, 1, $row)",
            {
                "la": council,
                "child": pseudonym(child),
                "decom": d(decom),
                "rne": rne,
                "ls": ls,
                "place": place,
                "provider": provider,
                "dec": d(dec) if dec else None,
                "rec": rec if rec is not None else ("E4A" if dec else None),
                "urn": urn,
                "miles": miles,
                "outside": outside,
                "row": self._next(council),
            },
        )

    def review(self, child: str, review: str) -> None:
        self.store.query(
            "INSERT INTO reviews VALUES ($la, $child, $review, 'PN1', NULL, 1, $row)",
            {"la": self.la, "child": pseudonym(child), "review": d(review), "row": self._next(self.la)},
        )

    def oc2(self, child: str, year_ending: int, *, health_check: bool, teeth: bool = False, jabs: bool = False) -> None:
        self.store.query(
            "INSERT INTO oc2 (la, child, year_ending, health_check, teeth_check, immunisations, load_id, source_row) "
            "VALUES ($la, $child, $year, $health, $teeth, $jabs, 1, $row)",
            {
                "la": self.la,
                "child": pseudonym(child),
                "year": year_ending,
                "health": health_check,
                "teeth": teeth,
                "jabs": jabs,
                "row": self._next(self.la),
            },
        )

    def oc3(self, child: str, year_ending: int, *, in_touch: str = "YES", activ: str = "F1", accom: str = "U1") -> None:
        self.store.query(
            "INSERT INTO oc3 VALUES ($la, $child, $year, $in_touch, $activ, $accom, NULL, 1, $row)",
            {
                "la": self.la,
                "child": pseudonym(child),
                "year": year_ending,
                "in_touch": in_touch,
                "activ": activ,
                "accom": accom,
                "row": self._next(self.la),
            },
        )

    def ad1(self, child: str, *, date_int: str, date_match: str | None, foster_care: bool) -> None:
        self.store.query(
            "INSERT INTO ad1 (la, child, date_int, date_match, foster_care, load_id, source_row) "
            "VALUES ($la, $child, $date_int, $date_match, $foster_care, 1, $row)",
            {
                "la": self.la,
                "child": pseudonym(child),
                "date_int": d(date_int),
                "date_match": d(date_match) if date_match else None,
                "foster_care": foster_care,
                "row": self._next(self.la),
            },
        )

    def missing(self, child: str, start: str, end: str | None = None, *, kind: str = "M") -> None:
        self.store.query(
            "INSERT INTO missing VALUES ($la, $child, $kind, $start, $end, NULL, 1, $row)",
            {
                "la": self.la,
                "child": pseudonym(child),
                "kind": kind,
                "start": d(start),
                "end": d(end) if end else None,
                "row": self._next(self.la),
            },
        )

    def compute(self, measure: str, period: str, *, to_date: bool = False) -> tuple[int, int | None, Decimal | None]:
        results = measure_compute(self.store, measure_card(measure), parse_period(period), la=self.la, to_date=to_date)
        assert len(results) == 1
        return results[0].numerator, results[0].denominator, results[0].value


@pytest.fixture(scope="session")
def empty_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store created once for the test worker and left empty: its tables, the population estimates and the kept
    macros and views written (tests/casework/test_load.py and test_shared_tables.py test the making itself)."""
    path = tmp_path_factory.mktemp("empty-store") / "casework.duckdb"
    with CaseworkStore(path) as made:
        made.open(create=True)
    return path


@pytest.fixture
def casebook(store: CaseworkStore, empty_store: Path) -> Casebook:
    """Rows written by hand into a copy of the empty store."""
    shutil.copyfile(empty_store, store.path)
    store.open(create=True)
    return Casebook(store)


class CinCasebook:
    """CIN census records written straight into the store, beside a Casebook's council."""

    def __init__(self, book: Casebook) -> None:
        self.book = book

    def _row(self, table: str, la: str | None = None) -> int:
        return self.book._next(la or self.book.la, table)

    def referral(
        self, child: str, referred: str, closed: str | None = None, *, nfa: bool = False, la: str | None = None
    ) -> None:
        self.book.store.query(
            "INSERT INTO cin_episodes (la, child, referral_date, closure_date, referral_nfa, load_id, source_row) "
            "VALUES ($la, $child, $referred, $closed, $nfa, 1, $row)",
            {"la": la or self.book.la, "child": pseudonym(child), "referred": d(referred),
             "closed": d(closed) if closed else None, "nfa": nfa, "row": self._row("cin_episodes", la)},
        )  # fmt: skip

    def assessment(self, child: str, referred: str, started: str, authorised: str | None) -> None:
        self.book.store.query(
            "INSERT INTO cin_assessments (la, child, referral_date, start_date, authorisation_date, load_id, "
            "source_row) VALUES ($la, $child, $referred, $started, $authorised, 1, $row)",
            {"la": self.book.la, "child": pseudonym(child), "referred": d(referred), "started": d(started),
             "authorised": d(authorised) if authorised else None, "row": self._row("cin_assessments")},
        )  # fmt: skip

    def s47(self, child: str, started: str, conference: str | None) -> None:
        self.book.store.query(
            "INSERT INTO cin_s47 (la, child, referral_date, start_date, icpc_date, icpc_not_required, load_id, "
            "source_row) VALUES ($la, $child, $started, $started, $conference, false, 1, $row)",
            {"la": self.book.la, "child": pseudonym(child), "started": d(started),
             "conference": d(conference) if conference else None, "row": self._row("cin_s47")},
        )  # fmt: skip

    def plan(self, child: str, start: str, end: str | None = None, *, previous: int = 0, la: str | None = None) -> None:
        self.book.store.query(
            "INSERT INTO cp_plans (la, child, referral_date, start_date, end_date, previous_plans, load_id, "
            "source_row) VALUES ($la, $child, $start, $start, $end, $previous, 1, $row)",
            {"la": la or self.book.la, "child": pseudonym(child), "start": d(start), "end": d(end) if end else None,
             "previous": previous, "row": self._row("cp_plans", la)},
        )  # fmt: skip

    def review(self, child: str, plan_start: str, held: str) -> None:
        self.book.store.query(
            "INSERT INTO cp_reviews (la, child, plan_start_date, review_date, load_id, source_row) "
            "VALUES ($la, $child, $start, $held, 1, $row)",
            {
                "la": self.book.la,
                "child": pseudonym(child),
                "start": d(plan_start),
                "held": d(held),
                "row": self._row("cp_reviews"),
            },
        )


@pytest.fixture
def cin(casebook: Casebook) -> CinCasebook:
    return CinCasebook(casebook)
