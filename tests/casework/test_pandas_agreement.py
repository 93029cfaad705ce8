"""The engine's figures equal a second implementation of every measure, written independently in pandas.

The pandas version (tests/casework/pandas_reference.py) follows the measure cards rule for rule without sharing
code with the SQL, so a disagreement on seeded synthetic returns points at a rule one of them gets wrong.
Both returns are loaded for the synthetic councils (the SSDA903 and the CIN census) and compared measure by
measure and council by council; so are the real-format fixtures.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from oversight.casework.engine import measure_cards
from oversight.casework.pseudonym import DEVELOPMENT_KEY, Pseudonymiser
from oversight.casework.store import CaseworkStore
from oversight.casework.synthetic import synthetic_council, synthetic_postcodes, synthetic_returns
from oversight.casework.synthetic_cin import synthetic_cin_census, synthetic_cin_council
from oversight.core.periods import parse_period
from oversight.core.workdays import bank_holidays
from tests.casework.pandas_reference import GROUPS, MEASURES, Figures, Returns, engine_catalogue, pandas_catalogue

from .conftest import CIN, LA, LONGITUDINAL, TEST_KEY, workforce_censuses

COUNCILS = ("E06000049", "E08000025")  # Cheshire East, Birmingham: councils with ONS estimates, for the rates
YEAR_END = sorted(card.id for card in measure_cards() if card.year_end_only)
ANY_PERIOD = sorted(card.id for card in measure_cards() if not card.year_end_only)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> CaseworkStore:
    folder: Path = tmp_path_factory.mktemp("pandas-agreement")
    pseudonymiser = Pseudonymiser(DEVELOPMENT_KEY.encode(), is_development_key=True)
    store = CaseworkStore(folder / "casework.duckdb")
    store.open(create=True)
    councils = [
        synthetic_council(
            code, seed=seed, first_year_ending=2017, last_year_ending=2020, starts_per_year=120, adoptions=True
        )
        for seed, code in zip((7, 11), COUNCILS, strict=True)
    ]
    store.load_postcodes(synthetic_postcodes(councils, folder / "postcodes.csv"))
    for seed, code, council in zip((7, 11), COUNCILS, councils, strict=True):
        cin = synthetic_cin_council(
            code, seed=seed, first_year_ending=2017, last_year_ending=2020, referrals_per_year=150
        )
        paths = [
            *synthetic_returns(council, folder / code),
            *synthetic_cin_census(cin, folder / "cin"),
            *workforce_censuses(folder / code / "workforce", range(2018, 2020)),
        ]
        result = store.load(paths, pseudonymiser=pseudonymiser, la=code)
        assert result.ok, result.issues[:3]
    return store


def both(store: CaseworkStore, period: str, names: list[str]) -> tuple[dict[str, Figures], dict[str, Figures]]:
    window = parse_period(period)
    return engine_catalogue(store, period, names), pandas_catalogue(
        Returns.from_store(store), window.start, window.end, names
    )


def test_the_pandas_version_covers_the_whole_catalogue_in_five_groups() -> None:
    assert set(MEASURES) == {card.id for card in measure_cards()}
    assert sum(len(group) for group in GROUPS.values()) == len(MEASURES)


@pytest.mark.parametrize("period", ["2018-19", "2019-20"])
def test_every_measure_agrees_for_a_year(store: CaseworkStore, period: str) -> None:
    names = sorted(MEASURES)
    engine, frames = both(store, period, names)
    for name in names:
        assert frames[name] == engine[name], name
        assert set(engine[name]) == set(COUNCILS), name
    # the figures are not trivially empty: every group has something counted in both councils
    for name in (
        "cla_count_at_end",
        "cin_referrals",
        "cp_count_at_end",
        "cin_count_at_end",
        "cla_placed_over_20_miles",
    ):
        assert all(numerator > 0 for numerator, _ in engine[name].values()), name
    for name in (
        "cla_reviews_on_time",
        "cin_assessments_45_days",
        "cin_icpc_15_days",
        "cin_rereferrals",
        "cp_plans_2_years_ended",
        "cp_plans_second_or_subsequent",
        "cp_reviews_on_time",
    ):
        assert all(denominator for _, denominator in engine[name].values()), name
    assert all(denominator and denominator > 10_000 for _, denominator in engine["cin_rate_at_end"].values())


@pytest.mark.parametrize("period", ["2019-20-Q2", "2019-20-Q3"])
def test_quarterly_measures_agree(store: CaseworkStore, period: str) -> None:
    engine, frames = both(store, period, ANY_PERIOD)
    for name in ANY_PERIOD:
        assert frames[name] == engine[name], name


@pytest.fixture(scope="module")
def real_format_store(tmp_path_factory: pytest.TempPathFactory) -> CaseworkStore:
    """Five years of SSDA903 returns in the real file format, with care leavers, adoptions and data-quality
    faults in them, and a CIN census in the real XML format for the same council."""
    store = CaseworkStore(tmp_path_factory.mktemp("pandas-agreement-903") / "casework.duckdb")
    store.open(create=True)
    pseudonymiser = Pseudonymiser(TEST_KEY)
    result = store.load(sorted(LONGITUDINAL.glob("*.csv")), pseudonymiser=pseudonymiser, la=LA)
    assert result.ok, result.issues[:3]
    result = store.load([CIN / "d2i_fake_CIN_data_332children.xml"], pseudonymiser=pseudonymiser, la=LA)
    assert result.ok, result.issues[:3]
    censuses = workforce_censuses(store.path.parent / "workforce", range(2018, 2021))
    result = store.load(censuses, pseudonymiser=pseudonymiser, la=LA)
    assert result.ok, result.issues[:3]
    return store


@pytest.mark.parametrize("period", ["2018-19", "2019-20", "2020-21"])
def test_every_measure_agrees_on_the_real_format_returns(real_format_store: CaseworkStore, period: str) -> None:
    names = sorted(MEASURES)
    engine, frames = both(real_format_store, period, names)
    for name in names:
        assert frames[name] == engine[name], name
        assert set(engine[name]) == {LA}, name
    assert engine["care_leavers_eet_17_18"][LA][1], "care leavers aged 17-18 are in these returns"
    assert engine["adoption_a1"][LA] == (869, 2), "two children adopted in the three years, 869 days' wait in all"
    assert engine["cin_referrals"][LA][0] > 0, "the census has referrals in the year"


@pytest.fixture(scope="module")
def census_samples_store(tmp_path_factory: pytest.TempPathFactory) -> CaseworkStore:
    """DfE's example child in the CIN census samples (council 201, the City of London), in every vintage of the
    XML, with the samples' deliberate faults: repeated plans, dates after the census, an assessment authorised
    before it started."""
    store = CaseworkStore(tmp_path_factory.mktemp("pandas-agreement-cin") / "casework.duckdb")
    store.open(create=True)
    pseudonymiser = Pseudonymiser(TEST_KEY)
    for path in sorted(set(CIN.glob("*.xml")) - {CIN / "d2i_fake_CIN_data_332children.xml"}):
        result = store.load([path], pseudonymiser=pseudonymiser)
        assert result.ok, result.issues[:3]
    return store


@pytest.mark.parametrize("period", ["2021-22", "2022-23", "2023-24"])
def test_the_cin_measures_agree_on_the_census_samples(census_samples_store: CaseworkStore, period: str) -> None:
    names = [measure.__name__ for measure in GROUPS["CIN/CP"]] + ["cin_rate_at_end", "cp_rate_at_end"]
    engine, frames = both(census_samples_store, period, names)
    for name in names:
        assert frames[name] == engine[name], name
        assert set(engine[name]) == {"E09000001"}, name
    assert sum(numerator for figures in engine.values() for numerator, _ in figures.values()) > 0


EDGE_DAYS = (
    date(2023, 3, 31),
    date(2023, 4, 1),
    date(2024, 2, 29),
    date(2024, 3, 31),
    date(2024, 4, 1),
    date(2023, 12, 25),
)
SPANS = (14, 15, 20, 21, 45, 63, 64, 65, 91, 92, 182, 183, 729, 730, 731)  # days either side of the rules' limits


class EdgeRecords:
    """Seeded records written straight into the store's tables, crowded onto the days where rules turn: year and
    quarter ends, 29 February, bank holidays, spans a day either side of each limit, events on the day they
    started or before it, overlapping episodes and blank codes and flags."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.rows: dict[str, list[dict[str, object]]] = {}
        self.holidays = [day for year in (2022, 2023, 2024) for day in bank_holidays(year)]

    def day(self) -> date:
        draw = self.rng.random()
        if draw < 0.3:
            return self.rng.choice(EDGE_DAYS) + timedelta(days=self.rng.randint(-3, 3))
        if draw < 0.4:
            return self.rng.choice(self.holidays) + timedelta(days=self.rng.randint(-2, 2))
        return date(2020, 1, 1) + timedelta(days=self.rng.randrange(5 * 365))

    def after(self, day: date, *, soon: bool = False) -> date:
        draw = self.rng.random()
        if draw < 0.1:
            return day
        if draw < 0.15:
            return day - timedelta(days=self.rng.randint(1, 10))  # before it started: a data-quality fault
        if draw < 0.3:
            return day + timedelta(days=self.rng.choice(SPANS))
        return day + timedelta(days=self.rng.randint(1, 60 if soon else 900))

    def maybe(self, value: date, chance: float) -> date | None:
        return value if self.rng.random() < chance else None

    def add(self, table: str, **row: object) -> None:
        self.rows.setdefault(table, []).append(row)

    def child(self, la: str, name: str) -> None:
        rng = self.rng
        child = str(uuid.uuid5(uuid.NAMESPACE_URL, f"oversight-edge-child:{name}"))  # a pseudonym, as loaded
        self.add("children", la=la, child=child, dob=self.day() - timedelta(days=rng.randint(0, 20 * 365)))
        start, seen = self.day(), set()
        for _ in range(rng.randint(0, 5)):
            seen.add(start)
            ended = self.maybe(self.after(start), 0.8)
            self.add(
                "episodes", la=la, child=child, decom=start, rne=rng.choice("SLPTBU"),
                ls=rng.choice(["C2", "E1", "D1", "V3", "V4", "J2", None]),
                place=rng.choice(["U1", "U3", "A3", "A4", "A5", "A6", "T0", "T1", "K2", "R1", None]),
                place_provider=rng.choice(["PR1", "PR2", None]), dec=ended, urn=rng.choice(["1", "2", None]),
                rec=rng.choice(["E11", "E12", "E4A", "X1", "E13"]) if ended else None,
                placement_miles=rng.choice([None, 0.0, 3.4, 19.9, 20.0, 20.1, 64.2]),
                placed_outside_la=rng.choice([True, True, False, None]),
            )  # fmt: skip
            if ended is None:
                break
            start = ended if rng.random() < 0.8 else ended + timedelta(days=rng.randint(-5, 40))
            if start in seen:
                break
        for _ in range(rng.randint(0, 4)):
            self.add("reviews", la=la, child=child, review=self.day())
        if rng.random() < 0.3:
            self.add(
                "ad1", la=la, child=child, date_int=self.day(), date_match=self.maybe(self.day(), 0.9),
                foster_care=rng.choice([True, False, None]),
            )  # fmt: skip
        for _ in range(rng.randint(0, 2)):
            went = self.day()
            self.add(
                "missing", la=la, child=child, missing=rng.choice("MA"), mis_start=went,
                mis_end=self.maybe(self.after(went, soon=True), 0.8),
            )  # fmt: skip
        for year in (2023, 2024):
            if rng.random() < 0.4:
                self.add(
                    "oc2", la=la, child=child, year_ending=year, health_check=rng.choice([True, False, None]),
                    immunisations=rng.choice([True, False]), teeth_check=rng.choice([True, False, None]),
                )  # fmt: skip
            if rng.random() < 0.2:
                self.add(
                    "oc3", la=la, child=child, year_ending=year, in_touch=rng.choice(["YES", "DIED", "RHOM", None]),
                    activ=rng.choice(["F1", "G4", None]), accom=rng.choice(["B1", "B2", "G", "H", "R1", None]),
                )  # fmt: skip
        self.needs(la, child)

    def needs(self, la: str, child: str) -> None:
        rng = self.rng
        for referred in sorted({self.day() for _ in range(rng.randint(0, 4))}):
            self.add(
                "cin_episodes", la=la, child=child, referral_date=referred,
                closure_date=self.maybe(self.after(referred), 0.7), referral_nfa=rng.choice([True, False, False, None]),
            )  # fmt: skip
            for _ in range(rng.randint(0, 2)):
                started = self.after(referred, soon=True)
                self.add(
                    "cin_assessments", la=la, child=child, referral_date=referred, start_date=started,
                    authorisation_date=self.maybe(self.after(started, soon=True), 0.85),
                )  # fmt: skip
            if rng.random() < 0.5:
                started = self.after(referred, soon=True)
                self.add(
                    "cin_s47", la=la, child=child, referral_date=referred, start_date=started,
                    icpc_date=self.maybe(self.after(started, soon=True), 0.8), icpc_not_required=False,
                )  # fmt: skip
            if rng.random() < 0.5:
                started = self.after(referred, soon=True)
                self.add(
                    "cp_plans", la=la, child=child, referral_date=referred, start_date=started,
                    end_date=self.maybe(self.after(started), 0.6), previous_plans=rng.choice([0, 0, 1, None]),
                )  # fmt: skip
                held = started
                for _ in range(rng.randint(0, 5)):
                    held = self.after(held)
                    self.add("cp_reviews", la=la, child=child, plan_start_date=started, review_date=held)

    def write(self, store: CaseworkStore, councils: tuple[str, ...]) -> None:
        for table, rows in self.rows.items():
            frame = pd.DataFrame(rows).assign(load_id=1, source_row=range(1, len(rows) + 1))
            store.connection.register("edge_rows", frame)
            store.connection.execute(f"INSERT INTO {table} BY NAME SELECT * FROM edge_rows")
            store.connection.unregister("edge_rows")
            for la in councils:  # a load of every table for each council, reaching past any period under test
                store.query(
                    "INSERT INTO loads (file_name, sha256, table_name, la, year_ending, rows, loaded_at, loaded_by) "
                    "VALUES ('edge records', 'edge', $table, $la, 2040, 0, now(), 'test')",
                    {"table": table, "la": la},
                )


