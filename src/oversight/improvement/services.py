"""Writes to inspections and improvement plans. Each public function runs in one transaction and is audited
(``accounts.AuditEvent``: who, when, what, before and after)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction

from oversight.accounts.models import AuditEvent
from oversight.accounts.services import audit_record, audited_upsert, council_set
from oversight.core.councils import EVERY_COUNCIL, CouncilScope
from oversight.core.periods import PeriodError, parse_period
from oversight.core.problems import ApplicationError, ImportResult, Issue
from oversight.core.rag import Rating
from oversight.core.timescales import TimescaleError, checkpoint_date, parse_timescale
from oversight.improvement.models import (
    Action,
    Checkpoint,
    Decision,
    DueDateRevision,
    Evidence,
    EvidenceRequirement,
    Framework,
    Grade,
    HighlightEntry,
    HighlightReport,
    ImpactMeasure,
    Inspection,
    Judgement,
    Objective,
    Plan,
    Recommendation,
    Source,
)
from oversight.improvement.planfile import PlanTable, read_plan_table
from oversight.performance.models import Indicator, Scorecard

User = AbstractBaseUser | AnonymousUser | None

__all__ = ["PlanImportResult"]


def _name(user: User) -> str:
    return str(user.get_username()) if user is not None and user.is_authenticated else "system"


def _actor(user: User) -> Any:
    return user if user is not None and user.is_authenticated else None


def _audit(user: User, action: str, obj: Any, before: dict[str, Any], after: dict[str, Any], via: str = "") -> None:
    audit_record(
        actor=user,
        action=action,
        object_type=f"improvement.{type(obj).__name__.lower()}",
        object_id=obj.pk,
        object_repr=str(obj),
        before=before,
        after=after,
        reason=via,
    )


def due_date_for(source: Source, timescale: str) -> date | None:
    """The due date a timescale gives, counted from the source's publication date."""
    try:
        return parse_timescale(timescale).due_date(source.published_on)
    except TimescaleError as error:
        raise ApplicationError(f"{source}: {error}") from None


# Importing an action plan table ------------------------------------------------------------------


@dataclass
class PlanImportResult(ImportResult):
    plan: Plan | None = None
    recommendations: int = 0
    checkpoints: int = 0


def plan_import(
    path: Path, *, plan_slug: str, source: Source, user: User = None, title: str = "", accountable_body: str = ""
) -> PlanImportResult:
    """Import an action plan table into a new (or still empty) plan. All or nothing: with any problem in the
    file, nothing is written and every problem is returned with its row and column."""
    table, issues = read_plan_table(path)
    if table is None:
        return PlanImportResult(issues=issues)
    existing = Plan.objects.filter(slug=plan_slug).first()
    if existing is not None and existing.recommendations.exists():
        count = existing.recommendations.count()
        message = f"the plan '{plan_slug}' already has {count} recommendations; import into a new plan"
        return PlanImportResult(issues=[Issue(path.name, None, None, message)])
    dated, date_issues = _checkpoint_dates(path.name, table, source)
    if date_issues:
        return PlanImportResult(issues=date_issues)
    return _plan_write(
        table,
        dated,
        plan_slug=plan_slug,
        source=source,
        user=user,
        via=path.name,
        title=title or table.title or plan_slug,
        accountable_body=accountable_body,
    )


def _checkpoint_dates(name: str, table: PlanTable, source: Source) -> tuple[dict[str, date], list[Issue]]:
    issues = []
    dates: dict[str, date] = {}
    start = source.published_on
    if start is None:
        return {}, [Issue(name, None, None, f"the source '{source}' has no publication date to count timescales from")]
    for label in table.checkpoint_labels:
        try:
            dates[label] = checkpoint_date(label, after=start)
        except TimescaleError as error:
            issues.append(Issue(name, None, f"Evidence/Progress ({label})", str(error)))
    return dates, issues


