"""The demo's inspections and plans hold what the seeds give, and nothing is lost on the way in."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from oversight.accounts.models import AuditEvent
from oversight.core.slippage import SlipKind
from oversight.demo.loader import DATA_DIR, demo_load
from oversight.improvement import selectors
from oversight.improvement.models import Checkpoint, Framework, Inspection, Judgement, Plan, Recommendation, Source
from oversight.performance.services import LoadResult

PLAN_CSV = DATA_DIR / "improvement" / "action_plan_2011.csv"


def _seed_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in list(csv.reader(handle))[1:] if any(row[1:])]


def test_every_key_action_officer_and_progress_entry_of_the_2011_plan_is_loaded(demo: LoadResult) -> None:
    rows = _seed_rows(PLAN_CSV)
    recommendations = list(Recommendation.objects.filter(plan__slug="cheshire-east-2011").order_by("order"))
    assert len(rows) == len(recommendations) == 23
    for row, recommendation in zip(rows, recommendations, strict=True):
        action = recommendation.actions.get()
        assert (recommendation.text, recommendation.timescale, action.text, action.officers) == tuple(row[:4])
        assert recommendation.reporting_schedule == row[9]
        narratives = {c.label: c.narrative for c in action.checkpoints.all()}
        expected = {
            label: row[i]
            for label, i in (("End of September", 4), ("end of November", 6), ("end of January", 8))
            if row[i]
        }
        assert narratives == expected, recommendation.text
    assert Checkpoint.objects.filter(action__recommendation__plan__slug="cheshire-east-2011").count() == 39


def test_the_2011_plan_keeps_the_seed_wording_sections_and_due_dates(demo: LoadResult) -> None:
    visits = Recommendation.objects.get(plan__slug="cheshire-east-2011", order=2)
    assert visits.section == "Safeguarding Children & Young people"
    assert visits.due_on == date(2011, 8, 19)  # IMMEDIATE, from publication on 19 August 2011
    january = visits.actions.get().checkpoints.get(label="end of January")
    assert (
        january.narrative
        == "Auditing by GM shows that there have been no children unseen over the last 2 month period."
    )
    assert january.as_at == date(2012, 1, 31)
    placements = Recommendation.objects.get(plan__slug="cheshire-east-2011", order=23)
    assert placements.section == "Services for Cared for Children"
    assert placements.timescale == "WITHIN 6 MONTHS"
    assert placements.due_on == date(2012, 2, 19)
    assert placements.actions.get().officers == "Julie Lewis / Alison Ellison"


def test_the_record_of_main_findings_is_structured(demo: LoadResult) -> None:
    inspection = Inspection.objects.get(slug="cheshire-east-slac-2011")
    assert inspection.lead_inspector == "Pietro Battista"
    assert (inspection.started_on, inspection.ended_on, inspection.published_on) == (
        date(2011, 6, 27),
        date(2011, 7, 8),
        date(2011, 8, 19),
    )
    results = [(j.area, j.result) for j in inspection.judgements.order_by("order")]
    assert len(results) == 22
    assert results[0] == ("Overall effectiveness", "Adequate")
    assert sum(1 for _, result in results if result == "Good") == 6
    assert [g.label for g in inspection.framework.grades.all()] == ["Outstanding", "Good", "Adequate", "Inadequate"]


def test_history_per_area_reads_across_inspections(demo: LoadResult) -> None:
    assert (
        selectors.area_history("annual-performance-rating").summary == "Performs well in 2009 → Performs well in 2010"
    )
    assert selectors.area_history("adoption-service").summary == "Good in 2012 → Good in 2015"


def test_the_2015_plan_has_its_four_objectives(demo: LoadResult) -> None:
    plan = Plan.objects.get(slug="cheshire-east-2015")
    assert plan.objectives.count() == 4
    assert "25 recommendations" in plan.description


def test_slippage_on_the_2011_plan_at_the_start_of_february_2012(demo: LoadResult) -> None:
    summary = selectors.plan_summary(Plan.objects.get(slug="cheshire-east-2011"), date(2012, 2, 1))
    sustained = next(item for item in summary.items if item.recommendation.order == 8)
    assert [slip.kind for slip in sustained.slips] == [SlipKind.PAST_DUE, SlipKind.NO_UPDATE]
    assert sustained.slips[0].reason == "due 19 November 2011, 74 days ago, and not signed off."
    # The six-month recommendations are not yet due on 1 February 2012.
    assert all(item.recommendation.timescale == "WITHIN 6 MONTHS" for item in summary.items if not item.is_overdue)
    assert len(summary.overdue) == 18


def test_loading_the_demo_twice_changes_nothing(demo: LoadResult) -> None:
    before = (Recommendation.objects.count(), Checkpoint.objects.count(), Inspection.objects.count())
    assert demo_load().ok
    assert (Recommendation.objects.count(), Checkpoint.objects.count(), Inspection.objects.count()) == before


def test_the_demo_inspections_and_plans_are_written_through_the_audited_services(demo: LoadResult) -> None:
    created = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, reason="improvement load")
    for model in (Framework, Inspection, Judgement, Source, Plan):
        assert created.filter(object_type=f"improvement.{model.__name__.lower()}").count() == model.objects.count()
    before = AuditEvent.objects.count()
    assert demo_load().ok
    assert AuditEvent.objects.count() == before  # a row already as the file gives it is not written again


def test_a_loader_file_without_a_column_is_refused_and_nothing_is_loaded(db: None, tmp_path: Path) -> None:
    from oversight.improvement.loader import improvement_load

    (tmp_path / "frameworks.csv").write_text("slug,name\nx,X\n", encoding="utf-8")
    issues = improvement_load(tmp_path)
    assert [str(i) for i in issues] == [
        "frameworks.csv, row 1, column 'body, version, in_use_from, in_use_to, free_text, proposed, notes': "
        "the header has no such column; add it"
    ]
    assert not Inspection.objects.exists()
