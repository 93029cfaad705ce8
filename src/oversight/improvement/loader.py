"""Load inspections and improvement plans from CSV files (the demo's, from the seeds), all or nothing.

Files (any may be missing): frameworks, grades, inspections, judgements, sources, plans (a plan may name an
action plan ``table_file`` in the familiar layout, read by ``planfile``), objectives, recommendations,
checkpoints, impact_measures, revisions (revised due dates), highlight_reports and highlights (their key
highlights, challenges and risks). Every row is written through ``improvement.services``, so it is validated and
audited as a change made in a form would be. Loading again changes nothing that is already there.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TypeVar

from django.db import models, transaction

from oversight.core.problems import ApplicationError, Issue
from oversight.core.rag import Rating
from oversight.improvement import services
from oversight.improvement.models import (
    Framework,
    Grade,
    HighlightReport,
    ImpactMeasure,
    Inspection,
    Objective,
    Plan,
    Recommendation,
    Source,
)
from oversight.performance.models import Indicator

M = TypeVar("M", bound=models.Model)
VIA = "improvement load"  # the audit trail's reason for every row written here


class _RejectedError(Exception):
    def __init__(self, issue: Issue) -> None:
        super().__init__(str(issue))
        self.issue = issue


COLUMNS = {
    "frameworks": "slug name body version in_use_from in_use_to free_text proposed notes",
    "grades": "framework order label meaning",
    "inspections": "slug local_authority body framework kind title year started_on ended_on published_on "
    "lead_inspector report_url key_quotes source_note",
    "judgements": "inspection order section area area_key grade text",
    "sources": "slug kind title published_on inspection",
    "plans": "slug title local_authority accountable_body status description table_file source",
    "objectives": "plan order title",
    "recommendations": "plan order objective source section text timescale reporting_schedule actions officers",
    "checkpoints": "plan recommendation label as_at rag rag_reason narrative",
    "impact_measures": "plan recommendation indicator kind",
    "revisions": "plan recommendation due_on reason approved_by agreed_on",
    "highlight_reports": "plan reported_on title report_to report_of summary scorecard period indicators "
    "staffing_indicators local_authority",
    "highlights": "plan reported_on kind order text owner rag",
}


def _rows(folder: Path, name: str) -> list[tuple[int, dict[str, str]]]:
    path = folder / f"{name}.csv"
    if not path.exists():
        return []
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in COLUMNS[name].split() if column not in (reader.fieldnames or [])]
        if missing:
            raise _RejectedError(Issue(path.name, 1, ", ".join(missing), "the header has no such column; add it"))
        for number, row in enumerate(reader, start=2):
            if None in row:
                raise _RejectedError(
                    Issue(path.name, number, None, "more cells than the header has columns; quote commas")
                )
            rows.append((number, {key: (value or "").strip() for key, value in row.items()}))
    return rows


def _date(file: str, row: int, column: str, text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _RejectedError(Issue(file, row, column, f"'{text}' is not a date; write it as YYYY-MM-DD")) from None


def _yes(text: str) -> bool:
    return text.lower() in {"yes", "true", "1", "y"}


def _get(model: type[M], file: str, row: int, column: str, **lookup: object) -> M:
    found = model._default_manager.filter(**lookup).first()
    if found is None:
        value = next(iter(lookup.values()))
        raise _RejectedError(Issue(file, row, column, f"there is no {model.__name__.lower()} '{value}'; add it first"))
    return found


def improvement_load(folder: Path) -> list[Issue]:
    """Load every file in ``folder``; on the first problem nothing is kept and the problem is returned."""
    try:
        with transaction.atomic():
            _load(folder)
    except _RejectedError as rejected:
        return [rejected.issue]
    return []


@contextmanager
def _row(file: str, row: int) -> Iterator[None]:
    """A service's refusal, as a problem with this row of this file."""
    try:
        yield
    except ApplicationError as error:
        raise _RejectedError(Issue(file, row, None, str(error))) from None


