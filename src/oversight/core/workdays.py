"""Working days in England and Wales: Monday to Friday, less the England and Wales bank holidays.

Local authority closure days (27–31 December and the like) are working days here: DfE does not exclude
them, and counts that do cannot be compared with published figures.

How a span of days is counted is a named convention, stated on every measure card that counts working days:

- ``EXCLUDING_START`` (DfE's): the start day is not counted, the end day is. An assessment started and
  finished on the same day took 0 working days, which is why DfE's duration tables have a "same day" band.
- ``INCLUDING_START``: the start day is day 1 if it is a working day (the CIN validator's offsets count this
  way, so its thresholds are one working day stricter).
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from enum import StrEnum
from functools import cache

import holidays


class WorkingDayConvention(StrEnum):
    EXCLUDING_START = "excluding_start"
    INCLUDING_START = "including_start"

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    WorkingDayConvention.EXCLUDING_START: (
        "working days after the start day up to and including the end day (the start day is not counted; "
        "a same-day event counts 0)"
    ),
    WorkingDayConvention.INCLUDING_START: (
        "working days from the start day to the end day, both included (a same-day event on a working day counts 1)"
    ),
}

# One-off bank holidays, listed here as well as in the holidays library so that a library release that
# drops or moves one cannot change a published count unnoticed.
ONE_OFF_BANK_HOLIDAYS: frozenset[date] = frozenset(
    {
        date(1999, 12, 31),  # Millennium
        date(2002, 6, 3),  # Golden Jubilee
        date(2011, 4, 29),  # Royal wedding
        date(2012, 6, 5),  # Diamond Jubilee
        date(2022, 6, 3),  # Platinum Jubilee
        date(2022, 9, 19),  # State funeral of Queen Elizabeth II
        date(2023, 5, 8),  # Coronation of King Charles III
    }
)

# Ordinal 1 (1 January of year 1) was a Monday, so ordinal n is a weekday when (n - 1) % 7 < 5.
_DAYS_PER_WEEK = 7
_WEEKDAYS_PER_WEEK = 5


@cache
def bank_holidays(year: int) -> tuple[date, ...]:
    """England and Wales bank holidays in ``year`` that fall on a weekday (weekend dates are not working days
    anyway; the substitute Monday or Tuesday is what matters), sorted."""
    # subdiv "ENG": the library's default for GB mixes in Scottish and Northern Irish days.
    library = holidays.country_holidays("GB", subdiv="ENG", years=year)
    days = {day for day in library if day.year == year} | {day for day in ONE_OFF_BANK_HOLIDAYS if day.year == year}
    return tuple(sorted(day for day in days if day.weekday() < _WEEKDAYS_PER_WEEK))


def is_working_day(day: date) -> bool:
    return day.weekday() < _WEEKDAYS_PER_WEEK and day not in bank_holidays(day.year)


def _weekdays_up_to(day: date) -> int:
    """Weekdays from 1 January of year 1 up to and including ``day``."""
    weeks, rest = divmod(day.toordinal(), _DAYS_PER_WEEK)
    return weeks * _WEEKDAYS_PER_WEEK + min(rest, _WEEKDAYS_PER_WEEK)


def _holidays_between(after: date, up_to: date) -> int:
    """Weekday bank holidays ``d`` with ``after < d <= up_to``."""
    count = 0
    for year in range(after.year, up_to.year + 1):
        days = bank_holidays(year)
        count += bisect_right(days, up_to) - bisect_right(days, after)
    return count


def working_days_between(
    start: date, end: date, convention: WorkingDayConvention = WorkingDayConvention.EXCLUDING_START
) -> int | None:
    """Working days from ``start`` to ``end`` under ``convention``; None when ``end`` is before ``start``.

    None rather than a negative number: an end before its start is a data error to report, not a duration.
    """
    if end < start:
        return None
    after = start - timedelta(days=1) if convention is WorkingDayConvention.INCLUDING_START else start
    return _weekdays_up_to(end) - _weekdays_up_to(after) - _holidays_between(after, end)


def add_working_days(
    start: date, days: int, convention: WorkingDayConvention = WorkingDayConvention.EXCLUDING_START
) -> date:
    """The earliest date ``d`` on or after ``start`` with ``working_days_between(start, d, convention) == days``.

    Under ``EXCLUDING_START`` this is the ``days``-th working day after ``start`` (a due date: "within 20
    working days of becoming looked after"); ``add_working_days(start, 0)`` is ``start``. Under
    ``INCLUDING_START`` the start day is day 1 when it is a working day, so 0 days is possible only from a
    non-working day.
    """
    if days < 0:
        raise ValueError(f"cannot add {days} working days; give 0 or more")
    if convention is WorkingDayConvention.INCLUDING_START and days == 0 and is_working_day(start):
        raise ValueError(f"{start} is a working day, so it is already day 1 when the start day is counted")
    low, high = start, start + timedelta(days=2 * days + 14)  # 2n + 14 days hold n working days, and then some
    while (working_days_between(start, high, convention) or 0) < days:
        high += timedelta(days=days + 14)
    while low < high:
        middle = low + (high - low) // 2
        count = working_days_between(start, middle, convention)
        if count is None:
            raise AssertionError("count is not None")
        if count >= days:
            high = middle
        else:
            low = middle + timedelta(days=1)
    return low
