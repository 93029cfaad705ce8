"""Reporting periods: financial quarters and years, academic and calendar years, months, rolling windows.

Every period has one canonical code, used in import files, URLs and exports:

==================  ==============  ====================================
kind                example code    covers
==================  ==============  ====================================
financial year      ``2011-12``     1 April 2011 – 31 March 2012
financial quarter   ``2011-12-Q1``  Q1 = April–June, Q4 = January–March
academic year       ``AY2011-12``   1 September 2011 – 31 August 2012
calendar year       ``CY2011``      1 January – 31 December 2011
month               ``2011-M06``    June 2011
rolling window      ``R12-2011-M06``  the 12 months ending June 2011
==================  ==============  ====================================
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class PeriodKind(StrEnum):
    FINANCIAL_YEAR = "financial_year"
    FINANCIAL_QUARTER = "financial_quarter"
    ACADEMIC_YEAR = "academic_year"
    CALENDAR_YEAR = "calendar_year"
    MONTH = "month"
    ROLLING = "rolling"


class YearType(StrEnum):
    FINANCIAL = "financial"
    ACADEMIC = "academic"
    CALENDAR = "calendar"


class PeriodError(ValueError):
    """A period code that cannot be read; the message says what form is expected."""


_MONTH_NAMES = list(calendar.month_name)
_QUARTER_MONTHS = {1: "April–June", 2: "July–September", 3: "October–December", 4: "January–March"}

_FY = re.compile(r"^(\d{4})-(\d{2})$")
_FQ = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])$")
_AY = re.compile(r"^AY(\d{4})-(\d{2})$")
_CY = re.compile(r"^CY(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-M(\d{2})$")
_ROLLING = re.compile(r"^R(\d{1,2})-(\d{4})-M(\d{2})$")

FORMS_HELP = (
    "use 2011-12 (financial year), 2011-12-Q1 (financial quarter, Q1 = April–June), AY2011-12 "
    "(academic year), CY2011 (calendar year), 2011-M06 (month) or R12-2011-M06 (12 months ending June 2011)"
)


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period. ``year`` is the year the period starts in (for a month, its year)."""

    kind: PeriodKind
    year: int
    number: int = 0  # quarter 1-4, month 1-12, 0 otherwise
    months: int = 0  # length of a rolling window

    @property
    def code(self) -> str:
        yy = f"{(self.year + 1) % 100:02d}"
        match self.kind:
            case PeriodKind.FINANCIAL_YEAR:
                return f"{self.year}-{yy}"
            case PeriodKind.FINANCIAL_QUARTER:
                return f"{self.year}-{yy}-Q{self.number}"
            case PeriodKind.ACADEMIC_YEAR:
                return f"AY{self.year}-{yy}"
            case PeriodKind.CALENDAR_YEAR:
                return f"CY{self.year}"
            case PeriodKind.MONTH:
                return f"{self.year}-M{self.number:02d}"
            case PeriodKind.ROLLING:
                return f"R{self.months}-{self.year}-M{self.number:02d}"
        raise AssertionError(self.kind)

    @property
    def start(self) -> date:
        match self.kind:
            case PeriodKind.FINANCIAL_YEAR:
                return date(self.year, 4, 1)
            case PeriodKind.FINANCIAL_QUARTER:
                month = 4 + 3 * (self.number - 1)
                return date(self.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
            case PeriodKind.ACADEMIC_YEAR:
                return date(self.year, 9, 1)
            case PeriodKind.CALENDAR_YEAR:
                return date(self.year, 1, 1)
            case PeriodKind.MONTH:
                return date(self.year, self.number, 1)
            case PeriodKind.ROLLING:
                index = self.year * 12 + self.number - 1 - (self.months - 1)
                return date(index // 12, index % 12 + 1, 1)
        raise AssertionError(self.kind)

    @property
    def end(self) -> date:
        """The last day of the period (inclusive)."""
        match self.kind:
            case PeriodKind.FINANCIAL_YEAR:
                return date(self.year + 1, 3, 31)
            case PeriodKind.FINANCIAL_QUARTER:
                last = self.start.month + 2
                year = self.start.year + (last - 1) // 12
                month = (last - 1) % 12 + 1
                return date(year, month, calendar.monthrange(year, month)[1])
            case PeriodKind.ACADEMIC_YEAR:
                return date(self.year + 1, 8, 31)
            case PeriodKind.CALENDAR_YEAR:
                return date(self.year, 12, 31)
            case PeriodKind.MONTH | PeriodKind.ROLLING:
                return date(self.year, self.number, calendar.monthrange(self.year, self.number)[1])
        raise AssertionError(self.kind)

    @property
    def label(self) -> str:
        """How the period is written on a page: '2011-12 Quarter 1 (April–June 2011)'."""
        match self.kind:
            case PeriodKind.FINANCIAL_YEAR:
                return f"{self.code}"
            case PeriodKind.FINANCIAL_QUARTER:
                return (
                    f"{self.fiscal_year.code} Quarter {self.number} ({_QUARTER_MONTHS[self.number]} {self.start.year})"
                )
            case PeriodKind.ACADEMIC_YEAR:
                return f"{self.year}/{(self.year + 1) % 100:02d} academic year"
            case PeriodKind.CALENDAR_YEAR:
                return str(self.year)
            case PeriodKind.MONTH:
                return f"{_MONTH_NAMES[self.number]} {self.year}"
            case PeriodKind.ROLLING:
                return f"{self.months} months to {_MONTH_NAMES[self.number]} {self.year}"
        raise AssertionError(self.kind)

    @property
    def short_label(self) -> str:
        """A compact label for column headings: '2011-12 Q1', '2010/11', 'Jun 2011'."""
        match self.kind:
            case PeriodKind.FINANCIAL_QUARTER:
                return f"{self.fiscal_year.code} Q{self.number}"
            case PeriodKind.ACADEMIC_YEAR:
                return f"{self.year}/{(self.year + 1) % 100:02d}"
            case PeriodKind.MONTH:
                return f"{_MONTH_NAMES[self.number][:3]} {self.year}"
            case _:
                return self.label

    @property
    def is_year(self) -> bool:
        return self.kind in (PeriodKind.FINANCIAL_YEAR, PeriodKind.ACADEMIC_YEAR, PeriodKind.CALENDAR_YEAR)

    @property
    def fiscal_year(self) -> Period:
        """The financial year this period starts in."""
        if self.kind == PeriodKind.FINANCIAL_QUARTER:
            return Period(PeriodKind.FINANCIAL_YEAR, self.year)
        start = self.start
        return Period(PeriodKind.FINANCIAL_YEAR, start.year if start.month >= 4 else start.year - 1)

    def previous(self) -> Period:
        """The period of the same kind and length immediately before this one."""
        return self.shifted(-1)

    def same_period_last_year(self) -> Period:
        if self.kind in (PeriodKind.FINANCIAL_QUARTER,):
            return self.shifted(-4)
        if self.kind in (PeriodKind.MONTH, PeriodKind.ROLLING):
            return self.shifted(-12)
        return self.shifted(-1)

    def shifted(self, steps: int) -> Period:
        """This period moved by ``steps`` periods of its own kind (months for months, quarters for quarters)."""
        match self.kind:
            case PeriodKind.FINANCIAL_QUARTER:
                index = self.year * 4 + self.number - 1 + steps
                return Period(self.kind, index // 4, index % 4 + 1)
            case PeriodKind.MONTH | PeriodKind.ROLLING:
                index = self.year * 12 + self.number - 1 + steps
                return Period(self.kind, index // 12, index % 12 + 1, self.months)
            case _:
                return Period(self.kind, self.year + steps)

    def year_of_type(self, year_type: YearType) -> Period:
        """The year of the given type that shares this period's year label (2011-12 ↔ AY2011-12 ↔ CY2011)."""
        base = self.fiscal_year.year if not self.is_year else self.year
        return year_period(year_type, base)

    def __str__(self) -> str:
        return self.code


def year_period(year_type: YearType, start_year: int) -> Period:
    kind = {
        YearType.FINANCIAL: PeriodKind.FINANCIAL_YEAR,
        YearType.ACADEMIC: PeriodKind.ACADEMIC_YEAR,
        YearType.CALENDAR: PeriodKind.CALENDAR_YEAR,
    }[year_type]
    return Period(kind, start_year)


def _check_pair(first: int, second: str, code: str) -> None:
    if (first + 1) % 100 != int(second):
        raise PeriodError(f"'{code}' is not a valid year: the second part should be {(first + 1) % 100:02d}")


def parse_period(code: str) -> Period:
    """Read a period code; raise PeriodError with the accepted forms if it is not one."""
    text = code.strip()
    if match := _FQ.match(text):
        _check_pair(int(match[1]), match[2], text)
        return Period(PeriodKind.FINANCIAL_QUARTER, int(match[1]), int(match[3]))
    if match := _FY.match(text):
        _check_pair(int(match[1]), match[2], text)
        return Period(PeriodKind.FINANCIAL_YEAR, int(match[1]))
    if match := _AY.match(text):
        _check_pair(int(match[1]), match[2], text)
        return Period(PeriodKind.ACADEMIC_YEAR, int(match[1]))
    if match := _CY.match(text):
        return Period(PeriodKind.CALENDAR_YEAR, int(match[1]))
    if match := _MONTH.match(text):
        month = int(match[2])
        if not 1 <= month <= 12:
            raise PeriodError(f"'{text}' has month {month}; months run from 01 to 12")
        return Period(PeriodKind.MONTH, int(match[1]), month)
    if match := _ROLLING.match(text):
        months, month = int(match[1]), int(match[3])
        if not 1 <= month <= 12 or months < 2:
            raise PeriodError(f"'{text}' is not a valid rolling window; {FORMS_HELP}")
        return Period(PeriodKind.ROLLING, int(match[2]), month, months)
    raise PeriodError(f"'{text}' is not a period code; {FORMS_HELP}")
