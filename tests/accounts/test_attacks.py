"""Stored XSS is rendered inert; spreadsheet formulas in exports are neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import load_workbook

from oversight.performance.models import Commentary, Indicator
from oversight.performance.services import import_files

SCRIPT = "<script>alert('xss')</script>"
IMAGE = '<img src=x onerror="alert(1)">'


@pytest.fixture
def hostile(q1_open: None, write_csv: Callable[[str, str], Path]) -> None:
    """Hostile text arriving the way users' text arrives: an imported commentary and a catalogue title."""
    Indicator.objects.filter(code="CP-REPEAT").update(title=f"Repeat plans {IMAGE}")
    result = import_files(
        [
            write_csv(
                "commentary.csv",
                f'indicator,period,text\nCSC-CORE-35WD,2011-12-Q1,"{SCRIPT} and =HYPERLINK(""http://x"")"\n'
                'CLA-STABILITY-LT,2011-12-Q1,"=1+1"\n'
                'CP-2YRS-PLUS,2011-12-Q1,"@SUM(A1)"\n',
            )
        ]
    )
    assert result.ok, result.issues


@pytest.mark.parametrize(
    "url",
    ["/scorecards/strategic/2011-12-Q1/", "/indicators/CSC-CORE-35WD/", "/indicators/CP-REPEAT/"],
)
def test_stored_script_is_escaped_on_every_page(hostile: None, client: Client, url: str) -> None:
    page = client.get(url).content.decode()
    assert SCRIPT not in page
    assert IMAGE not in page
    assert "<script" not in page  # oversight's own pages carry no script at all
    assert "&lt;script&gt;" in page or "&lt;img" in page


def test_the_pdf_template_escapes_hostile_text(hostile: None) -> None:
    from oversight.core.periods import parse_period
    from oversight.performance.export_pdf import render_html
    from oversight.performance.models import Scorecard
    from oversight.performance.selectors import scorecard_view

    html = render_html(scorecard_view(Scorecard.objects.get(slug="strategic"), parse_period("2011-12-Q1")))
    assert SCRIPT not in html
    assert IMAGE not in html


def test_csv_export_neutralises_formulas(hostile: None, client: Client) -> None:
    response = client.get("/scorecards/strategic/2011-12-Q1/export.csv")
    rows = {r["indicator_code"]: r for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert rows["CLA-STABILITY-LT"]["commentary"] == "'=1+1"
    assert rows["CP-2YRS-PLUS"]["commentary"] == "'@SUM(A1)"
    assert rows["CSC-CORE-35WD"]["commentary"].startswith(SCRIPT)  # plain text in a CSV is harmless
    assert all(not value.startswith(("=", "+", "@")) for row in rows.values() for value in row.values())


def test_xlsx_export_holds_no_formulas(hostile: None, client: Client) -> None:
    response = client.get("/scorecards/strategic/2011-12-Q1/export.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
    assert Commentary.objects.get(indicator__code="CLA-STABILITY-LT", period="2011-12-Q1").text == "=1+1"
