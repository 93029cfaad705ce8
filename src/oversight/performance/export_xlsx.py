"""The scorecard as an Excel workbook: the paper layout (Appendix A), the flat data, and the explanations.

Sheets:

* ``Scorecard``: laid out like the council's paper scorecard, grouped under priority headings, ready to print
  on A4 landscape;
* ``Data``: the CSV columns (``export_records.CSV_COLUMNS``), one row per indicator, numbers as numbers;
* ``Explanations``: how a rating is decided, and every glossary entry.

Every text cell goes through ``reports.cells.text`` so that nothing a user typed can run as a formula.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.worksheet import Worksheet

from oversight.core.periods import YearType
from oversight.core.suppression import SUPPRESSED
from oversight.performance.disclosure import publication_notice, view_for_publication
from oversight.performance.export_records import CSV_COLUMNS, publication_record, rag_explanation, row_record
from oversight.performance.models import GlossaryEntry
from oversight.performance.selectors import Figure, ScorecardRow, ScorecardView
from oversight.reports.cells import RAG_FILLS, RAG_TEXT, print_landscape_a4, text

INTERNAL_NOTICE = (
    "Internal: not for publication (small numbers are not suppressed). Provisional data is marked; "
    "provisional figures are subject to change"
)
HEADER_ROW = 6  # rows 1-4 are the title block, row 5 is a spacer
NUMERIC_DATA_COLUMNS = frozenset({"value", "target", "target_upper"})

_THIN = Side(style="thin", color="B1B4B6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_HEADER_FILL = PatternFill("solid", fgColor="1D3557")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_PRIORITY_FILL = PatternFill("solid", fgColor="DEE5EC")


def scorecard_headers(view: ScorecardView) -> list[str]:
    """The Scorecard sheet's header row, worded as on the paper scorecard."""
    year = view.period.year_of_type(YearType.FINANCIAL)
    short = view.period.short_label
    return [
        "Indicator",
        "Description",
        f"{year.shifted(-2).code} outturn",
        f"{year.shifted(-1).code} outturn",
        f"{year.code} target",
        "Previous NI",
        "Service plan",
        "Comparator",
        f"{short} target",
        f"{short} actual",
        "Status (provisional/validated)",
        "RAG",
        "Why this rating",
        "Direction of travel",
        "Commentary",
    ]


_SCORECARD_WIDTHS = [18, 42, 12, 12, 12, 11, 13, 26, 12, 12, 13, 11, 42, 32, 55]
RAG_COLUMN = 12  # 1-based position of "RAG" in scorecard_headers


def _figure_text(figure: Figure | None) -> str:
    if figure is None:
        return ""
    text = f"{figure.text} (provisional)" if figure.provisional else figure.text
    return f"{text} ({figure.caution})" if figure.caution else text


def _scorecard_cells(row: ScorecardRow) -> list[str]:
    indicator = row.indicator
    actual = row.actual
    actual_text = actual.text if actual else ""
    if actual is not None and actual.caution:
        actual_text += f" ({actual.caution})"
    travel = row.versus_previous
    direction = f"{travel.arrow} {travel.direction.label}\n{travel.description}"
    if row.versus_last_year.direction.value != "not_comparable" and row.versus_last_year != travel:
        direction += f"\nSame period last year: {row.versus_last_year.description}"
    return [
        indicator.code,
        indicator.description or indicator.title,
        _figure_text(row.outturns[0]),
        _figure_text(row.outturns[1]),
        row.annual_target.text if row.annual_target else "",
        indicator.legacy_ni_ref,
        indicator.service_plan_code,
        "\n".join(c.summary for c in row.comparators),
        row.period_target.text if row.period_target else "",
        actual_text,
        actual.status_label if actual else "",
        row.rag.rating.label,
        row.rag.reason,
        direction,
        row.commentary.text if row.commentary else "",
    ]


def _title_block(sheet: Worksheet, view: ScorecardView, last_column: int, handling: str) -> None:
    # An approved period's file says only what was approved, so it is the same file whenever it is made.
    generated = "" if view.approved_on else f" Generated {timezone.localdate():%-d %B %Y}."
    lines = [
        (view.scorecard.title, Font(bold=True, size=14)),
        (view.period.label, Font(bold=True, size=12)),
        (handling, Font(size=11)),
        (f"{view.version}{generated}", Font(size=10, color="505A5F")),
    ]
    for number, (value, font) in enumerate(lines, start=1):
        cell = sheet.cell(row=number, column=1, value=text(value))
        cell.font = font
        sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=last_column)


