"""The highlight report (seed 004): highlights, challenges and risks, the plan on a page with its revised dates, a
performance extract with A1, A2 and A10 against England, staffing and the target tracker; on the page, as Word
with Word's headings and repeating header rows, and as tagged PDF."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from django.test import Client
from docx import Document

from oversight.accounts.models import AuditEvent
from oversight.benchmarks.models import LocalAuthority, PublishedSeries, PublishedValue, SourceFile
from oversight.committee.highlight import highlight_docx, highlight_render, highlight_view
from oversight.improvement.loader import improvement_load
from oversight.improvement.models import HighlightEntry, HighlightReport
from oversight.improvement.services import highlight_report_save
from oversight.performance.services import LoadResult

PAGE = "/highlight-reports/cheshire-east-2013/2013-09-02/"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _report() -> HighlightReport:
    return HighlightReport.objects.get(plan__slug="cheshire-east-2013", reported_on=date(2013, 9, 2))


def _publish(code: str, period: str, year_end: int, england: str, council: str) -> None:
    series, _ = PublishedSeries.objects.get_or_create(code=code, defaults={"title": code})
    source, _ = SourceFile.objects.get_or_create(sha256="0" * 64, defaults={"name": "scorecards.csv", "kind": "ees"})
    authority, _ = LocalAuthority.objects.get_or_create(number="895", defaults={"name": "Cheshire East"})
    PublishedValue.objects.create(
        series=series, period=period, year_end=year_end, level="england", place="E92000001", value=Decimal(england),
        source=source,
    )  # fmt: skip
    PublishedValue.objects.create(
        series=series, period=period, year_end=year_end, level="la", place=authority.number, authority=authority,
        value=Decimal(council), source=source,
    )  # fmt: skip


def test_the_demo_report_has_the_seed_highlights_challenges_and_revised_dates(demo: LoadResult) -> None:
    view = highlight_view(_report())
    assert len(view.highlights) == 6
    assert len(view.challenges) == 5
    assert view.highlights[0].text == "ChECS continues to embed and improve"
    assert [item.status for item in view.plan.items[:3]] == ["Revised to 30 Sep 2013"] * 3
    assert [row.code for row in view.adoption] == ["A1", "A2", "A10"]
    assert not view.adoption_published  # the papers quote no figures, and none are shipped for 2013
    assert view.extract == []
    assert view.staffing == []
    assert view.tracker == []


def test_adoption_measures_are_the_latest_published_by_the_reporting_date_against_england(demo: LoadResult) -> None:
    _publish("adoption_a1", "2010-2013", 2013, "647", "636")
    _publish("adoption_a1", "2011-2014", 2014, "628", "700")  # published after the report: not quoted
    _publish("adoption_a2", "2010-2013", 2013, "210", "232.4")
    a1, a2, a10 = highlight_view(_report()).adoption
    assert (a1.period, a1.council, a1.england) == ("2010-2013", "636 days", "647 days")
    assert a1.comparison == "11 days shorter than England (better)"
    assert a2.council == "232 days"
    assert a2.comparison == "22 days longer than England (worse)"
    assert a10.council == "no published figures held"


def test_the_extract_takes_the_chosen_indicators_and_the_tracker_every_target(demo: LoadResult) -> None:
    report = _report()
    highlight_report_save(
        plan=report.plan,
        reported_on=report.reported_on,
        title=report.title,
        scorecard_slug="strategic",
        period="2011-12-Q1",
        indicators="NEET-16-18 CSC-CORE-35WD",
        staffing_indicators="CSC-CORE-35WD",  # the plumbing a workforce measure on the scorecard goes through
        local_authority="895",
    )
    view = highlight_view(_report())
    assert [row.indicator.code for row in view.extract] == ["NEET-16-18", "CSC-CORE-35WD"]
    assert [row.indicator.code for row in view.staffing] == ["CSC-CORE-35WD"]
    assert view.tracker
    assert all(row.target is not None for row in view.tracker)


def test_the_word_document_has_the_sections_as_headings_and_tables_with_header_rows(demo: LoadResult) -> None:
    document = Document(io.BytesIO(highlight_docx(highlight_view(_report()))))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style and p.style.name.startswith("Heading")]
    assert headings[0] == ("Heading 1", "Director of Children's Services Highlight Report")
    for heading in ("Key highlights", "Key challenges and risks", "Plan on a page", "Performance extract"):
        assert ("Heading 2", heading) in headings
    assert ("Heading 3", "Adoption timeliness (three-year averages)") in headings
    assert ("Heading 2", "Target tracker") in headings
    headed = [table for table in document.tables if table.rows[0]._tr.trPr is not None]
    assert len(headed) >= 4
    assert all(table.rows[0]._tr.trPr.xpath("./w:tblHeader") for table in headed)
    cells = " ".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Revised to 30 Sep 2013 (Timescales slipped because of supplier problems.)" in cells


def test_the_pdf_is_tagged_with_the_headings_and_revised_dates(demo: LoadResult, tmp_path: Path) -> None:
    pdf = tmp_path / "highlight.pdf"
    pdf.write_bytes(highlight_render(highlight_view(_report()), "pdf"))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    for heading in ("Key highlights", "Key challenges and risks", "Plan on a page", "Performance extract", "Staffing"):
        assert heading in text
    assert "Revised to 30 Sep 2013" in text


def test_the_page_shows_the_report_and_offers_its_downloads(demo: LoadResult, client: Client) -> None:
    response = client.get(PAGE)
    assert response.status_code == 200
    text = _text(response.content.decode())
    assert "Key challenges and risks" in text
    assert "Inconsistency of practice continues to be a key issue" in text
    assert "Revised to 30 Sep 2013" in text
    assert "Add a highlight" not in text  # a reader may not
    download = client.get(PAGE + "report.docx")
    assert download["Content-Disposition"] == (
        'attachment; filename="oversight-cheshire-east-2013-highlight-2013-09-02.docx"'
    )
    assert client.get(PAGE + "report.txt").status_code == 404
    assert client.get("/highlight-reports/cheshire-east-2013/2013-13-02/").status_code == 404


def test_an_officer_adds_a_challenge_with_owner_and_rag(demo: LoadResult, officer_client: Client) -> None:
    data = {"kind": "challenge", "text": "Agency staff turnover", "owner": "Head of Service", "rag": "amber"}
    response = officer_client.post(PAGE + "add/", data)
    assert response.status_code == 302
    entry = HighlightEntry.objects.get(text="Agency staff turnover")
    assert (entry.order, entry.owner, entry.rag) == (6, "Head of Service", "amber")
    assert AuditEvent.objects.filter(object_type="improvement.highlightentry", object_id=str(entry.pk)).exists()
    assert "Agency staff turnover" in _text(officer_client.get(PAGE).content.decode())


def test_the_load_rejects_a_highlight_with_an_unknown_rag_at_its_row_and_column(
    demo: LoadResult, tmp_path: Path
) -> None:
    (tmp_path / "highlights.csv").write_text(
        "plan,reported_on,kind,order,text,owner,rag\n"
        "cheshire-east-2013,2013-09-02,highlight,9,New highlight,,\n"
        "cheshire-east-2013,2013-09-02,highlight,10,Another,,purple\n",
        encoding="utf-8",
    )
    issues = improvement_load(tmp_path)
    assert [(issue.file, issue.row, issue.place) for issue in issues] == [("highlights.csv", 3, "rag")]
    assert not HighlightEntry.objects.filter(text="New highlight").exists()  # all or nothing


@pytest.mark.parametrize("codes", ["NO-SUCH", ""])
def test_a_report_names_only_known_indicators_and_a_scorecard_for_them(demo: LoadResult, codes: str) -> None:
    from oversight.core.problems import ApplicationError

    report = _report()
    with pytest.raises(ApplicationError):
        highlight_report_save(
            plan=report.plan,
            reported_on=report.reported_on,
            title=report.title,
            scorecard_slug="" if codes == "" else "strategic",
            period="2011-12-Q1",
            indicators=codes or "NEET-16-18",
        )


def test_an_officer_starts_a_report_that_takes_the_scorecards_figures(demo: LoadResult, officer_client: Client) -> None:
    assert officer_client.get("/highlight-reports/new/").status_code == 200
    data = {
        "plan": str(_report().plan.pk),
        "reported_on": "2011-09-30",
        "title": "Highlight report, September 2011",
        "scorecard": str(_scorecard_pk("strategic")),
        "period": "2011-12-Q1",
        "indicators": "NEET-16-18",
        "local_authority": "895",
    }
    response = officer_client.post("/highlight-reports/new/", data)
    assert response.status_code == 302
    assert response["Location"] == "/highlight-reports/cheshire-east-2013/2011-09-30/"
    text = _text(officer_client.get(response["Location"]).content.decode())
    assert "Highlight report, September 2011" in text
    assert "NEET-16-18" in text
    refused = officer_client.post("/highlight-reports/new/", data | {"indicators": "NO-SUCH"})
    assert "There is no indicator &#x27;NO-SUCH&#x27;" in refused.content.decode()


def _scorecard_pk(slug: str) -> int:
    from oversight.performance.models import Scorecard

    return Scorecard.objects.get(slug=slug).pk
