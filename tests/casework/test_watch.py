"""Early warnings: each watch list finds the records one step from its measure's line, with the day they cross it.

Hand-built records pin each list at its boundaries (the dates worked out by hand in the comments, across the
2011 bank holidays); seeded synthetic returns check the lists against the measures they warn of.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from oversight.casework.engine import card_from_mapping, measure_card, measure_records
from oversight.casework.issues import CaseworkError
from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.store import CaseworkStore
from oversight.casework.synthetic import synthetic_council, synthetic_returns
from oversight.casework.synthetic_cin import synthetic_cin_census, synthetic_cin_council
from oversight.casework.watch import WATCH_PARAMETERS, WatchList, watch_cards, watch_compute, watch_from_mapping
from oversight.core.periods import parse_period
from oversight.core.workdays import add_working_days, working_days_between

from .conftest import LA, Casebook, CinCasebook, d, named

TODAY = date(2026, 12, 7)


def listed(book: Casebook, measure: str, as_at: str) -> dict[str, tuple[date, str]]:
    """The watch list as at a day: each hand-built child's name, with the day it crosses the line and why."""
    watch = watch_compute(book.store, measure_card(measure), la=book.la, today=TODAY, as_at=d(as_at))
    return {named(record.child): (record.crosses_on, record.evidence) for record in watch.records}


def test_four_measures_declare_a_watch_list_parsed_into_a_manifest() -> None:
    cards = watch_cards()
    assert sorted(cards) == [
        "cin_assessments_45_days",
        "cla_reviews_on_time",
        "cla_three_plus_placements",
        "cp_plans_2_years_open",
    ]
    for measure, watch in cards.items():
        assert watch.manifest.parameters <= WATCH_PARAMETERS, measure
        assert "as_at" in watch.manifest.parameters, measure
        assert set(watch.source_tables) <= set(measure_card(measure).source_tables), measure
    assert cards["cla_three_plus_placements"].manifest.shared[:2] == ("episode_spells", "episode_spells_rule")
    assert cards["cin_assessments_45_days"].source_tables == ("cin_assessments",)


def test_a_watch_key_with_problems_is_refused_with_every_problem() -> None:
    measure = measure_card("cp_plans_2_years_open")
    with pytest.raises(CaseworkError) as refused:
        watch_from_mapping(measure, {"title": "Plans", "record": 1, "colour": "red"}, "SELECT $period FROM nowhere")
    message = str(refused.value)
    assert message.startswith("measure card cp_plans_2_years_open.yml: 'watch': ")
    for problem in (
        "no 'records'",
        "no 'may'",
        "no 'description'",
        "'colour' is not a watch field",
        "'record' should be str",
        "the SQL reads nowhere, which no return holds",
        "the SQL uses parameters period; only as_at, la, period_end, period_start",
    ):
        assert problem in message
    with pytest.raises(CaseworkError, match=r"there is no cp_plans_2_years_open.watch.sql beside it"):
        watch_from_mapping(
            measure, {"title": "t", "record": "r", "records": "rs", "may": "m", "description": "x"}, None
        )
    with pytest.raises(CaseworkError, match=r"the SQL reads episodes, which the measure does not"):
        watch_from_mapping(
            measure,
            {"title": "t", "record": "r", "records": "rs", "may": "m", "description": "x"},
            "SELECT la, child, CAST($as_at AS DATE) AS crosses_on, '' AS evidence FROM episodes",
        )


def test_a_card_may_carry_a_watch_mapping_and_nothing_else_in_its_place() -> None:
    card = measure_card("cla_three_plus_placements")
    fields = {
        "id": card.id, "version": 1, "title": "t", "definition": "d", "numerator": "n", "denominator": "d",
        "inclusions": [], "exclusions": [], "time_basis": "cohort_at_end", "working_day_convention": None,
        "polarity": "lower", "unit": "percent", "decimal_places": 0, "legacy_ni": None, "dfe_measure_id": None,
        "published_as": None, "year_end_only": False, "rules_unverified": [],
    }  # fmt: skip
    assert card_from_mapping({**fields, "watch": {"title": "t"}}, card.sql, name=card.id).id == card.id
    with pytest.raises(CaseworkError, match=r"'watch' should be dict"):
        card_from_mapping({**fields, "watch": "soon"}, card.sql, name=card.id)


