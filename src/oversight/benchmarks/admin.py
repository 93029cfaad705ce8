"""Benchmarking in the admin site: read-only. Reference data is loaded from files and published figures are
imported, so that every figure keeps its source; links are edited on the indicator's benchmark page."""

from __future__ import annotations

from django.contrib import admin

from oversight.accounts.admin import ReadOnlyAdmin
from oversight.benchmarks.models import (
    ComparatorGroup,
    IndicatorLink,
    LocalAuthority,
    NeighbourSet,
    PublishedSeries,
    PublishedValue,
    Region,
    Reorganisation,
    SourceFile,
)


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(ReadOnlyAdmin):
    list_display = ["number", "code", "name", "region", "kind", "ended"]
    list_filter = ["region", "kind"]
    search_fields = ["number", "code", "name"]


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "lait_number"]


@admin.register(Reorganisation)
class ReorganisationAdmin(ReadOnlyAdmin):
    list_display = ["predecessor", "successor", "effective"]


@admin.register(NeighbourSet)
class NeighbourSetAdmin(ReadOnlyAdmin):
    list_display = ["name", "published", "source"]


@admin.register(ComparatorGroup)
class ComparatorGroupAdmin(ReadOnlyAdmin):
    list_display = ["name", "created_by", "created_at"]


@admin.register(SourceFile)
class SourceFileAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "rows", "sha256", "imported_at", "imported_by"]


@admin.register(PublishedSeries)
class PublishedSeriesAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "polarity", "units"]
    search_fields = ["code", "title"]


@admin.register(PublishedValue)
class PublishedValueAdmin(ReadOnlyAdmin):
    list_display = ["series", "period", "level", "place", "value", "reason", "source"]
    list_filter = ["level"]
    search_fields = ["series__code", "place"]
    list_select_related = ["series", "source"]


@admin.register(IndicatorLink)
class IndicatorLinkAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "series", "authority", "comparator_group", "updated_at"]
    list_select_related = ["indicator", "series", "authority", "comparator_group"]
