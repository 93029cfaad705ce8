"""The admin site for inspections and plans: read-only. Plans change through their pages, imports and the
sign-off form (all audited); nothing a committee may have seen is deleted."""

from __future__ import annotations

from django.contrib import admin

from oversight.accounts.admin import ReadOnlyAdmin
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

for model in (
    Framework,
    Grade,
    Inspection,
    Judgement,
    Plan,
    Objective,
    Source,
    Recommendation,
    Action,
    Checkpoint,
    Evidence,
    ImpactMeasure,
    EvidenceRequirement,
    Decision,
    DueDateRevision,
    HighlightReport,
    HighlightEntry,
):
    admin.site.register(model, ReadOnlyAdmin)
