"""The engine: cards, windows, values, the checks that stop a wrong figure, and recording on the scorecard."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from oversight.casework.engine import (
    MeasureRecord,
    MeasureResult,
    card_from_mapping,
    measure_card,
    measure_cards,
    measure_compute,
    measure_records,
    measure_results_record,
    measure_value,
    measure_window,
)
from oversight.casework.issues import CaseworkError
from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.scorecard import casework_observations_record, result_note, run_description
from oversight.casework.store import CaseworkStore, InputFile
from oversight.core.periods import parse_period
from oversight.core.units import Unit
from oversight.performance.models import Change, Indicator, Observation, Priority, Scorecard

from .conftest import D2I, LA, Casebook, named

CARD_FOLDER = Path(__file__).resolve().parents[2] / "src" / "oversight" / "casework" / "measures"


def test_every_card_states_what_the_issue_asks_for() -> None:
    cards = measure_cards()
    assert {card.id for card in cards} >= {
        "cla_count_at_end",
        "cla_starts",
        "cla_ceases",
        "cla_three_plus_placements",
        "cla_long_term_stability",
        "cla_reviews_on_time",
        "oc2_health_assessments",
    }
    for card in cards:
        assert card.definition, card.id
        assert card.numerator, card.id
        assert card.source_tables, card.id
        assert card.exclusions, card.id
        assert (card.denominator is None) == (card.unit is Unit.COUNT), card.id
    assert measure_card("cla_three_plus_placements").legacy_ni == "NI 62"
    assert measure_card("cla_long_term_stability").dfe_measure_id == "LAIT 393"
    assert measure_card("cla_reviews_on_time").working_day_convention == "excluding_start"
    assert [c.id for c in cards if c.rules_unverified] == [c.id for c in cards]  # every card flags its [R] rules


def _card_data(**changes: Any) -> dict[str, Any]:
    data = yaml.safe_load((CARD_FOLDER / "cla_starts.yml").read_text(encoding="utf-8"))
    data.update(changes)
    return {key: value for key, value in data.items() if value != "DROP"}


def test_a_card_with_problems_is_refused_with_every_problem_named() -> None:
    with pytest.raises(CaseworkError) as refused:
        card_from_mapping(_card_data(title="DROP", colour="red", version="one"), "SELECT 1", name="cla_starts")
    assert str(refused.value) == (
        "measure card cla_starts.yml: no 'title'; 'colour' is not a card field; 'version' should be int"
    )
    with pytest.raises(CaseworkError, match="'polarity' is 'up'; use one of higher, lower, neither"):
        card_from_mapping(_card_data(polarity="up"), "SELECT 1", name="cla_starts")
    with pytest.raises(CaseworkError, match="a percentage needs a denominator"):
        card_from_mapping(_card_data(unit="percent"), "SELECT 1", name="cla_starts")
    with pytest.raises(CaseworkError, match="the SQL uses parameters today"):
        card_from_mapping(_card_data(), "SELECT $today -- not $period_end", name="cla_starts")
    with pytest.raises(CaseworkError, match="'id' is 'cla_starts' but the file is other.yml"):
        card_from_mapping(_card_data(), "SELECT 1", name="other")


def test_an_unknown_measure_is_answered_with_the_list() -> None:
    with pytest.raises(
        CaseworkError,
        match="there is no measure .ni62.; the measures are: adoption_a1, adoption_a10, adoption_a2, care_leavers_acc",
    ):
        measure_card("ni62")


def test_values_are_percentages_of_unrounded_counts_rounded_half_up() -> None:
    percent, count = measure_card("cla_missing"), measure_card("cla_starts")
    assert measure_value(percent, 2, 3) == Decimal("66.6667")
    assert measure_value(percent, 1, 8) == Decimal("12.5000")
    assert measure_value(percent, 1, 2_000_000) == Decimal("0.0001")  # 0.00005: half up, not to even
    assert measure_value(percent, 0, 0) is None
    assert measure_value(count, 7, None) == Decimal(7)


def test_year_to_date_runs_from_the_start_of_the_financial_year() -> None:
    assert measure_window(parse_period("2011-12-Q3")) == (date(2011, 10, 1), date(2011, 12, 31))
    assert measure_window(parse_period("2011-12-Q3"), to_date=True) == (date(2011, 4, 1), date(2011, 12, 31))
    assert measure_window(parse_period("R12-2011-M06")) == (date(2010, 7, 1), date(2011, 6, 30))
    assert measure_window(parse_period("AY2011-12")) == (date(2011, 9, 1), date(2012, 8, 31))


def test_year_to_date_counts_the_quarters_so_far(casebook: Casebook) -> None:
    casebook.episode("april", "2011-04-10", rne="S")
    casebook.episode("november", "2011-11-10", rne="S")
    assert casebook.compute("cla_starts", "2011-12-Q3")[0] == 1
    assert casebook.compute("cla_starts", "2011-12-Q3", to_date=True)[0] == 2


def test_a_council_with_nothing_to_count_gets_zeros_not_errors(casebook: Casebook) -> None:
    casebook.episode("left long ago", "2001-01-01", "2002-01-01", rne="S")
    casebook.loaded("cin_children")  # a CIN census with nobody in it
    casebook.loaded("csww_workers")  # and a workforce census
    assert {card.returns for card in measure_cards()} == {("SSDA903",), ("CIN census",), ("workforce census",)}
    for card in measure_cards():
        results = measure_compute(casebook.store, card, parse_period("2011-12"), la=LA)
        assert [(r.la, r.numerator, r.value) for r in results] == [
            (LA, 0, Decimal(0) if card.unit is Unit.COUNT else None)
        ], card.id


def test_each_council_loaded_gets_its_own_figure(casebook: Casebook) -> None:
    casebook.episode("one", "2011-01-01")
    casebook.episode("two", "2011-01-01", la="E06000050")
    casebook.episode("three", "2011-01-01", la="E06000050")
    results = measure_compute(casebook.store, measure_card("cla_count_at_end"), parse_period("2011-12"))
    assert [(r.la, r.numerator) for r in results] == [(LA, 1), ("E06000050", 2)]


def test_a_period_after_the_returns_loaded_is_refused(store: CaseworkStore, pseudonymiser: Pseudonymiser) -> None:
    assert store.load([D2I / "episodes.csv"], pseudonymiser=pseudonymiser, la=LA).ok
    card = measure_card("cla_count_at_end")
    with pytest.raises(CaseworkError) as refused:
        measure_compute(store, card, parse_period("2018-19-Q1"))
    assert str(refused.value) == (
        f"the SSDA903 returns loaded for {LA} run to 31 March 2018; 2018-19-Q1 ends on 30 June 2018: "
        "load the return that covers it"
    )
    with pytest.raises(CaseworkError, match="no returns are loaded for the council 'E06000050'; loaded: E06000049"):
        measure_compute(store, card, parse_period("2017-18"), la="E06000050")


def test_a_result_carries_the_files_it_was_computed_from(store: CaseworkStore, pseudonymiser: Pseudonymiser) -> None:
    assert store.load(
        [D2I / "header.csv", D2I / "episodes.csv", D2I / "oc2.csv"], pseudonymiser=pseudonymiser, la=LA
    ).ok
    [result] = measure_compute(store, measure_card("cla_long_term_stability"), parse_period("2017-18"))
    assert [(i.file_name, i.sha256[:16]) for i in result.inputs] == [
        ("episodes.csv", "38a66aa23848fe2c"),
        ("header.csv", "ebec1f5789e9920c"),
    ]
    run_at = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    [run_id] = measure_results_record(store, [result], run_at=run_at, run_by="analyst")
    assert store.query(
        "SELECT measure, measure_version, period, la, numerator, denominator, len(load_ids) FROM runs"
    ) == [("cla_long_term_stability", 1, "2017-18", LA, result.numerator, result.denominator, 2)]
    assert run_description(result, run_id=run_id, run_at=run_at, run_by="analyst") == (
        "casework run 2026-11-23T10:00:00Z #1 by analyst: episodes.csv 38a66aa23848, header.csv ebec1f5789e9"
    )


def _result(measure: str, *, numerator: int, denominator: int | None, files: int = 2, la: str = LA) -> MeasureResult:
    card = measure_card(measure)
    inputs = tuple(InputFile(n, f"{2017 + n}-episodes.csv", f"{n:064x}") for n in range(files))
    return MeasureResult(
        card=card,
        la=la,
        period=parse_period("2017-18"),
        window_start=date(2017, 4, 1),
        window_end=date(2018, 3, 31),
        numerator=numerator,
        denominator=denominator,
        value=measure_value(card, numerator, denominator),
        inputs=inputs,
    )


def test_the_run_description_fits_the_change_history_and_says_what_it_left_out() -> None:
    run_at = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    text = run_description(
        _result("cla_starts", numerator=1, denominator=None, files=40), run_id=7, run_at=run_at, run_by="a"
    )
    assert len(text) <= 300
    assert text.startswith("casework run 2026-11-23T10:00:00Z #7 by a: 2017-episodes.csv 000000000000, ")
    assert text.endswith(" more files")


@pytest.fixture
def indicators(db: None) -> dict[str, Indicator]:
    scorecard = Scorecard.objects.create(slug="cla", title="Children looked after")
    priority = Priority.objects.create(scorecard=scorecard, code="P1", title="Stability")
    return {
        code: Indicator.objects.create(code=code, priority=priority, title=code, unit=unit, polarity=polarity)
        for code, unit, polarity in [("NI63", "percent", "higher"), ("CLA-COUNT", "count", "neither")]
    }


def test_computed_figures_are_recorded_on_the_scorecard_with_their_lineage(indicators: dict[str, Indicator]) -> None:
    results = [
        _result("cla_long_term_stability", numerator=45, denominator=60),
        _result("cla_count_at_end", numerator=380, denominator=None),
        _result("cla_starts", numerator=12, denominator=None),
    ]
    run_at = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    mapping = {"cla_long_term_stability": "NI63", "cla_count_at_end": "CLA-COUNT"}
    casework_observations_record(results, mapping, run_ids=[1, 2, 3], run_at=run_at, run_by="analyst")
    stability = Observation.objects.get(indicator__code="NI63", period="2017-18")
    assert (stability.value, stability.numerator, stability.denominator) == (
        Decimal("75.0000"),
        Decimal(45),
        Decimal(60),
    )
    assert stability.source == "casework measure cla_long_term_stability v1"
    assert stability.note == (
        "Computed by oversight from the SSDA903 returns for E06000049: 45 of 60 "
        "(1 April 2017 to 31 March 2018; cla_long_term_stability v1; run #1)."
    )
    assert stability.status == Observation.Status.PROVISIONAL
    referrals = result_note(_result("cin_referrals", numerator=240, denominator=None), run_id=4)
    assert referrals.startswith("Computed by oversight from the CIN census returns for E06000049: 240 (")
    count = Observation.objects.get(indicator__code="CLA-COUNT")
    assert (count.value, count.denominator) == (Decimal(380), None)
    change = Change.objects.filter(indicator__code="NI63", field="value").get()
    assert change.via == (
        "casework run 2026-11-23T10:00:00Z #1 by analyst: 2017-episodes.csv 000000000000, "
        "2018-episodes.csv 000000000000"
    )
    assert Observation.objects.count() == 2


def test_nothing_is_recorded_when_any_mapping_is_wrong(indicators: dict[str, Indicator]) -> None:
    results = [
        _result("cla_long_term_stability", numerator=45, denominator=60),
        _result("cla_starts", numerator=3, denominator=None),
    ]
    run: dict[str, Any] = {"run_ids": [1, 2], "run_at": datetime(2026, 11, 23, tzinfo=UTC), "run_by": "a"}
    with pytest.raises(CaseworkError) as refused:
        casework_observations_record(results, {"cla_long_term_stability": "NI63", "cla_starts": "NI63X"}, **run)
    assert str(refused.value) == "there is no indicator 'NI63X'"
    with pytest.raises(
        CaseworkError, match="CLA-COUNT is measured as count but cla_long_term_stability gives a percent"
    ):
        casework_observations_record(results, {"cla_long_term_stability": "CLA-COUNT"}, **run)
    two_councils = [results[0], _result("cla_long_term_stability", numerator=1, denominator=2, la="E06000050")]
    with pytest.raises(CaseworkError, match="give --la"):
        casework_observations_record(two_councils, {"cla_long_term_stability": "NI63"}, **{**run, "run_ids": [1, 2]})
    assert Observation.objects.count() == 0


def test_every_measure_returns_its_records_in_the_convention(casebook: Casebook) -> None:
    casebook.episode("child", "2011-01-01", rne="S")
    for card in measure_cards():
        parameters = {"period_start": date(2011, 4, 1), "period_end": date(2012, 3, 31)}
        used = {name: value for name, value in parameters.items() if f"${name}" in card.sql}
        casebook.store.open()
        described = casebook.store.connection.execute(f"DESCRIBE ({card.sql})", used).fetchall()
        days = [("days", "BIGINT")] if card.unit is Unit.DAYS else []
        amounts = [(f"{part}_amount", "DECIMAL(18,6)") for part in ("numerator", "denominator") if card.summed]
        assert [(column, kind) for column, kind, *_ in described] == [
            ("la", "VARCHAR"),
            ("child", "UUID"),
            ("in_numerator", "BOOLEAN"),
            ("in_denominator", "BOOLEAN"),
            ("evidence", "VARCHAR"),
            *days,
            *amounts,
        ], card.id


def test_the_records_behind_a_figure_say_which_dates_decided_them(casebook: Casebook) -> None:
    casebook.episode("on time", "2011-04-01", rne="S")
    casebook.review("on time", "2011-05-05")
    casebook.episode("a day late", "2011-04-01", rne="S")
    casebook.review("a day late", "2011-05-06")
    casebook.episode("not yet due", "2012-03-20", rne="S")
    card, period = measure_card("cla_reviews_on_time"), parse_period("2011-12-Q1")
    page = measure_records(casebook.store, card, period, la=LA)
    assert page.total == 2
    assert [replace(r, child=named(r.child)) for r in page.records] == [
        MeasureRecord(LA, "on time", True, True, "Review 1 due 05/05/2011, held 05/05/2011: on time"),
        MeasureRecord(LA, "a day late", False, True, "Review 1 due 05/05/2011, held 06/05/2011: late"),
    ]
    [result] = measure_compute(casebook.store, card, period, la=LA)
    assert (result.numerator, result.denominator) == (1, 2)
    numerator = measure_records(casebook.store, card, period, la=LA, part="numerator")
    assert [(named(r.child), r.in_numerator) for r in numerator.records] == [("on time", True)]


def test_record_pages_count_every_record_and_missing_incidents_are_one_record_each(casebook: Casebook) -> None:
    casebook.episode("runner", "2011-01-01", rne="S")
    for start, end in ("2011-05-01", "2011-05-02"), ("2011-06-01", "2011-06-02"), ("2011-07-01", "2011-07-02"):
        casebook.missing("runner", start, end)
    casebook.missing("runner", "2011-03-20")
    card, period = measure_card("cla_missing_incidents"), parse_period("2011-12")
    first = measure_records(casebook.store, card, period, la=LA, limit=3)
    second = measure_records(casebook.store, card, period, la=LA, limit=3, offset=3)
    beyond = measure_records(casebook.store, card, period, la=LA, limit=3, offset=6)
    assert (first.total, len(first.records), second.total, len(second.records), beyond.total) == (4, 3, 4, 1, 4)
    assert [r.evidence for r in first.records + second.records] == [
        "Missing from 01/05/2011 to 02/05/2011",
        "Missing from 01/06/2011 to 02/06/2011",
        "Missing from 01/07/2011 to 02/07/2011",
        "Missing from 20/03/2011, no end recorded: open on the first day of the period",
    ]
    assert {r.in_denominator for r in first.records} == {None}


def test_a_measure_whose_records_break_the_convention_is_refused(casebook: Casebook) -> None:
    casebook.episode("child", "2011-01-01", rne="S")
    base = _card_data(unit="percent", denominator="children", polarity="higher")
    outside = card_from_mapping(
        base,
        "SELECT la, child, true AS in_numerator, false AS in_denominator, 'x' AS evidence FROM episodes",
        name="cla_starts",
    )
    with pytest.raises(CaseworkError, match="counted 1 record\\(s\\) for E06000049 in its numerator but not its"):
        measure_compute(casebook.store, outside, parse_period("2011-12"))
    counted = card_from_mapping(
        _card_data(),
        "SELECT la, child, true AS in_numerator, true AS in_denominator, 'x' AS evidence FROM episodes",
        name="cla_starts",
    )
    with pytest.raises(CaseworkError, match="cla_starts is a count, but its SQL gives records an in_denominator"):
        measure_compute(casebook.store, counted, parse_period("2011-12"))
