"""The import template: a guide, one sheet per table, and it goes through the real importer."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from oversight.performance.columns import TABLES, ColumnType
from oversight.performance.import_template import GUIDE_SHEET, import_template
from oversight.performance.models import Indicator, Priority, Scorecard
from oversight.performance.services import import_files


@pytest.fixture
def book() -> Workbook:
    return load_workbook(io.BytesIO(import_template()))


def test_sheets_are_the_guide_then_one_per_table_in_import_order(book: Workbook) -> None:
    assert book.sheetnames == [
        "guide",
        "scorecards",
        "priorities",
        "indicators",
        "glossary",
        "targets",
        "values",
        "comparators",
        "commentary",
        "breakdowns",
    ]
    assert book.sheetnames[1:] == [table.kind for table in TABLES]


def test_each_table_sheet_has_its_column_names_bold_and_frozen(book: Workbook) -> None:
    for table in TABLES:
        sheet = book[table.kind]
        assert [cell.value for cell in sheet[1]] == list(table.names), table.kind
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.freeze_panes == "A2"
        assert sheet.max_row == 1  # no example rows: they would be imported


def test_choice_columns_have_dropdowns_with_exactly_the_allowed_choices(book: Workbook) -> None:
    for table in TABLES:
        sheet = book[table.kind]
        lists = {}
        for validation in sheet.data_validations.dataValidation:
            assert validation.type == "list"
            column = str(validation.sqref).split(":")[0].rstrip("0123456789")
            lists[column] = validation.formula1.strip('"').split(",")
        expected = {}
        for index, column in enumerate(table.columns):
            if column.type is ColumnType.CHOICE:
                expected[sheet.cell(row=1, column=index + 1).column_letter] = list(column.choices)
        assert lists == expected, table.kind
    units = next(v for v in book["indicators"].data_validations.dataValidation if "percent" in v.formula1)
    assert str(units.sqref) == "H2:H5000"


def test_period_columns_are_text_so_excel_keeps_2011_12(book: Workbook) -> None:
    assert book["values"].column_dimensions["B"].number_format == "@"
    assert book["values"]["B1"].value == "period"


def test_guide_states_the_rules_and_lists_every_column(book: Workbook) -> None:
    guide = book[GUIDE_SHEET]
    text = "\n".join(str(cell.value) for row in guide.iter_rows() for cell in row if cell.value is not None)
    assert "63.1, not 0.631" in text
    assert "2011-12-Q1 (financial quarter, Q1 = April–June)" in text
    assert "rejected whole and nothing is written" in text
    assert "importing the same file twice changes nothing" in text
    listed = {
        (row[0].value, row[1].value): row
        for row in guide.iter_rows()
        if row[0].value in {t.kind for t in TABLES} and row[2].value is not None
    }
    expected = {(table.kind, column.name) for table in TABLES for column in table.columns}
    assert set(listed) == expected
    unit = listed[("indicators", "unit")]
    assert [c.value for c in unit[2:5]] == [
        "choice",
        "required",
        "percent, rate_per_1000, rate_per_10000, count, days, score, ratio",
    ]
    value = listed[("values", "value")]
    assert value[3].value == "optional"
    assert "63.1" in value[5].value


def test_empty_template_imports_with_no_issues_and_no_rows(db: None, tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    path.write_bytes(import_template())
    result = import_files([path])
    assert result.ok, [str(issue) for issue in result.issues]
    assert (result.files, result.rows, result.created, result.updated) == (1, 0, 0, 0)
    assert not Scorecard.objects.exists()


def test_filled_in_template_imports_through_the_real_importer(db: None, tmp_path: Path) -> None:
    book = load_workbook(io.BytesIO(import_template()))
    book["scorecards"].append(["trial", "Trial scorecard", ""])
    book["priorities"].append(["trial", "P1", "Keep children safe", 1])
    indicator: dict[str, object] = {str(cell.value): None for cell in book["indicators"][1]}
    indicator.update(
        code="T-1", scorecard="trial", priority="P1", title="Trial measure", unit="percent", polarity="higher"
    )
    book["indicators"].append(list(indicator.values()))
    path = tmp_path / "filled.xlsx"
    book.save(path)

    result = import_files([path])
    assert result.ok, [str(issue) for issue in result.issues]
    assert result.rows == 3
    assert Priority.objects.get(scorecard__slug="trial", code="P1").title == "Keep children safe"
    assert Indicator.objects.get(code="T-1").unit == "percent"
    again = import_files([path])
    assert again.ok
    assert (again.created, again.updated) == (0, 0)
