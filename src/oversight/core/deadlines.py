"""Reporting deadlines: when a period's scorecard is due at each body that receives it, and where it stands.

A step's deadline is the period's end plus a lag, in calendar days or in working days (England and Wales bank
holidays, as the casework measures count them), moved on to the body's next meeting when the body meets on set
dates ("scrutiny at its next meeting").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from oversight.core.workdays import add_working_days


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def deadline(period_end: date, lag_days: int, *, working_days: bool, meetings: Sequence[date] = ()) -> date:
    """The day a period is due at a body: ``lag_days`` after its end, then its first meeting on or after that day
    when it meets on set dates. With meetings listed but none late enough, the lag alone decides."""
    if lag_days < 0:
        raise ValueError(f"a lag cannot be negative ({lag_days} days)")
    due = add_working_days(period_end, lag_days) if working_days else period_end + timedelta(days=lag_days)
    return next((meeting for meeting in sorted(meetings) if meeting >= due), due)


@dataclass(frozen=True)
class Standing:
    late_days: int  # days past the deadline, 0 when not late
    words: str  # 'Done on 14 July 2011', 'Due in 11 days (14 October 2011)', 'Late by 3 days (due 14 October 2011)'

    @property
    def is_late(self) -> bool:
        return self.late_days > 0


def standing(due: date, done_on: date | None, today: date) -> Standing:
    """Where a step stands on ``today``: done (and whether late), due, due today, or late by a count of days."""
    if done_on is not None:
        late = (done_on - due).days
        return Standing(
            0, f"Done on {_day(done_on)}" + (f", {late} day{'s' if late != 1 else ''} late" if late > 0 else "")
        )
    days = (due - today).days
    if days > 0:
        return Standing(0, f"Due in {_days(days)} ({_day(due)})")
    if days == 0:
        return Standing(0, f"Due today ({_day(due)})")
    return Standing(-days, f"Late by {_days(-days)} (due {_day(due)})")


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"
