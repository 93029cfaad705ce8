"""Reads for inspections and improvement plans. Each page's query count stays flat as its rows grow."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db.models import F, Max, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from oversight.core.rag import Rating
from oversight.core.slippage import (
    RecommendationFacts,
    Slip,
    SlipKind,
    Update,
    slippage,
    status_word,
    update_interval_days,
)
from oversight.improvement.models import (
    Action,
    Checkpoint,
    Decision,
    DueDateRevision,
    EvidenceRequirement,
    ImpactMeasure,
    Inspection,
    Judgement,
    Plan,
    Recommendation,
)
from oversight.improvement.planfile import CheckpointColumn, PlanRow, PlanTable, Progress
from oversight.performance.selectors import indicator_detail

# Inspections ---------------------------------------------------------------------------------------


def inspections_all() -> QuerySet[Inspection]:
    # An inspection without a publication date comes last in its year, on every engine (PostgreSQL puts nulls first
    # when descending).
    latest = F("published_on").desc(nulls_last=True)
    return Inspection.objects.select_related("framework").order_by("-year", latest, "slug")


def inspection_detail(slug: str) -> Inspection:
    judgements = Judgement.objects.select_related("grade").order_by("order")
    return get_object_or_404(
        Inspection.objects.select_related("framework").prefetch_related(
            Prefetch("judgements", queryset=judgements), "framework__grades"
        ),
        slug=slug,
    )


@dataclass(frozen=True)
class AreaHistory:
    area_key: str
    area: str
    judgements: list[Judgement]

    @property
    def summary(self) -> str:
        """ "Good in 2011 → Requires improvement in 2015" """
        steps = [f"{j.result} in {j.inspection.year}" for j in self.judgements]
        return " → ".join(steps)


def area_history(area_key: str) -> AreaHistory:
    judgements = list(
        Judgement.objects.filter(area_key=area_key)
        .select_related("grade", "inspection__framework")
        .order_by("inspection__year", "inspection__published_on", "inspection__slug", "order")
    )
    if not judgements:
        from django.http import Http404

        raise Http404("No inspection has judged this area.")
    return AreaHistory(area_key, judgements[-1].area, judgements)


def areas_judged_more_than_once() -> list[tuple[str, str, int]]:
    counts = Counter(Judgement.objects.values_list("area_key", flat=True))
    names = dict(Judgement.objects.values_list("area_key", "area"))
    return sorted(((key, names[key], n) for key, n in counts.items() if n > 1), key=lambda t: t[1])


# Plans --------------------------------------------------------------------------------------------


def plans_all() -> QuerySet[Plan]:
    return Plan.objects.order_by("slug")


def rag_explanation(checkpoint: Checkpoint) -> str:
    """Why a checkpoint has its RAG, in words, even when no reason or no rating was given."""
    if checkpoint.rag_reason:
        return checkpoint.rag_reason
    if checkpoint.rating is Rating.NOT_RATED:
        return "no RAG was given at this checkpoint."
    return "no reason was recorded."


@dataclass
class RecommendationStatus:
    recommendation: Recommendation
    latest: Checkpoint | None
    slips: list[Slip]
    next_presentation: EvidenceRequirement | None

    @property
    def rating(self) -> Rating:
        return self.latest.rating if self.latest else Rating.NOT_RATED

    @property
    def rag_reason(self) -> str:
        if self.latest is None:
            return "No progress recorded yet."
        return f"{self.latest.label}: {rag_explanation(self.latest)}"

    @property
    def is_overdue(self) -> bool:
        return any(slip.kind is SlipKind.PAST_DUE for slip in self.slips)

    @property
    def due_on(self) -> date | None:
        """The date it is due by now: the latest revision's, else the first."""
        revision = self.revision
        return revision.due_on if revision else self.recommendation.due_on

    @property
    def revision(self) -> DueDateRevision | None:
        """The latest revision of the due date, whose reason the recommendation's page gives."""
        return _latest_revision(self.recommendation)

    @property
    def status(self) -> str:
        """'On track', 'Revised to 30 Sep 2013', 'Past due; No recent update', 'Signed off 1 Oct 2013'."""
        revision = self.revision
        return status_word(
            signed_off=self.recommendation.is_signed_off,
            signed_off_on=self.recommendation.signed_off_on,
            revised_due_on=revision.due_on if revision else None,
            slips=self.slips,
        )


@dataclass
class Group:
    title: str
    items: list[RecommendationStatus] = field(default_factory=list)

    @property
    def signed_off(self) -> int:
        return sum(1 for item in self.items if item.recommendation.is_signed_off)


