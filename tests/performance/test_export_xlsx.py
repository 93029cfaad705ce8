"""The XLSX export, read back with openpyxl: the paper layout, the data, the explanations, and no formulas."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from oversight.core.rag import Rating
from oversight.performance.export_records import CSV_COLUMNS, row_record
from oversight.performance.export_xlsx import HEADER_ROW, RAG_COLUMN, render_xlsx
from oversight.performance.models import GlossaryEntry
from oversight.performance.selectors import ScorecardView, scorecard_view
from oversight.reports.cells import RAG_FILLS

CORE = "CSC-CORE-35WD"  # core assessments within 35 working days: 63.1% against 85%, so red


def _book(view: ScorecardView) -> Workbook:
    return load_workbook(io.BytesIO(render_xlsx(view)))


def _row_of(sheet: Worksheet, code: str) -> dict[str, object]:
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        if row[0].value == code:
            return {str(h): cell for h, cell in zip(headers, row, strict=True)}
    raise AssertionError(f"{code} not on the sheet")


@pytest.fixture
def book(q1_view: ScorecardView) -> Workbook:
    return _book(q1_view)


def test_sheets_in_order(book: Workbook) -> None:
    assert book.sheetnames == ["Scorecard", "Data", "Explanations"]


def test_title_rows_and_header_row(book: Workbook) -> None:
    sheet = book["Scorecard"]
    assert sheet["A1"].value == "Children & Families Strategic Performance Scorecard"
    assert sheet["A2"].value == "2011-12 Quarter 1 (April–June 2011)"
    assert sheet["A3"].value == (
        "Internal: not for publication (small numbers are not suppressed). Provisional data is marked; "
        "provisional figures are subject to change"
    )
    # The demo's Q1 is approved: the file says so, and carries no other date, so it is the same whenever made.
    assert re.fullmatch(
        r"Approved by director on 14 July 2011\. Published by director on 20 September 2011\. Note: Approved and "
        r"signed off by the Children & Families senior "
        r"management team\.",
        str(sheet["A4"].value),
    )
    assert [cell.value for cell in sheet[HEADER_ROW]] == [
        "Indicator",
        "Description",
        "2009-10 outturn",
        "2010-11 outturn",
        "2011-12 target",
        "Previous NI",
        "Service plan",
        "Comparator",
        "2011-12 Q1 target",
        "2011-12 Q1 actual",
        "Status (provisional/validated)",
        "RAG",
        "Why this rating",
        "Direction of travel",
        "Commentary",
    ]


def test_core_assessment_row_is_red_with_a_red_fill(book: Workbook) -> None:
    row = _row_of(book["Scorecard"], CORE)
    assert row["2011-12 Q1 actual"].value == "63.1%"
    assert row["2011-12 Q1 target"].value == "at least 85%"
    assert row["Status (provisional/validated)"].value == "provisional"
    assert row["Previous NI"].value == "NI 60"
    rag = row["RAG"]
    assert rag.column == RAG_COLUMN
    assert rag.value == "Red"
    assert rag.fill.fill_type == "solid"
    colour = rag.fill.fgColor.rgb[-6:]
    assert colour == RAG_FILLS[Rating.RED]
    red, green, blue = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    assert red > max(green, blue)
    assert row["Why this rating"].value.startswith("Red: 63.1% is 21.9 points below the target of at least 85%")
    assert row["Direction of travel"].value.startswith("– Not comparable\nNo value for 2010-11 Q4")


def test_every_rating_word_has_its_own_fill(book: Workbook, q1_view: ScorecardView) -> None:
    sheet = book["Scorecard"]
    for row in q1_view.rows:
        cell = _row_of(sheet, row.indicator.code)["RAG"]
        assert cell.value == row.rag.rating.label
        assert cell.fill.fgColor.rgb[-6:] == RAG_FILLS[row.rag.rating]
    assert len(set(RAG_FILLS.values())) == len(Rating)


def test_rows_grouped_under_merged_priority_headings(book: Workbook, q1_view: ScorecardView) -> None:
    sheet = book["Scorecard"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    number = HEADER_ROW
    for group in q1_view.groups:
        number += 1
        assert sheet.cell(row=number, column=1).value == f"{group.priority.code}: {group.priority.title}"
        assert f"A{number}:O{number}" in merged
        for row in group.rows:
            number += 1
            assert sheet.cell(row=number, column=1).value == row.indicator.code
    assert sheet.max_row == number
    assert number - HEADER_ROW == len(q1_view.rows) + len(q1_view.groups)


def test_frozen_header_filter_and_print_setup(book: Workbook) -> None:
    sheet = book["Scorecard"]
    assert sheet.freeze_panes == f"B{HEADER_ROW + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{HEADER_ROW}:O")
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.oddFooter.right.text == "Page &P of &N"
    assert sheet.oddFooter.left.text.startswith("Children && Families")  # '&&' prints one '&'
    assert sheet["M8"].alignment.wrap_text is True
    assert sheet.column_dimensions["O"].width >= 40


def test_data_sheet_has_the_csv_columns_with_numbers_as_numbers(book: Workbook, q1_view: ScorecardView) -> None:
    sheet = book["Data"]
    assert [cell.value for cell in sheet[1]] == CSV_COLUMNS
    assert sheet.max_row == len(q1_view.rows) + 1
    rows = {r[2].value: r for r in sheet.iter_rows(min_row=2)}
    core = dict(zip(CSV_COLUMNS, rows[CORE], strict=True))
    assert core["value"].data_type == "n"
    assert core["value"].value == pytest.approx(63.1)
    assert core["target"].value == 85
    assert core["rag"].value == "Red"
    assert core["status"].value == "provisional"
    # Every text field is exactly what row_record gives the CSV.
    for row in q1_view.rows:
        record = row_record(q1_view, row)
        cells = dict(zip(CSV_COLUMNS, rows[row.indicator.code], strict=True))
        for name in CSV_COLUMNS:
            value = cells[name].value
            if name in ("value", "target"):
                expected = Decimal(record[name]) if record[name] else None
                assert (Decimal(str(value)) if value is not None else None) == expected, (row.indicator.code, name)
            else:
                assert (value or "") == record[name], (row.indicator.code, name)


def test_explanations_sheet_has_the_rag_rules_and_every_glossary_entry(book: Workbook) -> None:
    sheet = book["Explanations"]
    texts = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert "EYFS" in texts
    assert "Early Years Foundation Stage" in texts
    assert any(t.startswith("A rating is decided in a fixed order") for t in texts)
    assert "7. Otherwise red." in texts
    terms = [row[0].value for row in sheet.iter_rows() if row[1].value in ("Column", "Acronym", "RAG rating")]
    assert terms == list(GlossaryEntry.objects.order_by("kind", "term").values_list("term", flat=True))
    assert len(terms) > 30


def test_text_that_looks_like_a_formula_is_written_as_text(q1_view: ScorecardView) -> None:
    row = next(r for r in q1_view.rows if r.indicator.code == CORE)
    assert row.commentary is not None
    row.commentary.text = '=HYPERLINK("http://example.com","click")'
    row.commentary.save()
    indicator = row.indicator
    indicator.legacy_ni_ref = "@SUM(A1:A2)"
    indicator.save()
    data = render_xlsx(scorecard_view(q1_view.scorecard, q1_view.period))

    book = load_workbook(io.BytesIO(data))
    commentary = _row_of(book["Scorecard"], CORE)["Commentary"]
    assert commentary.data_type == "s"
    assert commentary.value == '\'=HYPERLINK("http://example.com","click")'
    assert _row_of(book["Scorecard"], CORE)["Previous NI"].value == "'@SUM(A1:A2)"
    data_row = next(r for r in book["Data"].iter_rows(min_row=2) if r[2].value == CORE)
    by_name = dict(zip(CSV_COLUMNS, data_row, strict=True))
    assert by_name["commentary"].value.startswith("'=HYPERLINK")
    assert by_name["legacy_ni_ref"].value == "'@SUM(A1:A2)"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 3
        for name in sheets:
            assert b"<f>" not in archive.read(name), name