def test_children_with_two_placements_this_year_may_enter_the_figure_by_the_year_end(casebook: Casebook) -> None:
    casebook.episode("TWO", "2011-01-01", "2011-05-01", rne="S", rec="X1")
    casebook.episode("TWO", "2011-05-01", place="U2")
    casebook.episode("THREE", "2011-04-01", "2011-05-01", rne="S", rec="X1")  # in the numerator already
    casebook.episode("THREE", "2011-05-01", "2011-06-01", place="U2", rec="X1")
    casebook.episode("THREE", "2011-06-01", place="U3")
    casebook.episode("ONE", "2011-01-01", rne="S")
    casebook.episode("MOVED LATER", "2011-01-01", "2011-08-01", rne="S", rec="X1")  # one placement on 30 June
    casebook.episode("MOVED LATER", "2011-08-01", place="U2")
    casebook.episode("LEFT", "2011-04-01", "2011-05-01", rne="S", rec="X1")  # not looked after on 30 June
    casebook.episode("LEFT", "2011-05-01", "2011-06-15", place="U2")
    casebook.episode("THIRD AFTER", "2011-04-01", "2011-05-01", rne="S", rec="X1")
    casebook.episode("THIRD AFTER", "2011-05-01", "2011-09-01", place="U2", rec="X1")  # still open on 30 June
    casebook.episode("THIRD AFTER", "2011-09-01", place="U3")
    casebook.episode("LAST YEAR", "2010-06-01", "2011-03-01", rne="S", rec="X1")  # ended before 1 April
    casebook.episode("LAST YEAR", "2011-03-01", place="U2")
    assert listed(casebook, "cla_three_plus_placements", "2011-06-30") == {
        "TWO": (
            d("2012-03-31"),
            "2 placements this year by 30/06/2011: 01/01/2011 to 01/05/2011, 01/05/2011 to now; a move by "
            "31/03/2012 would be a third (the date of a next move is not known)",
        ),
        "THIRD AFTER": (
            d("2012-03-31"),
            "2 placements this year by 30/06/2011: 01/04/2011 to 01/05/2011, 01/05/2011 to now; a move by "
            "31/03/2012 would be a third (the date of a next move is not known)",
        ),
    }
    watch = watch_compute(
        casebook.store, measure_card("cla_three_plus_placements"), la=LA, today=TODAY, as_at=d("2011-06-30")
    )
    assert watch.year == parse_period("2011-12")
    assert watch.sentence() == "2 children may move into the 3+ placements figure by 31 March 2012"


def test_an_assessment_at_working_day_35_crosses_45_on_its_46th_working_day_across_the_bank_holidays(
    casebook: Casebook, cin: CinCasebook
) -> None:
    # From Friday 1 April 2011, with Good Friday (22 April), Easter Monday (25 April), the royal wedding (29 April)
    # and the May bank holidays (2 and 30 May) off: Tuesday 31 May is working day 37, working day 45 is Friday
    # 10 June and working day 46 Monday 13 June. Had 30 May been a working day, 31 May would be day 38.
    cin.assessment("DAY37", "2011-03-30", "2011-04-01", None)
    cin.assessment("DAY35", "2011-04-04", "2011-04-05", None)  # 4 and 5 April: day 35 on 31 May, 46 is 15 June
    cin.assessment("DAY34", "2011-04-05", "2011-04-06", None)
    cin.assessment("AUTHORISED LATER", "2011-03-30", "2011-04-01", "2011-06-08")  # not known on 31 May
    cin.assessment("AUTHORISED", "2011-03-30", "2011-04-01", "2011-05-20")
    cin.assessment("OVER 45", "2011-02-28", "2011-03-01", None)  # already late: not a warning
    cin.assessment("NOT STARTED", "2011-05-30", "2011-06-01", None)
    assert working_days_between(d("2011-04-01"), d("2011-05-31")) == 37
    assert add_working_days(d("2011-04-01"), 46) == d("2011-06-13")
    found = listed(casebook, "cin_assessments_45_days", "2011-05-31")
    assert found == {
        "DAY37": (
            d("2011-06-13"),
            "Assessment started 01/04/2011, not authorised by 31/05/2011: working day 37 of 45; working day 45 is "
            "10/06/2011, and from 13/06/2011 it is over 45",
        ),
        "AUTHORISED LATER": (
            d("2011-06-13"),
            "Assessment started 01/04/2011, not authorised by 31/05/2011: working day 37 of 45; working day 45 is "
            "10/06/2011, and from 13/06/2011 it is over 45",
        ),
        "DAY35": (
            d("2011-06-15"),
            "Assessment started 05/04/2011, not authorised by 31/05/2011: working day 35 of 45; working day 45 is "
            "14/06/2011, and from 15/06/2011 it is over 45",
        ),
    }
    # Authorised on its 46th working day, the measure counts it over 45: the day the list gave is the first late.
    cin.assessment("DAY46", "2011-03-30", "2011-04-01", "2011-06-13")
    page = measure_records(casebook.store, measure_card("cin_assessments_45_days"), parse_period("2011-12-Q1"), la=LA)
    said = {named(record.child): record.evidence for record in page.records}
    assert said["DAY46"] == "Assessment started 01/04/2011, authorised 13/06/2011: 46 working days, over 45"


