"""Writes to committee business. Each public function runs in one transaction and is audited
(``accounts.AuditEvent``: who, when, what, before and after)."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction

from oversight.accounts.services import audited_upsert, council_set
from oversight.committee.models import (
    PLAN_APPENDICES,
    AgendaItem,
    Appendix,
    Body,
    ForwardPlanEntry,
    Meeting,
    ReportSection,
    Resolution,
    TaskGroup,
    WorkProgrammeItem,
)
from oversight.core.problems import ApplicationError
from oversight.improvement.models import Plan
from oversight.performance.limits import LONG_TEXT
from oversight.performance.models import ReportingStep

User = AbstractBaseUser | AnonymousUser | None
M = TypeVar("M", bound=models.Model)


def _save(model: type[M], key: dict[str, Any], values: dict[str, Any], user: User, via: str) -> M:
    return audited_upsert(model, key, values, actor=user, reason=via, name_key=False)


@transaction.atomic
def body_save(
    *,
    slug: str,
    name: str,
    kind: str,
    selection_criteria: str = "",
    council: str | None = None,
    user: User = None,
    via: str = "",
) -> Body:
    """Create or update a body; its council (an ONS code, '' for the service's own) is left as it is unless given."""
    values = {"name": name, "kind": kind, "selection_criteria": selection_criteria}
    if council is not None:
        values["council"] = council.strip().upper()
    return _save(Body, {"slug": slug}, values, user, via)


def body_set_council(*, slug: str, council: str, actor: User, reason: str) -> Body:
    """Give the body ``slug`` to a council (its ONS code; '' for the service's own): its meetings, agendas, work
    programmes, resolutions and packs are then that council's business (ADR 26). Audited, with the reason."""
    if not Body.objects.filter(slug=slug).exists():
        raise ApplicationError(f"There is no committee '{slug}'.")
    return council_set(Body, {"slug": slug}, council=council, actor=actor, reason=reason, what="the committee")


@transaction.atomic
def meeting_save(*, body: Body, on: date, venue: str = "", user: User = None, via: str = "") -> Meeting:
    meeting = _save(Meeting, {"body": body, "date": on}, {"venue": venue}, user, via)
    body_calendar_follow(body)
    return meeting


def body_calendar_follow(body: Body) -> int:
    """Give the reporting calendar's steps at this body its meeting dates, so a quarter falls due at the body's
    next meeting as the committee app records it. The calendar names its body in words (the performance app sits
    below this one and cannot refer to it), so the steps followed are those carrying the body's name."""
    dates = [day.isoformat() for day in body.meetings.order_by("date").values_list("date", flat=True)]
    return ReportingStep.objects.filter(body=body.name).exclude(meetings=dates).update(meetings=dates)


@transaction.atomic
def agenda_item_save(
    *,
    meeting: Meeting,
    order: int,
    title: str,
    purpose: str = "",
    report_of: str = "",
    part: int = 1,
    scorecard_slug: str = "",
    period: str = "",
    user: User = None,
    via: str = "",
) -> AgendaItem:
    values = {"title": title, "purpose": purpose, "report_of": report_of, "part": part}
    values |= {"scorecard_slug": scorecard_slug, "period": period}
    return _save(AgendaItem, {"meeting": meeting, "order": order}, values, user, via)


# The appendices that show a scorecard's period, and so need the item to present one.
_SCORECARD_APPENDICES = {Appendix.SCORECARD, Appendix.TRENDS, Appendix.BENCHMARK, Appendix.EXCEPTIONS}


@transaction.atomic
def agenda_item_report_save(
    *,
    item: AgendaItem,
    sections: dict[str, str],
    appendices: list[str],
    plan_slug: str = "",
    portfolio_holder: str = "",
    user: User = None,
    via: str = "",
) -> AgendaItem:
    """Keep an item's cover report: its numbered sections (heading → text, as the council's template lists them),
    the appendices chosen for it and the plan they show."""
    chosen = set(appendices)
    if chosen - set(Appendix.values):
        raise ApplicationError(f"There is no appendix '{sorted(chosen - set(Appendix.values))[0]}'.")
    if chosen & _SCORECARD_APPENDICES and not (item.scorecard_slug and item.period):
        raise ApplicationError("This item presents no scorecard, so it cannot carry the scorecard's appendices.")
    if plan_slug and not Plan.objects.filter(slug=plan_slug).exists():
        raise ApplicationError(f"There is no improvement plan '{plan_slug}'.")
    if chosen & set(PLAN_APPENDICES) and not plan_slug:
        raise ApplicationError("Choose the improvement plan that the plan appendices show.")
    too_long = [heading for heading, text in sections.items() if len(text.strip()) > LONG_TEXT]
    if too_long:
        raise ApplicationError(f"'{too_long[0]}' is longer than {LONG_TEXT} characters; shorten it.")
    values = {
        "portfolio_holder": portfolio_holder.strip(),
        "plan_slug": plan_slug,
        "appendices": [appendix.value for appendix in Appendix if appendix.value in chosen],
    }
    saved = _save(AgendaItem, {"meeting": item.meeting, "order": item.order}, values, user, via)
    for heading, text in sections.items():
        report_section_save(item=saved, heading=heading, text=text, user=user, via=via)
    return saved


@transaction.atomic
def report_section_save(*, item: AgendaItem, heading: str, text: str, user: User = None, via: str = "") -> None:
    """Keep one numbered section of an item's cover report; an empty section is not kept until it has had words."""
    text = text.replace("\r\n", "\n").strip()
    if len(text) > LONG_TEXT:
        raise ApplicationError(f"'{heading}' is longer than {LONG_TEXT} characters; shorten it.")
    if text or item.sections.filter(heading=heading).exists():
        _save(ReportSection, {"item": item, "heading": heading.strip()}, {"text": text}, user, via)


def _check_status(status: str, reason: str, on: date | None) -> None:
    if status == WorkProgrammeItem.Status.DEFERRED and not reason.strip():
        raise ApplicationError("Say why the item was deferred.")
    if status == WorkProgrammeItem.Status.DISCONTINUED and (not reason.strip() or on is None):
        raise ApplicationError("Give the date the item was discontinued and the reason.")


@transaction.atomic
def work_item_save(
    *,
    body: Body,
    topic: str,
    purpose: str = "",
    origin: str = "",
    corporate_priority: str = "",
    frequency: str = WorkProgrammeItem.Frequency.ONCE,
    planned_meeting: Meeting | None = None,
    status: str = WorkProgrammeItem.Status.ON_TRACK,
    status_reason: str = "",
    status_on: date | None = None,
    criteria: str = "",
    user: User = None,
    via: str = "",
) -> WorkProgrammeItem:
    """Add a topic to a body's work programme, or change the one with this topic."""
    if not topic.strip():
        raise ApplicationError("Give the item a topic.")
    if planned_meeting is not None and planned_meeting.body_id != body.pk:
        raise ApplicationError(f"The planned meeting is not one of {body.name}'s.")
    _check_status(status, status_reason, status_on)
    values = {
        "purpose": purpose.strip(),
        "origin": origin.strip(),
        "corporate_priority": corporate_priority.strip(),
        "frequency": frequency,
        "planned_meeting": planned_meeting,
        "status": status,
        "status_reason": status_reason.strip(),
        "status_on": status_on,
        "criteria": criteria.strip(),
    }
    return _save(WorkProgrammeItem, {"body": body, "topic": topic.strip()}, values, user, via)


@transaction.atomic
def task_group_save(
    *, body: Body, title: str, progress: str = "", actions: str = "", user: User = None, via: str = ""
) -> TaskGroup:
    return _save(TaskGroup, {"body": body, "title": title}, {"progress": progress, "actions": actions}, user, via)


@transaction.atomic
def forward_plan_save(
    *,
    reference: str,
    title: str,
    decision: str,
    decision_maker: str,
    expected_on: date,
    consultation: str = "",
    scrutiny: str = "",
    contact: str = "",
    user: User = None,
    via: str = "",
) -> ForwardPlanEntry:
    values = {"title": title, "decision": decision, "decision_maker": decision_maker, "expected_on": expected_on}
    values |= {"consultation": consultation, "scrutiny": scrutiny, "contact": contact}
    return _save(ForwardPlanEntry, {"reference": reference}, values, user, via)


@transaction.atomic
def resolution_save(
    *,
    meeting: Meeting,
    number: str,
    text: str,
    owner: str = "",
    due_meeting: Meeting | None = None,
    status: str = Resolution.Status.OPEN,
    follow_up: str = "",
    user: User = None,
    via: str = "",
) -> Resolution:
    """Record a resolution from a meeting's minutes, or its follow-up. It is due at a later meeting of the body."""
    if not number.strip() or not text.strip():
        raise ApplicationError("Give the resolution its minute number and its words.")
    if due_meeting is not None and (due_meeting.body_id != meeting.body_id or due_meeting.date <= meeting.date):
        raise ApplicationError("The meeting it is due at must be a later meeting of the same body.")
    if status == Resolution.Status.DONE and not follow_up.strip():
        raise ApplicationError("Say what was done to follow the resolution up.")
    values = {"text": text.strip(), "owner": owner.strip(), "due_meeting": due_meeting, "status": status}
    values["follow_up"] = follow_up.strip()
    return _save(Resolution, {"meeting": meeting, "number": number.strip()}, values, user, via)
