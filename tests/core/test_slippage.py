from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from oversight.core.rag import Rating
from oversight.core.slippage import (
    RecommendationFacts,
    Slip,
    SlipKind,
    Update,
    slippage,
    status_word,
    update_interval_days,
)

DUE = date(2011, 11, 19)
STARTED = date(2011, 8, 19)


def kinds(facts: RecommendationFacts, today: date) -> list[SlipKind]:
    return [slip.kind for slip in slippage(facts, today)]


def test_past_due_and_not_signed_off_slips() -> None:
    facts = RecommendationFacts(due_on=DUE, started_on=STARTED, updates=[Update(date(2011, 11, 30), "November")])
    slips = slippage(facts, date(2011, 12, 1))
    assert [s.kind for s in slips] == [SlipKind.PAST_DUE]
    assert slips[0].reason == "due 19 November 2011, 12 days ago, and not signed off."


def test_due_today_is_not_past_due() -> None:
    facts = RecommendationFacts(due_on=DUE, started_on=DUE)
    assert kinds(facts, DUE) == []


def test_a_signed_off_recommendation_never_slips() -> None:
    facts = RecommendationFacts(
        due_on=DUE,
        started_on=STARTED,
        signed_off=True,
        updates=[Update(date(2011, 9, 30), "Sept", Rating.GREEN), Update(date(2011, 11, 30), "Nov", Rating.RED)],
        more_evidence_decisions=5,
    )
    assert kinds(facts, date(2014, 1, 1)) == []


def test_no_update_for_longer_than_the_schedule_allows() -> None:
    facts = RecommendationFacts(
        due_on=None, started_on=STARTED, updates=[Update(date(2011, 9, 30), "End of September")]
    )
    assert kinds(facts, date(2011, 12, 31)) == []  # 92 days: exactly what a quarterly schedule allows
    slips = slippage(facts, date(2012, 1, 1))
    assert [s.kind for s in slips] == [SlipKind.NO_UPDATE]
    assert "93 days since the last update (30 September 2011)" in slips[0].reason


def test_no_update_counts_from_the_plan_start_when_there_is_none() -> None:
    facts = RecommendationFacts(due_on=None, started_on=STARTED, update_every_days=31)
    slips = slippage(facts, date(2011, 10, 1))
    assert [s.kind for s in slips] == [SlipKind.NO_UPDATE]
    assert "since the plan started (19 August 2011)" in slips[0].reason


def test_rag_worsened_compares_the_last_two_rated_checkpoints() -> None:
    updates = [
        Update(date(2011, 9, 30), "End of September", Rating.GREEN),
        Update(date(2011, 10, 31), "End of October", Rating.NOT_RATED),
        Update(date(2011, 11, 30), "End of November", Rating.AMBER),
    ]
    facts = RecommendationFacts(due_on=date(2012, 2, 19), started_on=STARTED, updates=updates)
    slips = slippage(facts, date(2011, 12, 1))
    assert [s.kind for s in slips] == [SlipKind.RAG_WORSENED]
    assert slips[0].reason == "Green at End of September, Amber at End of November."


def test_rag_improving_is_not_slippage() -> None:
    updates = [Update(date(2011, 9, 30), "Sept", Rating.RED), Update(date(2011, 11, 30), "Nov", Rating.AMBER)]
    facts = RecommendationFacts(due_on=date(2012, 2, 19), started_on=STARTED, updates=updates)
    assert kinds(facts, date(2011, 12, 1)) == []


