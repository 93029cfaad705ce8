"""The exception report: the indicators of a scorecard's period that a committee should look at, and why.

An indicator is in it when it is rated red or amber, when it worsened against its polarity (on the previous
period or the same period last year), when it is significantly worse than England or its statistical neighbours,
or when its control chart shows a signal at its latest figure. Each comes with its rating reason, commentary,
the improvement-plan actions linked to it and where they stand, its figures over time, its comparisons and its
breakdowns. Every verdict is the scorecard's own (one figure, one verdict).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from oversight.core.comparison import Method, Position
from oversight.core.periods import Period
from oversight.core.rag import Rating
from oversight.core.trends import Direction
from oversight.improvement.models import Action, Checkpoint, ImpactMeasure
from oversight.performance.analysis import spc_signals
from oversight.performance.breakdowns import BreakdownTable, breakdown_tables_each
from oversight.performance.models import Scorecard
from oversight.performance.selectors import ScorecardRow, ScorecardView, scorecard_view

SIGNIFICANT_COMPARATORS = frozenset({"england", "statistical_neighbours"})


@dataclass(frozen=True)
class LinkedAction:
    reference: str  # 'R8.2': the recommendation and the action's place in it
    text: str
    officers: str
    due_on: date | None
    status: str  # 'in progress'
    progress: str  # the latest checkpoint: 'Amber at End of September: …', or 'No progress recorded yet.'
    plan_slug: str
    recommendation_order: int


@dataclass(frozen=True)
class ExceptionEntry:
    row: ScorecardRow
    reasons: list[str]  # why it is in the report, each a sentence
    actions: list[LinkedAction]
    breakdowns: list[BreakdownTable]
    signals: list[str]

    @property
    def code(self) -> str:
        return self.row.indicator.code


@dataclass(frozen=True)
class ExceptionReport:
    view: ScorecardView
    entries: list[ExceptionEntry]
    publication: bool = False

    @property
    def title(self) -> str:
        return f"Exception report: {self.view.scorecard.title}, {self.view.period.label}"


def _reasons(row: ScorecardRow, signals: list[str]) -> list[str]:
    reasons = []
    if row.rag.rating in (Rating.RED, Rating.AMBER):
        reasons.append(row.rag.reason)
    travels = [("Previous period", row.versus_previous)]
    if row.versus_last_year != row.versus_previous:  # an annual measure in a quarter has one comparison
        travels.append(("Same period last year", row.versus_last_year))
    reasons.extend(
        f"{label}: {travel.description}" for label, travel in travels if travel.direction is Direction.WORSENED
    )
    for comparator in row.comparators:
        standing = comparator.standing
        if (
            comparator.kind in SIGNIFICANT_COMPARATORS
            and standing.method is Method.SIGNIFICANCE
            and standing.position is Position.WORSE
        ):
            reasons.append(comparator.summary)
    reasons.extend(f"Control chart: {signal}" for signal in signals)
    return reasons


def _progress(action: Action, checkpoints: list[Checkpoint]) -> str:
    if not checkpoints:
        return "No progress recorded yet."
    latest = max(checkpoints, key=lambda checkpoint: checkpoint.as_at)
    reason = latest.rag_reason or latest.narrative
    return f"{latest.rating.label} at {latest.label} ({latest.as_at:%-d %B %Y})" + (f": {reason}" if reason else ".")


def _actions(indicator_ids: list[int]) -> dict[int, list[LinkedAction]]:
    """The actions of the recommendations each indicator measures the impact of, in three queries."""
    measures = ImpactMeasure.objects.filter(indicator_id__in=indicator_ids).select_related("recommendation__plan")
    by_recommendation: dict[int, list[int]] = {}
    for measure in measures:
        by_recommendation.setdefault(measure.recommendation_id, []).append(measure.indicator_id)
    actions = list(
        Action.objects.filter(recommendation_id__in=by_recommendation)
        .select_related("recommendation__plan")
        .order_by("recommendation__order", "order")
    )
    checkpoints: dict[int, list[Checkpoint]] = {}
    for checkpoint in Checkpoint.objects.filter(action__in=actions):
        checkpoints.setdefault(checkpoint.action_id, []).append(checkpoint)
    linked: dict[int, list[LinkedAction]] = {}
    for action in actions:
        recommendation = action.recommendation
        entry = LinkedAction(
            f"{recommendation.reference}.{action.order}",
            action.text,
            action.officers,
            action.due_on,
            action.get_status_display(),
            _progress(action, checkpoints.get(action.pk, [])),
            recommendation.plan.slug,
            recommendation.order,
        )
        for indicator_id in by_recommendation[recommendation.pk]:
            linked.setdefault(indicator_id, []).append(entry)
    return linked


def exception_report(
    scorecard: Scorecard, period: Period, *, publication: bool = False, view: ScorecardView | None = None
) -> ExceptionReport:
    """The exception report of a scorecard's period; for publication, breakdowns have small numbers suppressed.
    ``view`` is the period's scorecard when the caller has read it already (a pack's appendices do)."""
    if view is None:
        view = scorecard_view(scorecard, period)
    every_signal = spc_signals([row.indicator for row in view.rows])
    candidates = []
    for row in view.rows:
        signals = every_signal[row.indicator.pk]
        reasons = _reasons(row, signals)
        if reasons:
            candidates.append((row, reasons, signals))
    actions = _actions([row.indicator.pk for row, _, _ in candidates])
    tables = breakdown_tables_each(
        [(row.indicator, row.actual.period if row.actual else period) for row, _, _ in candidates],
        publication=publication,
    )
    entries = [
        ExceptionEntry(row, reasons, actions.get(row.indicator.pk, []), breakdowns, signals)
        for (row, reasons, signals), breakdowns in zip(candidates, tables, strict=True)
    ]
    return ExceptionReport(view, entries, publication)
