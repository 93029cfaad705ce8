"""CIN and child protection measures, pinned at their boundaries with hand-built records.

Working-day boundaries use real bank holidays: Good Friday, Easter Monday and the royal wedding (29 April
2011) with the May bank holidays, and Christmas 2022. Year ends are 31 March (in) and 1 April (out).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.test import Client
from django.utils.html import escape

from oversight.casework.engine import (
    measure_card,
    measure_cards,
    measure_compute,
    measure_records,
    measure_results_record,
)
from oversight.casework.store import CaseworkStore
from oversight.core.periods import parse_period
from tests.conftest import make_user

from .conftest import Casebook, CinCasebook, named


def evidence(book: Casebook, measure: str, period: str) -> dict[str, str]:
    page = measure_records(book.store, measure_card(measure), parse_period(period), la=book.la)
    return {named(record.child): record.evidence for record in page.records}


def test_referrals_count_each_referral_from_1_april_to_31_march(casebook: Casebook, cin: CinCasebook) -> None:
    cin.referral("A", "2023-03-31")  # the last day of 2022-23
    cin.referral("A", "2023-04-01", nfa=True)  # the first day of 2023-24; no further action still counts
    cin.referral("B", "2023-11-20")
    cin.referral("B", "2024-03-31")
    cin.referral("C", "2024-04-01")
    assert casebook.compute("cin_referrals", "2023-24") == (3, None, Decimal(3))
    assert casebook.compute("cin_referrals", "2022-23") == (1, None, Decimal(1))


def test_a_re_referral_is_within_12_calendar_months_counting_the_same_day_a_year_before(
    casebook: Casebook, cin: CinCasebook
) -> None:
    cin.referral("DAY365", "2022-06-15", "2022-07-01")
    cin.referral("DAY365", "2023-06-15")  # 365 days after: a re-referral
    cin.referral("DAY366", "2022-06-14", "2022-07-01")
    cin.referral("DAY366", "2023-06-15")  # 366 days after: not one
    cin.referral("LEAP", "2023-03-01", "2023-03-10")  # in 2022-23, found from 2023-24
    cin.referral("LEAP", "2024-03-01")  # 366 days after, across 29 February 2024, but 12 months: a re-referral
    cin.referral("FIRST", "2023-09-01")
    assert casebook.compute("cin_rereferrals", "2023-24") == (2, 4, Decimal("50.0000"))
    said = evidence(casebook, "cin_rereferrals", "2023-24")
    assert said["DAY365"] == "Referred 15/06/2023; previous referral 15/06/2022, within 12 months: a re-referral"
    assert said["DAY366"] == "Referred 15/06/2023; no referral in the 12 months before (from 15/06/2022)"


def test_referrals_going_on_to_assessment(casebook: Casebook, cin: CinCasebook) -> None:
    cin.referral("A", "2023-05-02")
    cin.assessment("A", "2023-05-02", "2023-05-03", "2023-06-01")
    cin.referral("B", "2024-03-28")
    cin.assessment("B", "2024-03-28", "2024-04-02", None)  # started after the year: still went on to assessment
    cin.referral("C", "2023-07-03", "2023-07-03", nfa=True)
    cin.referral("D", "2023-08-01")
    cin.assessment("D", "2023-01-05", "2023-01-06", "2023-02-01")  # an earlier episode's assessment
    assert casebook.compute("cin_referrals_to_assessment", "2023-24") == (2, 4, Decimal("50.0000"))


def test_assessments_within_45_working_days_around_easter_and_the_2011_royal_wedding(
    casebook: Casebook, cin: CinCasebook
) -> None:
    # From Friday 1 April 2011, Good Friday (22 April), Easter Monday (25 April), the royal wedding (29 April)
    # and the May bank holidays (2 and 30 May) are not working days: working day 45 is Friday 10 June.
    cin.assessment("DAY45", "2011-03-30", "2011-04-01", "2011-06-10")
    cin.assessment("DAY46", "2011-03-30", "2011-04-01", "2011-06-13")
    cin.assessment("SAMEDAY", "2011-05-10", "2011-05-10", "2011-05-10")  # 0 working days
    cin.assessment("FRIDAY", "2011-05-13", "2011-05-13", "2011-05-20")  # Friday to Friday: 5 working days
    cin.assessment("BACKWARDS", "2011-05-10", "2011-05-10", "2011-05-01")  # authorised before it started: left out
    cin.assessment("OPEN", "2011-05-10", "2011-05-10", None)
    cin.assessment("LATER", "2011-05-10", "2011-06-01", "2011-07-01")  # authorised after the quarter
    assert casebook.compute("cin_assessments_45_days", "2011-12-Q1") == (3, 4, Decimal("75.0000"))
    said = evidence(casebook, "cin_assessments_45_days", "2011-12-Q1")
    assert said["DAY45"] == "Assessment started 01/04/2011, authorised 10/06/2011: 45 working days, within 45"
    assert said["DAY46"] == "Assessment started 01/04/2011, authorised 13/06/2011: 46 working days, over 45"
    assert said["SAMEDAY"] == "Assessment started 10/05/2011, authorised 10/05/2011: 0 working days, within 45"


def test_conferences_within_15_working_days_of_the_s47_across_christmas(casebook: Casebook, cin: CinCasebook) -> None:
    # From Friday 16 December 2022, with 26 and 27 December and 2 January off, working day 15 is 11 January.
    cin.s47("DAY15", "2022-12-16", "2023-01-11")
    cin.s47("DAY16", "2022-12-16", "2023-01-12")
    cin.s47("NONE", "2023-01-03", None)
    cin.s47("PREVIOUS", "2022-11-01", "2022-12-30")  # the conference is in the previous quarter
    assert casebook.compute("cin_icpc_15_days", "2022-23-Q4") == (1, 2, Decimal("50.0000"))
    assert casebook.compute("cin_s47_enquiries", "2022-23-Q4") == (1, None, Decimal(1))
    assert casebook.compute("cin_s47_enquiries", "2022-23") == (4, None, Decimal(4))


def test_children_in_need_and_on_plans_at_the_end_of_the_period(casebook: Casebook, cin: CinCasebook) -> None:
    cin.referral("OPEN", "2023-01-05")
    cin.referral("CLOSED_ON_THE_DAY", "2023-01-05", "2024-03-31")
    cin.referral("CLOSED_AFTER", "2023-01-05", "2024-04-01")
    cin.referral("NFA", "2024-03-20", nfa=True)
    cin.referral("LATER", "2024-04-01")
    cin.plan("OPEN", "2023-02-01")
    cin.plan("CLOSED_ON_THE_DAY", "2023-02-01", "2024-03-31")
    cin.plan("CLOSED_AFTER", "2023-02-01", "2024-04-02")
    assert casebook.compute("cin_count_at_end", "2023-24") == (2, None, Decimal(2))
    assert casebook.compute("cp_count_at_end", "2023-24") == (2, None, Decimal(2))


def test_plans_of_exactly_two_years_count_the_day_they_ended(casebook: Casebook, cin: CinCasebook) -> None:
    cin.plan("EXACTLY", "2021-04-01", "2023-03-31")  # 730 days counting the day it ended
    cin.plan("DAY_SHORT", "2021-04-01", "2023-03-30")  # 729
    cin.plan("LEAP", "2022-03-01", "2023-02-28")  # one year
    cin.plan("BACKWARDS", "2023-01-01", "2022-12-01")
    assert casebook.compute("cp_plans_2_years_ended", "2022-23") == (1, 3, Decimal("33.3333"))
    said = evidence(casebook, "cp_plans_2_years_ended", "2022-23")
    assert said["EXACTLY"] == "Plan 01/04/2021 to 31/03/2023: 730 days counting the day it ended, 2 years or more"


def test_plans_open_two_years_at_the_end_of_the_period(casebook: Casebook, cin: CinCasebook) -> None:
    cin.plan("LEAP_YEAR", "2022-04-01")  # 731 days to 31/03/2024, across 29 February 2024
    cin.plan("EXACTLY", "2022-04-02")  # 730
    cin.plan("DAY_SHORT", "2022-04-03")  # 729
    cin.plan("ENDED_ON_THE_DAY", "2021-01-01", "2024-03-31")  # not open on 31 March
    assert casebook.compute("cp_plans_2_years_open", "2023-24") == (2, 3, Decimal("66.6667"))


def test_second_or_subsequent_plans_from_the_census_field_or_the_history(casebook: Casebook, cin: CinCasebook) -> None:
    cin.plan("FIELD", "2023-06-01", previous=1)
    cin.plan("HISTORY", "2019-01-01", "2019-09-01")
    cin.plan("HISTORY", "2023-07-01")
    cin.plan("FIRST", "2023-08-01")
    cin.plan("BEFORE", "2023-03-31")  # started in 2022-23
    assert casebook.compute("cp_plans_second_or_subsequent", "2023-24") == (2, 3, Decimal("66.6667"))
    assert evidence(casebook, "cp_plans_second_or_subsequent", "2023-24")["HISTORY"] == (
        "Plan started 01/07/2023; an earlier plan started 01/01/2019"
    )


def test_child_protection_reviews_on_time_at_three_and_then_six_month_intervals(
    casebook: Casebook, cin: CinCasebook
) -> None:
    cin.plan("LATE_SECOND", "2023-01-10")
    cin.review("LATE_SECOND", "2023-01-10", "2023-04-10")  # due 10/04/2023: on time, on the day
    cin.review("LATE_SECOND", "2023-01-10", "2023-10-11")  # due 10/10/2023: a day late
    cin.review("LATE_SECOND", "2023-01-10", "2024-03-01")
    cin.plan("ON_TIME", "2023-06-01")
    cin.review("ON_TIME", "2023-06-01", "2023-08-31")  # due 01/09/2023
    cin.review("ON_TIME", "2023-06-01", "2024-02-29")  # due six months after 31 August: 29 February 2024
    cin.plan("NOT_HELD", "2023-09-01")  # first review due 01/12/2023, never held
    cin.plan("TOO_NEW", "2024-01-15")  # on the plan under 3 months at 31 March: not in the cohort
    assert casebook.compute("cp_reviews_on_time", "2023-24") == (1, 3, Decimal("33.3333"))
    said = evidence(casebook, "cp_reviews_on_time", "2023-24")
    assert said["LATE_SECOND"] == (
        "Plan from 10/01/2023: Review 1 due 10/04/2023, held 10/04/2023: on time; Review 2 due 10/10/2023, held "
        "11/10/2023: late; Review 3 due 11/04/2024, held 01/03/2024: on time"
    )
    assert said["NOT_HELD"] == "Plan from 01/09/2023: Review 1 due 01/12/2023, not held by 31/03/2024: late"


def test_a_cin_figure_drills_through_to_its_records_for_case_level_access(
    db: None, tmp_path: Path, settings: Any
) -> None:
    path = tmp_path / "casework.duckdb"
    settings.OVERSIGHT_CASEWORK_STORE = path
    with CaseworkStore(path) as store:
        store.open(create=True)
        book = Casebook(store)
        cin = CinCasebook(book)
        cin.s47("ON TIME", "2022-12-16", "2023-01-11")
        cin.s47("LATE", "2022-12-16", "2023-01-12")
        results = measure_compute(store, measure_card("cin_icpc_15_days"), parse_period("2022-23-Q4"), la=book.la)
        measure_results_record(store, results, run_at=datetime(2026, 11, 23, tzinfo=UTC), run_by="analyst")
    client = Client()
    client.force_login(make_user("analyst", "reader", "case-level access"))
    response = client.get("/casework/measures/cin_icpc_15_days/2022-23-Q4/records/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "1 of 2: 50%" in body
    assert "Section 47 enquiry started 16/12/2022, initial conference 11/01/2023: 15 working days, within 15" in body
    assert "Section 47 enquiry started 16/12/2022, initial conference 12/01/2023: 16 working days, over 15" in body


def test_each_cin_measure_has_a_page_generated_from_its_card(client: Client) -> None:
    cards = [card for card in measure_cards() if card.id.startswith(("cin_", "cp_"))]
    assert len(cards) == 16
    for card in cards:
        response = client.get(f"/casework/measures/{card.id}/")
        assert response.status_code == 200, card.id
        body = response.content.decode()
        for text in [card.definition, card.numerator, *card.exclusions, *card.rules_unverified]:
            assert escape(text) in body, (card.id, text)