@transaction.atomic
def _plan_write(
    table: PlanTable,
    dates: dict[str, date],
    *,
    plan_slug: str,
    source: Source,
    user: User,
    via: str,
    title: str,
    accountable_body: str,
) -> PlanImportResult:
    plan, created = Plan.objects.get_or_create(
        slug=plan_slug, defaults={"title": title, "accountable_body": accountable_body}
    )
    # Three bulk inserts rather than one per row: the demo loads this for every test that uses it.
    recommendations = Recommendation.objects.bulk_create(
        Recommendation(
            plan=plan,
            source=source,
            order=order,
            section=row.section,
            text=row.text,
            timescale=row.timescale,
            due_on=due_date_for(source, row.timescale),
            reporting_schedule=row.reporting_schedule,
        )
        for order, row in enumerate(table.rows, start=1)
    )
    actions = Action.objects.bulk_create(
        Action(recommendation=recommendation, order=1, text=row.actions, officers=row.officers)
        for recommendation, row in zip(recommendations, table.rows, strict=True)
    )
    checkpoints = Checkpoint.objects.bulk_create(
        Checkpoint(
            action=action,
            label=progress.label,
            as_at=dates[progress.label],
            narrative=progress.narrative,
            rag=progress.rating.value,
            author_name=f"import of {via}"[:150],
        )
        for action, row in zip(actions, table.rows, strict=True)
        for progress in row.progress
        if progress.narrative or progress.rating is not Rating.NOT_RATED
    )
    result = PlanImportResult(
        files=1, rows=len(table.rows), plan=plan, recommendations=len(recommendations), checkpoints=len(checkpoints)
    )
    _audit(
        user,
        AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        plan,
        {},
        {"recommendations": result.recommendations, "checkpoints": result.checkpoints},
        via=f"import of {via}",
    )
    return result


# Progress ------------------------------------------------------------------------------------------


@transaction.atomic
def checkpoint_record(
    *,
    action: Action,
    label: str,
    as_at: date,
    narrative: str,
    rating: Rating,
    rag_reason: str,
    user: User,
    evidence_title: str = "",
    evidence_url: str = "",
) -> Checkpoint:
    """Record (or correct) the progress on an action at a checkpoint. A RAG needs its reason."""
    if action.recommendation.is_signed_off:
        raise ApplicationError("This recommendation is signed off; its progress is closed.")
    if rating is not Rating.NOT_RATED and not rag_reason.strip():
        raise ApplicationError(f"Say why the progress is {rating.label}: a RAG rating always carries its reason.")
    if not narrative.strip():
        raise ApplicationError("Describe the evidence and progress at this checkpoint.")
    if evidence_url and not evidence_title.strip():
        raise ApplicationError("Give the evidence link a title, so that readers know what it is.")
    checkpoint = Checkpoint.objects.filter(action=action, label=label).first()
    before = _checkpoint_state(checkpoint) if checkpoint else {}
    if checkpoint is None:
        checkpoint = Checkpoint(action=action, label=label)
    checkpoint.as_at = as_at
    checkpoint.narrative = narrative.strip()
    checkpoint.rag = rating.value
    checkpoint.rag_reason = rag_reason.strip()
    checkpoint.author = _actor(user)
    checkpoint.author_name = _name(user)
    checkpoint.save()
    if evidence_title.strip():
        Evidence.objects.create(
            checkpoint=checkpoint, title=evidence_title.strip(), url=evidence_url, added_by_name=_name(user)
        )
    after = _checkpoint_state(checkpoint) | ({"evidence": evidence_title.strip()} if evidence_title.strip() else {})
    _audit(
        user, AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE, checkpoint, before, after, "web form"
    )
    return checkpoint


def _checkpoint_state(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "label": checkpoint.label,
        "as_at": checkpoint.as_at.isoformat(),
        "narrative": checkpoint.narrative,
        "rag": checkpoint.rag,
        "rag_reason": checkpoint.rag_reason,
    }


