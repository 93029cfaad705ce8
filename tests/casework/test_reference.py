"""Reference data in the store: councils' codes and the ONS child population behind rates per 10,000."""

from __future__ import annotations

from datetime import date

from oversight.casework.reference import la_code, la_label, population_rows
from oversight.casework.store import CaseworkStore


def test_a_council_number_becomes_its_ons_code() -> None:
    assert la_code("895") == "E06000049"  # Cheshire East
    assert la_code("201") == "E09000001"  # City of London
    assert la_code("e06000049") == "E06000049"
    assert la_code("975") is None
    # Councils reorganised since 2019 have the code of the latest estimate that lists them.
    assert la_code("940") == "E06000061"  # North Northamptonshire


def test_a_council_is_named_as_a_reader_knows_it_and_an_unknown_code_is_kept() -> None:
    assert la_label("E06000049") == "Cheshire East (E06000049)"
    assert la_label("E09000028") == "Southwark (E09000028)"
    assert la_label("Z99000001") == "Z99000001"  # the demo's invented council


def test_the_store_holds_the_ons_estimates_and_picks_the_one_dfe_divides_by(store: CaseworkStore) -> None:
    store.open(create=True)
    assert store.query("SELECT count(*) FROM population") == [(len(population_rows()),)]
    assert store.query("SELECT population_0_17 FROM population WHERE la = 'E06000049' AND mid_year = 2023") == [
        (81832,)
    ]
    picked = store.query(
        "SELECT child_population('E06000049', $a), child_population('E06000049', $b), "
        "child_population('E06000049', $c), child_population('E06000049', $d)",
        {"a": date(2024, 3, 31), "b": date(2024, 4, 1), "c": date(2031, 3, 31), "d": date(2012, 3, 31)},
    )
    # 2023-24 divides by mid-2023 (81,832); from 1 April 2024, 2024-25 by mid-2024 (83,041); after the last
    # estimate, the latest; before the first, none.
    assert picked == [(81832, 83041, 83041, None)]
    store.close()
    with CaseworkStore(store.path) as again:  # reopening does not load the estimates twice
        assert again.query("SELECT count(*) FROM population") == [(len(population_rows()),)]
