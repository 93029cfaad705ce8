"""What the API reads: tokens, for the command line and the admin site; filtered lists; the feed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.db.models import QuerySet

from oversight.api.models import ApiToken
from oversight.benchmarks.models import PublishedValue
from oversight.core.councils import CouncilScope
from oversight.core.periods import Period, parse_period
from oversight.improvement.models import Action, Checkpoint, Plan, Recommendation
from oversight.performance.models import (
    Breakdown,
    Commentary,
    ComparatorValue,
    Indicator,
    Observation,
    PeriodSignoff,
    Scorecard,
    Target,
)
from oversight.performance.selectors import (
    ScorecardRow,
    ScorecardView,
    figures_shown,
    scorecard_periods,
    scorecard_periods_shown,
    scorecard_view,
)


def tokens_all() -> QuerySet[ApiToken]:
    return ApiToken.objects.select_related("user").order_by("-created_at", "-id")


# What the API reads beyond the scorecard's own selectors: filtered lists in a stable order, and the feed.


def observations_filtered(
    *, scorecard: str | None, period: str | None, indicator: str | None, scope: CouncilScope
) -> QuerySet[Observation]:
    rows = _filtered(Observation.objects.select_related("indicator", "batch"), scorecard, period, indicator, scope)
    return rows.order_by("indicator__code", "period_start", "period", "id")


def targets_filtered(
    *, scorecard: str | None, period: str | None, indicator: str | None, scope: CouncilScope
) -> QuerySet[Target]:
    rows = _filtered(Target.objects.select_related("indicator"), scorecard, period, indicator, scope)
    return rows.order_by("indicator__code", "period_start", "period", "id")


def comparators_filtered(
    *, scorecard: str | None, period: str | None, indicator: str | None, scope: CouncilScope
) -> QuerySet[ComparatorValue]:
    rows = _filtered(ComparatorValue.objects.select_related("indicator"), scorecard, period, indicator, scope)
    return rows.order_by("indicator__code", "period_start", "period", "kind", "label", "id")


def commentary_filtered(
    *, scorecard: str | None, period: str | None, indicator: str | None, scope: CouncilScope
) -> QuerySet[Commentary]:
    rows = _filtered(Commentary.objects.select_related("indicator"), scorecard, period, indicator, scope)
    return rows.order_by("indicator__code", "period_start", "period", "id")


def breakdowns_filtered(
    *, scorecard: str | None, period: str | None, indicator: str | None, scope: CouncilScope
) -> QuerySet[Breakdown]:
    rows = _filtered(Breakdown.objects.select_related("indicator"), scorecard, period, indicator, scope)
    return rows.order_by("indicator__code", "period_start", "period", "dimension", "order", "category", "id")


PV = TypeVar("PV", Observation, Target, ComparatorValue, Commentary, Breakdown)


def _filtered(
    rows: QuerySet[PV], scorecard: str | None, period: str | None, indicator: str | None, scope: CouncilScope
) -> QuerySet[PV]:
    rows = rows.filter(figures_shown(scope))
    if scorecard:
        rows = rows.filter(indicator__priority__scorecard__slug=scorecard)
    if period:
        rows = rows.filter(period=period)
    if indicator:
        rows = rows.filter(indicator__code=indicator)
    return rows


def indicators_filtered(*, scorecard: str | None) -> QuerySet[Indicator]:
    rows = Indicator.objects.select_related("priority__scorecard")
    if scorecard:
        rows = rows.filter(priority__scorecard__slug=scorecard)
    return rows.order_by("code")


@dataclass(frozen=True)
class PeriodState:
    scorecard: Scorecard
    period: Period
    signoff: PeriodSignoff | None


def periods_of(scorecard: Scorecard) -> list[PeriodState]:
    """The periods the scorecard reports (newest first), each with its sign-off, in two queries."""
    signoffs = {s.period: s for s in PeriodSignoff.objects.filter(scorecard=scorecard)}
    return [PeriodState(scorecard, period, signoffs.get(period.code)) for period in scorecard_periods(scorecard)]


@dataclass(frozen=True)
class FeedFigure:
    view: ScorecardView
    row: ScorecardRow


def feed_figures(
    *, scorecard: str | None, period: str | None, approved_only: bool, scope: CouncilScope
) -> list[FeedFigure]:
    """Every figure of every approved (and published) period, or with ``approved_only`` false of every period a
    scorecard reports that a user of ``scope`` may see, as the scorecard rates it: scorecards and periods in order,
    then the scorecard's own order."""
    scorecards = Scorecard.objects.order_by("slug")
    if scorecard:
        scorecards = scorecards.filter(slug=scorecard)
    locked = [PeriodSignoff.State.APPROVED, PeriodSignoff.State.PUBLISHED]
    figures: list[FeedFigure] = []
    for card in scorecards:
        if approved_only:
            codes = PeriodSignoff.objects.filter(scorecard=card, state__in=locked).values_list("period", flat=True)
            periods = sorted((parse_period(code) for code in codes), key=lambda p: (p.start, p.end))
        else:
            periods = sorted(scorecard_periods_shown(card, scope), key=lambda p: (p.start, p.end))
        for shown in periods:
            if period and shown.code != period:
                continue
            view = scorecard_view(card, shown)
            figures.extend(FeedFigure(view, row) for row in view.rows if row.due)
    return figures


def benchmark_values_filtered(
    *, series: str | None, place: str | None, year_end: int | None
) -> QuerySet[PublishedValue]:
    rows = PublishedValue.objects.select_related("series")
    if series:
        rows = rows.filter(series__code=series)
    if place:
        rows = rows.filter(place=place)
    if year_end is not None:
        rows = rows.filter(year_end=year_end)
    return rows.order_by("series__code", "year_end", "period", "level", "place", "id")


def recommendations_of(plan: Plan) -> QuerySet[Recommendation]:
    return Recommendation.objects.filter(plan=plan).select_related("plan", "source").order_by("order", "id")


def actions_of(plan: Plan, recommendation: int | None) -> QuerySet[Action]:
    rows = Action.objects.filter(recommendation__plan=plan).select_related("recommendation__plan")
    if recommendation is not None:
        rows = rows.filter(recommendation__order=recommendation)
    return rows.order_by("recommendation__order", "order", "id")


def checkpoints_of(plan: Plan, recommendation: int | None) -> QuerySet[Checkpoint]:
    rows = Checkpoint.objects.filter(action__recommendation__plan=plan).select_related("action__recommendation__plan")
    if recommendation is not None:
        rows = rows.filter(action__recommendation__order=recommendation)
    return rows.order_by("action__recommendation__order", "action__order", "as_at", "label", "id")