def _load(folder: Path) -> None:
    for row, r in _rows(folder, "frameworks"):
        with _row("frameworks.csv", row):
            services.framework_save(
                slug=r["slug"],
                name=r["name"],
                body=r["body"],
                version=r["version"],
                in_use_from=_date("frameworks.csv", row, "in_use_from", r["in_use_from"]),
                in_use_to=_date("frameworks.csv", row, "in_use_to", r["in_use_to"]),
                free_text=_yes(r["free_text"]),
                proposed=_yes(r["proposed"]),
                notes=r["notes"],
                via=VIA,
            )
    for row, r in _rows(folder, "grades"):
        framework = _get(Framework, "grades.csv", row, "framework", slug=r["framework"])
        with _row("grades.csv", row):
            services.grade_save(
                framework=framework, label=r["label"], order=int(r["order"]), meaning=r["meaning"], via=VIA
            )
    for row, r in _rows(folder, "inspections"):
        framework = _get(Framework, "inspections.csv", row, "framework", slug=r["framework"])
        with _row("inspections.csv", row):
            services.inspection_save(
                slug=r["slug"],
                local_authority=r["local_authority"],
                body=r["body"],
                framework=framework,
                kind=r["kind"],
                title=r["title"],
                year=int(r["year"]),
                started_on=_date("inspections.csv", row, "started_on", r["started_on"]),
                ended_on=_date("inspections.csv", row, "ended_on", r["ended_on"]),
                published_on=_date("inspections.csv", row, "published_on", r["published_on"]),
                lead_inspector=r["lead_inspector"],
                report_url=r["report_url"],
                key_quotes=r["key_quotes"],
                source_note=r["source_note"],
                via=VIA,
            )
    for row, r in _rows(folder, "judgements"):
        inspection = _get(Inspection, "judgements.csv", row, "inspection", slug=r["inspection"])
        grade = None
        if r["grade"]:
            grade = _get(Grade, "judgements.csv", row, "grade", label=r["grade"], framework=inspection.framework)
        with _row("judgements.csv", row):
            services.judgement_save(
                inspection=inspection,
                order=int(r["order"]),
                section=r["section"],
                area=r["area"],
                area_key=r["area_key"],
                grade=grade,
                text=r["text"],
                via=VIA,
            )
    for row, r in _rows(folder, "sources"):
        inspected: Inspection | None = None
        if r["inspection"]:
            inspected = _get(Inspection, "sources.csv", row, "inspection", slug=r["inspection"])
        with _row("sources.csv", row):
            services.source_save(
                slug=r["slug"],
                kind=r["kind"],
                title=r["title"],
                published_on=_date("sources.csv", row, "published_on", r["published_on"]),
                inspection=inspected,
                via=VIA,
            )
    for row, r in _rows(folder, "plans"):
        _plan(folder, row, r)
    for row, r in _rows(folder, "objectives"):
        plan = _get(Plan, "objectives.csv", row, "plan", slug=r["plan"])
        with _row("objectives.csv", row):
            services.objective_save(plan=plan, order=int(r["order"]), title=r["title"], via=VIA)
    for row, r in _rows(folder, "recommendations"):
        _recommendation(row, r)
    for row, r in _rows(folder, "checkpoints"):
        _checkpoint(row, r)
    for row, r in _rows(folder, "impact_measures"):
        _impact_measure(row, r)
    _load_reporting(folder)


def _load_reporting(folder: Path) -> None:
    """What the plan's reports add: revised due dates, and highlight reports with their entries."""
    for row, r in _rows(folder, "revisions"):
        _revision(row, r)
    for row, r in _rows(folder, "highlight_reports"):
        _highlight_report(row, r)
    for row, r in _rows(folder, "highlights"):
        _highlight(row, r)


def _required_date(file: str, row: int, column: str, text: str) -> date:
    found = _date(file, row, column, text)
    if found is None:
        raise _RejectedError(Issue(file, row, column, "this date is required"))
    return found


def _rating(file: str, row: int, text: str) -> Rating:
    try:
        return Rating(text or Rating.NOT_RATED.value)
    except ValueError:
        choices = ", ".join(rating.value for rating in Rating)
        raise _RejectedError(Issue(file, row, "rag", f"'{text}' is not a RAG; write one of {choices}")) from None


def _revision(row: int, r: dict[str, str]) -> None:
    file = "revisions.csv"
    recommendation = _get(
        Recommendation, file, row, "recommendation", order=int(r["recommendation"]), plan__slug=r["plan"]
    )
    due_on = _required_date(file, row, "due_on", r["due_on"])
    if recommendation.revisions.filter(due_on=due_on).exists():
        return
    with _row(file, row):
        services.recommendation_due_revise(
            recommendation=recommendation,
            due_on=due_on,
            reason=r["reason"],
            approved_by=r["approved_by"],
            agreed_on=_required_date(file, row, "agreed_on", r["agreed_on"]),
            user=None,
            via=VIA,
        )


