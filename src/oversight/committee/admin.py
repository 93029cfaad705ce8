"""The admin site for committee business: read-only. It changes through its pages and the import (all audited);
nothing a committee has resolved is deleted."""

from __future__ import annotations

from django.contrib import admin

from oversight.accounts.admin import ReadOnlyAdmin
from oversight.committee.models import (
    AgendaItem,
    Body,
    ForwardPlanEntry,
    Meeting,
    ReportSection,
    Resolution,
    TaskGroup,
    WorkProgrammeItem,
)

for model in (Body, Meeting, AgendaItem, ReportSection, WorkProgrammeItem, TaskGroup, ForwardPlanEntry, Resolution):
    admin.site.register(model, ReadOnlyAdmin)
