"""Migration 0004 calls the published figures' and the indicator links' field ``series`` (it was ``measure``): every
figure and link is kept, with the figures' uniqueness and index, and undoing it gives the rows back as they were.
Run on SQLite and, with ``-p tests.postgres``, on PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps.registry import Apps
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from oversight.performance.models import Indicator, Priority, Scorecard

BEFORE = ("benchmarks", "0003_reference_data")
AFTER = ("benchmarks", "0004_rename_measure_series")
FIGURES = {  # (series, period, place): (value, reason, numerator, denominator)
    ("ees:rate", "2024-25", "895"): (Decimal("41.5"), "", Decimal(83), Decimal(200)),
    ("ees:rate", "2024-25", "E92000001"): (Decimal("39.25"), "", None, None),
    ("ees:count", "2024-25", "895"): (None, "c", None, None),
}


def _migrate(*targets: tuple[str, str]) -> Apps:
    """Migrate the test database to the targets; the historical models there."""
    executor = MigrationExecutor(connection)
    executor.migrate(list(targets))
    return executor.loader.project_state(list(targets)).apps


def _figures(apps: Apps, field: str) -> dict[tuple[str, str, str], tuple[object, ...]]:
    values = apps.get_model("benchmarks", "PublishedValue").objects.select_related(field)
    return {
        (getattr(row, field).code, row.period, row.place): (row.value, row.reason, row.numerator, row.denominator)
        for row in values
    }


def _keys(table: str) -> set[tuple[tuple[str, ...], bool]]:
    """The columns of each of the table's indexes and unique constraints, and whether they are unique."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {
        (tuple(item["columns"]), bool(item["unique"])) for item in found.values() if item["index"] or item["unique"]
    }


@pytest.mark.django_db(transaction=True)
def test_renaming_measure_to_series_keeps_every_figure_link_constraint_and_index() -> None:
    scorecard = Scorecard.objects.create(slug="migration", title="Migration")
    priority = Priority.objects.create(scorecard=scorecard, code="P1", title="Priority")
    indicator = Indicator.objects.create(
        code="MIG-1", priority=priority, title="Indicator", unit="rate", polarity="lower"
    )
    old = _migrate(BEFORE)
    series_model = old.get_model("benchmarks", "PublishedSeries")
    value_model = old.get_model("benchmarks", "PublishedValue")
    authority, _ = old.get_model("benchmarks", "LocalAuthority").objects.get_or_create(
        number="895", defaults={"name": "Cheshire East"}
    )
    source = old.get_model("benchmarks", "SourceFile").objects.create(name="rates.csv", sha256="1" * 64, kind="ees")
    for (code, period, place), (value, reason, numerator, denominator) in FIGURES.items():
        value_model.objects.create(
            measure=series_model.objects.get_or_create(code=code, defaults={"title": code})[0],
            period=period, year_end=2025, level="england" if place.startswith("E") else "la", place=place,
            value=value, reason=reason, numerator=numerator, denominator=denominator, source=source,
        )  # fmt: skip
    old.get_model("benchmarks", "IndicatorLink").objects.create(
        indicator_id=indicator.pk, measure=series_model.objects.get(code="ees:rate"), authority=authority
    )

    new = _migrate(AFTER)
    assert _figures(new, "series") == FIGURES
    assert new.get_model("benchmarks", "IndicatorLink").objects.get(indicator_id=indicator.pk).series.code == "ees:rate"
    table = new.get_model("benchmarks", "PublishedValue")._meta.db_table
    assert {(("series_id", "period", "place"), True), (("series_id", "year_end"), False)} <= _keys(table)
    with pytest.raises(IntegrityError), transaction.atomic():
        new.get_model("benchmarks", "PublishedValue").objects.create(
            series=new.get_model("benchmarks", "PublishedSeries").objects.get(code="ees:rate"), period="2024-25",
            year_end=2025, level="la", place="895", value=Decimal(1), source_id=source.pk,
        )  # fmt: skip

    undone = _migrate(BEFORE)
    assert _figures(undone, "measure") == FIGURES
    link = undone.get_model("benchmarks", "IndicatorLink").objects.get(indicator_id=indicator.pk)
    assert link.measure.code == "ees:rate"
    assert {(("measure_id", "period", "place"), True), (("measure_id", "year_end"), False)} <= _keys(table)

    _migrate(*MigrationExecutor(connection).loader.graph.leaf_nodes())
