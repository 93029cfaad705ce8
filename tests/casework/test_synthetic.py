"""The synthetic generator: the same seed gives the same files, and the engine counts what it generated."""

import math
from datetime import date
from pathlib import Path

from oversight.casework.engine import measure_card, measure_compute
from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.store import CaseworkStore
from oversight.casework.synthetic import (
    synthetic_council,
    synthetic_postcode_area,
    synthetic_postcodes,
    synthetic_returns,
)
from oversight.core.periods import parse_period

CODE = "E06000049"


def _files(folder: Path, seed: int) -> dict[str, bytes]:
    council = synthetic_council(CODE, seed=seed, first_year_ending=2017, last_year_ending=2018, starts_per_year=60)
    return {path.name: path.read_bytes() for path in synthetic_returns(council, folder)}


def test_the_same_seed_gives_the_same_files_and_another_seed_does_not(tmp_path: Path) -> None:
    first, second = _files(tmp_path / "a", 7), _files(tmp_path / "b", 7)
    assert first == second
    assert sorted(first) == [
        f"{year}-{table}.csv"
        for year in (2016, 2017)
        for table in sorted(["episodes", "header", "missing", "oc2", "reviews"])
    ]
    assert _files(tmp_path / "c", 8) != first


def test_the_engine_counts_the_children_the_generator_put_in_care(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    council = synthetic_council(CODE, seed=3, first_year_ending=2017, last_year_ending=2018, starts_per_year=80)
    result = store.load(list(synthetic_returns(council, tmp_path)), pseudonymiser=pseudonymiser, la=CODE)
    assert result.ok, result.issues
    assert result.quality == {}
    for year in (2017, 2018):
        computed = {
            measure: measure_compute(store, measure_card(measure), parse_period(f"{year - 1}-{year % 100:02d}"))[
                0
            ].numerator
            for measure in ("cla_count_at_end", "cla_starts", "cla_ceases")
        }
        assert computed == council.truth(year)
        assert computed["cla_count_at_end"] > 50


def test_with_adoptions_young_leavers_are_adopted_and_the_scorecard_counts_them(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    council = synthetic_council(
        CODE, seed=5, first_year_ending=2017, last_year_ending=2019, starts_per_year=80, adoptions=True
    )
    paths = list(synthetic_returns(council, tmp_path))
    assert sorted({path.name.split("-", 1)[1] for path in paths}) == [
        "ad1.csv", "episodes.csv", "header.csv", "missing.csv", "oc2.csv", "reviews.csv"
    ]  # fmt: skip
    result = store.load(paths, pseudonymiser=pseudonymiser, la=CODE)
    assert result.ok, result.issues
    assert result.quality == {}
    adopted = [
        c
        for c in council.children
        if c.episodes[-1].rec in ("E11", "E12")
        and c.episodes[-1].place in ("A3", "A4", "A5", "A6")
        and c.left is not None
        and date(2016, 4, 1) <= c.left <= date(2019, 3, 31)
    ]
    [a1] = measure_compute(store, measure_card("adoption_a1"), parse_period("2018-19"))
    assert a1.denominator == len(adopted) > 10
    [a10] = measure_compute(store, measure_card("adoption_a10"), parse_period("2018-19"))
    by_foster_carers = [c for c in adopted if c.adoption is not None and c.adoption.by_foster_carers]
    assert by_foster_carers
    assert a10.numerator < a1.numerator  # their wait ends when they began living with their foster carers
    [a2] = measure_compute(store, measure_card("adoption_a2"), parse_period("2018-19"))
    assert a2.denominator == sum(c.adoption is not None for c in adopted)


def test_placements_far_from_home_are_counted_as_the_generator_placed_them(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    council = synthetic_council(CODE, seed=4, first_year_ending=2017, last_year_ending=2018, starts_per_year=80)
    assert synthetic_postcode_area(CODE, seed=4) == council.postcodes
    store.load_postcodes(synthetic_postcodes([council], tmp_path / "postcodes.csv"))
    result = store.load(list(synthetic_returns(council, tmp_path)), pseudonymiser=pseudonymiser, la=CODE)
    assert result.ok, result.issues
    assert result.notices == []
    end = date(2018, 3, 31)
    known = far = 0
    for child in council.children:
        if child.short_breaks or not child.looked_after_on(end):
            continue
        episode = [e for e in child.episodes if e.decom <= end][-1]
        if not child.home or not episode.postcode:
            continue
        (_, home_east, home_north), (district, east, north) = (
            council.postcodes[child.home],
            council.postcodes[episode.postcode],
        )
        miles = round(math.hypot(east - home_east, north - home_north) / 1609.344, 1)
        known += 1
        far += miles > 20 and district != CODE
    [computed] = measure_compute(store, measure_card("cla_placed_over_20_miles"), parse_period("2017-18"))
    assert (computed.numerator, computed.denominator) == (far, known)
    assert 0 < far < known