@transaction.atomic
def action_update(*, action: Action, status: str, officers: str, due_on: date | None, user: User) -> Action:
    """Change an action's status, responsible officers or due date, as a service manager keeps them up to date."""
    if action.recommendation.is_signed_off:
        raise ApplicationError("This recommendation is signed off; its actions are closed.")
    if status not in Action.Status.values:
        raise ApplicationError(f"'{status}' is not a status; choose not started, in progress or complete.")
    before = {"status": action.status, "officers": action.officers, "due_on": str(action.due_on or "")}
    action.status = status
    action.officers = officers.strip()
    action.due_on = due_on
    action.save(update_fields=["status", "officers", "due_on"])
    after = {"status": action.status, "officers": action.officers, "due_on": str(action.due_on or "")}
    if before != after:
        _audit(user, AuditEvent.Action.UPDATE, action, before, after, "web form")
    return action


@transaction.atomic
def recommendation_due_revise(
    *,
    recommendation: Recommendation,
    due_on: date,
    reason: str,
    approved_by: str,
    agreed_on: date,
    user: User,
    via: str = "web form",
) -> DueDateRevision:
    """Move a recommendation's due date, saying why and who agreed it; the plan then says "Revised to …" rather
    than that it is on track. The first due date is kept, and so is every revision."""
    if recommendation.is_signed_off:
        raise ApplicationError(f"{recommendation.reference} is signed off; its due date can no longer move.")
    if not reason.strip():
        raise ApplicationError("Say why the due date moved: a revised date always carries its reason.")
    if not approved_by.strip():
        raise ApplicationError("Name who agreed the revised date: a person or a board.")
    latest = recommendation.revisions.order_by("-agreed_on", "-id").first()
    previous = latest.due_on if latest else recommendation.due_on
    if previous is not None and due_on == previous:
        raise ApplicationError(f"{recommendation.reference} is already due on {due_on:%-d %B %Y}.")
    if agreed_on > due_on:
        raise ApplicationError("The revised date is before the day it was agreed; give a date still to come then.")
    revision = DueDateRevision.objects.create(
        recommendation=recommendation,
        due_on=due_on,
        previous_due_on=previous,
        reason=reason.strip(),
        approved_by=approved_by.strip(),
        agreed_on=agreed_on,
        recorded_by=_actor(user),
        recorded_by_name=_name(user),
    )
    _audit(
        user,
        AuditEvent.Action.UPDATE,
        recommendation,
        {"due_on": previous.isoformat() if previous else ""},
        {
            "due_on": due_on.isoformat(),
            "reason": revision.reason,
            "approved_by": revision.approved_by,
            "agreed_on": agreed_on.isoformat(),
        },
        via,
    )
    return revision


# Highlight reports -----------------------------------------------------------------------------------


