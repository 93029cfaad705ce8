"""Working days in England and Wales, pinned at the calendar's awkward days."""

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight.core.workdays import (
    ONE_OFF_BANK_HOLIDAYS,
    WorkingDayConvention,
    add_working_days,
    bank_holidays,
    is_working_day,
    working_days_between,
)

EXCLUDING = WorkingDayConvention.EXCLUDING_START
INCLUDING = WorkingDayConvention.INCLUDING_START


def test_a_same_day_event_takes_no_working_days_when_the_start_day_is_excluded() -> None:
    assert working_days_between(date(2011, 6, 1), date(2011, 6, 1), EXCLUDING) == 0
    assert working_days_between(date(2011, 6, 1), date(2011, 6, 1), INCLUDING) == 1


def test_a_friday_start_counts_the_monday_as_day_one() -> None:
    friday, monday = date(2011, 6, 3), date(2011, 6, 6)
    assert working_days_between(friday, monday, EXCLUDING) == 1
    assert working_days_between(friday, monday, INCLUDING) == 2
    assert working_days_between(friday, friday + timedelta(days=7), EXCLUDING) == 5


def test_a_weekend_start_counts_from_the_next_working_day() -> None:
    saturday = date(2011, 6, 4)
    assert working_days_between(saturday, date(2011, 6, 6), EXCLUDING) == 1
    assert working_days_between(saturday, date(2011, 6, 6), INCLUDING) == 1
    assert add_working_days(saturday, 1) == date(2011, 6, 6)


def test_easter_2011_loses_good_friday_and_easter_monday() -> None:
    # Thursday 21 April to Tuesday 26 April: only the Tuesday is a working day.
    assert working_days_between(date(2011, 4, 21), date(2011, 4, 26)) == 1
    assert not is_working_day(date(2011, 4, 22))
    assert not is_working_day(date(2011, 4, 25))


def test_the_royal_wedding_of_29_april_2011_is_a_bank_holiday() -> None:
    assert not is_working_day(date(2011, 4, 29))
    # Thursday 28 April to Tuesday 3 May: Friday (wedding) and Monday (early May) are holidays.
    assert working_days_between(date(2011, 4, 28), date(2011, 5, 3)) == 1


def test_twenty_working_days_from_1_april_2011_run_past_easter_the_wedding_and_may_day() -> None:
    assert add_working_days(date(2011, 4, 1), 20) == date(2011, 5, 5)
    assert working_days_between(date(2011, 4, 1), date(2011, 5, 4)) == 19


@pytest.mark.parametrize("day", sorted(ONE_OFF_BANK_HOLIDAYS))
def test_one_off_bank_holidays_are_not_working_days(day: date) -> None:
    assert not is_working_day(day)


@pytest.mark.parametrize("day", [date(2011, 4, 29), date(2012, 6, 5), date(2022, 9, 19), date(2023, 5, 8)])
def test_the_pinned_holidays_library_knows_the_one_off_days_itself(day: date) -> None:
    assert day in holidays.country_holidays("GB", subdiv="ENG", years=day.year)


def test_christmas_on_a_saturday_moves_both_holidays_to_monday_and_tuesday() -> None:
    # 2010: Christmas Saturday, Boxing Day Sunday; Monday 27 and Tuesday 28 are the bank holidays.
    assert (date(2010, 12, 27), date(2010, 12, 28)) == bank_holidays(2010)[-2:]
    assert working_days_between(date(2010, 12, 24), date(2010, 12, 29)) == 1


def test_christmas_on_a_sunday_makes_tuesday_the_substitute_day() -> None:
    # 2011: Boxing Day Monday 26, Christmas substitute Tuesday 27.
    assert working_days_between(date(2011, 12, 23), date(2011, 12, 28)) == 1


def test_boxing_day_on_a_saturday_moves_to_monday() -> None:
    # 2015: Christmas Friday, Boxing Day Saturday, substitute Monday 28 December.
    assert not is_working_day(date(2015, 12, 28))
    assert working_days_between(date(2015, 12, 24), date(2015, 12, 29)) == 1