def test_a_plan_at_21_months_reaches_2_years_on_its_730th_day(casebook: Casebook, cin: CinCasebook) -> None:
    cin.plan("21 MONTHS", "2010-06-30")  # 21 months on 30 March 2012; 641 days on 31 March
    cin.plan("UNDER 21", "2010-07-01")  # 21 months on 1 April 2012
    cin.plan("DAY 729", "2010-04-03")  # 729 days on 31 March 2012, 730 on 1 April
    cin.plan("TWO YEARS", "2010-04-02")  # 730 days on 31 March 2012: in the numerator already
    cin.plan("ENDED", "2010-05-01", "2012-01-01")
    cin.plan("ENDS LATER", "2010-05-01", "2012-05-01")  # open on 31 March 2012
    found = listed(casebook, "cp_plans_2_years_open", "2012-03-31")
    assert {name: crosses for name, (crosses, _) in found.items()} == {
        "21 MONTHS": d("2012-06-28"),
        "DAY 729": d("2012-04-01"),
        "ENDS LATER": d("2012-04-29"),
    }
    assert found["DAY 729"][1] == (
        "Plan from 03/04/2010, open on 31/03/2012: 729 days; it reaches 2 years (730 days counting the day) on "
        "01/04/2012"
    )


def test_a_review_due_within_10_working_days_is_listed_with_its_due_date(casebook: Casebook) -> None:
    # As at Thursday 30 June 2011, 10 working days on is Thursday 14 July.
    casebook.episode("FIRST", "2011-06-10", rne="S")  # first review due 20 working days on: 8 July
    casebook.episode("FIRST OVERDUE", "2011-06-01", rne="S")  # due 29 June: late already, not a warning
    casebook.episode("SECOND", "2011-01-05", rne="S")
    casebook.review("SECOND", "2011-01-20")
    casebook.review("SECOND", "2011-04-10")  # the third is due 6 months on: 10 October
    casebook.episode("THIRD", "2010-06-01", rne="S")
    casebook.review("THIRD", "2010-06-20")
    casebook.review("THIRD", "2010-09-14")
    casebook.review("THIRD", "2011-01-14")  # the fourth is due 14 July, the last day in the window
    casebook.episode("HELD LATER", "2011-03-01", rne="S")
    casebook.review("HELD LATER", "2011-04-05")  # the second is due 5 July
    casebook.review("HELD LATER", "2011-07-04")  # held after 30 June: not known then
    casebook.episode("DUE TODAY", "2011-02-01", rne="S")
    casebook.review("DUE TODAY", "2011-03-30")  # the second is due 30 June
    casebook.episode("LATER", "2011-02-01", rne="S")
    casebook.review("LATER", "2011-04-15")  # the second is due 15 July
    found = listed(casebook, "cla_reviews_on_time", "2011-06-30")
    assert {name: crosses for name, (crosses, _) in found.items()} == {
        "DUE TODAY": d("2011-06-30"),
        "HELD LATER": d("2011-07-05"),
        "FIRST": d("2011-07-08"),
        "THIRD": d("2011-07-14"),
    }
    assert found["FIRST"][1] == "Review 1 due 08/07/2011, not held by 30/06/2011"
    assert found["THIRD"][1] == "Review 4 due 14/07/2011 (the last held 14/01/2011), not held by 30/06/2011"
    watch = watch_compute(
        casebook.store, measure_card("cla_reviews_on_time"), la=LA, today=TODAY, as_at=d("2011-06-30")
    )
    assert watch.sentence() == "4 children may miss a review due by 14 July 2011"
    assert watch.sentence(publication=True) == "c children may miss a review due by 14 July 2011"


def test_the_day_defaults_to_the_end_of_the_returns_or_today_and_cannot_pass_the_returns(
    store: CaseworkStore, pseudonymiser: Pseudonymiser, tmp_path: Path
) -> None:
    council = synthetic_council(LA, seed=3, first_year_ending=2011, last_year_ending=2012, starts_per_year=30)
    assert store.load(list(synthetic_returns(council, tmp_path)), pseudonymiser=pseudonymiser, la=LA).ok
    card = measure_card("cla_three_plus_placements")
    assert watch_compute(store, card, la=LA, today=TODAY).as_at == d("2012-03-31")
    assert watch_compute(store, card, la=LA, today=d("2011-10-03")).as_at == d("2011-10-03")
    with pytest.raises(CaseworkError, match=r"the returns loaded for E06000049 run to 31 March 2012; a watch list "):
        watch_compute(store, card, la=LA, today=TODAY, as_at=d("2012-04-01"))
    with pytest.raises(CaseworkError, match=r"measure cin_assessments_45_days reads the CIN census"):
        watch_compute(store, measure_card("cin_assessments_45_days"), la=LA, today=TODAY)
    with pytest.raises(CaseworkError, match=r"declares no watch list"):
        watch_compute(store, measure_card("cla_starts"), la=LA, today=TODAY)


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory: pytest.TempPathFactory) -> CaseworkStore:
    """A synthetic council's SSDA903 returns and CIN census for 2017-18 and 2018-19."""
    folder: Path = tmp_path_factory.mktemp("watch")
    store = CaseworkStore(folder / "casework.duckdb")
    store.open(create=True)
    looked_after = synthetic_council(LA, seed=21, first_year_ending=2018, last_year_ending=2019, starts_per_year=150)
    cin = synthetic_cin_council(LA, seed=21, first_year_ending=2018, last_year_ending=2019, referrals_per_year=300)
    paths = [*synthetic_returns(looked_after, folder / "903"), *synthetic_cin_census(cin, folder / "cin")]
    assert store.load(paths, pseudonymiser=Pseudonymiser(b"k" * 40), la=LA).ok
    return store


