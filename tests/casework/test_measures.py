"""Each measure's rule, pinned at its boundaries with hand-built episodes in a real store (period 2011-12)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from oversight.casework.engine import measure_card, measure_compute, measure_records, measure_window
from oversight.casework.issues import CaseworkError
from oversight.core.periods import parse_period
from oversight.core.units import Unit, format_value
from oversight.core.workdays import add_working_days, working_days_between

from .conftest import LA, Casebook, named

YEAR = "2011-12"  # 1 April 2011 to 31 March 2012


def test_children_looked_after_are_counted_on_the_last_day(casebook: Casebook) -> None:
    casebook.episode("open", "2011-01-01")
    casebook.episode("ends on the last day", "2011-01-01", "2012-03-31")
    casebook.episode("starts on the last day", "2012-03-31", rne="S")
    casebook.episode("short breaks", "2011-01-01", ls="V3")
    casebook.episode("chain", "2011-01-01", "2011-06-01", rec="X1")
    casebook.episode("chain", "2011-06-01")
    casebook.episode("starts after", "2012-04-01", rne="S")
    casebook.episode("another council", "2011-01-01", la="E06000050")
    assert casebook.compute("cla_count_at_end", YEAR) == (3, None, Decimal(3))


def test_starts_count_each_child_whose_period_of_care_begins_in_the_period_once(casebook: Casebook) -> None:
    casebook.episode("first day", "2011-04-01", rne="S")
    casebook.episode("day before", "2011-03-31", rne="S")
    casebook.episode("last day", "2012-03-31", rne="S")
    casebook.episode("twice", "2011-05-01", "2011-06-01", rne="S")
    casebook.episode("twice", "2011-09-01", rne="S")
    casebook.episode("continuing", "2011-01-01", "2011-05-01", rne="S", rec="X1")
    casebook.episode("continuing", "2011-05-01", rne="P")
    casebook.episode("short breaks", "2011-06-01", rne="S", ls="V4")
    assert casebook.compute("cla_starts", YEAR) == (3, None, Decimal(3))


def test_ceases_count_each_child_whose_period_of_care_ends_in_the_period_once(casebook: Casebook) -> None:
    casebook.episode("last day", "2011-01-01", "2012-03-31")
    casebook.episode("day after", "2011-01-01", "2012-04-01")
    casebook.episode("first day", "2011-01-01", "2011-04-01")
    casebook.episode("moves on", "2011-01-01", "2011-06-01", rec="X1")
    casebook.episode("moves on", "2011-06-01")
    casebook.episode("twice", "2011-05-01", "2011-06-01")
    casebook.episode("twice", "2011-09-01", "2011-10-01")
    casebook.episode("day before", "2011-01-01", "2011-03-31")
    assert casebook.compute("cla_ceases", YEAR) == (3, None, Decimal(3))


def test_three_or_more_placements_follow_the_ni62_rules(casebook: Casebook) -> None:
    # Three placements, the first open on 1 April: counted.
    casebook.episode("three", "2010-01-01", "2011-06-01", rne="S", rec="X1")
    casebook.episode("three", "2011-06-01", "2011-09-01", place="U2", rec="X1")
    casebook.episode("three", "2011-09-01", place="U3")
    # The first placement ends on 1 April: it was not a placement during the year.
    casebook.episode("boundary", "2010-01-01", "2011-04-01", rne="S", rec="X1")
    casebook.episode("boundary", "2011-04-01", "2011-09-01", place="U2", rec="X1")
    casebook.episode("boundary", "2011-09-01", place="U3")
    # Changes of legal status only are not placements.
    casebook.episode("legal", "2011-01-01", "2011-05-01", rne="S", rec="X1")
    casebook.episode("legal", "2011-05-01", "2011-06-01", rne="L", ls="C1", rec="X1")
    casebook.episode("legal", "2011-06-01", "2011-07-01", rne="P", place="U2", rec="X1")
    casebook.episode("legal", "2011-07-01", rne="L", place="U2", ls="E1")
    # Placed for adoption with the current foster carer is not a new placement.
    casebook.episode("adopted by carer", "2011-01-01", "2011-05-01", rne="S", rec="X1")
    casebook.episode("adopted by carer", "2011-05-01", "2011-06-01", rne="T", place="A3", rec="X1")
    casebook.episode("adopted by carer", "2011-06-01", rne="P", place="U2")
    # A change of placement with the same carer, not into adoption, is.
    casebook.episode("same carer", "2011-01-01", "2011-05-01", rne="S", rec="X1")
    casebook.episode("same carer", "2011-05-01", "2011-06-01", rne="T", place="U2", rec="X1")
    casebook.episode("same carer", "2011-06-01", rne="U", place="U3", ls="C1")
    # A temporary placement and the return to the placement before it are not new placements.
    casebook.episode("holiday", "2011-01-01", "2011-05-01", rne="S", urn="SC1", rec="X1")
    casebook.episode("holiday", "2011-05-01", "2011-05-15", place="T1", provider="PR0", rec="X1")
    casebook.episode("holiday", "2011-05-15", "2011-08-01", urn="SC1", rec="X1")
    casebook.episode("holiday", "2011-08-01", place="U2")
    # A placement that did not last a day is not counted.
    casebook.episode("same day", "2011-01-01", "2011-06-01", rne="S")
    casebook.episode("same day", "2011-07-01", "2011-07-01", rne="S", place="U2")
    casebook.episode("same day", "2011-08-01", rne="S", place="U3")
    # Short-break episodes are not placements.
    casebook.episode("breaks", "2011-01-01", "2011-05-01", rne="S", rec="X1")
    casebook.episode("breaks", "2011-05-01", "2011-06-01", place="U2", ls="V3", rec="X1")
    casebook.episode("breaks", "2011-06-01", place="U3")
    # Three placements, but no longer looked after on 31 March: not in the cohort.
    casebook.episode("left", "2011-04-01", "2011-06-01", rne="S", rec="X1")
    casebook.episode("left", "2011-06-01", "2011-09-01", place="U2", rec="X1")
    casebook.episode("left", "2011-09-01", "2012-03-31", place="U3")
    assert casebook.compute("cla_three_plus_placements", YEAR) == (2, 8, Decimal("25.0000"))


def test_long_term_stability_follows_the_ni63_rules(casebook: Casebook) -> None:
    # 31 March 2012 less 30 months is 30 September 2009; less 24 months, 31 March 2010.
    for child in "exactly 2.5 years", "one day short", "carer one day short", "carer 2 years":
        casebook.child(child, "2000-01-01")
    casebook.episode("exactly 2.5 years", "2009-09-30", rne="S")
    casebook.episode("one day short", "2009-10-01", rne="S")
    casebook.child("16 on the last day", "1996-03-31")
    casebook.episode("16 on the last day", "2008-01-01", rne="S")
    casebook.child("15 on the last day", "1996-04-01")
    casebook.episode("15 on the last day", "2008-01-01", rne="S", rec="X1", dec="2010-04-01")
    casebook.episode("15 on the last day", "2010-04-01", rne="P", place="U2")
    casebook.episode("carer one day short", "2008-01-01", "2010-04-01", rne="S", rec="X1")
    casebook.episode("carer one day short", "2010-04-01", place="U2")
    casebook.episode("carer 2 years", "2008-01-01", "2010-03-31", rne="S", rec="X1")
    casebook.episode("carer 2 years", "2010-03-31", place="U2")
    casebook.child("same carer, new placement", "2001-06-01")
    casebook.episode("same carer, new placement", "2008-01-01", "2009-01-01", rne="S", rec="X1")
    casebook.episode("same carer, new placement", "2009-01-01", "2011-06-01", place="U2", rec="X1")
    casebook.episode("same carer, new placement", "2011-06-01", rne="T", place="U3")
    casebook.child("adopted", "2005-06-01")
    casebook.episode("adopted", "2008-01-01", "2009-06-01", rne="S", rec="X1")
    casebook.episode("adopted", "2009-06-01", "2011-10-01", place="U2", rec="X1")
    casebook.episode("adopted", "2011-10-01", rne="P", place="A4", ls="E1")
    casebook.child("adopted too soon", "2005-06-01")
    casebook.episode("adopted too soon", "2008-01-01", "2010-06-01", rne="S", rec="X1")
    casebook.episode("adopted too soon", "2010-06-01", "2011-10-01", place="U2", rec="X1")
    casebook.episode("adopted too soon", "2011-10-01", rne="P", place="A4", ls="E1")
    casebook.episode("no header row", "2008-01-01", rne="S")
    casebook.child("came back into care", "2004-01-01")
    casebook.episode("came back into care", "2008-01-01", "2010-01-01", rne="S")
    casebook.episode("came back into care", "2010-01-02", rne="S")
    # Cohort: exactly 2.5 years, 15 on the last day, carer one day short, carer 2 years, same carer, adopted,
    # adopted too soon. Stable: exactly 2.5 years, carer 2 years, same carer, adopted.
    assert casebook.compute("cla_long_term_stability", YEAR) == (4, 7, Decimal("57.1429"))


def test_ages_turn_on_birthdays_and_leap_day_birthdays_turn_on_1_march(casebook: Casebook) -> None:
    ages = casebook.store.query(
        "SELECT age_on(DATE '2004-02-29', d) FROM (SELECT unnest($days) AS d)",
        {"days": [date(2020, 2, 28), date(2020, 2, 29), date(2021, 2, 28), date(2021, 3, 1), date(2012, 3, 31)]},
    )
    assert [age for (age,) in ages] == [15, 16, 16, 17, 8]


def test_calendar_months_clamp_to_the_end_of_the_month(casebook: Casebook) -> None:
    rows = casebook.store.query(
        "SELECT add_months(DATE '2012-03-31', -30), add_months(DATE '2011-08-31', -6), "
        "add_months(DATE '2012-08-31', -6), add_months(DATE '2011-12-31', 3)"
    )
    assert rows == [(date(2009, 9, 30), date(2011, 2, 28), date(2012, 2, 29), date(2012, 3, 31))]


def test_working_days_in_sql_agree_with_the_python_calendar(casebook: Casebook) -> None:
    starts = [date(2008, 1, 1) + timedelta(days=37 * n) for n in range(180)]
    ends = [start + timedelta(days=(n * 11) % 90) for n, start in enumerate(starts)]
    rows = casebook.store.query(
        "SELECT working_days_between(s, e), add_working_days(s, 20) FROM "
        "(SELECT unnest($starts) AS s, unnest($ends) AS e, generate_subscripts($starts, 1) AS i) ORDER BY i",
        {"starts": starts, "ends": ends},
    )
    assert rows == [
        (working_days_between(start, end), add_working_days(start, 20)) for start, end in zip(starts, ends, strict=True)
    ]


def test_reviews_are_on_time_when_each_is_held_by_its_due_date(casebook: Casebook) -> None:
    # From 1 April 2011 the first review is due within 20 working days: by 5 May (Easter, the royal wedding
    # and May Day fall in between); the second within 3 months of the first; later ones within 6 months.
    casebook.episode("on time", "2011-04-01", rne="S")
    for day in "2011-05-05", "2011-08-05", "2012-02-01":
        casebook.review("on time", day)
    casebook.episode("a day late", "2011-04-01", rne="S")
    for day in "2011-05-06", "2011-08-05", "2012-02-01":
        casebook.review("a day late", day)
    casebook.episode("nothing due yet", "2012-03-20", rne="S")
    casebook.episode("held on the due dates", "2010-01-01", rne="S")
    for day in "2010-01-20", "2010-04-20", "2010-10-20", "2011-04-20", "2011-10-20":
        casebook.review("held on the due dates", day)
    casebook.episode("never reviewed again", "2010-01-01", rne="S")
    for day in "2010-01-20", "2010-04-20", "2010-10-20":
        casebook.review("never reviewed again", day)
    casebook.episode("overdue from last year", "2010-01-01", rne="S")
    for day in "2010-01-20", "2010-04-20", "2011-04-05", "2011-10-01":
        casebook.review("overdue from last year", day)
    # First review due 3 January 2012 (20 working days over Christmas); second due 31 March, the last day.
    casebook.episode("due on the last day, not held", "2011-12-01", rne="S")
    casebook.review("due on the last day, not held", "2011-12-31")
    casebook.episode("due on the last day, held", "2011-12-01", rne="S")
    casebook.review("due on the last day, held", "2011-12-31")
    casebook.review("due on the last day, held", "2012-03-31")
    assert add_working_days(date(2011, 12, 1), 20) == date(2012, 1, 3)
    assert casebook.compute("cla_reviews_on_time", YEAR) == (3, 7, Decimal("42.8571"))


def test_reviews_before_the_current_period_of_care_do_not_count(casebook: Casebook) -> None:
    casebook.episode("returned", "2010-01-01", "2010-06-01", rne="S")
    casebook.review("returned", "2010-01-20")
    casebook.episode("returned", "2011-06-01", rne="S")
    casebook.review("returned", "2011-06-28")  # 19 working days after 1 June 2011
    casebook.review("returned", "2011-09-20")
    casebook.review("returned", "2012-03-01")
    assert casebook.compute("cla_reviews_on_time", YEAR) == (1, 1, Decimal("100.0000"))


@pytest.mark.parametrize(
    ("measure", "expected"),
    [
        ("oc2_health_assessments", (1, 3, Decimal("33.3333"))),
        ("oc2_dental_checks", (0, 3, Decimal("0.0000"))),
        ("oc2_immunisations", (2, 3, Decimal("66.6667"))),
    ],
)
def test_oc2_measures_cover_children_looked_after_for_twelve_months_at_31_march(
    casebook: Casebook, measure: str, expected: tuple[int, int, Decimal]
) -> None:
    casebook.episode("exactly 12 months", "2011-03-31", rne="S")
    casebook.oc2("exactly 12 months", 2012, health_check=True, jabs=True)
    casebook.episode("one day short", "2011-04-01", rne="S")
    casebook.oc2("one day short", 2012, health_check=True, teeth=True, jabs=True)
    casebook.episode("no OC2 row", "2010-01-01", rne="S")
    casebook.episode("last year's row", "2010-01-01", rne="S")
    casebook.oc2("last year's row", 2011, health_check=True, teeth=True, jabs=True)
    casebook.oc2("last year's row", 2012, health_check=False, jabs=True)
    casebook.episode("short breaks", "2010-01-01", rne="S", ls="V3")
    casebook.oc2("short breaks", 2012, health_check=True, teeth=True, jabs=True)
    assert casebook.compute(measure, YEAR) == expected


def test_oc2_measures_are_only_computed_at_31_march(casebook: Casebook) -> None:
    casebook.episode("child", "2010-01-01", rne="S")
    with pytest.raises(
        CaseworkError, match="choose a period that ends on 31 March \\(such as 2011-12\\), not 2011-12-Q3"
    ):
        casebook.compute("oc2_health_assessments", "2011-12-Q3")
    assert casebook.compute("oc2_health_assessments", "2011-12-Q4")[1] == 1


def test_missing_counts_incidents_in_the_period_and_those_carried_into_it(casebook: Casebook) -> None:
    for child in "missing", "carried over", "ended before", "away", "never missing":
        casebook.episode(child, "2011-01-01", rne="S")
    casebook.missing("missing", "2011-06-01", "2011-06-02")
    casebook.missing("carried over", "2011-03-20")
    casebook.missing("ended before", "2011-03-01", "2011-03-31")
    casebook.missing("away", "2011-06-01", "2011-06-02", kind="A")
    casebook.episode("not looked after", "2010-01-01", "2011-03-01", rne="S")
    casebook.missing("not looked after", "2011-06-01", "2011-06-02")
    assert casebook.compute("cla_missing", YEAR) == (2, 5, Decimal("40.0000"))
    assert casebook.compute("cla_missing_incidents", YEAR) == (3, None, Decimal(3))


def _care_leavers(casebook: Casebook) -> None:
    """Care leavers in the 2011-12 OC3 table; ages are on 31 March 2012."""
    leavers = [
        # child, date of birth, in touch, activity, accommodation
        ("19 on the last day", "1993-03-31", "YES", "F2", "U1"),
        ("18 on the last day", "1993-04-01", "YES", "P5", "U1"),
        ("17, older EET code", "1994-06-01", "YES", "F3", "S2"),
        ("17, not in education", "1994-06-01", "YES", "G5", "B2"),
        ("17, not in touch", "1994-06-01", "NO", "0", "0"),
        ("17, refused contact", "1994-06-01", "REFU", "0", "0"),
        ("17, died", "1994-06-01", "DIED", "F1", "U1"),
        ("17, went home", "1994-06-01", "RHOM", "F1", "U1"),
        ("17, abroad", "1994-06-01", "YES", "F1", "G1"),
        ("21, working", "1990-06-01", "YES", "F5", "U1"),
        ("22, working", "1989-06-01", "YES", "F5", "U1"),
        ("16, working", "1995-06-01", "YES", "F5", "U1"),
    ]
    for child, dob, in_touch, activ, accom in leavers:
        casebook.child(child, dob)
        casebook.episode(child, "2008-01-01", "2010-01-01", rne="S")
        casebook.oc3(child, 2012, in_touch=in_touch, activ=activ, accom=accom)
    casebook.child("short breaks only", "1994-06-01")
    casebook.episode("short breaks only", "2008-01-01", "2010-01-01", rne="S", ls="V3")
    casebook.oc3("short breaks only", 2012)
    casebook.child("last year's table", "1994-06-01")
    casebook.oc3("last year's table", 2011)


@pytest.mark.parametrize(
    ("measure", "expected"),
    [
        # 18 on the last day, F3, G5, not in touch, refused contact, abroad: EET 18, F3, abroad.
        ("care_leavers_eet_17_18", (3, 6, Decimal("50.0000"))),
        # 19 on the last day, 21 working.
        ("care_leavers_eet_19_21", (2, 2, Decimal("100.0000"))),
        # As for EET less the one abroad: suitable 18 (U1) only; S2 and B2 are unsuitable, 0 not known.
        ("care_leavers_accommodation_17_18", (1, 5, Decimal("20.0000"))),
        ("care_leavers_accommodation_19_21", (2, 2, Decimal("100.0000"))),
    ],
)
def test_care_leavers_are_counted_by_their_age_on_their_birthday_in_the_year(
    casebook: Casebook, measure: str, expected: tuple[int, int, Decimal]
) -> None:
    _care_leavers(casebook)
    assert casebook.compute(measure, YEAR) == expected


def _adoptions(casebook: Casebook) -> None:
    """Adoptions around the three years to 31 March 2018 (1 April 2015 to 31 March 2018)."""
    # Adopted on the first day of the three years: 243 days to the adoptive placement; matched 61 days after
    # the placement order.
    casebook.episode("first day", "2014-01-01", "2014-06-01", rne="S", rec="X1")
    casebook.episode("first day", "2014-06-01", "2014-09-01", rne="L", ls="E1", rec="X1")
    casebook.episode("first day", "2014-09-01", "2015-04-01", place="A4", ls="E1", rec="E11")
    casebook.ad1("first day", date_int="2014-05-01", date_match="2014-08-01", foster_care=False)
    # Adopted on the last day, 62 days after entering care across a leap day; no placement order.
    casebook.episode("last day", "2015-12-30", "2016-03-01", rne="S", rec="X1")
    casebook.episode("last day", "2016-03-01", "2018-03-31", place="A5", rec="E12")
    casebook.ad1("last day", date_int="2016-01-15", date_match="2016-02-01", foster_care=False)
    # Adopted by the foster carer they moved to on 1 March 2015 (59 days in); placed for adoption with them a
    # year after entering care; matched before the freeing order.
    casebook.episode("foster carer", "2015-01-01", "2015-03-01", rne="S", rec="X1")
    casebook.episode("foster carer", "2015-03-01", "2015-06-01", place="U2", provider="PR2", rec="X1")
    casebook.episode("foster carer", "2015-06-01", "2016-01-01", rne="L", ls="D1", place="U2", provider="PR2", rec="X1")
    casebook.episode(
        "foster carer", "2016-01-01", "2017-01-01", rne="T", ls="D1", place="A3", provider="PR2", rec="E11"
    )
    casebook.ad1("foster carer", date_int="2015-04-01", date_match="2015-05-01", foster_care=True)
    # The first adoptive placement broke down; the wait ends when the second began.
    casebook.episode("disrupted", "2015-05-01", "2015-06-15", rne="S", rec="X1")
    casebook.episode("disrupted", "2015-06-15", "2015-07-01", rne="L", ls="E1", rec="X1")
    casebook.episode("disrupted", "2015-07-01", "2015-09-01", place="A4", ls="E1", rec="X1")
    casebook.episode("disrupted", "2015-09-01", "2016-01-04", place="U2", ls="E1", rec="X1")
    casebook.episode("disrupted", "2016-01-04", "2016-10-01", place="A4", ls="E1", rec="E11")
    casebook.ad1("disrupted", date_int="2015-06-01", date_match="2015-12-01", foster_care=False)
    # Left out: adopted the day before the three years; adopted from a foster placement; not adopted.
    casebook.episode("day before", "2014-01-01", "2014-06-01", rne="S", ls="E1", rec="X1")
    casebook.episode("day before", "2014-06-01", "2015-03-31", place="A4", ls="E1", rec="E11")
    casebook.ad1("day before", date_int="2014-02-01", date_match="2014-05-01", foster_care=False)
    casebook.episode("never placed for adoption", "2015-06-01", "2016-06-01", rne="S", ls="E1", rec="E11")
    casebook.ad1("never placed for adoption", date_int="2015-07-01", date_match="2016-01-01", foster_care=False)
    casebook.episode("went home", "2015-06-01", "2016-01-01", rne="S", ls="E1", rec="X1")
    casebook.episode("went home", "2016-01-01", "2016-06-01", place="A4", ls="E1", rec="E13")


@pytest.mark.parametrize(
    ("measure", "expected"),
    [
        # 243 + 62 + 365 + 248 = 918 days over 4 children: 229.5, published as 230 (half up).
        ("adoption_a1", (918, 4, Decimal("229.5000"))),
        # As A1, but the foster carer's adoption counts 59 days: 612 over 4.
        ("adoption_a10", (612, 4, Decimal("153.0000"))),
        # 61 + 0 (matched before the order) + 169; "last day" has no placement order: 230 over 3.
        ("adoption_a2", (230, 3, Decimal("76.6667"))),
    ],
)
def test_adoption_timeliness_is_a_pooled_three_year_average(
    casebook: Casebook, measure: str, expected: tuple[int, int, Decimal]
) -> None:
    _adoptions(casebook)
    assert casebook.compute(measure, "2017-18") == expected


def test_adoption_records_say_which_dates_decided_the_wait(casebook: Casebook) -> None:
    _adoptions(casebook)
    card, period = measure_card("adoption_a10"), parse_period("2017-18")
    records = {named(r.child): r for r in measure_records(casebook.store, card, period, la=LA).records}
    assert records["foster carer"].evidence == (
        "In care from 01/01/2015; adopted by the foster carers they lived with from 01/03/2015; adopted "
        "01/01/2017: 59 days"
    )
    assert records["foster carer"].days == 59
    a2_card = measure_card("adoption_a2")
    a2 = {named(r.child): r for r in measure_records(casebook.store, a2_card, period, la=LA).records}
    assert a2["foster carer"].evidence == (
        "Freeing order from 01/06/2015; matched with the adopters 01/05/2015, before the order; adopted "
        "01/01/2017: 0 days"
    )
    assert measure_window(period, years=3) == (date(2015, 4, 1), date(2018, 3, 31))
    assert format_value(Decimal("229.5000"), Unit.DAYS, card.decimal_places) == "230 days"
    with pytest.raises(CaseworkError, match="recorded once a year, at 31 March"):
        casebook.compute("adoption_a1", "2017-18-Q3")


def test_placed_over_20_miles_counts_the_placement_open_on_the_last_day_outside_the_council(
    casebook: Casebook,
) -> None:
    casebook.episode("far, outside", "2011-01-01", miles=20.1, outside=True)
    casebook.episode("exactly 20 miles", "2011-01-01", miles=20.0, outside=True)
    casebook.episode("far, inside", "2011-01-01", miles=35.5, outside=False)
    casebook.episode("near, outside", "2011-01-01", miles=3.2, outside=True)
    casebook.episode("not known", "2011-01-01")
    casebook.episode("council not known", "2011-01-01", miles=40.0)
    # The placement open on 31 March decides, not one earlier in the year.
    casebook.episode("moved near", "2011-01-01", "2011-12-01", miles=60.0, outside=True, rec="X1")
    casebook.episode("moved near", "2011-12-01", miles=1.0, outside=False)
    casebook.episode("moved far", "2011-01-01", "2011-12-01", miles=1.0, outside=False, rec="X1")
    casebook.episode("moved far", "2011-12-01", miles=25.0, outside=True)
    casebook.episode("left care", "2011-01-01", "2012-03-31", miles=50.0, outside=True)
    casebook.episode("short breaks", "2011-01-01", ls="V3", miles=50.0, outside=True)
    assert casebook.compute("cla_placed_over_20_miles", YEAR) == (2, 6, Decimal("33.3333"))
    card = measure_card("cla_placed_over_20_miles")
    records = {named(r.child): r for r in measure_records(casebook.store, card, parse_period(YEAR), la=LA).records}
    assert set(records) == {
        "far, outside", "exactly 20 miles", "far, inside", "near, outside", "not known", "council not known",
        "moved near", "moved far",
    }  # fmt: skip
    assert [name for name, r in records.items() if r.in_numerator] == ["far, outside", "moved far"]
    assert not records["not known"].in_denominator
    assert not records["council not known"].in_denominator
    assert records["far, outside"].evidence == (
        "Looked after on 31/03/2012; placement from 01/01/2011: 20.1 miles from home, outside the council"
    )
    assert records["far, inside"].evidence.endswith("35.5 miles from home, inside the council")
    assert records["not known"].evidence.endswith(
        "distance from home not known (a postcode blank, or not in the postcode lookup)"
    )


def test_placed_over_20_miles_has_no_value_and_says_why_when_no_distance_is_known(casebook: Casebook) -> None:
    casebook.episode("not known", "2011-01-01")
    results = measure_compute(casebook.store, measure_card("cla_placed_over_20_miles"), parse_period(YEAR), la=LA)
    assert [(r.numerator, r.denominator, r.value) for r in results] == [(0, 0, None)]
    assert results[0].no_value_reason == (
        "no child looked after on the last day has a known distance from home to placement: load the postcode "
        "lookup (oversight casework postcodes FILE), then the SSDA903 episodes again"
    )
