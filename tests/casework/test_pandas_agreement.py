"""The engine's figures equal a second implementation of every measure, written independently in pandas.

The pandas version (benchmarks/casework_pandas.py) follows the measure cards rule for rule without sharing
code with the SQL, so a disagreement on seeded synthetic returns points at a rule one of them gets wrong.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.casework_pandas import MEASURES, Returns, engine_catalogue, pandas_catalogue

from oversight.casework.engine import measure_cards
from oversight.casework.pseudonym import DEVELOPMENT_KEY, Pseudonymiser
from oversight.casework.store import CaseworkStore
from oversight.casework.synthetic import synthetic_council, synthetic_returns
from oversight.core.periods import parse_period

from .conftest import LA, LONGITUDINAL, TEST_KEY


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> CaseworkStore:
    folder: Path = tmp_path_factory.mktemp("pandas-agreement")
    pseudonymiser = Pseudonymiser(DEVELOPMENT_KEY.encode(), is_development_key=True)
    store = CaseworkStore(folder / "casework.duckdb")
    store.open(create=True)
    for n, seed in enumerate((7, 11)):
        code = f"E06{900000 + n:06d}"
        council = synthetic_council(code, seed=seed, first_year_ending=2017, last_year_ending=2020, starts_per_year=120)
        result = store.load(list(synthetic_returns(council, folder / code)), pseudonymiser=pseudonymiser, la=code)
        assert result.ok, result.issues[:3]
    return store


def test_the_pandas_version_covers_every_catalogue_measure_it_names() -> None:
    assert set(MEASURES) <= {card.id for card in measure_cards()}


@pytest.mark.parametrize("period", ["2018-19", "2019-20"])
def test_every_measure_agrees_for_a_year(store: CaseworkStore, period: str) -> None:
    window = parse_period(period)
    names = sorted(MEASURES)
    engine = engine_catalogue(store, period, names)
    frames = pandas_catalogue(Returns.from_store(store), window.start, window.end)
    assert {name: frames[name] for name in names} == engine
    # the figures are not trivially empty: both councils have children looked after and reviews judged
    assert all(numerator > 0 for numerator, _ in engine["cla_count_at_end"].values())
    assert all(denominator for _, denominator in engine["cla_reviews_on_time"].values())


@pytest.mark.parametrize("period", ["2019-20-Q2", "2019-20-Q3"])
def test_quarterly_measures_agree(store: CaseworkStore, period: str) -> None:
    window = parse_period(period)
    names = sorted(card.id for card in measure_cards() if card.id in MEASURES and not card.year_end_only)
    engine = engine_catalogue(store, period, names)
    frames = pandas_catalogue(Returns.from_store(store), window.start, window.end)
    assert {name: frames[name] for name in names} == engine


@pytest.fixture(scope="module")
def real_format_store(tmp_path_factory: pytest.TempPathFactory) -> CaseworkStore:
    """Five years of returns in the real file format, with care leavers and data-quality faults in them."""
    store = CaseworkStore(tmp_path_factory.mktemp("pandas-agreement-903") / "casework.duckdb")
    store.open(create=True)
    pseudonymiser = Pseudonymiser(TEST_KEY)
    result = store.load(sorted(LONGITUDINAL.glob("*.csv")), pseudonymiser=pseudonymiser, la=LA)
    assert result.ok, result.issues[:3]
    return store


@pytest.mark.parametrize("period", ["2018-19", "2019-20", "2020-21"])
def test_every_measure_agrees_on_the_longitudinal_returns(real_format_store: CaseworkStore, period: str) -> None:
    window = parse_period(period)
    names = sorted(MEASURES)
    engine = engine_catalogue(real_format_store, period, names)
    frames = pandas_catalogue(Returns.from_store(real_format_store), window.start, window.end)
    assert {name: frames[name] for name in names} == engine
    assert engine["care_leavers_eet_17_18"][LA][1], "care leavers aged 17-18 are in these returns"
