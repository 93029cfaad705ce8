"""The downloadable import template: a guide sheet, then one empty sheet per import table.

Everything comes from ``performance.columns.TABLES``, the same specification the importer checks against, so
the template cannot drift from what the importer accepts. The importer reads only sheets named exactly as a
table kind, so the guide sheet is ignored and an empty template imports cleanly with nothing written.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from oversight.core.periods import FORMS_HELP
from oversight.performance.columns import TABLES, Column, ColumnType, TableSpec
from oversight.reports.cells import safe_cell

GUIDE_SHEET = "guide"
VALIDATED_ROWS = 5000  # how far down each sheet the choice dropdowns reach

RULES = [
    "Put each kind of record on its own sheet. A sheet is read only if its name is exactly one of the table "
    f"names below ({', '.join(table.kind for table in TABLES)}); "
    "this guide sheet and any other sheet are ignored. Leave a sheet empty, or delete it, if you have nothing "
    "for it.",
    "Keep the first row of each sheet as it is: it holds the column names. You may leave out columns that "
    "are not required, but not rename them.",
    "Write percentages as 63.1, not 0.631. (A cell formatted as a percentage in Excel is read correctly too.)",
    "Periods: " + FORMS_HELP + ". The period columns are formatted as text so that Excel does not turn "
    "2011-12 into a date.",
    "A value that is not a number (for example 'n/a' or 'below 5%') goes in the note column, with the value "
    "left blank.",
    "Columns marked 'choice' accept only the listed words; the cells offer a dropdown list.",
    "The tables are applied in the order listed below, so one workbook can create a scorecard, its "
    "priorities and indicators, and their values, all at once.",
    "Every file is checked before anything is saved. A file with any problem is rejected whole and nothing is "
    "written; the list of problems gives the sheet, row and column of each, so you can fix them and try again.",
    "Rows are matched by their key columns (listed for each table). Importing a row whose key already exists "
    "updates it; importing the same file twice changes nothing.",
]

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DEE5EC")
_THIN = Side(style="thin", color="B1B4B6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")


def _describe_type(column: Column) -> str:
    kind = column.type.value
    if column.max_length is not None:
        kind += f" (up to {column.max_length} characters)"
    return kind


def _guide_sheet(sheet: Worksheet) -> None:
    sheet.title = GUIDE_SHEET
    widths = {"A": 16, "B": 20, "C": 26, "D": 10, "E": 40, "F": 60}
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    sheet.append([safe_cell("Import template: how to fill it in")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append([safe_cell("Rules")])
    sheet["A3"].font = Font(bold=True, size=12)
    for number, rule in enumerate(RULES, start=1):
        sheet.append([safe_cell(f"{number}. {rule}")])
        row = sheet.max_row
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
        sheet.cell(row=row, column=1).alignment = _WRAP_TOP
        sheet.row_dimensions[row].height = 15 * (1 + len(rule) // 160)
    sheet.append([])
    sheet.append([safe_cell("Tables and columns")])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=12)
    sheet.append([safe_cell(h) for h in ["Sheet", "Column", "Type", "Required", "Allowed choices", "Help"]])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
    for table in TABLES:
        sheet.append([safe_cell(table.kind), safe_cell(f"{table.title} — rows are matched by: {', '.join(table.key)}")])
        row = sheet.max_row
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=6)
        for cell in sheet[row]:
            cell.font = _BOLD
        for column in table.columns:
            sheet.append(
                [
                    safe_cell(table.kind),
                    safe_cell(column.name),
                    safe_cell(_describe_type(column)),
                    "required" if column.required else "optional",
                    safe_cell(", ".join(column.choices)),
                    safe_cell(column.help),
                ]
            )
            for cell in sheet[sheet.max_row]:
                cell.alignment = _WRAP_TOP
                cell.border = _BORDER
    sheet.freeze_panes = f"A{header_row + 1}"


def _table_sheet(sheet: Worksheet, table: TableSpec) -> None:
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=safe_cell(column.name))
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        letter = get_column_letter(index)
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(14, len(column.name) + 4)
        if column.type in (ColumnType.TEXT, ColumnType.PERIOD, ColumnType.CHOICE, ColumnType.SLUG):
            dimension.number_format = "@"  # text: Excel must not turn 2011-12 into a date
        comment = column.help or column.type.value
        if column.type is ColumnType.CHOICE:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(column.choices) + '"',
                allow_blank=True,  # the importer reports a missing required value, with its row
                showErrorMessage=True,
                errorTitle=f"Not a {column.name}",
                error=f"Use one of: {', '.join(column.choices)}",
                showInputMessage=True,
                promptTitle=column.name[:32],
                prompt=(comment if comment != "choice" else "Pick from the list")[:255],
            )
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
    sheet.freeze_panes = "A2"


def import_template() -> bytes:
    book = Workbook()
    guide = book.active
    if guide is None:
        raise AssertionError("guide is not None")
    _guide_sheet(guide)
    for table in TABLES:
        _table_sheet(book.create_sheet(table.kind), table)
    book.properties.title = "oversight import template"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
