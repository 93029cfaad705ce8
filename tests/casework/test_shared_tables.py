"""Shared derived tables: a run of many measures builds the episode spells and reads the store's summaries once,
gives the figures each measure gives on its own, sees every later load, and leaves nothing in the store file."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from oversight.casework.engine import (
    MeasureResult,
    catalogue_compute,
    measure_card,
    measure_cards,
    measure_compute,
    measure_records,
    periods_compute,
)
from oversight.casework.manifest import shared_manifest, shared_objects
from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.store import SHARED_TABLES, CaseworkStore, derived_definitions
from oversight.casework.synthetic import synthetic_council, synthetic_returns
from oversight.casework.synthetic_cin import synthetic_cin_census, synthetic_cin_council
from oversight.core.periods import parse_period

from .conftest import TEST_KEY, Casebook, workforce_censuses

COUNCILS = ("E06000049", "E09000028")
PERIOD = parse_period("2023-24")
# Measures whose records come from the spells (placements, carers, periods of care) or the working days.
DRILLED = (
    "cla_three_plus_placements",
    "cla_long_term_stability",
    "cla_reviews_on_time",
    "oc2_health_assessments",
    "cla_ceases",
)


def load(store: CaseworkStore, folder: Path, code: str, *, cin: bool = True) -> None:
    pseudonymiser = Pseudonymiser(TEST_KEY)
    council = synthetic_council(code, seed=5, first_year_ending=2022, last_year_ending=2024, starts_per_year=60)
    result = store.load(list(synthetic_returns(council, folder / "903")), pseudonymiser=pseudonymiser, la=code)
    assert result.ok, result.issues[:3]
    if cin:
        census = synthetic_cin_council(
            code, seed=5, first_year_ending=2023, last_year_ending=2024, referrals_per_year=60
        )
        result = store.load(list(synthetic_cin_census(census, folder / "cin")), pseudonymiser=pseudonymiser)
        assert result.ok, result.issues[:3]
        censuses = workforce_censuses(folder / "workforce" / code, range(2022, 2024))
        result = store.load(censuses, pseudonymiser=pseudonymiser, la=code)
        assert result.ok, result.issues[:3]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("shared")
    with CaseworkStore(folder / "casework.duckdb") as store:
        for code in COUNCILS:
            load(store, folder, code)
    return folder / "casework.duckdb"


def figures(results: list[MeasureResult]) -> list[tuple[Any, ...]]:
    return [
        (r.card.id, r.la, r.numerator, r.denominator, r.value, r.inputs, r.denominator_basis, r.no_value_reason)
        for r in results
    ]


def test_a_catalogue_run_gives_the_figures_of_each_measure_computed_alone(loaded: Path) -> None:
    with CaseworkStore(loaded, read_only=True) as store:
        together = [figures(measure_compute(store, card, PERIOD)) for card in measure_cards()]
    with CaseworkStore(loaded, read_only=True, share=False) as store:  # shares nothing: each measure alone
        alone = [figures(measure_compute(store, card, PERIOD)) for card in measure_cards()]
    assert together == alone
    with CaseworkStore(loaded, read_only=True) as store:
        run = [(card.id, figures(results)) for card, results in catalogue_compute(store, measure_cards(), PERIOD)]
    assert run == [(card.id, rows) for card, rows in zip(measure_cards(), alone, strict=True)]
    by_measure = {rows[0][0]: rows for rows in together if rows}
    assert len(by_measure) == len(measure_cards())  # every measure has figures for both councils
    for measure in ("cla_count_at_end", "cla_three_plus_placements", "cla_reviews_on_time", "cin_count_at_end"):
        assert [row[1] for row in by_measure[measure]] == list(COUNCILS)
        assert all(row[2] > 0 for row in by_measure[measure]), measure


def test_a_catalogue_run_gives_the_same_results_whatever_the_number_of_threads(
    loaded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = {}
    for threads in ("4", "1"):  # the suite's own is one (tests/conftest.py); DuckDB's is one for each core
        monkeypatch.setenv("OVERSIGHT_CASEWORK_THREADS", threads)
        with CaseworkStore(loaded, read_only=True) as store:
            assert store.connection.execute("SELECT current_setting('threads')").fetchone() == (int(threads),)
            runs[threads] = [(card.id, results) for card, results in catalogue_compute(store, measure_cards(), PERIOD)]
    assert runs["4"] == runs["1"]  # every field: figures, windows, lineage, breakdowns
    assert sum(len(results) for _, results in runs["1"]) >= 2 * len(measure_cards()) - 2


@pytest.mark.parametrize("la", [None, COUNCILS[1]])
def test_a_run_over_many_periods_gives_the_results_of_each_period_computed_alone(loaded: Path, la: str | None) -> None:
    periods = [parse_period(code) for code in ("2022-23-Q4", "2023-24", "2023-24-Q1", "R12-2023-M09", "2023-24-Q4")]
    wanted = [(card, [p for p in periods if not card.year_end_only or p.end.month == 3]) for card in measure_cards()]
    with CaseworkStore(loaded, read_only=True) as store:
        counted: list[int] = []
        together = periods_compute(store, wanted, la=la, progress=lambda: counted.append(1))
    with CaseworkStore(loaded, read_only=True, share=False) as store:
        alone = {
            (card.id, period.code): measure_compute(store, card, period, la=la)
            for card, wanted_periods in wanted
            for period in wanted_periods
        }
    assert len(counted) == len(wanted)
    assert together == alone  # every field: figures, windows, lineage, breakdowns
    results = [result for found in together.values() for result in found]
    assert {result.la for result in results} == (set(COUNCILS) if la is None else {la})
    assert {result.period.code for result in results} == {period.code for period in periods}
    assert any(result.breakdowns for result in results)
    counts = {(r.period.code, r.la): r.numerator for r in together[("cla_count_at_end", "2023-24-Q1")]}
    assert all(number > 0 for number in counts.values())


def test_one_council_after_another_and_then_all_agree_with_the_views_derived_each_time(loaded: Path) -> None:
    order: list[str | None] = [COUNCILS[0], COUNCILS[1], None, COUNCILS[0]]
    with CaseworkStore(loaded, read_only=True) as shared:
        reused = [figures(measure_compute(shared, measure_card(m), PERIOD, la=la)) for la in order for m in DRILLED]
    with CaseworkStore(loaded, read_only=True, share=False) as derived:
        each = [figures(measure_compute(derived, measure_card(m), PERIOD, la=la)) for la in order for m in DRILLED]
    assert reused == each
    assert [len(rows) for rows in reused] == [1] * 10 + [2] * 5 + [1] * 5


def test_the_drill_through_after_a_catalogue_run_shows_the_records_it_shows_alone(loaded: Path) -> None:
    with CaseworkStore(loaded, read_only=True) as store:
        for card in measure_cards():
            measure_compute(store, card, PERIOD)
        after_run = [measure_records(store, measure_card(m), PERIOD, la=COUNCILS[1]) for m in DRILLED]
    with CaseworkStore(loaded, read_only=True, share=False) as store:
        alone = [measure_records(store, measure_card(m), PERIOD, la=COUNCILS[1]) for m in DRILLED]
    assert after_run == alone
    assert all(page.total > 0 and len(page.records) == page.total for page in after_run)


def test_a_load_after_a_run_is_seen_by_the_next_run(tmp_path: Path) -> None:
    card = measure_card("cla_three_plus_placements")
    with CaseworkStore(tmp_path / "casework.duckdb") as store:
        load(store, tmp_path / "first", COUNCILS[0], cin=False)
        first = measure_compute(store, card, PERIOD)
        load(store, tmp_path / "second", COUNCILS[1], cin=False)
        second = measure_compute(store, card, PERIOD)
        records = measure_records(store, card, PERIOD, la=COUNCILS[1])
    with CaseworkStore(tmp_path / "casework.duckdb", read_only=True, share=False) as store:
        assert figures(second) == figures(measure_compute(store, card, PERIOD))
        assert records == measure_records(store, card, PERIOD, la=COUNCILS[1])
    assert [r.la for r in first] == [COUNCILS[0]]
    assert [r.la for r in second] == list(COUNCILS)
    assert figures(second)[0] == figures(first)[0]
    assert second[1].denominator
    assert records.total == second[1].denominator


def test_rows_added_by_hand_are_seen_by_the_next_run(casebook: Casebook) -> None:
    casebook.episode("first", "2011-05-01", rne="S")
    assert casebook.compute("cla_count_at_end", "2011-12") == (1, None, 1)
    assert casebook.compute("cla_three_plus_placements", "2011-12")[:2] == (0, 1)
    casebook.episode("second", "2011-05-01", "2011-07-01", rne="S", rec="X1")
    casebook.episode("second", "2011-07-01", "2011-09-01", rne="P", place="U2", rec="X1")
    casebook.episode("second", "2011-09-01", rne="P", place="U3")
    assert casebook.compute("cla_count_at_end", "2011-12") == (2, None, 2)
    assert casebook.compute("cla_three_plus_placements", "2011-12")[:2] == (1, 2)


def test_shared_tables_live_in_the_workspace_and_never_in_the_store(loaded: Path, tmp_path: Path) -> None:
    path = tmp_path / "copy.duckdb"
    shutil.copy(loaded, path)
    stored = "SELECT table_name FROM duckdb_tables() WHERE database_name = 'store' ORDER BY table_name"
    with CaseworkStore(path) as store:
        before = store.query(stored)
        measure_compute(store, measure_card("cla_count_at_end"), PERIOD)
        assert store.query(stored) == before
        assert store.query("SELECT table_name FROM duckdb_tables() WHERE database_name = 'temp'") == [
            ("shared_episode_spells",),
        ]
        # Outside a computation the view derives the spells from the episodes again.
        [(view,)] = store.query(
            "SELECT sql FROM duckdb_views() WHERE view_name = 'episode_spells' AND database_name = 'temp'"
        )
        assert "episode_spells_rule" in view
        assert store.query("SELECT count(*) FROM episode_spells") == store.query("SELECT count(*) FROM episodes")
    with CaseworkStore(path, read_only=True) as store:
        assert store.query(stored) == before
        assert all(not name.startswith("shared_") for (name,) in before)


def test_every_measure_reading_the_spells_lists_the_tables_they_are_built_from() -> None:
    # The shared views and macros that read a shared view, directly or through another macro.
    for shared, (rule, reads) in SHARED_TABLES.items():
        readers = {shared} | {name for name in shared_objects() if shared in shared_manifest(name).shared}
        assert {"looked_after_on", "oc2_cohort", "adoptions"} <= readers
        assert shared_manifest(rule).tables == reads  # the store's list of what the rule reads is the rule's own
        for card in measure_cards():
            if readers & set(card.manifest.shared):
                assert set(reads) <= set(card.source_tables), card.id


# The working days and the shared macros and views kept in the store file --------------------------------------------

KEPT = (
    "SELECT 'table', table_name FROM duckdb_tables() WHERE database_name = $db AND table_name = 'working_days' "
    "UNION ALL SELECT 'view', view_name FROM duckdb_views() WHERE database_name = $db AND NOT internal "
    "UNION ALL SELECT DISTINCT 'macro', function_name FROM duckdb_functions() "
    "WHERE database_name = $db AND function_type IN ('macro', 'table_macro') ORDER BY ALL"
)
STAMP = "SELECT value FROM meta WHERE name = 'derived_sha256'"


def catalogue_figures(path: Path) -> list[tuple[str, list[tuple[Any, ...]]]]:
    with CaseworkStore(path, read_only=True) as store:
        return [(card.id, figures(results)) for card, results in catalogue_compute(store, measure_cards(), PERIOD)]


def kept(store: CaseworkStore, database: str) -> list[tuple[str, str]]:
    return [(str(kind), str(name)) for kind, name in store.query(KEPT, {"db": database})]


@pytest.fixture(scope="module")
def expected(loaded: Path) -> list[tuple[str, list[tuple[Any, ...]]]]:
    return catalogue_figures(loaded)


def test_a_written_store_keeps_its_working_days_macros_and_views_so_a_reader_creates_none(loaded: Path) -> None:
    with CaseworkStore(loaded, read_only=True) as store:
        store.open()
        assert store.query(STAMP) == [(derived_definitions()[0],)]
        assert kept(store, "temp") == []
        stored = kept(store, "store")
        assert ("table", "working_days") in stored
        assert {("view", "episode_spells"), ("macro", "working_days_between"), ("macro", "looked_after_on")} <= set(
            stored
        )
        assert {("macro", "children_in_need_on"), ("macro", "workforce_workers")} <= set(stored)
        # 2011-04-01 to 2011-05-10: Easter (22 and 25 April), the royal wedding (29 April) and May Day (2 May) are out.
        assert store.query("SELECT working_days_between(DATE '2011-04-01', DATE '2011-05-10')") == [(23,)]


def as_an_earlier_version_wrote_it(loaded: Path, tmp_path: Path, stamp: str | None) -> Path:
    """A copy of the store without its stamp (as versions before the stamp wrote it) or with another one, and then
    with an obsolete macro kept and a shared one defined otherwise."""
    path = tmp_path / "earlier.duckdb"
    shutil.copy(loaded, path)
    with CaseworkStore(path) as store:
        store.open()
        if stamp is None:
            for kind, name in kept(store, "store"):
                store.query(f"DROP {kind.upper()} store.main.{name}")
            store.query("DELETE FROM meta WHERE name = 'derived_sha256'")
        else:
            store.query("UPDATE meta SET value = $stamp WHERE name = 'derived_sha256'", {"stamp": stamp})
            store.query("CREATE OR REPLACE MACRO store.main.age_on(birth_date, on_day) AS -1")
            store.query("CREATE MACRO store.main.retired_rule(day) AS day")
    return path


@pytest.mark.parametrize("stamp", [None, "an earlier definition"])
def test_a_store_written_by_an_earlier_version_is_read_as_it_stands_and_brought_up_to_date_when_written(
    loaded: Path, tmp_path: Path, expected: list[tuple[str, list[tuple[Any, ...]]]], stamp: str | None
) -> None:
    path = as_an_earlier_version_wrote_it(loaded, tmp_path, stamp)
    # Read, it is given the working days, macros and views in the workspace, before anything the file holds.
    with CaseworkStore(path, read_only=True) as store:
        store.open()
        assert store.query(STAMP) == ([] if stamp is None else [(stamp,)])
        in_workspace = kept(store, "temp")
        assert ("table", "working_days") in in_workspace
        assert ("macro", "age_on") in in_workspace
        assert ("view", "episode_spells") in in_workspace
        assert store.query("SELECT age_on(DATE '2010-02-28', DATE '2011-02-28')") == [(1,)]
    assert catalogue_figures(path) == expected
    # Opened for writing, it is given them in the file, stamped; an obsolete macro is dropped.
    with CaseworkStore(path) as store:
        store.open()
        assert store.query(STAMP) == [(derived_definitions()[0],)]
    with CaseworkStore(path, read_only=True) as store:
        store.open()
        assert kept(store, "temp") == []
        with CaseworkStore(loaded, read_only=True) as current:
            current.open()
            assert kept(store, "store") == kept(current, "store")
        assert ("macro", "retired_rule") not in kept(store, "store")
        assert store.query("SELECT age_on(DATE '2010-02-28', DATE '2011-02-28')") == [(1,)]
    assert catalogue_figures(path) == expected
