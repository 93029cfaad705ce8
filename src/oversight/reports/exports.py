"""Scorecard exports: one function per format, all from the same ``ScorecardView``."""

from __future__ import annotations

import csv
import io

from oversight.performance.selectors import ScorecardRow, ScorecardView

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}

CSV_COLUMNS = [
    "scorecard", "priority", "indicator_code", "title", "period", "value", "unit", "status", "target",
    "target_basis", "rag", "rag_reason", "direction", "direction_reason", "direction_last_year",
    "outturn_1_period", "outturn_1", "outturn_2_period", "outturn_2", "annual_target", "comparator",
    "legacy_ni_ref", "service_plan_code", "commentary", "note",
]  # fmt: skip

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """Stop a spreadsheet from running a cell as a formula (CSV/XLSX injection), keeping the text readable."""
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def row_record(view: ScorecardView, row: ScorecardRow) -> dict[str, str]:
    """One scorecard row as plain strings: the shared shape of the CSV and the XLSX data."""
    indicator = row.indicator
    actual = row.actual
    target_value = row.period_target or row.annual_target
    basis = ""
    if row.period_target is not None and row.period_target.value is not None:
        basis = row.period_target.period.code
    elif row.annual_target is not None:
        basis = row.annual_target.period.code
    outturns = [(p.code, f.text if f else "") for p, f in zip(row.outturn_years, row.outturns, strict=True)]
    return {
        "scorecard": view.scorecard.slug,
        "priority": f"{indicator.priority.code}: {indicator.priority.title}",
        "indicator_code": indicator.code,
        "title": indicator.title,
        "period": actual.period.code if actual else view.period.code,
        "value": "" if actual is None or actual.value is None else format(actual.value.normalize(), "f"),
        "unit": indicator.unit,
        "status": actual.status_label if actual else "",
        "target": ""
        if target_value is None or target_value.value is None
        else format(target_value.value.normalize(), "f"),
        "target_basis": basis,
        "rag": row.rag.rating.label,
        "rag_reason": row.rag.reason,
        "direction": row.versus_previous.direction.label,
        "direction_reason": row.versus_previous.description,
        "direction_last_year": row.versus_last_year.description,
        "outturn_1_period": outturns[0][0],
        "outturn_1": outturns[0][1],
        "outturn_2_period": outturns[1][0],
        "outturn_2": outturns[1][1],
        "annual_target": row.annual_target.text if row.annual_target else "",
        "comparator": row.comparator_summary,
        "legacy_ni_ref": indicator.legacy_ni_ref,
        "service_plan_code": indicator.service_plan_code,
        "commentary": row.commentary.text if row.commentary else "",
        "note": actual.note if actual else "",
    }


def publication_record(view: ScorecardView, row: ScorecardRow) -> dict[str, str]:
    """``row_record`` with small numbers withheld, and every sentence that would repeat them withheld too."""
    from oversight.reports.disclosure import WITHHELD, figure_for_publication

    record = row_record(view, row)
    if figure_for_publication(row, row.actual).suppressed:
        record.update(value="c", rag="Not shown", rag_reason=WITHHELD, direction="Not shown", note="")
        record.update(direction_reason=WITHHELD, direction_last_year=WITHHELD)
    for index, figure in enumerate(row.outturns, start=1):
        verdict = figure_for_publication(row, figure)
        if verdict.suppressed:
            record[f"outturn_{index}"] = "c"
            record.update(direction_reason=WITHHELD, direction_last_year=WITHHELD)
    return record


def render_csv(view: ScorecardView, *, publication: bool = False) -> bytes:
    """The scorecard as CSV. For publication, small numbers are suppressed; otherwise the file says it is internal."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    make = publication_record if publication else row_record
    for row in view.rows:
        writer.writerow({key: safe_cell(value) for key, value in make(view, row).items()})
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8 correctly


def render(view: ScorecardView, fmt: str, *, publication: bool = False) -> bytes:
    if fmt == "csv":
        return render_csv(view, publication=publication)
    if publication:
        raise ValueError("only the CSV export can be prepared for publication so far; use --format csv")
    if fmt == "xlsx":
        from oversight.reports.xlsx import render_xlsx

        return render_xlsx(view)
    if fmt == "pdf":
        from oversight.reports.pdf import render_pdf

        return render_pdf(view)
    raise ValueError(f"unknown export format {fmt!r}; use csv, xlsx or pdf")


def filename(view: ScorecardView, fmt: str, *, publication: bool = False) -> str:
    kind = "publication" if publication else "internal"
    return f"oversight-{view.scorecard.slug}-{view.period.code}-{kind}.{fmt}"