def _scorecard_sheet(sheet: Worksheet, view: ScorecardView, handling: str = INTERNAL_NOTICE) -> None:
    headers = scorecard_headers(view)
    last = len(headers)
    _title_block(sheet, view, last, handling)
    for column, heading in enumerate(headers, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=text(heading))
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = _BORDER
    number = HEADER_ROW
    for group in view.groups:
        number += 1
        heading = f"{group.priority.code}: {group.priority.title}"
        cell = sheet.cell(row=number, column=1, value=text(heading))
        cell.font = Font(bold=True, size=11)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        for column in range(1, last + 1):
            sheet.cell(row=number, column=column).fill = _PRIORITY_FILL
            sheet.cell(row=number, column=column).border = _BORDER
        sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=last)
        # A merged cell never grows to fit its text, so give long headings a second line.
        sheet.row_dimensions[number].height = 30 if len(heading) > 150 else 18
        for row in group.rows:
            number += 1
            for column, value in enumerate(_scorecard_cells(row), start=1):
                cell = sheet.cell(row=number, column=column, value=text(value))
                cell.alignment = _WRAP_TOP
                cell.border = _BORDER
            rating = row.rag.rating
            rag_cell = sheet.cell(row=number, column=RAG_COLUMN)
            rag_cell.fill = PatternFill("solid", fgColor=RAG_FILLS[rating])
            rag_cell.font = Font(bold=True, color=RAG_TEXT[rating])
    for column, width in enumerate(_SCORECARD_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[HEADER_ROW].height = 32
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=2).coordinate  # header rows and indicator code
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(last)}{max(number, HEADER_ROW + 1)}"
    _print_setup(sheet, view)


def _print_setup(sheet: Worksheet, view: ScorecardView) -> None:
    print_landscape_a4(sheet, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    # '&' starts a header/footer code in Excel; a literal one is written '&&'.
    caption = f"{view.scorecard.title}: {view.period.label}".replace("&", "&&")
    footer = sheet.oddFooter or HeaderFooterItem()
    footer.left.text, footer.left.size = caption, 8
    footer.right.text, footer.right.size = "Page &P of &N", 8
    sheet.oddFooter = footer


def _data_sheet(sheet: Worksheet, view: ScorecardView, *, publication: bool = False) -> None:
    sheet.append([text(name) for name in CSV_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in view.rows:
        record = publication_record(view, row) if publication else row_record(view, row)
        cells: list[object] = []
        for name in CSV_COLUMNS:
            value = record[name]
            if name in NUMERIC_DATA_COLUMNS and value not in ("", SUPPRESSED):  # "c" stays text
                cells.append(Decimal(value))
            else:
                cells.append(text(value))
        sheet.append(cells)
    widths = {"title": 40, "priority": 30, "rag_reason": 50, "direction_reason": 40, "commentary": 50}
    for column, name in enumerate(CSV_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = widths.get(name, max(12, len(name) + 2))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(CSV_COLUMNS))}{max(sheet.max_row, 2)}"


def _explanations_sheet(sheet: Worksheet) -> None:
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 14
    sheet.column_dimensions["C"].width = 40
    sheet.column_dimensions["D"].width = 90
    sheet.cell(row=1, column=1, value=text("Explanations")).font = Font(bold=True, size=14)
    sheet.cell(row=3, column=1, value=text("How a RAG rating is decided")).font = Font(bold=True, size=12)
    number = 3
    for paragraph in rag_explanation():
        number += 1
        cell = sheet.cell(row=number, column=1, value=text(paragraph))
        cell.alignment = _WRAP_TOP
        sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=4)
        sheet.row_dimensions[number].height = 15 * (1 + len(paragraph) // 150)
    number += 2
    sheet.cell(row=number, column=1, value=text("Glossary")).font = Font(bold=True, size=12)
    number += 1
    for column, heading in enumerate(["Term", "Kind", "Title", "Explanation"], start=1):
        cell = sheet.cell(row=number, column=column, value=text(heading))
        cell.font = Font(bold=True)
        cell.border = _BORDER
    for entry in GlossaryEntry.objects.order_by("kind", "term"):
        number += 1
        values = [entry.term, entry.get_kind_display(), entry.title, entry.explanation]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=column, value=text(value))
            cell.alignment = _WRAP_TOP
            cell.border = _BORDER
    print_landscape_a4(sheet)


def render_xlsx(view: ScorecardView, *, publication: bool = False) -> bytes:
    """The scorecard workbook; for publication, small numbers withheld on both sheets, and the title says which."""
    book = Workbook()
    scorecard = book.active
    if scorecard is None:
        raise AssertionError("scorecard is not None")
    scorecard.title = "Scorecard"
    if publication:
        published = view_for_publication(view)
        _scorecard_sheet(scorecard, published.view, publication_notice(published))
    else:
        _scorecard_sheet(scorecard, view)
    _data_sheet(book.create_sheet("Data"), view, publication=publication)
    _explanations_sheet(book.create_sheet("Explanations"))
    book.properties.title = f"{view.scorecard.title}: {view.period.label}"
    book.properties.creator = "oversight"
    approved = None
    if view.signoff is not None and view.signoff.is_locked and view.signoff.approved_at is not None:
        # An approved period's file is the same file whenever it is exported: dated by its approval.
        approved = view.signoff.approved_at.replace(tzinfo=None, microsecond=0)
        book.properties.created = book.properties.modified = approved
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue() if approved is None else _dated(buffer.getvalue(), approved)


def _dated(data: bytes, moment: datetime) -> bytes:
    """The workbook with every part of its zip, and its 'modified' property, dated ``moment`` (openpyxl dates both
    when it saves)."""
    source, output = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            stamped = zipfile.ZipInfo(item.filename, date_time=moment.timetuple()[:6])
            stamped.compress_type = item.compress_type
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                stamp = f">{moment:%Y-%m-%dT%H:%M:%SZ}</dcterms:modified>".encode()
                content = re.sub(rb">[^<]*</dcterms:modified>", stamp, content)
            target.writestr(stamped, content)
    return output.getvalue()
