"""Reads of committee business: the bodies, a body's meetings, work programme and resolutions, overdue follow-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from oversight.committee.models import Body, ForwardPlanEntry, Meeting, Resolution, TaskGroup, WorkProgrammeItem
from oversight.core.councils import CouncilScope


@dataclass
class BodyView:
    body: Body
    meetings: list[Meeting]
    work_programme: list[WorkProgrammeItem]
    task_groups: list[TaskGroup]
    resolutions: list[Resolution]
    overdue: list[Resolution]
    forward_plan: list[ForwardPlanEntry]


def _resolutions() -> QuerySet[Resolution]:
    return Resolution.objects.select_related("meeting__body", "due_meeting")


def body_view(body: Body, today: date) -> BodyView:
    resolutions = list(_resolutions().filter(meeting__body=body))
    # The forward plan names the scrutiny committees in words, e.g. "Adult Social Care; Children and Families".
    words = body.name.removesuffix(" Scrutiny Committee").removesuffix(" Committee")
    return BodyView(
        body=body,
        meetings=list(body.meetings.all()),
        work_programme=list(body.work_programme.select_related("planned_meeting")),
        task_groups=list(body.task_groups.all()),
        resolutions=resolutions,
        overdue=[resolution for resolution in resolutions if resolution.is_overdue(today)],
        forward_plan=list(ForwardPlanEntry.objects.filter(scrutiny__icontains=words)) if words else [],
    )


def resolutions_overdue(today: date) -> list[Resolution]:
    """Open resolutions whose due meeting has passed, across every body, oldest first."""
    return list(_resolutions().filter(status=Resolution.Status.OPEN, due_meeting__date__lt=today))


def meeting_find(body: Body, on: date) -> Meeting | None:
    return body.meetings.filter(date=on).prefetch_related("agenda").first()


def body_shown(slug: str, scope: CouncilScope, *, public: bool) -> Body:
    """The body ``slug``, if a user of ``scope`` may read what is asked of it: its ``public`` business (the body,
    its meetings, agendas, work programme, resolutions, a Part 1 pack) as every reader, the rest (changing any of
    it, a report being written, a Part 2 pack) as a member of its council (ADR 26). Otherwise a 404."""
    body = get_object_or_404(Body, slug=slug)
    if not scope.business_visible(body.council, public=public):
        raise Http404(f"There is no committee '{slug}'.")
    return body
