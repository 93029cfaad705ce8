"""The migrations that give committee bodies, highlight reports and start jobs a council (ADR 26): every row is kept,
the service's own council ('') by default, a start job chosen by its ONS code belongs to the council it started, and
undoing them gives the rows back as they were. Run on SQLite and, with ``-p tests.postgres``, on PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("committee", "0002_report_sections"), ("improvement", "0002_revisions_and_highlight_reports"),
          ("onboarding", "0001_initial")]  # fmt: skip
AFTER = [("committee", "0003_body_council"), ("improvement", "0003_highlight_report_council"),
         ("onboarding", "0002_start_job_council")]  # fmt: skip


def _migrate(targets: list[tuple[str, str]]) -> Apps:
    """Migrate the test database to the targets; the historical models there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {column.name for column in connection.introspection.get_table_description(cursor, table)}


@pytest.mark.django_db(transaction=True)
def test_bodies_highlight_reports_and_start_jobs_gain_a_council_and_lose_it_again() -> None:
    old = _migrate(BEFORE)
    body = old.get_model("committee", "Body").objects.create(slug="scrutiny", name="Scrutiny", kind="scrutiny")
    old.get_model("committee", "Meeting").objects.create(body=body, date=date(2011, 9, 20))
    plan = old.get_model("improvement", "Plan").objects.create(slug="plan", title="Plan")
    old.get_model("improvement", "HighlightReport").objects.create(
        plan=plan, reported_on=date(2013, 9, 2), title="Highlight"
    )
    jobs = old.get_model("onboarding", "StartJob").objects
    for la in ("E06000049", " e06000050 ", "895", "Cheshire East"):
        jobs.create(la=la, state="failed", folder="")

    new = _migrate(AFTER)
    assert list(new.get_model("committee", "Body").objects.values_list("slug", "council")) == [("scrutiny", "")]
    assert new.get_model("committee", "Meeting").objects.get().body.council == ""
    assert list(new.get_model("improvement", "HighlightReport").objects.values_list("title", "council")) == [
        ("Highlight", "")
    ]
    started = new.get_model("onboarding", "StartJob").objects.order_by("pk").values_list("la", "council")
    assert list(started) == [
        ("E06000049", "E06000049"),  # chosen by ONS code, as the start page chooses: the council it started
        (" e06000050 ", "E06000050"),
        ("895", ""),  # by DfE number or name: the service's own, as before
        ("Cheshire East", ""),
    ]

    back = _migrate(BEFORE)
    for table in ("committee_body", "improvement_highlightreport", "onboarding_startjob"):
        assert "council" not in _columns(table)
    assert list(back.get_model("committee", "Body").objects.values_list("slug", "name")) == [("scrutiny", "Scrutiny")]
    assert back.get_model("improvement", "HighlightReport").objects.get().title == "Highlight"
    assert sorted(back.get_model("onboarding", "StartJob").objects.values_list("la", flat=True)) == sorted(
        ["E06000049", " e06000050 ", "895", "Cheshire East"]
    )
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # as the rest of the suite expects it
