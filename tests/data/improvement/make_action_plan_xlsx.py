"""Write action_plan_2011.xlsx: the 2011 draft action plan laid out as the council's table.

Run from the repository root: ``.venv/bin/python tests/data/improvement/make_action_plan_xlsx.py``. The rows
come from the demo's transcription (src/oversight/demo/data/improvement/action_plan_2011.csv); the layout
follows the printed table: the title, the ten-column header (no RAG column after the January progress), the
section headings as rows of their own, wrapped text, landscape A4.
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parents[2] / "src" / "oversight" / "demo" / "data" / "improvement" / "action_plan_2011.csv"
TITLE = "Announced Inspection Action Plan (v1) Draft"


def build(source: Path = SOURCE) -> Workbook:
    with source.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Action Plan"
    sheet.append([TITLE])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        if not any(row[1:]):
            sheet.append([row[0]])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True)
            continue
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFGHIJ", (38, 14, 50, 20, 36, 6, 36, 6, 36, 26), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    return book


if __name__ == "__main__":
    build().save(HERE / "action_plan_2011.xlsx")
    print(f"Wrote {HERE / 'action_plan_2011.xlsx'}")
