"""The demo reproduces seed 001's 2011-12 Quarter 1 scorecard (Appendix A), rated and explained."""

from decimal import Decimal

import pytest

from oversight.core.rag import Rating
from oversight.core.trends import Direction
from oversight.performance.selectors import ScorecardRow, ScorecardView, indicator_detail


def _row(view: ScorecardView, code: str) -> ScorecardRow:
    return next(row for row in view.rows if row.indicator.code == code)


def test_indicators_sit_under_the_strategic_priorities(q1_view: ScorecardView) -> None:
    assert [group.priority.code for group in q1_view.groups] == ["DCHI002", "DCI001", "DCHI003", "DCHI004", "DCHI005"]
    assert len(q1_view.rows) == 32


def test_core_assessments_are_red_against_85_percent(q1_view: ScorecardView) -> None:
    row = _row(q1_view, "CSC-CORE-35WD")
    assert row.actual is not None
    assert row.actual.value == Decimal("63.1")
    assert row.rag.rating is Rating.RED
    assert row.rag.reason == "Red: 63.1% is 21.9 points below the target of at least 85% (amber within 5 points)."
    assert row.indicator.legacy_ni_ref == "NI 60"
    assert row.provisional


def test_long_term_placement_stability_is_red_and_worsening(q1_view: ScorecardView) -> None:
    row = _row(q1_view, "CLA-STABILITY-LT")
    assert (row.actual and row.actual.value, row.period_target and row.period_target.value) == (
        Decimal(67),
        Decimal(85),
    )
    assert row.rag.rating is Rating.RED
    # Like with like: Q1 is not set against the whole of 2010-11 (70%), and the demo has no 2010-11 Q4.
    assert row.versus_previous.direction is Direction.NOT_COMPARABLE
    assert row.versus_previous.description == "No value for 2010-11 Q4 to compare with."


def test_child_protection_plans_of_two_years_are_green_lower_is_better(q1_view: ScorecardView) -> None:
    row = _row(q1_view, "CP-2YRS-PLUS")
    assert row.rag.rating is Rating.GREEN
    assert row.rag.reason == "Green: 0% is below the target of less than 5%."
    assert row.period_target is not None
    assert row.period_target.text == "less than 5%"
    assert [f.text if f else None for f in row.outturns] == ["9.8%", "2%"]


def test_a_met_target_is_never_red_in_the_demo(q1_view: ScorecardView) -> None:
    repeat = _row(q1_view, "CP-REPEAT")
    assert (repeat.actual and repeat.actual.value, repeat.rag.rating) == (Decimal("14.5"), Rating.GREEN)


def test_an_indicator_with_no_target_says_so(q1_view: ScorecardView) -> None:
    row = _row(q1_view, "U18-CONCEPTIONS")
    assert row.rag.rating is Rating.NOT_RATED
    assert row.rag.reason == "Not rated: 31.4 per 1,000 has no target to be measured against."


def test_a_count_is_not_judged_against_a_whole_year_target(q1_view: ScorecardView) -> None:
    row = _row(q1_view, "YJ-FTE")
    assert row.rag.rating is Rating.NOT_RATED
    assert "the 2011-12 target of 198 or less is for the whole year" in row.rag.reason


def test_an_annual_measure_is_not_rated_in_a_quarter_but_shows_its_trend(q1_view: ScorecardView) -> None:
    row = _row(q1_view, "KS2-L4-ENG-MATHS")
    assert row.rag.rating is Rating.NOT_RATED
    assert "annual measure" in row.rag.reason
    assert row.versus_previous.description == "No significant change from 80% in 2009/10 (within 1 point)."
    assert row.comparator_summary == "2010/11 81% vs N 2009/10 74%: higher (better); the periods differ."


def test_an_ambiguous_source_cell_is_kept_as_a_note_not_a_number(q1_view: ScorecardView) -> None:
    row = _row(q1_view, "ATTEND-SECONDARY")
    assert row.actual is not None
    assert row.actual.value is None
    assert "Oct" in row.actual.note
    assert row.rag.rating is Rating.NOT_RATED


def test_ratings_count_up_to_the_whole_scorecard(q1_view: ScorecardView) -> None:
    counts = dict(q1_view.rating_counts)
    assert counts[Rating.RED] == 6
    assert counts[Rating.GREEN] == 3
    assert sum(counts.values()) == 32


@pytest.mark.parametrize(
    ("code", "rating"),
    [
        ("NEET-16-18", Rating.RED),
        ("YJ-REOFFENDING", Rating.RED),
        ("CSC-REF-TO-IA", Rating.RED),
        ("CSC-IA-10D", Rating.RED),
        ("CLA-REVIEWS-TIMELY", Rating.GREEN),
        ("CP-PLANS-NUMBER", Rating.NOT_RATED),
    ],
)
def test_quarter_one_ratings(q1_view: ScorecardView, code: str, rating: Rating) -> None:
    assert _row(q1_view, code).rag.rating is rating


def test_a_small_cohort_is_shown_with_a_caution_and_not_rated(q1_view: ScorecardView) -> None:
    row = _row(q1_view, "KS2-L4EM-GRT")
    latest = row.outturns[1]
    assert latest is not None
    assert (latest.text, latest.cohort, latest.small_cohort) == ("0%", 6, True)
    history = indicator_detail("KS2-L4EM-GRT").history["Years"]
    rated = next(h for h in history if h.period.code == "AY2010-11")
    assert rated.rag.rating is Rating.NOT_RATED
    assert rated.rag.reason.startswith("Not rated: the cohort of 6 is below the minimum of 30")


def test_the_white_other_cohort_is_large_enough(q1_view: ScorecardView) -> None:
    latest = _row(q1_view, "KS2-L4EM-WHITE-OTHER").outturns[1]
    assert latest is not None
    assert (latest.cohort, latest.small_cohort) == (105, False)