def test_perpetual_limbo_needs_both_long_past_due_and_repeated_requests_for_evidence() -> None:
    updates = [Update(date(2012, 8, 1), "August", Rating.AMBER)]
    asked_twice = RecommendationFacts(due_on=DUE, started_on=STARTED, updates=updates, more_evidence_decisions=2)
    asked_once = RecommendationFacts(due_on=DUE, started_on=STARTED, updates=updates, more_evidence_decisions=1)
    today = date(2012, 8, 2)
    assert kinds(asked_twice, today) == [SlipKind.PAST_DUE, SlipKind.LIMBO]
    assert kinds(asked_once, today) == [SlipKind.PAST_DUE]
    recent = RecommendationFacts(
        due_on=date(2012, 6, 1), started_on=STARTED, updates=updates, more_evidence_decisions=3
    )
    assert kinds(recent, today) == [SlipKind.PAST_DUE]  # 62 days past due: not yet limbo
    limbo = slippage(asked_twice, today)[1]
    assert "asked for more evidence 2 times" in limbo.reason


def test_the_reporting_schedule_sets_the_update_interval() -> None:
    assert update_interval_days("Quarterly report to:LSCB and C & F Scrutiny Committee") == 92
    assert update_interval_days("Monthly to the Improvement Board") == 31
    assert update_interval_days("") == 92


_dates = st.dates(min_value=date(2010, 1, 1), max_value=date(2016, 12, 31))
_updates = st.lists(st.builds(Update, _dates, st.sampled_from(["Sept", "Nov", "Jan"]), st.sampled_from(list(Rating))))


@given(_dates | st.none(), _dates, _updates, st.integers(min_value=0, max_value=9), _dates)
def test_a_signed_off_recommendation_never_slips_whatever_was_recorded(
    due: date | None, started: date, updates: list[Update], asked: int, today: date
) -> None:
    facts = RecommendationFacts(due, started, True, updates, asked)
    assert slippage(facts, today) == []


@given(_dates, _dates, _updates, _dates)
def test_past_due_fires_exactly_when_the_due_date_has_passed(
    due: date, started: date, updates: list[Update], today: date
) -> None:
    facts = RecommendationFacts(due, started, False, updates)
    assert (SlipKind.PAST_DUE in kinds(facts, today)) == (due < today)


def test_a_revised_due_date_is_past_due_only_once_it_has_passed() -> None:
    revised = date(2012, 2, 29)
    facts = RecommendationFacts(due_on=DUE, started_on=DUE, revised_due_on=revised)
    assert SlipKind.PAST_DUE not in kinds(facts, date(2012, 1, 1))
    slips = [s for s in slippage(facts, date(2012, 3, 2)) if s.kind is SlipKind.PAST_DUE]
    assert (
        slips[0].reason == "revised to 29 February 2012 (first due 19 November 2011), 2 days ago, and not signed off."
    )


def test_the_status_word_says_revised_rather_than_on_track() -> None:
    assert status_word(signed_off=False, signed_off_on=None, revised_due_on=None, slips=[]) == "On track"
    revised = status_word(signed_off=False, signed_off_on=None, revised_due_on=date(2013, 9, 30), slips=[])
    assert revised == "Revised to 30 Sep 2013"
    late = [Slip(SlipKind.PAST_DUE, "…"), Slip(SlipKind.NO_UPDATE, "…")]
    assert status_word(signed_off=False, signed_off_on=None, revised_due_on=date(2013, 9, 30), slips=late) == (
        "Revised to 30 Sep 2013; Past due; No recent update"
    )
    assert status_word(signed_off=True, signed_off_on=date(2013, 10, 1), revised_due_on=None, slips=[]) == (
        "Signed off 1 Oct 2013"
    )


_slips = st.lists(st.sampled_from(list(SlipKind)).map(lambda kind: Slip(kind, "")), max_size=4)


@given(st.booleans(), _dates | st.none(), _dates | st.none(), _slips)
def test_the_status_word_is_on_track_only_when_nothing_slipped_or_moved(
    signed_off: bool, signed_off_on: date | None, revised: date | None, slips: list[Slip]
) -> None:
    word = status_word(signed_off=signed_off, signed_off_on=signed_off_on, revised_due_on=revised, slips=slips)
    if signed_off:
        assert word.startswith("Signed off")
    else:
        assert (word == "On track") == (revised is None and not slips)
        assert word.startswith("Revised to ") == (revised is not None)
        assert all(slip.kind.label in word for slip in slips)
