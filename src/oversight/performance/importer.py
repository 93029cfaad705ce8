"""Read import files (CSV or XLSX) into typed rows, collecting every problem instead of stopping at the first.

Nothing here writes to the database: ``services.import_files`` applies a plan only when no file has a problem.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from oversight.core.periods import PeriodError, parse_period
from oversight.core.problems import Issue
from oversight.core.units import round_half_up
from oversight.performance.columns import TABLES, Column, ColumnType, TableSpec, table_for_header
from oversight.performance.limits import LONG_TEXT

Cell = str | Decimal | int | None


@dataclass
class ParsedTable:
    """The typed rows of one file (or one sheet of a workbook)."""

    source: str  # 'values.csv' or 'template.xlsx, sheet values'
    spec: TableSpec
    rows: list[tuple[int, dict[str, Cell]]] = field(default_factory=list)
    bad_cells: set[tuple[int, str]] = field(default_factory=set)  # (row, column) already reported


@dataclass
class ParsedFile:
    name: str
    sha256: str
    tables: list[ParsedTable]


class FileRejectedError(Exception):
    def __init__(self, issue: Issue) -> None:
        super().__init__(str(issue))
        self.issue = issue


MAX_ROWS = 200_000
DECIMAL_PLACES = 4  # as stored (DecimalField decimal_places=4)
MAX_INTEGER_DIGITS = 11  # with four places, 15 significant digits: exact in every supported database
_XLSX_MAGIC = b"PK\x03\x04"
# A workbook may be compressed; refuse one that would unpack to more than this (a zip bomb).
MAX_XLSX_UNPACKED = 40 * 1024 * 1024
# Text a workbook may hold in all, as read: as much as the largest CSV accepted.
MAX_XLSX_TEXT = 10 * 1024 * 1024


def read_file(path: Path, *, max_bytes: int) -> tuple[ParsedFile, list[Issue]]:
    """Read and check one file. The type is decided by its content, not its name."""
    name = path.name
    data = path.read_bytes()
    issues: list[Issue] = []
    if len(data) > max_bytes:
        raise FileRejectedError(Issue(name, None, None, f"the file is {len(data):,} bytes; the limit is {max_bytes:,}"))
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(_XLSX_MAGIC):
        try:
            raw_tables = list(_xlsx_tables(name, data))
        except FileRejectedError:
            raise
        except Exception as error:  # zipfile and openpyxl raise many kinds for a damaged workbook
            raise FileRejectedError(
                Issue(name, None, None, f"the workbook cannot be read: {_describe(error)}")
            ) from None
    else:
        raw_tables = [csv_table(name, data)]
    tables = []
    for source, header, rows, sheet_kind in raw_tables:
        table = _type_table(source, header, rows, sheet_kind, issues)
        if table is not None:
            tables.append(table)
    return ParsedFile(name, digest, tables), issues


RawRows = list[tuple[int, list[object]]]


def rows_read(name: str, kind: str, rows: Sequence[Mapping[str, object]]) -> tuple[ParsedFile, list[Issue]]:
    """Check rows given as column → cell (the API's bulk upload) exactly as the rows of a ``kind`` table in a file:
    the same types, checks and problems. Row numbers count the rows given from 1; a column the table does not have
    is a problem of its row."""
    spec = next((table for table in TABLES if table.kind == kind), None)
    if spec is None:
        raise ValueError(f"no import table '{kind}'")
    header = list(spec.names)
    raw: RawRows = []
    issues: list[Issue] = []
    for number, row in enumerate(rows, start=1):
        for column in sorted(set(row) - set(header)):
            issues.append(Issue(name, number, column, f"is not a column of the {kind} table: {', '.join(header)}"))
        raw.append((number, [row.get(column) for column in header]))
    digest = hashlib.sha256(json.dumps([dict(row) for row in rows], sort_keys=True, default=str).encode()).hexdigest()
    table = _type_table(name, header, raw, kind, issues)
    return ParsedFile(name, digest, [table] if table is not None else []), issues


def csv_table(name: str, data: bytes) -> tuple[str, list[str], RawRows, str | None]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRejectedError(
            Issue(
                name,
                None,
                None,
                f"this is not a UTF-8 CSV file (byte {error.start} cannot be read); "
                "save it from Excel as 'CSV UTF-8' or upload the .xlsx workbook",
            )
        ) from None
    if "\x00" in text:
        raise FileRejectedError(
            Issue(name, None, None, "this is not a text CSV file; upload a CSV or an .xlsx workbook")
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
        rows: RawRows = []
        for number, row in enumerate(reader, start=2):
            if number > MAX_ROWS:
                raise FileRejectedError(Issue(name, number, None, f"more than {MAX_ROWS:,} rows; split the file"))
            rows.append((number, list(row)))
    except csv.Error as error:
        raise FileRejectedError(Issue(name, reader.line_num, None, f"the CSV cannot be read: {error}")) from None
    return name, header, rows, None


def _check_cell_lengths(name: str, number: int, header: list[str], values: list[object], read: list[int]) -> None:
    """Refuse a workbook as soon as a row holds text longer than any column takes, or the text read so far (``read``,
    a running count) passes MAX_XLSX_TEXT, before reading on: a workbook's shared strings let a small file repeat
    one long text in every row."""
    for index, value in enumerate(values):
        if isinstance(value, str):
            if len(value) > LONG_TEXT:
                column = header[index] if index < len(header) else None
                problem = f"is {len(value)} characters long; at most {LONG_TEXT} are allowed in any cell"
                raise FileRejectedError(Issue(name, number, column, problem))
            read[0] += len(value)
    if read[0] > MAX_XLSX_TEXT:
        problem = f"the workbook holds more than {MAX_XLSX_TEXT:,} characters of text by here; split it"
        raise FileRejectedError(Issue(name, number, None, problem))


def _xlsx_tables(name: str, data: bytes) -> Iterator[tuple[str, list[str], RawRows, str | None]]:
    from openpyxl import load_workbook  # imported here: only workbook imports pay for it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FileRejectedError(Issue(name, None, None, "this looks like a workbook but cannot be opened")) from None
    if unpacked > MAX_XLSX_UNPACKED:
        limit = f"{MAX_XLSX_UNPACKED / 1024 / 1024:,.0f} MB"
        raise FileRejectedError(Issue(name, None, None, f"the workbook unpacks to more than {limit}; it is refused"))
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise FileRejectedError(Issue(name, None, None, f"the workbook cannot be read: {_describe(error)}")) from None
    known = {table.kind for table in TABLES}
    read = [0]  # characters of text read from the workbook so far
    for sheet in book.worksheets:
        if sheet.title.strip().lower() not in known:
            continue  # guide sheets and anything else are not data
        rows: RawRows = []
        header: list[str] = []
        number = 0
        try:
            for number, cells in enumerate(sheet.iter_rows(), start=1):
                values = [_excel_value(cell) for cell in cells]
                _check_cell_lengths(name, number, header, values, read)
                if number == 1:
                    header = [str(v) if v is not None else "" for v in values]
                    continue
                if number > MAX_ROWS:
                    raise FileRejectedError(Issue(name, number, None, f"more than {MAX_ROWS:,} rows; split the file"))
                rows.append((number, values))
        except FileRejectedError:
            raise
        except Exception as error:  # a damaged sheet: openpyxl raises many kinds while reading rows
            where = f"sheet '{sheet.title}'"
            raise FileRejectedError(
                Issue(name, number + 1, None, f"{where} cannot be read: {_describe(error)}")
            ) from None
        yield f"{name}, sheet '{sheet.title}'", header, rows, sheet.title.strip().lower()
    book.close()


def _describe(error: Exception) -> str:
    """An exception as a reason a person can pass on, even when it carries no text of its own."""
    text = str(error).strip()
    return text or f"it is damaged or cut short ({type(error).__name__})"


def _excel_value(cell: object) -> object:
    value = getattr(cell, "value", None)
    fmt = getattr(cell, "number_format", "") or ""
    if isinstance(value, float | int) and not isinstance(value, bool) and "%" in fmt:
        # A cell shown as 63.1% in Excel holds 0.631; the import format wants percentages as 63.1.
        return Decimal(repr(value)) * 100
    return value


def _type_table(
    source: str, header: list[str], rows: RawRows, sheet_kind: str | None, issues: list[Issue]
) -> ParsedTable | None:
    names = [h.strip().lower() for h in header]
    while names and names[-1] == "":
        names.pop()
    spec = _table_spec(source, names, sheet_kind, issues)
    if spec is None:
        return None
    table = ParsedTable(source, spec)
    columns = {c.name: c for c in spec.columns}
    seen: dict[tuple[Cell, ...], int] = {}
    for number, raw in rows:
        if all(v is None or str(v).strip() == "" for v in raw):
            continue  # blank lines are harmless
        if len(raw) > len(names) and any(str(v).strip() for v in raw[len(names) :] if v is not None):
            issues.append(Issue(source, number, None, f"the row has {len(raw)} cells but the header has {len(names)}"))
            continue
        typed = _typed_row(table, names, columns, number, raw, issues)
        key = tuple(typed[k] for k in spec.key)
        if None not in key:
            if key in seen:
                issues.append(
                    Issue(source, number, None, f"repeats row {seen[key]} ({', '.join(spec.key)} are the same)")
                )
            seen[key] = number
        table.rows.append((number, typed))
    return table


def _table_spec(source: str, names: list[str], sheet_kind: str | None, issues: list[Issue]) -> TableSpec | None:
    """The import table a header row is for (the sheet's, when a template sheet names it), or None with the problem
    noted: columns missing, unknown or repeated, or a header that matches no table."""
    spec: TableSpec | None
    if sheet_kind is not None:
        spec = next(table for table in TABLES if table.kind == sheet_kind)
        unknown = [n for n in names if n and n not in spec.names]
        missing = sorted(spec.required - set(names))
        if unknown or missing:
            problems = []
            if missing:
                problems.append("missing required column(s) " + ", ".join(missing))
            if unknown:
                problems.append("unknown column(s) " + ", ".join(unknown))
            issues.append(Issue(source, 1, None, "; ".join(problems) + f". The columns are: {', '.join(spec.names)}"))
            return None
    else:
        spec = table_for_header(set(names))
        if spec is None:
            expected = "; ".join(f"{t.kind}: {', '.join(t.names)}" for t in TABLES)
            problem = f"the header row does not match any import table. Expected one of — {expected}"
            issues.append(Issue(source, 1, None, problem))
            return None
    duplicates = {n for n in names if n and names.count(n) > 1}
    if duplicates:
        issues.append(Issue(source, 1, None, f"column(s) {', '.join(sorted(duplicates))} appear more than once"))
        return None
    return spec


def _typed_row(
    table: ParsedTable, names: list[str], columns: dict[str, Column], number: int, raw: Sequence[object],
    issues: list[Issue],
) -> dict[str, Cell]:  # fmt: skip
    """One row's cells typed by their columns; a cell with a problem is noted in the table's bad cells."""
    typed: dict[str, Cell] = {}
    for index, name in enumerate(names):
        if not name:
            continue
        cell = raw[index] if index < len(raw) else None
        reported = len(issues)
        typed[name] = _typed_cell(cell, columns[name], table.source, number, issues)
        if len(issues) > reported:
            table.bad_cells.add((number, name))
    for name in table.spec.names:
        typed.setdefault(name, None)
    return typed


def _typed_cell(cell: object, column: Column, source: str, row: int, issues: list[Issue]) -> Cell:
    def problem(message: str) -> None:
        issues.append(Issue(source, row, column.name, message))

    if cell is None or (isinstance(cell, str) and cell.strip() == ""):
        if column.required:
            problem("is empty but required")
        return None
    if column.type is ColumnType.NUMBER:
        return _number(cell, problem, minimum=column.minimum, name=column.name)
    if column.type is ColumnType.WHOLE:
        number = _number(cell, problem)
        if number is None:
            return None
        if number != number.to_integral_value() or number < 0:
            problem(f"'{cell}' should be a whole number of 0 or more")
            return None
        return int(number)
    if isinstance(cell, datetime | date):
        text = cell.isoformat()
    elif isinstance(cell, float):
        text = repr(cell).removesuffix(".0")
    else:
        text = str(cell).strip()
    if column.max_length is not None and len(text) > column.max_length:
        problem(f"is {len(text)} characters long; at most {column.max_length} are allowed")
        return None
    return _typed_text(text, column, problem)


def _typed_text(text: str, column: Column, problem: Callable[[str], None]) -> Cell:
    """A period, a choice or a short name in its canonical form; other text as it is."""
    if column.type is ColumnType.PERIOD:
        try:
            return parse_period(text).code
        except PeriodError as error:
            problem(str(error))
            return None
    if column.type is ColumnType.SLUG:
        slug = re.sub(r"[\s_]+", "-", text.lower())
        if not _SLUG.fullmatch(slug):
            problem(f"'{text}' is not a short name; use letters, digits and hyphens, e.g. category-of-abuse")
            return None
        return slug
    if column.type is ColumnType.CHOICE:
        choice = text.lower().replace(" ", "_")
        if choice not in column.choices:
            problem(f"'{text}' is not allowed; use one of: {', '.join(column.choices)}")
            return None
        return choice
    return text


_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*", re.ASCII)
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def _number(
    cell: object, problem: Callable[[str], None], *, minimum: int | None = None, name: str = "figure"
) -> Decimal | None:
    if isinstance(cell, bool):
        problem(f"'{cell}' is not a number")
        return None
    if isinstance(cell, Decimal):
        number = cell
    elif isinstance(cell, int | float):
        number = Decimal(repr(cell))
    else:
        text = str(cell).strip().replace(",", "").removesuffix("%").strip()
        try:
            if not _PLAIN_NUMBER.fullmatch(text):  # Python reads 1_000 and other scripts' digits; a figure is neither
                raise InvalidOperation
            number = Decimal(text)
        except InvalidOperation:
            problem(f"'{cell}' is not a number; put text such as 'n/a' or 'below 5%' in the note column")
            return None
    if not number.is_finite():
        problem(f"'{cell}' is not a usable number")
        return None
    if number != 0 and number.adjusted() >= MAX_INTEGER_DIGITS:
        # Beyond this, SQLite (which keeps decimals as doubles) could not hold all four decimal places exactly.
        problem(f"'{cell}' is too large; figures must be below {10**MAX_INTEGER_DIGITS:,}")
        return None
    if minimum is not None and number < minimum:
        problem(f"'{cell}' is below {minimum}; a {name} cannot be")
        return None
    # Figures are kept to four decimal places, rounded half up, so that re-importing a long float is a no-op.
    return round_half_up(number, DECIMAL_PLACES).normalize() + 0
