"""Scorecard exports: one function per format, all from the same ``ScorecardView``."""

from __future__ import annotations

import csv
import io

from oversight.performance.export_records import CSV_COLUMNS, publication_record, row_record
from oversight.performance.selectors import ScorecardView
from oversight.reports.cells import safe_cell

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


# Every row of a CSV says how it may be handled, since a file is copied and renamed away from its name.
INTERNAL = "Internal: not for publication"
PUBLISHED = "For publication: counts from 1 to 5 suppressed (shown as c)"


def render_csv(view: ScorecardView, *, publication: bool = False) -> bytes:
    """The scorecard as CSV. For publication, small numbers are suppressed; otherwise each row says it is internal."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*CSV_COLUMNS, "version", "handling"], lineterminator="\r\n")
    writer.writeheader()
    make = publication_record if publication else row_record
    handling = PUBLISHED if publication else INTERNAL
    for row in view.rows:
        record = {key: safe_cell(value) for key, value in make(view, row).items()}
        writer.writerow(record | {"version": view.version, "handling": handling})
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8 correctly


def render(view: ScorecardView, fmt: str, *, publication: bool = False) -> bytes:
    if fmt == "csv":
        return render_csv(view, publication=publication)
    if fmt == "xlsx":
        from oversight.performance.export_xlsx import render_xlsx

        return render_xlsx(view, publication=publication)
    if fmt == "pdf":
        from oversight.performance.export_pdf import render_pdf

        return render_pdf(view, publication=publication)
    raise ValueError(f"unknown export format {fmt!r}; use csv, xlsx or pdf")


def filename(view: ScorecardView, fmt: str, *, publication: bool = False) -> str:
    kind = "publication" if publication else "internal"
    return f"oversight-{view.scorecard.slug}-{view.period.code}-{kind}.{fmt}"