@dataclass
class PlanSummary:
    plan: Plan
    today: date
    groups: list[Group]

    @property
    def items(self) -> list[RecommendationStatus]:
        return [item for group in self.groups for item in group.items]

    @property
    def overdue(self) -> list[RecommendationStatus]:
        return [item for item in self.items if item.is_overdue]

    @property
    def slipping(self) -> list[RecommendationStatus]:
        return [item for item in self.items if item.slips]

    @property
    def next_sign_offs(self) -> list[RecommendationStatus]:
        coming = [(item.next_presentation.present_on, item) for item in self.items if item.next_presentation]
        return [item for _, item in sorted(coming, key=lambda pair: pair[0] or date.max)][:8]

    @property
    def rating_counts(self) -> list[tuple[Rating, int]]:
        found = Counter(item.rating for item in self.items)
        return [(rating, found[rating]) for rating in (Rating.RED, Rating.AMBER, Rating.GREEN, Rating.NOT_RATED)]

    @property
    def signed_off(self) -> int:
        return sum(1 for item in self.items if item.recommendation.is_signed_off)


def _recommendations(plan: Plan) -> QuerySet[Recommendation]:
    return (
        plan.recommendations.select_related("objective", "source")
        .prefetch_related(
            Prefetch("actions", queryset=Action.objects.prefetch_related("checkpoints__evidence").order_by("order")),
            Prefetch("decisions", queryset=Decision.objects.order_by("decided_on", "id")),
            Prefetch("evidence_requirements", queryset=EvidenceRequirement.objects.order_by("present_on", "order")),
            Prefetch("revisions", queryset=DueDateRevision.objects.order_by("agreed_on", "id")),
        )
        .order_by("order")
    )


def _checkpoints(recommendation: Recommendation) -> list[Checkpoint]:
    found = [c for action in recommendation.actions.all() for c in action.checkpoints.all()]
    return sorted(found, key=lambda c: (c.as_at, c.pk))


def _latest_revision(recommendation: Recommendation) -> DueDateRevision | None:
    """The latest of the (prefetched) revisions of its due date."""
    revisions = list(recommendation.revisions.all())
    return max(revisions, key=lambda revision: (revision.agreed_on, revision.pk)) if revisions else None


def recommendation_facts(recommendation: Recommendation) -> RecommendationFacts:
    checkpoints = _checkpoints(recommendation)
    revision = _latest_revision(recommendation)
    return RecommendationFacts(
        revised_due_on=revision.due_on if revision else None,
        due_on=recommendation.due_on,
        started_on=recommendation.source.published_on,
        signed_off=recommendation.is_signed_off,
        updates=tuple(Update(c.as_at, c.label, c.rating) for c in checkpoints),
        more_evidence_decisions=sum(
            1 for d in recommendation.decisions.all() if d.outcome == Decision.Outcome.MORE_EVIDENCE
        ),
        update_every_days=update_interval_days(recommendation.reporting_schedule),
    )


def _status(recommendation: Recommendation, today: date) -> RecommendationStatus:
    checkpoints = [c for c in _checkpoints(recommendation) if c.as_at <= today]
    upcoming = [r for r in recommendation.evidence_requirements.all() if r.present_on and r.present_on >= today]
    return RecommendationStatus(
        recommendation=recommendation,
        latest=checkpoints[-1] if checkpoints else None,
        slips=slippage(recommendation_facts(recommendation), today),
        next_presentation=None if recommendation.is_signed_off or not upcoming else upcoming[0],
    )


def plan_latest_progress(plan_slug: str) -> date | None:
    """The date of the plan's latest progress entry: what a plan on a page is shown as at unless asked otherwise."""
    latest: date | None = Checkpoint.objects.filter(action__recommendation__plan__slug=plan_slug).aggregate(
        latest=Max("as_at")
    )["latest"]
    return latest


def plan_summary(plan: Plan, today: date, recommendations: Sequence[Recommendation] | None = None) -> PlanSummary:
    """Plan on a page: each objective's (or section's) recommendations with status, RAG and slippage. (Given
    ``recommendations``, as ``plan_recommendations`` fetches them, it reads those instead of fetching them again.)"""
    groups: dict[str, Group] = {}
    for objective in plan.objectives.all():
        groups[objective.title] = Group(objective.title)
    for recommendation in _recommendations(plan) if recommendations is None else recommendations:
        title = (
            recommendation.objective.title if recommendation.objective else recommendation.section or "Recommendations"
        )
        groups.setdefault(title, Group(title)).items.append(_status(recommendation, today))
    return PlanSummary(plan, today, list(groups.values()))


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    kind: str  # "checkpoint" or "decision"
    title: str
    checkpoint: Checkpoint | None = None
    decision: Decision | None = None

    @property
    def rag_reason(self) -> str:
        return rag_explanation(self.checkpoint) if self.checkpoint else ""


