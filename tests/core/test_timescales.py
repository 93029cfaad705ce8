from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight.core.timescales import TimescaleError, add_months, checkpoint_date, parse_timescale

PUBLISHED = date(2011, 8, 19)  # the 2011 Cheshire East inspection report


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("IMMEDIATE", date(2011, 8, 19)),
        ("Immediately:", date(2011, 8, 19)),
        ("WITHIN 3 MONTHS", date(2011, 11, 19)),
        ("Within three months", date(2011, 11, 19)),
        ("within six months", date(2012, 2, 19)),
        ("WITHIN 6 MONTHS", date(2012, 2, 19)),
        ("within 4 weeks", date(2011, 9, 16)),
        ("by 30 September 2013", date(2013, 9, 30)),
        ("30/09/2013", date(2013, 9, 30)),
        ("2013-09-30", date(2013, 9, 30)),
    ],
)
def test_due_dates_derive_from_the_publication_date(text: str, due: date) -> None:
    assert parse_timescale(text).due_date(PUBLISHED) == due


def test_one_month_after_31_january_is_the_end_of_february() -> None:
    assert add_months(date(2011, 1, 31), 1) == date(2011, 2, 28)


def test_one_month_after_31_january_in_a_leap_year_is_29_february() -> None:
    assert add_months(date(2012, 1, 31), 1) == date(2012, 2, 29)


def test_three_months_after_30_november_is_the_end_of_february() -> None:
    assert parse_timescale("within three months").due_date(date(2011, 11, 30)) == date(2012, 2, 29)
    assert parse_timescale("within three months").due_date(date(2014, 11, 30)) == date(2015, 2, 28)


def test_six_months_after_31_august_is_29_february_in_a_leap_year() -> None:
    assert parse_timescale("within six months").due_date(date(2015, 8, 31)) == date(2016, 2, 29)


def test_months_cross_the_year_end() -> None:
    assert add_months(date(2011, 12, 31), 3) == date(2012, 3, 31)
    assert add_months(date(2011, 10, 31), 6) == date(2012, 4, 30)


def test_no_timescale_gives_no_due_date() -> None:
    timescale = parse_timescale("  ")
    assert not timescale.given
    assert timescale.due_date(PUBLISHED) is None


def test_a_relative_timescale_needs_a_publication_date() -> None:
    with pytest.raises(TimescaleError, match="publication date"):
        parse_timescale("within 3 months").due_date(None)


def test_an_unreadable_timescale_says_what_is_accepted() -> None:
    with pytest.raises(TimescaleError, match="'soon' is not a timescale.*within 3 months"):
        parse_timescale("soon")


@pytest.mark.parametrize(
    ("label", "on"),
    [
        ("Evidence/Progress (End of September)", date(2011, 9, 30)),
        ("end of November", date(2011, 11, 30)),
        ("end of January", date(2012, 1, 31)),
        ("End of August", date(2011, 8, 31)),
        ("30/06/2012", date(2012, 6, 30)),
    ],
)
def test_checkpoint_labels_name_the_next_month_end(label: str, on: date) -> None:
    assert checkpoint_date(label, after=PUBLISHED) == on


def test_a_february_checkpoint_in_a_leap_year_ends_on_the_29th() -> None:
    assert checkpoint_date("End of February", after=date(2011, 8, 19)) == date(2012, 2, 29)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)), st.integers(min_value=0, max_value=60))
def test_adding_months_never_overshoots_the_target_month(day: date, months: int) -> None:
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day == min(day.day, calendar.monthrange(result.year, result.month)[1])
