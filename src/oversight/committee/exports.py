"""The exception report as CSV (one row per indicator, with why it is there), XLSX and a printed PDF."""

from __future__ import annotations

import csv
import io

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from oversight.committee.exceptions import ExceptionEntry, ExceptionReport
from oversight.performance.exports import FORMATS as SCORECARD_FORMATS
from oversight.reports.cells import print_landscape_a4, safe_cell, text
from oversight.reports.pdf import pdf_from_html

FORMATS = SCORECARD_FORMATS  # the same three files, with the same types, as the scorecard's
COLUMNS = [
    "scorecard", "period", "indicator_code", "title", "value", "rag", "why_included", "rag_reason", "direction",
    "comparators", "commentary", "linked_actions", "control_chart", "version",
]  # fmt: skip


def entry_record(report: ExceptionReport, entry: ExceptionEntry) -> dict[str, str]:
    row = entry.row
    return {
        "scorecard": report.view.scorecard.slug,
        "period": report.view.period.code,
        "indicator_code": entry.code,
        "title": row.indicator.title,
        "value": row.actual.text if row.actual else "",
        "rag": row.rag.rating.label,
        "why_included": " | ".join(entry.reasons),
        "rag_reason": row.rag.reason,
        "direction": row.versus_previous.description,
        "comparators": " | ".join(c.summary for c in row.comparators),
        "commentary": row.commentary.text if row.commentary else "",
        "linked_actions": " | ".join(f"{a.reference} ({a.status}): {a.text} {a.progress}" for a in entry.actions),
        "control_chart": " | ".join(entry.signals),
        "version": report.view.version,
    }


def render_csv(report: ExceptionReport) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for entry in report.entries:
        writer.writerow({key: safe_cell(value) for key, value in entry_record(report, entry).items()})
    return buffer.getvalue().encode("utf-8-sig")


def render_xlsx(report: ExceptionReport) -> bytes:
    book = Workbook()
    sheet = book.active
    if sheet is None:
        raise AssertionError("sheet is not None")
    sheet.title = "Exceptions"
    sheet.append([text(report.title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([text(report.view.version)])
    sheet.append([])
    sheet.append([text(name) for name in COLUMNS])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for entry in report.entries:
        sheet.append([text(value) for value in entry_record(report, entry).values()])
    for row in sheet.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFGHIJKLMN", [12, 12, 16, 36, 10, 10, 60, 50, 40, 60, 50, 60, 40, 30], strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A5"
    print_landscape_a4(sheet, title_rows="4:4")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render_html(report: ExceptionReport) -> str:
    return render_to_string("committee/exceptions_print.html", {"report": report})


def render_pdf(report: ExceptionReport) -> bytes:
    return pdf_from_html(render_html(report))


def render(report: ExceptionReport, fmt: str) -> bytes:
    renderers = {"csv": render_csv, "xlsx": render_xlsx, "pdf": render_pdf}
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}; use csv, xlsx or pdf")
    return renderers[fmt](report)


def filename(report: ExceptionReport, fmt: str) -> str:
    return f"oversight-{report.view.scorecard.slug}-{report.view.period.code}-exceptions.{fmt}"