@dataclass
class ImpactRow:
    measure: ImpactMeasure
    period_label: str
    value_text: str
    rating: Rating
    reason: str


@dataclass
class RecommendationDetail:
    status: RecommendationStatus
    actions: list[Action]
    timeline: list[TimelineEntry]
    requirements: list[EvidenceRequirement]
    impact: list[ImpactRow]

    @property
    def recommendation(self) -> Recommendation:
        return self.status.recommendation


def _impact(recommendation: Recommendation) -> list[ImpactRow]:
    rows = []
    for measure in ImpactMeasure.objects.filter(recommendation=recommendation).select_related("indicator"):
        detail = indicator_detail(measure.indicator.code)
        history = [row for group in detail.history.values() for row in group if row.actual is not None]
        latest = max(history, key=lambda row: (row.period.end, -(row.period.end - row.period.start).days), default=None)
        if latest is None or latest.actual is None:
            rows.append(ImpactRow(measure, "", "no figures yet", Rating.NOT_RATED, "No figures yet."))
        else:
            rows.append(
                ImpactRow(measure, latest.period.label, latest.actual.text, latest.rag.rating, latest.rag.reason)
            )
    order = list(ImpactMeasure.Kind.values)
    return sorted(rows, key=lambda row: (order.index(row.measure.kind), row.measure.indicator.code))


def recommendation_detail(plan_slug: str, order: int, today: date) -> RecommendationDetail:
    plan = get_object_or_404(Plan, slug=plan_slug)
    recommendation = get_object_or_404(_recommendations(plan), order=order)
    timeline = [
        TimelineEntry(c.as_at, "checkpoint", f"Progress at {c.label}", checkpoint=c)
        for c in _checkpoints(recommendation)
    ]
    timeline += [
        TimelineEntry(d.decided_on, "decision", f"{d.board}: {d.get_outcome_display()}", decision=d)
        for d in recommendation.decisions.all()
    ]
    timeline.sort(key=lambda entry: (entry.on, entry.kind))
    return RecommendationDetail(
        status=_status(recommendation, today),
        actions=list(recommendation.actions.all()),
        timeline=timeline,
        requirements=list(recommendation.evidence_requirements.all()),
        impact=_impact(recommendation),
    )


def plan_recommendations(plan: Plan) -> list[Recommendation]:
    """The plan's recommendations with everything the plan on a page and the plan table read of them, fetched once
    for a document that shows both."""
    return list(_recommendations(plan))


def plan_table(plan: Plan, recommendations: Sequence[Recommendation] | None = None) -> PlanTable:
    """The plan as the familiar action plan table (for XLSX and PDF export). (Given ``recommendations``, as
    ``plan_recommendations`` fetches them, it reads those instead of fetching them again.)"""
    if recommendations is None:
        recommendations = plan_recommendations(plan)
    labels: list[str] = []
    seen: dict[str, date] = {}
    for recommendation in recommendations:
        for checkpoint in _checkpoints(recommendation):
            seen.setdefault(checkpoint.label, checkpoint.as_at)
    labels = sorted(seen, key=lambda label: seen[label])
    columns = [CheckpointColumn(label, 4 + 2 * i, 5 + 2 * i) for i, label in enumerate(labels)]
    table = PlanTable(title=plan.title, checkpoints=columns)
    for recommendation in recommendations:
        actions = list(recommendation.actions.all())
        by_label: dict[str, Checkpoint] = {}
        for action in actions:
            for checkpoint in action.checkpoints.all():
                by_label.setdefault(checkpoint.label, checkpoint)
        progress = [
            Progress(label, by_label[label].narrative, by_label[label].rating)
            if label in by_label
            else Progress(label, "", Rating.NOT_RATED)
            for label in labels
        ]
        table.rows.append(
            PlanRow(
                row=recommendation.order,
                section=recommendation.objective.title if recommendation.objective else recommendation.section,
                text=recommendation.text,
                timescale=recommendation.timescale,
                actions="\n".join(a.text for a in actions),
                officers="; ".join(dict.fromkeys(a.officers for a in actions if a.officers)),
                progress=progress,
                reporting_schedule=recommendation.reporting_schedule,
            )
        )
    return table
