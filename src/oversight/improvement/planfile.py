"""An action plan as a table, in the layout councils already use (the "Announced Inspection Action Plan"):

    Area for Improvement / Recommendation | TIMESCALE | Key Actions | Resp. Officer |
    Evidence/Progress (End of September) | RAG | Evidence/Progress (end of November) | RAG | … | Reporting Schedule

A row with only its first cell filled is a section heading ("Safeguarding Children & Young people"). A title
may sit above the header. Any number of checkpoints, each an "Evidence/Progress (label)" column optionally
followed by a "RAG" column. ``read_plan_table`` reads a CSV or XLSX file and collects every problem, naming its
row and column; nothing is written. ``write_plan_xlsx`` writes the same layout back.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from oversight.core.problems import Issue
from oversight.core.rag import Rating
from oversight.core.timescales import TimescaleError, parse_timescale
from oversight.performance.importer import MAX_ROWS, MAX_XLSX_UNPACKED, FileRejectedError, csv_table

AREA = "Area for Improvement / Recommendation"
TIMESCALE = "TIMESCALE"
ACTIONS = "Key Actions : short term interventions"
OFFICER = "Resp. Officer"
SCHEDULE = "Reporting Schedule"
RAG = "RAG"
_PROGRESS = re.compile(r"^evidence\s*/\s*progress\s*\((?P<label>[^)]+)\)$", re.IGNORECASE)
_RAG_WORDS = {
    "": Rating.NOT_RATED,
    "not rated": Rating.NOT_RATED,
    "red": Rating.RED,
    "r": Rating.RED,
    "amber": Rating.AMBER,
    "a": Rating.AMBER,
    "green": Rating.GREEN,
    "g": Rating.GREEN,
}
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class CheckpointColumn:
    label: str  # as in the header: "End of September"
    progress_index: int
    rag_index: int | None


@dataclass(frozen=True)
class Progress:
    label: str
    narrative: str
    rating: Rating


@dataclass
class PlanRow:
    row: int  # the row number in the file, for messages
    section: str
    text: str
    timescale: str
    actions: str
    officers: str
    progress: list[Progress]
    reporting_schedule: str


@dataclass
class PlanTable:
    title: str
    checkpoints: list[CheckpointColumn]
    rows: list[PlanRow] = field(default_factory=list)

    @property
    def checkpoint_labels(self) -> list[str]:
        return [c.label for c in self.checkpoints]


def _norm(value: object) -> str:
    return re.sub(r"\s+", " ", str(value)).strip() if value is not None else ""


def _raw_rows(path: Path, data: bytes) -> list[tuple[int, list[object]]]:
    if not data.startswith(b"PK\x03\x04"):
        _, header, rows, _ = csv_table(path.name, data)
        return [(1, list(header)), *rows]
    from openpyxl import load_workbook  # imported here: only workbook imports pay for it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_XLSX_UNPACKED:
            raise FileRejectedError(
                Issue(path.name, None, None, "the workbook unpacks to too much data; it is refused")
            )
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise FileRejectedError(Issue(path.name, number, None, f"more than {MAX_ROWS:,} rows; split the file"))
            rows.append((number, list(cells)))
        book.close()
    except FileRejectedError:
        raise
    except Exception as error:  # zipfile and openpyxl raise many kinds for a damaged workbook
        reason = str(error).strip() or type(error).__name__
        raise FileRejectedError(Issue(path.name, None, None, f"the workbook cannot be read: {reason}")) from None
    return rows


def _columns(name: str, row: int, header: list[str]) -> tuple[dict[str, int], list[CheckpointColumn], list[Issue]]:
    issues: list[Issue] = []
    fixed: dict[str, int] = {}
    checkpoints: list[CheckpointColumn] = []
    expected = {AREA.lower(): AREA, TIMESCALE.lower(): TIMESCALE, SCHEDULE.lower(): SCHEDULE}
    index = 0
    while index < len(header):
        cell = header[index]
        lowered = cell.lower()
        progress = _PROGRESS.match(cell)
        if not cell:  # an empty heading, a spacer column, holds nothing to read
            index += 1
            continue
        if lowered in expected:
            fixed[expected[lowered]] = index
        elif lowered.startswith("key action"):
            fixed[ACTIONS] = index
        elif lowered.startswith("resp"):
            fixed[OFFICER] = index
        elif progress:
            rag_index = index + 1 if index + 1 < len(header) and header[index + 1].lower() == "rag" else None
            checkpoints.append(CheckpointColumn(progress.group("label").strip(), index, rag_index))
            if rag_index is not None:
                index += 1
        else:
            issues.append(
                Issue(name, row, cell, "this column is not part of the action plan layout; remove it or rename it")
            )
        index += 1
    for required in (AREA, TIMESCALE, ACTIONS, OFFICER, SCHEDULE):
        if required not in fixed:
            issues.append(Issue(name, row, required, "the header has no such column; add it"))
    if not checkpoints:
        issues.append(Issue(name, row, "Evidence/Progress (…)", "add at least one checkpoint column"))
    labels = [c.label.lower() for c in checkpoints]
    for label in sorted({x for x in labels if labels.count(x) > 1}):
        issues.append(Issue(name, row, f"Evidence/Progress ({label})", "two checkpoints have this name"))
    return fixed, checkpoints, issues


def read_plan_table(path: Path) -> tuple[PlanTable | None, list[Issue]]:
    """Read and check an action plan table. Returns the table only when there are no issues."""
    name = path.name
    try:
        raw = _raw_rows(path, path.read_bytes())
    except FileRejectedError as rejected:
        return None, [rejected.issue]
    except OSError as error:
        return None, [Issue(name, None, None, f"the file cannot be read: {error.strerror or error}")]
    header_at = next(
        (
            i
            for i, (_, cells) in enumerate(raw[:HEADER_SEARCH_ROWS])
            if cells and _norm(cells[0]).lower() == AREA.lower()
        ),
        None,
    )
    if header_at is None:
        return None, [Issue(name, None, AREA, f"no header row: the first column of the header must be '{AREA}'")]
    header_row, header_cells = raw[header_at]
    fixed, checkpoints, issues = _columns(name, header_row, [_norm(c) for c in header_cells])
    if issues:
        return None, issues
    title = next((_norm(cells[0]) for _, cells in raw[:header_at] if cells and _norm(cells[0])), "")
    table = PlanTable(title=title, checkpoints=checkpoints)
    section = ""
    width = len(header_cells)
    for number, cells in raw[header_at + 1 :]:
        values = [_norm(c) for c in cells[:width]] + [""] * max(0, width - len(cells))
        if not any(values):
            continue
        if values[0] and not any(values[1:]):
            section = values[0]
            continue
        row_issues = _check_row(name, number, values, fixed, checkpoints)
        if row_issues:
            issues.extend(row_issues)
            continue
        progress = [
            Progress(
                c.label,
                values[c.progress_index],
                _RAG_WORDS[values[c.rag_index].lower()] if c.rag_index else Rating.NOT_RATED,
            )
            for c in checkpoints
        ]
        table.rows.append(
            PlanRow(
                row=number,
                section=section,
                text=values[fixed[AREA]],
                timescale=values[fixed[TIMESCALE]],
                actions=values[fixed[ACTIONS]],
                officers=values[fixed[OFFICER]],
                progress=progress,
                reporting_schedule=values[fixed[SCHEDULE]],
            )
        )
    if not table.rows and not issues:
        issues.append(Issue(name, None, AREA, "the table has a header but no recommendations under it"))
    return (None, issues) if issues else (table, [])


def _check_row(
    name: str, number: int, values: list[str], fixed: dict[str, int], checkpoints: list[CheckpointColumn]
) -> list[Issue]:
    issues = []
    if not values[fixed[AREA]]:
        issues.append(
            Issue(name, number, AREA, "empty; give the recommendation (a section heading fills only this column)")
        )
    try:
        parse_timescale(values[fixed[TIMESCALE]])
    except TimescaleError as error:
        issues.append(Issue(name, number, TIMESCALE, str(error)))
    for column in checkpoints:
        if column.rag_index is not None and values[column.rag_index].lower() not in _RAG_WORDS:
            issues.append(
                Issue(
                    name,
                    number,
                    f"RAG after Evidence/Progress ({column.label})",
                    f"'{values[column.rag_index]}' is not a RAG rating; write Red, Amber, Green or leave it empty",
                )
            )
    return issues


# Writing ------------------------------------------------------------------------------------------


def header_for(checkpoints: list[str]) -> list[str]:
    header = [AREA, TIMESCALE, ACTIONS, OFFICER]
    for label in checkpoints:
        header += [f"Evidence/Progress ({label})", RAG]
    return [*header, SCHEDULE]


def write_plan_xlsx(table: PlanTable, *, subtitle: str = "") -> bytes:
    """The table as a workbook laid out like the paper plan: title, header, section rows, one row each."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from oversight.reports.cells import RAG_FILLS, RAG_TEXT, print_landscape_a4, text

    book = Workbook()
    sheet = book.active
    if sheet is None:
        raise AssertionError("sheet is not None")
    sheet.title = "Action plan"
    header = header_for(table.checkpoint_labels)
    sheet.append([text(table.title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([text(subtitle)])
    sheet.append(header)
    thin = Side(style="thin", color="B1B4B6")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[3]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1D3557")
        cell.alignment = wrap
        cell.border = border
    section = None
    for row in table.rows:
        if row.section != section and row.section:
            sheet.append([text(row.section)])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True)
            sheet.cell(sheet.max_row, 1).fill = PatternFill("solid", fgColor="DEE5EC")
        section = row.section
        cells: list[str] = [row.text, row.timescale, row.actions, row.officers]
        for progress in row.progress:
            cells += [progress.narrative, "" if progress.rating is Rating.NOT_RATED else progress.rating.label]
        cells.append(row.reporting_schedule)
        sheet.append([text(c) for c in cells])
        for index, cell in enumerate(sheet[sheet.max_row]):
            cell.alignment = wrap
            cell.border = border
            if header[index] == RAG and cell.value:
                rating = _RAG_WORDS[str(cell.value).lower()]
                cell.fill = PatternFill("solid", fgColor=RAG_FILLS[rating])
                cell.font = Font(bold=True, color=RAG_TEXT[rating])
    widths = {AREA: 40, TIMESCALE: 16, ACTIONS: 50, OFFICER: 22, SCHEDULE: 28, RAG: 9}
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(name, 36)
    sheet.freeze_panes = "B4"
    print_landscape_a4(sheet, title_rows="3:3")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
