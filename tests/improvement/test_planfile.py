"""The seed's action plan, as a workbook in the council's layout, imports whole and round-trips through export."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from oversight.core.rag import Rating
from oversight.improvement import services
from oversight.improvement.exports import render
from oversight.improvement.models import Checkpoint, Plan, Recommendation, Source
from oversight.improvement.planfile import PlanTable, read_plan_table
from oversight.improvement.selectors import plan_table
from oversight.performance.services import LoadResult
from tests.conftest import DATA
from tests.data.improvement.make_action_plan_xlsx import build
from tests.performance.test_export_pdf import _pages, _run

WORKBOOK = DATA / "improvement" / "action_plan_2011.xlsx"


def _shape(table: PlanTable) -> list[tuple[object, ...]]:
    return [
        (
            row.section,
            row.text,
            row.timescale,
            row.actions,
            row.officers,
            row.reporting_schedule,
            tuple(
                (p.label, p.narrative, p.rating)
                for p in row.progress
                if p.narrative or p.rating is not Rating.NOT_RATED
            ),
        )
        for row in table.rows
    ]


@pytest.fixture
def source(demo: LoadResult) -> Source:
    return Source.objects.get(slug="slac-2011-areas-for-improvement")


def test_the_committed_workbook_matches_the_demo_transcription(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.xlsx"
    build().save(fresh)
    committed, fresh_table = read_plan_table(WORKBOOK)[0], read_plan_table(fresh)[0]
    assert committed is not None
    assert fresh_table is not None
    assert _shape(committed) == _shape(fresh_table)


def test_the_seed_workbook_reads_as_the_seed_table() -> None:
    table, issues = read_plan_table(WORKBOOK)
    assert issues == []
    assert table is not None
    assert table.title == "Announced Inspection Action Plan (v1) Draft"
    assert table.checkpoint_labels == ["End of September", "end of November", "end of January"]
    assert len(table.rows) == 23
    first = table.rows[0]
    assert first.section == "Safeguarding Children & Young people"
    assert first.officers == "Nancy Meehan / Shirley Jordan"
    assert first.reporting_schedule == "Quarterly report to:LSCB and C & F Scrutiny Committee"
    assert table.rows[-1].section == "Services for Cared for Children"


def test_the_seed_plan_imports_and_round_trips_through_export(source: Source, tmp_path: Path) -> None:
    first = services.plan_import(WORKBOOK, plan_slug="imported", source=source)
    assert first.ok, [str(i) for i in first.issues]
    assert (first.recommendations, first.checkpoints) == (23, 39)
    imported = Plan.objects.get(slug="imported")
    assert imported.title == "Announced Inspection Action Plan (v1) Draft"
    assert _shape(plan_table(imported)) == _shape(plan_table(Plan.objects.get(slug="cheshire-east-2011")))

    exported = tmp_path / "exported.xlsx"
    exported.write_bytes(render(imported, "xlsx"))
    again = services.plan_import(exported, plan_slug="round-trip", source=source)
    assert again.ok, [str(i) for i in again.issues]
    round_trip = Plan.objects.get(slug="round-trip")
    assert _shape(plan_table(round_trip)) == _shape(plan_table(imported))
    due = list(Recommendation.objects.filter(plan=round_trip).order_by("order").values_list("due_on", flat=True))
    assert due == list(Recommendation.objects.filter(plan=imported).order_by("order").values_list("due_on", flat=True))


def test_ratings_survive_the_round_trip(source: Source, tmp_path: Path) -> None:
    assert services.plan_import(WORKBOOK, plan_slug="rated", source=source).ok
    checkpoint = Checkpoint.objects.get(
        action__recommendation__plan__slug="rated", action__recommendation__order=2, label="end of November"
    )
    checkpoint.rag, checkpoint.rag_reason = Rating.AMBER.value, "Some children not yet seen alone"
    checkpoint.save()
    exported = tmp_path / "rated.xlsx"
    exported.write_bytes(render(Plan.objects.get(slug="rated"), "xlsx"))
    sheet = load_workbook(exported).active
    assert sheet is not None
    assert [c.value for c in sheet[3]][:8] == [
        "Area for Improvement / Recommendation",
        "TIMESCALE",
        "Key Actions : short term interventions",
        "Resp. Officer",
        "Evidence/Progress (End of September)",
        "RAG",
        "Evidence/Progress (end of November)",
        "RAG",
    ]
    assert services.plan_import(exported, plan_slug="rated-again", source=source).ok
    again = Checkpoint.objects.get(
        action__recommendation__plan__slug="rated-again", action__recommendation__order=2, label="end of November"
    )
    assert again.rating is Rating.AMBER


def _broken(tmp_path: Path) -> Path:
    book = load_workbook(WORKBOOK)
    sheet = book.active
    assert sheet is not None
    sheet["B5"] = "sometime soon"  # the second recommendation's timescale
    sheet["F6"] = "Purple"  # the third recommendation's September RAG
    sheet["A7"] = None  # the fourth recommendation loses its text
    path = tmp_path / "broken.xlsx"
    book.save(path)
    return path


def test_an_import_with_problems_writes_nothing_and_names_each_row_and_column(source: Source, tmp_path: Path) -> None:
    before = Recommendation.objects.count()
    result = services.plan_import(_broken(tmp_path), plan_slug="broken", source=source)
    assert not result.ok
    messages = [str(issue) for issue in result.issues]
    assert messages[0].startswith("broken.xlsx, row 5, column 'TIMESCALE': 'sometime soon' is not a timescale")
    assert messages[1].startswith("broken.xlsx, row 6, column 'RAG after Evidence/Progress (End of September)'")
    assert "'Purple' is not a RAG rating" in messages[1]
    assert messages[2].startswith("broken.xlsx, row 7, column 'Area for Improvement / Recommendation': empty")
    assert Recommendation.objects.count() == before
    assert not Plan.objects.filter(slug="broken").exists()


def test_a_workbook_without_the_layout_is_refused(source: Source, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Recommendation", "Due"])
    path = tmp_path / "other.xlsx"
    book.save(path)
    result = services.plan_import(path, plan_slug="other", source=source)
    assert [str(i) for i in result.issues] == [
        "other.xlsx, column 'Area for Improvement / Recommendation': no header row: the first column of the header "
        "must be 'Area for Improvement / Recommendation'"
    ]


def test_importing_into_a_plan_that_has_recommendations_is_refused(source: Source) -> None:
    result = services.plan_import(WORKBOOK, plan_slug="cheshire-east-2011", source=source)
    assert [str(i) for i in result.issues] == [
        "action_plan_2011.xlsx: the plan 'cheshire-east-2011' already has 23 recommendations; import into a new plan"
    ]


def test_the_pdf_export_is_the_familiar_table_on_landscape_a4(source: Source, tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(render(Plan.objects.get(slug="cheshire-east-2011"), "pdf"))
    assert "841.89 x 595.276 pts (A4)" in _run("pdfinfo", str(path))
    assert 1 < _pages(path) <= 12
    text = " ".join(_run("pdftotext", "-raw", str(path), "-").split())
    assert "Announced Inspection Action Plan (v1) Draft" in text
    assert "Key Actions : short term interventions" in text
    assert "Services for Cared for Children" in text
    assert "Julie Lewis" in text
