"""The engine's figures equal a second implementation of every measure, written independently in pandas.

The pandas version (benchmarks/casework_pandas.py) follows the measure cards rule for rule without sharing
code with the SQL, so a disagreement on seeded synthetic returns points at a rule one of them gets wrong.
Both returns are loaded for the synthetic councils (the SSDA903 and the CIN census) and compared measure by
measure and council by council; so are the real-format fixtures.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.casework_pandas import GROUPS, MEASURES, Figures, Returns, engine_catalogue, pandas_catalogue

from oversight.casework.engine import measure_cards
from oversight.casework.pseudonym import DEVELOPMENT_KEY, Pseudonymiser
from oversight.casework.store import CaseworkStore
from oversight.casework.synthetic import synthetic_council, synthetic_returns
from oversight.casework.synthetic_cin import synthetic_cin_census, synthetic_cin_council
from oversight.core.periods import parse_period

from .conftest import CIN, LA, LONGITUDINAL, TEST_KEY

COUNCILS = ("E06000049", "E08000025")  # Cheshire East, Birmingham: councils with ONS estimates, for the rates
YEAR_END = sorted(card.id for card in measure_cards() if card.year_end_only)
ANY_PERIOD = sorted(card.id for card in measure_cards() if not card.year_end_only)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> CaseworkStore:
    folder: Path = tmp_path_factory.mktemp("pandas-agreement")
    pseudonymiser = Pseudonymiser(DEVELOPMENT_KEY.encode(), is_development_key=True)
    store = CaseworkStore(folder / "casework.duckdb")
    store.open(create=True)
    for seed, code in zip((7, 11), COUNCILS, strict=True):
        council = synthetic_council(
            code, seed=seed, first_year_ending=2017, last_year_ending=2020, starts_per_year=120, adoptions=True
        )
        cin = synthetic_cin_council(
            code, seed=seed, first_year_ending=2017, last_year_ending=2020, referrals_per_year=150
        )
        paths = [*synthetic_returns(council, folder / code), *synthetic_cin_census(cin, folder / "cin")]
        result = store.load(paths, pseudonymiser=pseudonymiser, la=code)
        assert result.ok, result.issues[:3]
    return store


def both(store: CaseworkStore, period: str, names: list[str]) -> tuple[dict[str, Figures], dict[str, Figures]]:
    window = parse_period(period)
    return engine_catalogue(store, period, names), pandas_catalogue(
        Returns.from_store(store), window.start, window.end, names
    )


def test_the_pandas_version_covers_the_whole_catalogue_in_four_groups() -> None:
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
    for name in ("cla_count_at_end", "cin_referrals", "cp_count_at_end", "cin_count_at_end"):
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
