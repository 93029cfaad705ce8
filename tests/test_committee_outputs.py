"""What a councillor reads carries figures, ratings, reasons and commentary, never working notes about how a
figure was transcribed or where the demo came from (those are on the source records, for officers)."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import load_workbook

from oversight.performance.services import LoadResult

WORKING_NOTES = re.compile(
    r"printed '|the report said|meaning unclear|seed 00\d|taken from|this transcription|not transcribed"
    r"|in the seeds?\b",
    re.IGNORECASE,
)
PAGES = [
    "/",
    "/scorecards/strategic/2011-12-Q1/",
    "/scorecards/school-summary/AY2010-11/",
    "/scorecards/strategic/2010-11/trend/",
    "/scorecards/school-summary/AY2010-11/trend/",
    "/glossary/",
    "/plans/",
    "/plans/cheshire-east-2011/",
    "/plans/cheshire-east-2013/",
    "/plans/cheshire-east-2015/",
    "/inspections/",
]


def _found(text: str) -> list[str]:
    return sorted({match.group(0) for match in WORKING_NOTES.finditer(text)})


@pytest.mark.parametrize("path", PAGES)
def test_no_committee_page_carries_working_notes(demo: LoadResult, client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert _found(response.content.decode()) == []


def test_no_indicator_or_inspection_page_shows_a_councillor_working_notes(demo: LoadResult, client: Client) -> None:
    from oversight.improvement.models import Inspection
    from oversight.performance.models import Indicator

    paths = [f"/indicators/{code}/" for code in Indicator.objects.values_list("code", flat=True)]
    paths += [f"/inspections/{slug}/" for slug in Inspection.objects.values_list("slug", flat=True)]
    found = {path: notes for path in paths if (notes := _found(client.get(path).content.decode()))}
    assert found == {}


def test_officers_still_see_where_a_figure_came_from(demo: LoadResult, officer_client: Client) -> None:
    page = officer_client.get("/indicators/CLA-KS2-ENG/").content.decode()
    assert "printed &#x27;a. 64% b. 72%&#x27; (a = English)" in page
    assert "(the report said: below)" in officer_client.get("/indicators/CSC-CORE-35WD/").content.decode()


def test_no_scorecard_export_carries_working_notes(demo: LoadResult, client: Client, tmp_path: Path) -> None:
    base = "/scorecards/strategic/2011-12-Q1/export"
    text = client.get(f"{base}.csv").content.decode("utf-8-sig")
    assert _found(text) == []
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows
    book = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").content), read_only=True)
    cells = " ".join(
        str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row
    )
    assert _found(cells) == []
    pdf = tmp_path / "scorecard.pdf"
    pdf.write_bytes(client.get(f"{base}.pdf").content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert _found(text) == []