def test_council_closure_days_between_christmas_and_new_year_are_working_days() -> None:
    assert [is_working_day(date(2020, 12, day)) for day in (28, 29, 30, 31)] == [False, True, True, True]


def test_scottish_and_northern_irish_holidays_are_working_days() -> None:
    for day in (date(2013, 1, 2), date(2011, 3, 17), date(2011, 7, 12), date(2011, 8, 1), date(2015, 11, 30)):
        assert is_working_day(day), day


def test_moved_bank_holidays_are_on_the_day_they_moved_to() -> None:
    assert is_working_day(date(2020, 5, 4))
    assert not is_working_day(date(2020, 5, 8))
    assert is_working_day(date(2022, 5, 30))
    assert not is_working_day(date(2022, 6, 2))
    assert not is_working_day(date(2012, 6, 4))
    assert is_working_day(date(2012, 5, 28))


def test_a_leap_day_is_a_working_day_when_it_is_a_weekday() -> None:
    assert working_days_between(date(2012, 2, 28), date(2012, 3, 1)) == 2
    assert working_days_between(date(2011, 2, 28), date(2011, 3, 1)) == 1
    assert add_working_days(date(2012, 2, 28), 1) == date(2012, 2, 29)


def test_the_new_year_substitute_day_falls_across_the_year_end() -> None:
    # New Year's Day 2012 was a Sunday: Monday 2 January was the holiday.
    assert working_days_between(date(2011, 12, 30), date(2012, 1, 3)) == 1
    assert add_working_days(date(2011, 12, 30), 1) == date(2012, 1, 3)


def test_the_financial_year_end_is_an_ordinary_boundary() -> None:
    assert working_days_between(date(2012, 3, 30), date(2012, 4, 2)) == 1
    # 2011-12: 261 weekdays less 9 weekday bank holidays, Friday 1 April counted only when the start day is.
    assert working_days_between(date(2011, 4, 1), date(2012, 3, 31), INCLUDING) == 252
    assert working_days_between(date(2011, 4, 1), date(2012, 3, 31), EXCLUDING) == 251


def test_an_end_before_the_start_has_no_count() -> None:
    assert working_days_between(date(2011, 5, 2), date(2011, 5, 1)) is None


def test_adding_working_days_refuses_what_it_cannot_do() -> None:
    with pytest.raises(ValueError, match="give 0 or more"):
        add_working_days(date(2011, 6, 1), -1)
    with pytest.raises(ValueError, match="already day 1"):
        add_working_days(date(2011, 6, 1), 0, INCLUDING)
    assert add_working_days(date(2011, 6, 1), 0) == date(2011, 6, 1)
    assert add_working_days(date(2011, 6, 4), 0, INCLUDING) == date(2011, 6, 4)


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31))


def _count_one_by_one(start: date, end: date) -> int:
    return sum(is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1))


@given(days, st.integers(min_value=0, max_value=400))
def test_counting_agrees_with_checking_every_day(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    assert working_days_between(start, end) == _count_one_by_one(start, end)


@given(days, st.integers(min_value=0, max_value=600))
def test_adding_n_working_days_then_counting_back_gives_n(start: date, n: int) -> None:
    due = add_working_days(start, n)
    assert working_days_between(start, due) == n
    if n > 0:
        assert is_working_day(due)
        assert working_days_between(start, due - timedelta(days=1)) == n - 1


@given(days, st.integers(min_value=1, max_value=600))
def test_adding_with_the_start_day_counted_round_trips_too(start: date, n: int) -> None:
    due = add_working_days(start, n, INCLUDING)
    assert working_days_between(start, due, INCLUDING) == n
    assert due == (add_working_days(start, n - 1) if is_working_day(start) else add_working_days(start, n))


@given(days, st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=400))
def test_counts_grow_with_the_end_date_and_add_up(start: date, first: int, second: int) -> None:
    middle, end = start + timedelta(days=first), start + timedelta(days=first + second)
    before, after = working_days_between(start, middle), working_days_between(start, end)
    assert before is not None
    assert after is not None
    assert before <= after
    assert after == before + working_days_between(middle, end)  # type: ignore[operator]
    including = working_days_between(start, end, INCLUDING)
    assert including == after + is_working_day(start)