def _watch(store: CaseworkStore, measure: str, as_at: str) -> WatchList:
    return watch_compute(store, measure_card(measure), la=LA, today=TODAY, as_at=d(as_at))


def test_on_synthetic_returns_the_placements_list_is_the_year_to_dates_children_with_two(
    synthetic_store: CaseworkStore,
) -> None:
    # As at the end of a quarter, the year to date is what was known that day: the list is exactly the measure's
    # records for the year to date with two placements.
    watch = _watch(synthetic_store, "cla_three_plus_placements", "2018-09-30")
    records = measure_records(
        synthetic_store, measure_card("cla_three_plus_placements"), parse_period("2018-19-Q2"), la=LA, to_date=True
    ).records
    two = {r.child for r in records if r.evidence.startswith("2 placements in the period")}
    assert watch.count > 3
    assert {r.child for r in watch.records} == two
    assert {r.crosses_on for r in watch.records} == {d("2019-03-31")}


def test_on_synthetic_returns_the_assessment_list_agrees_with_the_working_day_calendar(
    synthetic_store: CaseworkStore,
) -> None:
    as_at = d("2018-12-21")
    watch = _watch(synthetic_store, "cin_assessments_45_days", "2018-12-21")
    rows = synthetic_store.query(
        "SELECT child, start_date FROM cin_assessments WHERE start_date <= $day "
        "AND (authorisation_date IS NULL OR authorisation_date > $day)",
        {"day": as_at},
    )
    expected = {
        (child.hex, add_working_days(start, 46))
        for child, start in rows
        if 35 <= (working_days_between(start, as_at) or 0) <= 45
    }
    assert expected
    assert {(r.child, r.crosses_on) for r in watch.records} == expected


def _months_on(day: date, months: int) -> date:
    """A day some calendar months on, clamped to the month's end (as the SQL's add_months)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def test_on_synthetic_returns_the_plans_listed_are_those_open_from_21_months_to_2_years(
    synthetic_store: CaseworkStore,
) -> None:
    as_at = d("2019-03-31")
    latest: dict[str, date] = {}
    for child, start in synthetic_store.query(
        "SELECT child, start_date FROM cp_plans WHERE start_date <= $day AND (end_date IS NULL OR end_date > $day)",
        {"day": as_at},
    ):
        latest[child.hex] = max(start, latest.get(child.hex, start))
    expected = {
        (child, start + timedelta(days=729))
        for child, start in latest.items()
        if _months_on(start, 21) <= as_at and (as_at - start).days + 1 < 730
    }
    assert expected
    assert {
        (r.child, r.crosses_on) for r in _watch(synthetic_store, "cp_plans_2_years_open", "2019-03-31").records
    } == (expected)


def test_on_synthetic_returns_a_review_listed_is_the_one_the_measure_finds_due_that_day(
    synthetic_store: CaseworkStore,
) -> None:
    reviews = _watch(synthetic_store, "cla_reviews_on_time", "2018-12-31")
    assert reviews.count > 0
    assert all(d("2018-12-31") <= r.crosses_on <= add_working_days(d("2018-12-31"), 10) for r in reviews.records)
    looked_after = measure_records(synthetic_store, measure_card("cla_count_at_end"), parse_period("2018-19-Q3"), la=LA)
    assert {r.child for r in reviews.records} <= {r.child for r in looked_after.records}
    quarter = measure_records(synthetic_store, measure_card("cla_reviews_on_time"), parse_period("2018-19-Q4"), la=LA)
    judged = {r.child: r.evidence for r in quarter.records}
    both = [r for r in reviews.records if r.child in judged]
    assert both
    for record in both:  # "Review 3 due 04/01/2019": the same review, due the same day
        assert record.evidence.split(" (")[0].split(", not held")[0] in judged[record.child]