@pytest.mark.parametrize("seed", [1, 2])
def test_every_measure_agrees_on_records_crowded_onto_the_edges_of_its_rules(tmp_path: Path, seed: int) -> None:
    edge_store = CaseworkStore(tmp_path / "casework.duckdb")
    edge_store.open(create=True)
    records = EdgeRecords(seed)
    for la in COUNCILS:
        for n in range(300):
            records.child(la, f"{la[-3:]}-{n}")
    records.write(edge_store, COUNCILS)
    for la in COUNCILS:
        censuses = workforce_censuses(tmp_path / la, range(2022, 2024))
        assert edge_store.load(censuses, pseudonymiser=Pseudonymiser(TEST_KEY), la=la).ok
    for period, names in (("2023-24", sorted(MEASURES)), ("2023-24-Q3", ANY_PERIOD), ("2022-23-Q4", ANY_PERIOD)):
        engine, frames = both(edge_store, period, names)
        for name in names:
            assert frames[name] == engine[name], (period, name)
            assert set(engine[name]) == set(COUNCILS), name
        if period == "2023-24":  # every rule had records to judge in both councils
            for name in (
                "adoption_a1",
                "cin_icpc_15_days",
                "cin_assessments_45_days",
                "cp_reviews_on_time",
                "cla_placed_over_20_miles",
            ):
                assert all(denominator for _, denominator in engine[name].values()), name
    edge_store.close()
