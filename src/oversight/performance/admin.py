"""The admin site for the scorecard. Figures change only through the web forms and imports (which are
audited); here administrators assign owners and read everything. Nothing a committee may have seen is deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from oversight.accounts.admin import ReadOnlyAdmin
from oversight.performance.models import (
    Change,
    Commentary,
    ComparatorValue,
    GlossaryEntry,
    ImportBatch,
    Indicator,
    Observation,
    PeriodSignoff,
    Priority,
    ReportingStep,
    Scorecard,
    Target,
)
from oversight.performance.services import indicator_assign_owner


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "title", "priority", "owner", "owner_user"]
    list_filter = ["priority__scorecard", "priority"]
    search_fields = ["code", "title"]
    fields = ["code", "title", "priority", "owner", "owner_user"]
    readonly_fields = ["code", "title", "priority"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the catalogue comes in through imports, which are checked and audited

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Indicator, form: Any, change: bool) -> None:
        indicator_assign_owner(
            indicator=obj, owner=obj.owner, owner_user=obj.owner_user, user=request.user, via="admin site"
        )


@admin.register(ReportingStep)
class ReportingStepAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The reporting calendar is configuration: which bodies see each scorecard, and how long after a period."""

    list_display = ["scorecard", "order", "body", "lag_days", "working_days", "done_when"]
    list_filter = ["scorecard"]


for model in (
    Scorecard,
    PeriodSignoff,
    Priority,
    GlossaryEntry,
    Observation,
    Target,
    ComparatorValue,
    Commentary,
    ImportBatch,
    Change,
):
    admin.site.register(model, ReadOnlyAdmin)