@transaction.atomic
def highlight_report_save(
    *,
    plan: Plan,
    reported_on: date,
    title: str,
    report_to: str = "",
    report_of: str = "",
    summary: str = "",
    scorecard_slug: str = "",
    period: str = "",
    indicators: str = "",
    staffing_indicators: str = "",
    local_authority: str = "",
    user: User = None,
    via: str = "web form",
    scope: CouncilScope = EVERY_COUNCIL,
) -> HighlightReport:
    """Create or update a plan's highlight report at a reporting date, checking the scorecard and its indicators.
    A user of ``scope`` changes only their own councils' reports; one they create is their council's (ADR 26)."""
    if not title.strip():
        raise ApplicationError("Give the highlight report a title.")
    existing = HighlightReport.objects.filter(plan=plan, reported_on=reported_on).only("council").first()
    if existing is not None and not scope.allows(existing.council):
        raise ApplicationError(
            f"{plan.title} has another council's highlight report on {reported_on:%-d %B %Y}; choose another date."
        )
    scorecard = None
    if scorecard_slug:
        scorecard = Scorecard.objects.filter(slug=scorecard_slug).first()
        if scorecard is None:
            raise ApplicationError(f"There is no scorecard '{scorecard_slug}'.")
    codes = indicators.split() + staffing_indicators.split()
    known = set(Indicator.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ApplicationError(f"There is no indicator {', '.join(repr(code) for code in unknown)} in the catalogue.")
    if codes and scorecard is None:
        raise ApplicationError("Name the scorecard the chosen indicators' figures come from.")
    if scorecard is not None:
        try:
            parse_period(period)
        except PeriodError as error:
            raise ApplicationError(str(error)) from None
    values: dict[str, Any] = {"title": title.strip(), "report_to": report_to.strip(), "report_of": report_of.strip()}
    values |= {"summary": summary.strip(), "scorecard": scorecard, "period": period}
    values |= {"indicators": " ".join(indicators.split()), "staffing_indicators": " ".join(staffing_indicators.split())}
    values |= {"local_authority": local_authority.strip()}
    if existing is None:
        values["council"] = scope.home
    return _upsert(HighlightReport, {"plan": plan, "reported_on": reported_on}, values, user, via)


def highlight_report_set_council(
    *, plan_slug: str, reported_on: date, council: str, actor: User, reason: str
) -> HighlightReport:
    """Give a plan's highlight report at a date to a council (its ONS code; '' for the service's own): it is then
    for that council's users alone (ADR 26). Audited, with the reason."""
    if not HighlightReport.objects.filter(plan__slug=plan_slug, reported_on=reported_on).exists():
        raise ApplicationError(f"There is no highlight report of plan '{plan_slug}' on {reported_on:%-d %B %Y}.")
    key = {"plan": Plan.objects.get(slug=plan_slug), "reported_on": reported_on}
    return council_set(HighlightReport, key, council=council, actor=actor, reason=reason, what="the highlight report")


@transaction.atomic
def highlight_entry_add(
    *,
    report: HighlightReport,
    kind: str,
    text: str,
    owner: str,
    rating: Rating,
    order: int | None = None,
    user: User = None,
    via: str = "web form",
) -> HighlightEntry:
    """Add a key highlight, or a key challenge or risk, with its owner and RAG (at ``order``, or after the last)."""
    if kind not in HighlightEntry.Kind.values:
        raise ApplicationError("Choose a key highlight, or a key challenge or risk.")
    if not text.strip():
        raise ApplicationError("Say what the highlight, challenge or risk is.")
    if order is None:
        order = (report.entries.filter(kind=kind).aggregate(last=models.Max("order"))["last"] or 0) + 1
    values = {"text": text.strip(), "owner": owner.strip(), "rag": rating.value}
    return _upsert(HighlightEntry, {"report": report, "kind": kind, "order": order}, values, user, via)


# Evidence matrix, decisions and sign-off ---------------------------------------------------------


@transaction.atomic
def evidence_requirement_add(
    *, recommendation: Recommendation, evidence: str, board: str, present_on: date | None, user: User
) -> EvidenceRequirement:
    if not evidence.strip() or not board.strip():
        raise ApplicationError("Say what evidence is required and which board it goes to.")
    order = recommendation.evidence_requirements.count() + 1
    requirement = EvidenceRequirement.objects.create(
        recommendation=recommendation,
        order=order,
        evidence=evidence.strip(),
        board=board.strip(),
        present_on=present_on,
    )
    _audit(
        user, AuditEvent.Action.CREATE, requirement, {}, {"evidence": requirement.evidence, "board": requirement.board}
    )
    return requirement


@transaction.atomic
def decision_record(
    *, recommendation: Recommendation, board: str, decided_on: date, outcome: str, note: str, user: User
) -> Decision:
    """Record what a board decided. A decision to sign off closes the recommendation."""
    if recommendation.is_signed_off:
        raise ApplicationError(
            f"{recommendation.reference} was signed off on {recommendation.signed_off_on}; it is closed."
        )
    if outcome not in Decision.Outcome.values:
        raise ApplicationError("Choose the decision: evidence accepted, more evidence needed, or signed off.")
    if not board.strip():
        raise ApplicationError("Name the board that made the decision.")
    if outcome == Decision.Outcome.MORE_EVIDENCE and not note.strip():
        raise ApplicationError("Say what more evidence the board asked for.")
    decision = Decision.objects.create(
        recommendation=recommendation,
        board=board.strip(),
        decided_on=decided_on,
        outcome=outcome,
        note=note.strip(),
        recorded_by=_actor(user),
        recorded_by_name=_name(user),
    )
    _audit(
        user,
        AuditEvent.Action.CREATE,
        decision,
        {},
        {"board": decision.board, "decided_on": decided_on.isoformat(), "outcome": outcome, "note": decision.note},
    )
    if outcome == Decision.Outcome.SIGNED_OFF:
        recommendation_sign_off(recommendation=recommendation, user=user)
    return decision


@transaction.atomic
def recommendation_sign_off(*, recommendation: Recommendation, user: User) -> Recommendation:
    """Close a recommendation. Only a recorded board decision to sign it off can do this."""
    decision = recommendation.decisions.filter(outcome=Decision.Outcome.SIGNED_OFF).order_by("-decided_on").first()
    if decision is None:
        raise ApplicationError(
            f"{recommendation.reference} cannot be signed off without a recorded decision: record the board's "
            "decision to sign it off first."
        )
    if recommendation.is_signed_off:
        return recommendation
    before = {"status": recommendation.status}
    recommendation.status = Recommendation.Status.SIGNED_OFF
    recommendation.signed_off_on = decision.decided_on
    recommendation.save(update_fields=["status", "signed_off_on"])
    _audit(
        user,
        AuditEvent.Action.UPDATE,
        recommendation,
        before,
        {
            "status": recommendation.status,
            "signed_off_on": decision.decided_on.isoformat(),
            "decision": f"{decision.board}, {decision.decided_on.isoformat()}",
        },
    )
    return recommendation


@transaction.atomic
def impact_measure_link(*, recommendation: Recommendation, indicator_code: str, kind: str, user: User) -> ImpactMeasure:
    indicator = Indicator.objects.filter(code=indicator_code).first()
    if indicator is None:
        raise ApplicationError(f"There is no indicator '{indicator_code}' in the scorecard catalogue.")
    if kind not in ImpactMeasure.Kind.values:
        raise ApplicationError("Label the measure how much, how well, or better off.")
    measure, _ = ImpactMeasure.objects.update_or_create(
        recommendation=recommendation, indicator=indicator, defaults={"kind": kind}
    )
    _audit(user, AuditEvent.Action.UPDATE, measure, {}, {"indicator": indicator.code, "kind": kind})
    return measure


# Inspections and plans as loaded from files ----------------------------------------------------------

M = TypeVar("M", bound=models.Model)


def _upsert(model: type[M], key: dict[str, Any], values: dict[str, Any], user: User, via: str) -> M:
    return audited_upsert(model, key, values, actor=user, reason=via)


@transaction.atomic
def framework_save(
    *,
    slug: str,
    name: str,
    body: str,
    version: str,
    in_use_from: date | None,
    in_use_to: date | None,
    free_text: bool,
    proposed: bool,
    notes: str,
    user: User = None,
    via: str = "",
) -> Framework:
    values: dict[str, Any] = {
        "name": name,
        "body": body,
        "version": version,
        "in_use_from": in_use_from,
        "in_use_to": in_use_to,
    }
    values |= {"free_text": free_text, "proposed": proposed, "notes": notes}
    return _upsert(Framework, {"slug": slug}, values, user, via)


@transaction.atomic
def grade_save(
    *, framework: Framework, label: str, order: int, meaning: str, user: User = None, via: str = ""
) -> Grade:
    return _upsert(Grade, {"framework": framework, "label": label}, {"order": order, "meaning": meaning}, user, via)


@transaction.atomic
def inspection_save(
    *,
    slug: str,
    local_authority: str,
    body: str,
    framework: Framework,
    kind: str,
    title: str,
    year: int,
    started_on: date | None,
    ended_on: date | None,
    published_on: date | None,
    lead_inspector: str,
    report_url: str,
    key_quotes: str,
    source_note: str,
    user: User = None,
    via: str = "",
) -> Inspection:
    values: dict[str, Any] = {"local_authority": local_authority, "body": body, "framework": framework}
    values |= {"kind": kind, "title": title, "year": year}
    values |= {"started_on": started_on, "ended_on": ended_on, "published_on": published_on}
    values |= {"lead_inspector": lead_inspector, "report_url": report_url, "key_quotes": key_quotes}
    values |= {"source_note": source_note}
    return _upsert(Inspection, {"slug": slug}, values, user, via)


@transaction.atomic
def judgement_save(
    *,
    inspection: Inspection,
    order: int,
    section: str,
    area: str,
    area_key: str,
    grade: Grade | None,
    text: str,
    user: User = None,
    via: str = "",
) -> Judgement:
    if grade is not None and grade.framework_id != inspection.framework_id:
        raise ApplicationError(f"'{grade.label}' is not a grade of {inspection.framework}.")
    values = {"section": section, "area": area, "area_key": area_key, "grade": grade, "text": text}
    return _upsert(Judgement, {"inspection": inspection, "order": order}, values, user, via)


@transaction.atomic
def source_save(
    *,
    slug: str,
    kind: str,
    title: str,
    published_on: date | None,
    inspection: Inspection | None,
    user: User = None,
    via: str = "",
) -> Source:
    values = {"kind": kind, "title": title, "published_on": published_on, "inspection": inspection}
    return _upsert(Source, {"slug": slug}, values, user, via)


@transaction.atomic
def plan_save(
    *,
    slug: str,
    title: str,
    local_authority: str,
    accountable_body: str,
    status: str,
    description: str,
    user: User = None,
    via: str = "",
) -> Plan:
    values: dict[str, Any] = {"title": title, "local_authority": local_authority, "accountable_body": accountable_body}
    values |= {"status": status, "description": description}
    return _upsert(Plan, {"slug": slug}, values, user, via)


@transaction.atomic
def objective_save(*, plan: Plan, order: int, title: str, user: User = None, via: str = "") -> Objective:
    return _upsert(Objective, {"plan": plan, "order": order}, {"title": title}, user, via)


@transaction.atomic
def recommendation_add(
    *,
    plan: Plan,
    order: int,
    objective: Objective | None,
    source: Source,
    section: str,
    text: str,
    timescale: str,
    reporting_schedule: str,
    actions: str,
    officers: str,
    user: User = None,
    via: str = "",
) -> Recommendation:
    """Add a recommendation to a plan, due when its timescale from the source says, with its key actions."""
    if plan.recommendations.filter(order=order).exists():
        raise ApplicationError(f"The plan '{plan.slug}' already has a recommendation {order}.")
    values: dict[str, Any] = {"objective": objective, "source": source, "section": section, "text": text}
    values |= {"timescale": timescale, "due_on": due_date_for(source, timescale)}
    values |= {"reporting_schedule": reporting_schedule}
    recommendation = _upsert(Recommendation, {"plan": plan, "order": order}, values, user, via)
    if actions:
        _upsert(
            Action, {"recommendation": recommendation, "order": 1}, {"text": actions, "officers": officers}, user, via
        )
    return recommendation


@transaction.atomic
def checkpoint_add(
    *,
    action: Action,
    label: str,
    as_at: date,
    rating: Rating,
    rag_reason: str,
    narrative: str,
    author_name: str,
    user: User = None,
    via: str = "",
) -> Checkpoint:
    """Add progress recorded elsewhere (a highlight report, say) in its author's name; a checkpoint the action
    already has under this label is kept as it is, since progress is corrected through ``checkpoint_record``."""
    existing = Checkpoint.objects.filter(action=action, label=label).first()
    if existing is not None:
        return existing
    values = {"as_at": as_at, "rag": rating.value, "rag_reason": rag_reason, "narrative": narrative}
    return _upsert(Checkpoint, {"action": action, "label": label}, values | {"author_name": author_name}, user, via)
