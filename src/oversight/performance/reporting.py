"""The reporting calendar: each scorecard's recent quarters at each body that receives them — due, late or done,
and who it waits for. Reads in three queries, whatever the number of scorecards."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from oversight.core.deadlines import Standing, deadline, standing
from oversight.core.periods import Period, PeriodKind, parse_period
from oversight.performance.models import Observation, PeriodSignoff, ReportingStep, Scorecard

SHOWN_PERIODS = 4  # the latest quarters a scorecard's calendar lists
DONE_LONG_AGO = timedelta(days=90)  # a step done before this is history, not the calendar's business


@dataclass(frozen=True)
class CalendarRow:
    scorecard: Scorecard
    period: Period
    step: ReportingStep
    due: date
    standing: Standing
    waits_for: str  # '' when done: 'a performance officer to submit it', 'an approver to approve it', …


def calendar_today(requested: str | None = None) -> date:
    """The day the calendar is worked out for: the one asked for (YYYY-MM-DD), else the site's set day (the demo
    sets one in its own year), else today."""
    for text in (requested, getattr(settings, "OVERSIGHT_TODAY", None)):
        if text:
            try:
                return date.fromisoformat(str(text))
            except ValueError:
                continue
    return timezone.localdate()


def _last_ended_quarter(today: date) -> Period:
    year = today.year if today.month >= 4 else today.year - 1  # noqa: PLR2004 - April starts the financial year
    current = Period(PeriodKind.FINANCIAL_QUARTER, year, (today.month - 4) % 12 // 3 + 1)
    return current.previous()


def _done_on(step: ReportingStep, signoff: PeriodSignoff | None) -> date | None:
    if signoff is None:
        return None
    if step.done_when == ReportingStep.DoneWhen.PUBLISHED:
        moment = signoff.published_at if signoff.state == PeriodSignoff.State.PUBLISHED else None
    else:
        moment = signoff.approved_at if signoff.is_locked else None
    return timezone.localtime(moment).date() if moment is not None else None


def _waits_for(step: ReportingStep, signoff: PeriodSignoff | None) -> str:
    state = signoff.state if signoff is not None else PeriodSignoff.State.DRAFT
    if state == PeriodSignoff.State.DRAFT:
        return "a performance officer to submit it"
    if state == PeriodSignoff.State.SUBMITTED:
        return "an approver to approve it"
    return "an approver to publish it" if step.done_when == ReportingStep.DoneWhen.PUBLISHED else ""


def reporting_calendar(today: date) -> list[CalendarRow]:
    """For every scorecard with reporting steps: its latest quarters with figures, and the quarter just ended, at
    each step, newest first; steps done long ago are left out."""
    steps: dict[int, list[ReportingStep]] = defaultdict(list)
    for step in ReportingStep.objects.select_related("scorecard").order_by("scorecard_id", "order", "id"):
        steps[step.scorecard_id].append(step)
    signoffs = {(s.scorecard_id, s.period): s for s in PeriodSignoff.objects.filter(scorecard_id__in=steps)}
    with_figures: dict[int, set[str]] = defaultdict(set)
    quarters = (
        Observation.objects.filter(
            indicator__priority__scorecard_id__in=steps, period_kind=PeriodKind.FINANCIAL_QUARTER.value
        )
        .values_list("indicator__priority__scorecard_id", "period")
        .distinct()
    )
    for scorecard_id, code in quarters:
        with_figures[scorecard_id].add(code)
    rows = []
    for scorecard_id, scorecard_steps in steps.items():
        periods = {parse_period(code) for code in with_figures[scorecard_id]} | {_last_ended_quarter(today)}
        ended = sorted((p for p in periods if p.end < today), key=lambda p: p.end, reverse=True)[:SHOWN_PERIODS]
        for period in ended:
            signoff = signoffs.get((scorecard_id, period.code))
            for step in scorecard_steps:
                meetings = [date.fromisoformat(day) for day in step.meetings]
                due = deadline(period.end, step.lag_days, working_days=step.working_days, meetings=meetings)
                done_on = _done_on(step, signoff)
                if done_on is not None and done_on < today - DONE_LONG_AGO:
                    continue
                waits = "" if done_on is not None else _waits_for(step, signoff)
                rows.append(CalendarRow(step.scorecard, period, step, due, standing(due, done_on, today), waits))
    return rows
