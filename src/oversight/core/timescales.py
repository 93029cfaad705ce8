"""Timescales as an inspection report or notice states them, and the due dates they give.

Ofsted's areas for improvement come with a timescale in words ("immediately", "within three months",
"within six months"); an improvement notice or internal review may give a date instead. The due date is
counted from the day the source was published. Adding months keeps the day of the month and falls back
to the month's last day when the month is shorter (31 January + 1 month = 28 or 29 February).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "eighteen": 18,
    "twenty-four": 24,
}
MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y")


class TimescaleError(ValueError):
    """A timescale that cannot be read; the message says what is accepted."""


@dataclass(frozen=True)
class Timescale:
    """A timescale: immediate, a number of months or weeks after publication, a fixed date, or none given."""

    text: str
    months: int | None = None
    weeks: int | None = None
    on: date | None = None
    immediate: bool = False

    @property
    def given(self) -> bool:
        return self.immediate or self.months is not None or self.weeks is not None or self.on is not None

    def due_date(self, published_on: date | None) -> date | None:
        """The due date, counted from ``published_on``; None when no timescale was given.

        "Immediately" is due on the day of publication. A relative timescale needs the publication date.
        """
        if self.on is not None:
            return self.on
        if not self.given:
            return None
        if published_on is None:
            raise TimescaleError(f"'{self.text}' is counted from the publication date, and the source has none.")
        if self.immediate:
            return published_on
        if self.weeks is not None:
            return date.fromordinal(published_on.toordinal() + 7 * self.weeks)
        if self.months is None:
            raise AssertionError("self.months is not None")
        return add_months(published_on, self.months)

    def describe(self) -> str:
        if self.on is not None:
            return f"by {self.on.day} {self.on:%B %Y}"
        if self.immediate:
            return "immediately"
        if self.months is not None:
            return f"within {self.months} month{'s' if self.months != 1 else ''}"
        if self.weeks is not None:
            return f"within {self.weeks} week{'s' if self.weeks != 1 else ''}"
        return "no timescale given"


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the last day of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _count(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def parse_date(text: str) -> date | None:
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.strip())
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


def parse_timescale(text: str) -> Timescale:
    """Read a timescale as sources word it: "IMMEDIATE", "Immediately", "WITHIN 3 MONTHS", "within six months",
    "within 4 weeks", "by 30 September 2013", "2013-09-30", or empty (no timescale given)."""
    raw = text.strip()
    words = re.sub(r"\s+", " ", raw.lower()).strip(" .:")
    if not words:
        return Timescale(text=raw)
    if words in {"immediate", "immediately", "now"}:
        return Timescale(text=raw, immediate=True)
    relative = re.fullmatch(r"(?:within|in) ([a-z0-9-]+) (month|week)s?", words)
    if relative:
        count = _count(relative.group(1))
        if count is None:
            raise TimescaleError(
                f"'{raw}': write the number of {relative.group(2)}s in figures, e.g. 'within 3 months'."
            )
        if relative.group(2) == "month":
            return Timescale(text=raw, months=count)
        return Timescale(text=raw, weeks=count)
    fixed = parse_date(re.sub(r"^(by|before|no later than) ", "", words))
    if fixed is not None:
        return Timescale(text=raw, on=fixed)
    raise TimescaleError(
        f"'{raw}' is not a timescale oversight can read: use 'immediately', 'within 3 months', "
        "'within 6 weeks' or a date such as 30/09/2013."
    )


def checkpoint_date(label: str, after: date) -> date:
    """The date a checkpoint label such as "End of September" stands for: that month's last day, the first one
    on or after ``after`` (a plan published in August 2011 reports at the end of September 2011 and of January
    2012). A label that holds a date is that date."""
    fixed = parse_date(label)
    if fixed is not None:
        return fixed
    found = [number for name, number in MONTHS.items() if re.search(rf"\b{name}\b", label.lower())]
    if not found:
        raise TimescaleError(f"'{label}': name a month (e.g. 'End of September') or give a date such as 30/09/2011.")
    month = found[0]
    year = after.year if month >= after.month else after.year + 1
    return date(year, month, calendar.monthrange(year, month)[1])