def _highlight_report(row: int, r: dict[str, str]) -> None:
    file = "highlight_reports.csv"
    plan = _get(Plan, file, row, "plan", slug=r["plan"])
    with _row(file, row):
        services.highlight_report_save(
            plan=plan,
            reported_on=_required_date(file, row, "reported_on", r["reported_on"]),
            title=r["title"],
            report_to=r["report_to"],
            report_of=r["report_of"],
            summary=r["summary"],
            scorecard_slug=r["scorecard"],
            period=r["period"],
            indicators=r["indicators"],
            staffing_indicators=r["staffing_indicators"],
            local_authority=r["local_authority"],
            via=VIA,
        )


def _highlight(row: int, r: dict[str, str]) -> None:
    file = "highlights.csv"
    reported_on = _required_date(file, row, "reported_on", r["reported_on"])
    report = _get(HighlightReport, file, row, "reported_on", reported_on=reported_on, plan__slug=r["plan"])
    if not r["order"].isdigit():
        raise _RejectedError(Issue(file, row, "order", f"'{r['order']}' is not a whole number"))
    with _row(file, row):
        services.highlight_entry_add(
            report=report,
            kind=r["kind"],
            order=int(r["order"]),
            text=r["text"],
            owner=r["owner"],
            rating=_rating(file, row, r["rag"]),
            via=VIA,
        )


def _checkpoint(row: int, r: dict[str, str]) -> None:
    recommendation = _get(
        Recommendation,
        "checkpoints.csv",
        row,
        "recommendation",
        order=int(r["recommendation"]),
        plan__slug=r["plan"],
    )
    action = recommendation.actions.order_by("order").first()
    if action is None:
        raise _RejectedError(Issue("checkpoints.csv", row, "recommendation", "this recommendation has no action"))
    as_at = _date("checkpoints.csv", row, "as_at", r["as_at"])
    if as_at is None:
        raise _RejectedError(Issue("checkpoints.csv", row, "as_at", "a checkpoint needs the date it reports at"))
    with _row("checkpoints.csv", row):
        services.checkpoint_add(
            action=action,
            label=r["label"],
            as_at=as_at,
            rating=Rating(r["rag"] or "not_rated"),
            rag_reason=r["rag_reason"],
            narrative=r["narrative"],
            author_name="demo data",
            via=VIA,
        )


def _impact_measure(row: int, r: dict[str, str]) -> None:
    recommendation = _get(
        Recommendation,
        "impact_measures.csv",
        row,
        "recommendation",
        order=int(r["recommendation"]),
        plan__slug=r["plan"],
    )
    indicator = _get(Indicator, "impact_measures.csv", row, "indicator", code=r["indicator"])
    if ImpactMeasure.objects.filter(recommendation=recommendation, indicator=indicator).exists():
        return
    with _row("impact_measures.csv", row):
        services.impact_measure_link(
            recommendation=recommendation, indicator_code=indicator.code, kind=r["kind"], user=None
        )


def _plan(folder: Path, row: int, r: dict[str, str]) -> None:
    with _row("plans.csv", row):
        plan = services.plan_save(
            slug=r["slug"],
            title=r["title"],
            local_authority=r["local_authority"],
            accountable_body=r["accountable_body"],
            status=r["status"] or Plan.Status.ACTIVE,
            description=r["description"],
            via=VIA,
        )
    if not r["table_file"] or plan.recommendations.exists():
        return
    source = _get(Source, "plans.csv", row, "source", slug=r["source"])
    result = services.plan_import(folder / r["table_file"], plan_slug=plan.slug, source=source, title=plan.title)
    if not result.ok:
        raise _RejectedError(result.issues[0])


def _recommendation(row: int, r: dict[str, str]) -> None:
    plan = _get(Plan, "recommendations.csv", row, "plan", slug=r["plan"])
    if plan.recommendations.filter(order=int(r["order"])).exists():
        return
    source = _get(Source, "recommendations.csv", row, "source", slug=r["source"])
    objective = None
    if r["objective"]:
        objective = _get(Objective, "recommendations.csv", row, "objective", plan=plan, order=int(r["objective"]))
    try:
        services.due_date_for(source, r["timescale"])
    except ApplicationError as error:
        raise _RejectedError(Issue("recommendations.csv", row, "timescale", str(error))) from None
    with _row("recommendations.csv", row):
        services.recommendation_add(
            plan=plan,
            order=int(r["order"]),
            objective=objective,
            source=source,
            section=r["section"],
            text=r["text"],
            timescale=r["timescale"],
            reporting_schedule=r["reporting_schedule"],
            actions=r["actions"],
            officers=r["officers"],
            via=VIA,
        )
