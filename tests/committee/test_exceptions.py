"""The exception report of 2011-12 Q1: the six red indicators with their reasons, commentary and linked actions,
and NEET with its ward and age breakdowns; on the page and as CSV, XLSX and PDF."""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

from django.test import Client
from openpyxl import load_workbook

from oversight.committee.exceptions import exception_report
from oversight.committee.exports import render
from oversight.core.periods import parse_period
from oversight.core.rag import Rating
from oversight.performance.models import Scorecard
from oversight.performance.services import LoadResult

RED = ["NEET-16-18", "YJ-REOFFENDING", "CSC-REF-TO-IA", "CSC-IA-10D", "CSC-CORE-35WD", "CLA-STABILITY-LT"]


def test_the_six_red_indicators_are_in_the_report_with_their_reasons(demo: LoadResult) -> None:
    report = exception_report(Scorecard.objects.get(slug="strategic"), parse_period("2011-12-Q1"))
    red = [entry for entry in report.entries if entry.row.rag.rating is Rating.RED]
    assert [entry.code for entry in red] == RED
    core = next(entry for entry in red if entry.code == "CSC-CORE-35WD")
    assert core.reasons == ["Red: 63.1% is 21.9 points below the target of at least 85% (amber within 5 points)."]
    assert core.row.commentary is not None
    assert core.row.commentary.text.startswith("As above")
    assert [action.reference for action in core.actions][:1] == ["R8.1"]
    assert all(action.status for action in core.actions)
    # The two annual measures that fell, though not rated this quarter, are there for their fall alone.
    others = {entry.code: entry.reasons for entry in report.entries if entry.row.rag.rating is not Rating.RED}
    assert others == {
        "KS2-L4EM-GRT": ["Previous period: Worsened from 33% in 2009/10."],
        "CLA-KS2-MATHS": ["Previous period: Worsened from 72% in 2009/10."],
    }


def test_neet_comes_with_its_ward_and_age_breakdowns_and_its_significant_comparisons(demo: LoadResult) -> None:
    report = exception_report(Scorecard.objects.get(slug="strategic"), parse_period("2011-12-Q1"))
    neet = next(entry for entry in report.entries if entry.code == "NEET-16-18")
    assert [table.dimension for table in neet.breakdowns] == ["age", "ward"]
    wards = next(table for table in neet.breakdowns if table.dimension == "ward")
    assert len(wards.rows) == 11
    assert "2011-12 Q1 6.2% vs SN mean 2011-12 Q1 5.5%: significantly higher (worse) at 95% confidence." in neet.reasons


def test_the_page_and_every_file_say_the_same(demo: LoadResult, client: Client, tmp_path: Path) -> None:
    report = exception_report(Scorecard.objects.get(slug="strategic"), parse_period("2011-12-Q1"))
    page = client.get("/scorecards/strategic/2011-12-Q1/exceptions/").content.decode().replace("&amp;", "&")
    rows = list(csv.DictReader(io.StringIO(render(report, "csv").decode("utf-8-sig"))))
    assert [row["indicator_code"] for row in rows] == [entry.code for entry in report.entries]
    sheet = load_workbook(io.BytesIO(render(report, "xlsx")), read_only=True)["Exceptions"]
    cells = [[str(value) for value in row if value is not None] for row in sheet.iter_rows(values_only=True)]
    pdf = tmp_path / "exceptions.pdf"
    pdf.write_bytes(render(report, "pdf"))
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    for entry, row in zip(report.entries, rows, strict=True):
        assert row["why_included"] == " | ".join(entry.reasons)
        assert row["version"].startswith("Approved by director on 14 July 2011.")
        assert any(entry.code in line for line in cells)
        for reason in entry.reasons:
            assert reason in page
            assert reason in text, (entry.code, reason)
    neet = next(entry for entry in report.entries if entry.code == "NEET-16-18")
    for table in neet.breakdowns:
        assert f": by {table.label.lower()}" in text
        assert all(cell.category in text for cell in table.rows)
    assert "Approved by director on 14 July 2011." in text


def test_the_scorecard_links_to_its_exception_report(demo: LoadResult, client: Client) -> None:
    page = client.get("/scorecards/strategic/2011-12-Q1/").content.decode()
    assert 'href="/scorecards/strategic/2011-12-Q1/exceptions/">Exception report</a>' in page
