"""SSDA903 (children looked after) returns as CSV tables: recognised, checked and staged, never stored here.

Each file holds one of the return's tables (header, episodes, reviews, …), recognised by its columns whatever
the file is called. DuckDB's CSV reader reads every cell as text into an in-memory staging table (about ten
times faster than Python's csv module on these files); the checks and the typing are SQL over that table.

Two kinds of problem, kept apart:

- **Structural problems reject the load** and are returned as ``Issue`` (file, row, field, message): an
  unrecognised table, a missing column, a blank or unreadable key, a date, number or yes/no that cannot be
  read, a row with the wrong number of values. A rejected load stores nothing.
- **Data-quality problems are kept as data** (``stage_quality`` here; ``data_quality`` in the store): an
  unknown code, a duplicated row. The row is loaded and the problem reported beside it.

Child identifiers are replaced by their pseudonym (``oversight.casework.pseudonym``) before a row leaves
staging; UPNs and mothers' details are dropped at the door, and postcodes once the placement's distance from
home has been worked out from them with the store's postcode lookup (``oversight.casework.postcodes``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import duckdb

from oversight.casework.issues import field_issue
from oversight.casework.postcodes import miles, normalised
from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.readers.repeats import KEEP_FIRST, marked, repeated_rows
from oversight.casework.reference import la_code
from oversight.core.councils import ONS_CODE
from oversight.core.problems import Issue


class Kind(StrEnum):
    CHILD = "child"  # the child's identifier in the return: pseudonymised
    DATE = "date"
    CODE = "code"  # a code from a DfE list: upper-cased; one outside the list is a data-quality issue
    SEX = "sex"  # 1/2 (to 2023-24) or M/F/U (from 2024-25), stored as M/F/U
    TEXT = "text"
    INTEGER = "integer"
    FLAG = "flag"  # 0/1, also true/false and yes/no
    DROPPED = "dropped"  # identifying (UPN, mother's details) or not needed: never leaves staging
    POSTCODE = "postcode"  # read for the placement's distance from home (casework.postcodes), never stored


SQL_TYPES = {
    Kind.DATE: "DATE",
    Kind.CODE: "VARCHAR",
    Kind.SEX: "VARCHAR",
    Kind.TEXT: "VARCHAR",
    Kind.INTEGER: "INTEGER",
    Kind.FLAG: "BOOLEAN",
}


@dataclass(frozen=True)
class Column:
    name: str  # as in the return's header
    kind: Kind
    key: bool = False  # part of the row's natural key (beside LA and child): may not be blank
    needed: bool = False  # the file must have this column
    codes: frozenset[str] = frozenset()

    @property
    def stored_name(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class TableSpec:
    name: str  # the return's name for the table, used in messages and file names
    table: str  # the canonical table in the store
    title: str
    columns: tuple[Column, ...]
    per_year: bool = False  # rows describe one collection year (OC2, OC3): stored with its year_ending
    derived: tuple[tuple[str, str], ...] = ()  # stored columns worked out on load (name, SQL type), after the rest

    @property
    def column_names(self) -> frozenset[str]:
        return frozenset(column.name for column in self.columns)

    @property
    def stored(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.kind not in (Kind.DROPPED, Kind.CHILD, Kind.POSTCODE))

    @property
    def stored_names(self) -> tuple[str, ...]:
        """The stored columns written from a file's rows, in order: read from it, then worked out from it."""
        return (*(c.stored_name for c in self.stored), *(name for name, _ in self.derived))

    @property
    def key(self) -> tuple[str, ...]:
        """The natural key beside LA and child, as stored column names."""
        return (("year_ending",) if self.per_year else ()) + tuple(c.stored_name for c in self.columns if c.key)

    @property
    def file_words(self) -> tuple[str, ...]:
        """Words that name this table in a file name, longest first (``2017-episodes.csv``)."""
        words = {self.name, self.name.replace("_", ""), self.table}
        return tuple(sorted(words, key=len, reverse=True))


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


LEGAL_STATUSES = _codes("C1 C2 D1 E1 J1 J2 J3 L1 L2 L3 V2 V3 V4")
NEW_EPISODE_REASONS = _codes("S L P T B U")
PLACEMENTS = _codes(
    "A1 A2 A3 A4 A5 A6 H5 K1 K2 K3 P1 P2 P3 R1 R2 R3 R5 S1 T0 T1 T2 T3 T4 U1 U2 U3 U4 U5 U6 Z1 Z11 Z12 Z13 Z14"
)
CEASED_REASONS = _codes("E11 E12 E13 E14 E15 E16 E17 E2 E3 E4A E4B E41 E43 E44 E45 E46 E47 E48 E5 E6 E7 E8 E9 X1")
MISSING_KINDS = _codes("M A")
IN_TOUCH = _codes("YES NO DIED REFU NREQ RHOM")

_CHILD = Column("CHILD", Kind.CHILD, needed=True)
_DOB_DROPPED = Column("DOB", Kind.DROPPED)  # the header table holds the date of birth

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "header",
        "children",
        "Header (one row per child)",
        (
            _CHILD,
            Column("SEX", Kind.SEX, needed=True, codes=_codes("M F U")),
            Column("DOB", Kind.DATE, needed=True),
            Column("ETHNIC", Kind.CODE),
            Column("UPN", Kind.DROPPED),
            Column("MOTHER", Kind.DROPPED),
            Column("MC_DOB", Kind.DROPPED),
        ),
    ),
    TableSpec(
        "episodes",
        "episodes",
        "Episodes of care",
        (
            _CHILD,
            Column("DECOM", Kind.DATE, key=True, needed=True),
            Column("RNE", Kind.CODE, needed=True, codes=NEW_EPISODE_REASONS),
            Column("LS", Kind.CODE, needed=True, codes=LEGAL_STATUSES),
            Column("CIN", Kind.CODE),
            Column("PLACE", Kind.CODE, needed=True, codes=PLACEMENTS),
            Column("PLACE_PROVIDER", Kind.CODE),
            Column("DEC", Kind.DATE, needed=True),
            Column("REC", Kind.CODE, needed=True, codes=CEASED_REASONS),
            Column("REASON_PLACE_CHANGE", Kind.CODE),
            Column("HOME_POST", Kind.POSTCODE),
            Column("PL_POST", Kind.POSTCODE),
            Column("URN", Kind.TEXT),
        ),
        derived=(("placement_miles", "DOUBLE"), ("placed_outside_la", "BOOLEAN")),
    ),
    TableSpec(
        "reviews",
        "reviews",
        "Reviews",
        (
            _CHILD,
            _DOB_DROPPED,
            Column("REVIEW", Kind.DATE, key=True, needed=True),
            Column("REVIEW_CODE", Kind.CODE),
        ),
    ),
    TableSpec(
        "uasc",
        "uasc",
        "Unaccompanied asylum-seeking children",
        (_CHILD, Column("SEX", Kind.DROPPED), _DOB_DROPPED, Column("DUC", Kind.DATE, needed=True)),
    ),
    TableSpec(
        "oc2",
        "oc2",
        "OC2: outcomes for children looked after for 12 months (health, offending, SDQ)",
        (
            _CHILD,
            _DOB_DROPPED,
            Column("SDQ_SCORE", Kind.INTEGER),
            Column("SDQ_REASON", Kind.CODE),
            Column("CONVICTED", Kind.FLAG),
            Column("HEALTH_CHECK", Kind.FLAG, needed=True),
            Column("IMMUNISATIONS", Kind.FLAG, needed=True),
            Column("TEETH_CHECK", Kind.FLAG, needed=True),
            Column("HEALTH_ASSESSMENT", Kind.FLAG),
            Column("SUBSTANCE_MISUSE", Kind.FLAG),
            Column("INTERVENTION_RECEIVED", Kind.FLAG),
            Column("INTERVENTION_OFFERED", Kind.FLAG),
        ),
        per_year=True,
    ),
    TableSpec(
        "oc3",
        "oc3",
        "OC3: care leavers (in touch, activity, accommodation)",
        (
            _CHILD,
            _DOB_DROPPED,
            Column("IN_TOUCH", Kind.CODE, needed=True, codes=IN_TOUCH),
            Column("ACTIV", Kind.CODE, needed=True),
            Column("ACCOM", Kind.CODE, needed=True),
        ),
        per_year=True,
    ),
    TableSpec(
        "ad1",
        "ad1",
        "AD1: adoptions",
        (
            _CHILD,
            _DOB_DROPPED,
            Column("DATE_INT", Kind.DATE, needed=True),
            Column("DATE_MATCH", Kind.DATE, needed=True),
            Column("FOSTER_CARE", Kind.FLAG),
            Column("NB_ADOPTR", Kind.INTEGER),
            Column("SEX_ADOPTR", Kind.CODE),
            Column("LS_ADOPTR", Kind.CODE),
        ),
    ),
    TableSpec(
        "placed_for_adoption",
        "placed_for_adoption",
        "Placed for adoption",
        (
            _CHILD,
            _DOB_DROPPED,
            Column("DATE_PLACED", Kind.DATE, key=True, needed=True),
            Column("DATE_PLACED_CEASED", Kind.DATE),
            Column("REASON_PLACED_CEASED", Kind.CODE),
        ),
    ),
    TableSpec(
        "previous_permanence",
        "previous_permanence",
        "Previous permanence",
        (
            _CHILD,
            _DOB_DROPPED,
            Column("PREV_PERM", Kind.CODE, needed=True),
            Column("LA_PERM", Kind.CODE),
            Column("DATE_PERM", Kind.TEXT),  # may be partly unknown by design: zz/06/2010
        ),
    ),
    TableSpec(
        "missing",
        "missing",
        "Missing and away from placement",
        (
            _CHILD,
            _DOB_DROPPED,
            Column("MISSING", Kind.CODE, key=True, needed=True, codes=MISSING_KINDS),
            Column("MIS_START", Kind.DATE, key=True, needed=True),
            Column("MIS_END", Kind.DATE),
        ),
    ),
    TableSpec(
        "sw_episodes",
        "sw_episodes",
        "Social worker episodes",
        (
            _CHILD,
            _DOB_DROPPED,
            Column("SW_ID", Kind.TEXT, key=True, needed=True),
            Column("SW_DECOM", Kind.DATE, key=True, needed=True),
            Column("SW_DEC", Kind.DATE),
            Column("SW_REASON", Kind.CODE),
        ),
    ),
    TableSpec(
        "dolo",
        "dolo",
        "Deprivation of liberty orders",
        (
            _CHILD,
            _DOB_DROPPED,
            Column("DOLO_START", Kind.DATE, key=True, needed=True),
            Column("DOLO_END", Kind.DATE),
        ),
    ),
)
TABLES_BY_NAME = {spec.name: spec for spec in TABLES}

LA_COLUMN = "LA"
YEAR_COLUMN = "YEAR"  # LIIA's multi-year layout; only orders repeated rows (the latest year's row wins)
_SHARED = frozenset({"CHILD", "DOB", "SEX"})

# Dates as real returns write them: dd/mm/yyyy from the DfE tools and Excel, ISO from LIIA and databases,
# sometimes with a midnight time part, which is dropped.
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")
_DATE_HELP = "write dates as dd/mm/yyyy (or yyyy-mm-dd)"
_FLAG_TRUE = ("1", "1.0", "true", "yes", "y")
_FLAG_FALSE = ("0", "0.0", "false", "no", "n")


def recognise(header: Sequence[str]) -> tuple[TableSpec | None, str]:
    """The table a file's columns belong to, or None and why not."""
    columns = set(header)
    best: tuple[int, int, TableSpec] | None = None
    for spec in TABLES:
        distinctive = spec.column_names - _SHARED
        overlap = len(distinctive & columns)
        if overlap == 0:
            continue
        score = (overlap, -len(spec.column_names - columns), spec)
        if best is None or score[:2] > best[:2]:
            best = score
    if best is None or not (
        best[0] * 3 >= len(best[2].column_names - _SHARED)
        or all(c.name in columns for c in best[2].columns if c.needed)
    ):
        names = ", ".join(spec.name for spec in TABLES)
        return None, (
            f"the columns ({', '.join(header) or 'none'}) are not those of an SSDA903 table ({names}); "
            "check the file is a CSV export of the 903 return with its header row"
        )
    spec = best[2]
    missing = [c.name for c in spec.columns if c.needed and c.name not in columns]
    if missing:
        return spec, (
            f"looks like the {spec.name} table but has no {', '.join(missing)} column"
            f"{'s' if len(missing) > 1 else ''}; add {'them' if len(missing) > 1 else 'it'} with the return's "
            "column names"
        )
    return spec, ""


def file_group(name: str, spec: TableSpec) -> str | None:
    """The name a file shares with the other tables of the same return: ``2017-episodes.csv`` → ``2017-*``."""
    stem = Path(name).stem.lower()
    for word in spec.file_words:
        if word in stem:
            return stem.replace(word, "*", 1)
    return None


def year_ending_of(code: str) -> int:
    """The collection year as the year its 31 March falls in: '2017-18' → 2018."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", code.strip())
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError(f"'{code}' is not a collection year; write it as 2017-18")
    return int(match[1]) + 1


@dataclass(frozen=True)
class CellProblem:
    ordinality: int  # the reader's record number: 1 is the first row after the header
    field: str
    message: str


@dataclass
class StagedFile:
    """One file read into staging: what it is, and (once checked) the name of its typed rows' table."""

    path: Path
    sha256: str
    spec: TableSpec
    raw: str  # staging table of the file's cells as text, with the reader's ordinality
    header: dict[str, str]  # upper-case column name → the file's own spelling
    data: bytes = field(repr=False, default=b"")
    rows: int = 0
    year_ending: int | None = None  # the collection year (2018 for 2017-18), where it can be told
    group: str | None = None
    problems: list[CellProblem] = field(default_factory=list)
    typed: str | None = None  # staging table of typed, pseudonymised rows
    las: tuple[str, ...] = ()
    # For rows read from the XML return: each row's XML path and its CHILD's position in the file (the row
    # stored as source_row), by ordinality - 1.
    locations: list[str] | None = None
    child_numbers: list[int] | None = None
    # The cells typed as the file was read (dates, numbers, yes/no): column name -> SQL for the typed value
    values: dict[str, str] = field(default_factory=dict)
    # The postcode lookup (sha256) its placements' distances were worked out with: "" when it has postcodes but
    # none was loaded, None when it has no postcodes to work out
    lookup: str | None = None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def has_la_column(self) -> bool:
        return LA_COLUMN in self.header

    @property
    def has_year_column(self) -> bool:
        return YEAR_COLUMN in self.header

    def cell(self, column: str) -> str:
        """The raw cell of ``column`` in the staging table aliased ``r``."""
        return f"r.{_q(self.header[column])}"

    def value(self, column: Column) -> str:
        """The column's stored value, in the staging table aliased ``r``: typed once, as the file was read,
        where it was (``values``), so that the checks and the typed rows share the work."""
        return self.values.get(column.name) or typed_expression(column, self.cell(column.name))


@dataclass(frozen=True)
class StagedBatch:
    """One table's typed rows from several files, written together (by the CIN census reader).

    ``typed`` holds file_index, la, child, the stored columns, return_year, source_row, is_kept (the first of
    rows repeating a key within a file) and is_latest (of the rows with a key, the one from the latest return,
    or of one return the file given last); ``files`` file_index, file_name, sha256, la and year_ending;
    ``quality`` the data-quality notes of the files, with their file_index.
    """

    spec: TableSpec
    typed: str
    files: str
    quality: str
    las: tuple[str, ...]


@dataclass
class ReadResult:
    connection: duckdb.DuckDBPyConnection
    files: list[StagedFile] = field(default_factory=list)
    batches: list[StagedBatch] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    notices: list[Issue] = field(default_factory=list)  # worth saying, not worth rejecting the load for
    postcode_lookup: str | None = None  # sha256 of the store's postcode lookup (table ``postcodes``), if it has one

    @property
    def ok(self) -> bool:
        return not self.issues


class _RejectedError(Exception):
    def __init__(self, issue: Issue) -> None:
        super().__init__(str(issue))
        self.issue = issue


def _q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _s(text: str) -> str:
    """A quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _text(cell: str) -> str:
    return f"nullif(trim({cell}), '')"


def _quoted_value(cell: str) -> str:
    """SQL for the cell's value in quotes, for messages: 'sixty'."""
    return f"'''' || trim({cell}) || ''''"


def _date(cell: str) -> str:
    formats = ", ".join(_s(f) for f in DATE_FORMATS)
    parsed = f"try_strptime(trim({cell}), [{formats}])"
    # '01/02/17' parses as the year 17: outside these years a date is unreadable, not ancient.
    return f"(CASE WHEN year({parsed}) BETWEEN 1900 AND 2100 THEN CAST({parsed} AS DATE) END)"


def _integer(cell: str) -> str:
    number = f"try_cast(trim({cell}) AS DOUBLE)"
    return f"(CASE WHEN {number} = floor({number}) AND abs({number}) < 1e9 THEN CAST({number} AS INTEGER) END)"


def _flag(cell: str) -> str:
    value = f"lower(trim({cell}))"
    true, false = ", ".join(map(_s, _FLAG_TRUE)), ", ".join(map(_s, _FLAG_FALSE))
    return f"(CASE WHEN {value} IN ({true}) THEN TRUE WHEN {value} IN ({false}) THEN FALSE END)"


def _sex(cell: str) -> str:
    value = f"upper(trim({cell}))"
    return (
        f"(CASE {value} WHEN '1' THEN 'M' WHEN '2' THEN 'F' WHEN 'M' THEN 'M' WHEN 'F' THEN 'F' WHEN 'U' THEN 'U' END)"
    )


def typed_expression(column: Column, cell: str) -> str:
    """SQL turning a raw text cell into the column's stored value (NULL when blank or unreadable)."""
    match column.kind:
        case Kind.DATE:
            return _date(cell)
        case Kind.INTEGER:
            return _integer(cell)
        case Kind.FLAG:
            return _flag(cell)
        case Kind.SEX:
            return _sex(cell)
        case Kind.CODE:
            return f"upper({_text(cell)})"
        case _:
            return _text(cell)


_UNREADABLE = {
    Kind.DATE: "is not a date; " + _DATE_HELP,
    Kind.INTEGER: "is not a whole number",
    Kind.FLAG: "is not a yes/no value; use 1 for yes and 0 for no",
}


def read_ssda903(
    paths: Iterable[Path],
    *,
    pseudonymiser: Pseudonymiser,
    la: str | None = None,
    year_ending: int | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
    progress: Callable[[int], object] | None = None,
    postcode_lookup: str | None = None,
) -> ReadResult:
    """Read and check SSDA903 CSV files into staging tables of ``connection`` (a new in-memory one by default).

    ``la`` is the council for files without an LA column. ``year_ending`` (2018 for 2017-18) says which
    collection year the per-year tables (OC2, OC3) describe; without it, their year is taken from the
    episodes file of the same return (the one named alike), since every episode in a return starts by
    its 31 March. When anything is wrong, ``issues`` lists every problem and no typed rows are built.
    ``postcode_lookup`` (its sha256) says the connection's ``postcodes`` table holds a postcode lookup, with which
    episodes' distances from home are worked out.
    """
    result = ReadResult(connection if connection is not None else duckdb.connect(), postcode_lookup=postcode_lookup)
    con = result.connection
    con.execute("CREATE OR REPLACE TEMP TABLE pseudonyms (la VARCHAR, child_id VARCHAR, child UUID)")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE stage_quality (file VARCHAR, la VARCHAR, table_name VARCHAR, child UUID, "
        "rule VARCHAR, field VARCHAR, value VARCHAR, message VARCHAR, source_row INTEGER)"
    )
    for index, path in enumerate(paths):
        path = Path(path)
        try:
            staged = _stage_file(con, path, index, result)
        except _RejectedError as rejected:
            result.issues.append(rejected.issue)
            continue
        except OSError as error:
            result.issues.append(field_issue(path.name, None, None, f"cannot be read: {error.strerror or error}"))
            continue
        result.files.append(staged)
        _check_cells(con, staged, la, result)
        if progress is not None:
            progress(1)
    _resolve_years(result, year_ending)
    for staged in result.files:
        result.issues.extend(problem_issues(staged))
    if result.issues:
        result.issues.sort(key=lambda i: (i.file, i.row or 0, i.place or ""))
        return result
    for staged in result.files:
        _type_rows(con, staged, la, pseudonymiser, result)
        staged.data = b""
    return result


def problem_issues(staged: StagedFile) -> list[Issue]:
    """The file's cell problems as issues: at their row as a spreadsheet numbers it, or at their XML path."""
    if not staged.problems:
        return []
    if staged.locations is not None:
        locations = staged.locations
        return [
            field_issue(staged.name, None, f"{locations[p.ordinality - 1]}/{p.field}", p.message)
            for p in staged.problems
        ]
    rows = _rows_of(staged.data, {p.ordinality for p in staged.problems})
    return [
        field_issue(staged.name, rows.get(p.ordinality, p.ordinality + 1), p.field, p.message) for p in staged.problems
    ]


def _stage_file(con: duckdb.DuckDBPyConnection, path: Path, index: int, result: ReadResult) -> StagedFile:
    name = path.name
    data = path.read_bytes()
    if not data.strip():
        raise _RejectedError(field_issue(name, None, None, "the file is empty"))
    if data.lstrip().startswith(b"<"):
        raise _RejectedError(field_issue(name, None, None, "this is XML, neither a CIN census nor an SSDA903 return"))
    if data.startswith(b"PK\x03\x04"):
        raise _RejectedError(
            field_issue(name, None, None, "this is a workbook; save each table of the return as a CSV file")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _RejectedError(
            field_issue(
                name,
                None,
                None,
                f"this is not a UTF-8 CSV file (byte {error.start} cannot be read); save it as 'CSV UTF-8'",
            )
        ) from None
    if "\x00" in text:
        raise _RejectedError(field_issue(name, None, None, "this is not a text CSV file"))
    header: dict[str, str] = {}
    for cell in next(csv.reader(io.StringIO(text)), []):  # the header: the first record, read alone
        upper = cell.strip().upper()
        if upper in header:
            raise _RejectedError(field_issue(name, 1, cell.strip(), "this column appears twice in the header row"))
        header[upper] = cell
    spec, problem = recognise([c for c in header if c not in (LA_COLUMN, YEAR_COLUMN)])
    if spec is None or problem:
        raise _RejectedError(field_issue(name, 1, None, problem))
    unknown = [header[c].strip() for c in header if c not in spec.column_names | {LA_COLUMN, YEAR_COLUMN}]
    if unknown:
        several = len(unknown) > 1
        result.notices.append(
            field_issue(
                name,
                1,
                None,
                f"column{'s' if several else ''} {', '.join(unknown)} {'are' if several else 'is'} not part of "
                f"the {spec.name} table and {'were' if several else 'was'} not loaded",
                severity="warning",
            )
        )
    raw, rejects = f"raw_{index}", f"rejects_{index}"
    # Dates, numbers and yes/no values typed once, as the file is read: the checks and the typed rows read them.
    typed = {c.name: c for c in spec.columns if c.name in header and c.kind in _UNREADABLE}
    aliases = {name: _q(f"{name} (typed)") for name in typed}
    typing = "".join(f", {typed_expression(c, 'r.' + _q(header[n]))} AS {aliases[n]}" for n, c in typed.items())
    values = {name: f"r.{alias}" for name, alias in aliases.items()}
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {raw} AS SELECT *{typing} FROM (SELECT * FROM read_csv($path, "
            "columns = $columns, header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
            f"store_rejects = true, rejects_table = '{rejects}', rejects_scan = 'scan_{index}') WITH ORDINALITY) r",
            {"path": str(path), "columns": {original: "VARCHAR" for original in header.values()}},
        )
    except duckdb.Error as error:
        raise _RejectedError(field_issue(name, None, None, f"the CSV cannot be read: {error}")) from None
    staged = StagedFile(path, hashlib.sha256(data).hexdigest(), spec, raw, header, data, values=values)
    staged.group = file_group(name, spec)
    count = con.execute(f"SELECT count(*) FROM {raw}").fetchone()
    staged.rows = int(count[0]) if count else 0
    for line, error_type, message in con.execute(
        f"SELECT line, any_value(error_type), any_value(error_message) FROM {rejects} GROUP BY line ORDER BY line"
    ).fetchall():
        result.issues.append(
            field_issue(name, int(line), None, _reject_message(str(error_type), str(message), len(header)))
        )
    return staged


def _reject_message(error_type: str, message: str, columns: int) -> str:
    if error_type in ("TOO MANY COLUMNS", "MISSING COLUMNS"):
        found = re.search(r"Found: (\d+)", message)
        values = found[1] if found else "a different number of"
        return f"has {values} values but the header has {columns} columns; check for stray or missing commas"
    return f"cannot be read as CSV ({message.splitlines()[0] if message else error_type})"


def _check_cells(con: duckdb.DuckDBPyConnection, staged: StagedFile, la: str | None, result: ReadResult) -> None:
    """Every cell that stops a row being stored: blank keys, unreadable dates, numbers and flags, LAs."""
    checks: list[str] = []

    def check(condition: str, field_name: str, message_sql: str) -> None:
        checks.append(f"SELECT ordinality, {_s(field_name)}, {message_sql} FROM {staged.raw} r WHERE {condition}")

    for column in staged.spec.columns:
        if column.name not in staged.header:
            continue
        cell = staged.cell(column.name)
        if column.key or column.kind is Kind.CHILD:
            check(f"{_text(cell)} IS NULL", column.name, _s("is blank; every row needs one"))
        if column.kind in _UNREADABLE:
            check(
                f"{_text(cell)} IS NOT NULL AND {staged.value(column)} IS NULL",
                column.name,
                f"{_quoted_value(cell)} || {_s(' ' + _UNREADABLE[column.kind])}",
            )
    if staged.has_la_column:
        cell = staged.cell(LA_COLUMN)
        check(f"{_text(cell)} IS NULL", LA_COLUMN, _s("is blank; every row needs its local authority"))
        if la is not None:
            check(
                f"{_text(cell)} IS DISTINCT FROM {_s(la)}",
                LA_COLUMN,
                f"{_quoted_value(cell)} || {_s(f' is not {la}; leave out --la for files with an LA column')}",
            )
    elif la is None:
        result.issues.append(
            field_issue(staged.name, None, None, "has no LA column; give the council's code with --la")
        )
    if staged.has_year_column:
        year = _integer(staged.cell(YEAR_COLUMN))
        check(
            f"{_text(staged.cell(YEAR_COLUMN))} IS NOT NULL AND ({year} IS NULL OR {year} NOT BETWEEN 1990 AND 2100)",
            YEAR_COLUMN,
            f"{_quoted_value(staged.cell(YEAR_COLUMN))} || ' is not a year'",
        )
    if checks:
        for ordinality, field_name, message in con.execute(" UNION ALL ".join(checks)).fetchall():
            staged.problems.append(CellProblem(int(ordinality), str(field_name), str(message)))
        staged.problems.sort(key=lambda p: (p.ordinality, p.field))
    if staged.spec.name == "episodes":
        decom = next(column for column in staged.spec.columns if column.name == "DECOM")
        latest = con.execute(f"SELECT max({staged.value(decom)}) FROM {staged.raw} r").fetchone()
        if latest and latest[0] is not None:
            # A return runs from 1 April to 31 March, and every episode in it starts by its 31 March.
            staged.year_ending = latest[0].year + (1 if latest[0].month >= 4 else 0)


def _resolve_years(result: ReadResult, year_ending: int | None) -> None:
    """Give each file its collection year: --year, else the year of the episodes file of the same return."""
    by_group: dict[tuple[Path, str], int] = {}
    for staged in result.files:
        if staged.spec.name == "episodes" and staged.group is not None and staged.year_ending is not None:
            by_group[(staged.path.parent, staged.group)] = staged.year_ending
    for staged in result.files:
        if year_ending is not None:
            staged.year_ending = year_ending
        elif staged.year_ending is None and staged.group is not None:
            staged.year_ending = by_group.get((staged.path.parent, staged.group))
        if staged.spec.per_year and staged.year_ending is None:
            result.issues.append(
                field_issue(
                    staged.name,
                    None,
                    None,
                    f"cannot tell which year's return this {staged.spec.name} table belongs to; load it with the "
                    "episodes file of the same return, named alike (2017-oc2.csv with 2017-episodes.csv), "
                    "or give the year with --year 2017-18",
                )
            )


def _is_one_line_per_row(data: bytes, rows: int) -> bool:
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    return lines == rows + 1


def _rows_of(data: bytes, ordinals: set[int] | None = None) -> dict[int, int]:
    """Map the reader's record ordinality (1 = first row after the header) to the row a spreadsheet shows.

    DuckDB skips blank lines and rows it rejects, and a quoted value may span lines, so the two can differ.
    """
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    next(reader, None)
    mapping: dict[int, int] = {}
    ordinal, previous_line = 0, reader.line_num
    for record in reader:
        first_line, previous_line = previous_line + 1, reader.line_num
        if not any(cell.strip() for cell in record) and len(record) <= 1:
            continue  # a blank line
        ordinal += 1
        if ordinals is None or ordinal in ordinals:
            mapping[ordinal] = first_line
    return mapping


def _type_rows(
    con: duckdb.DuckDBPyConnection, staged: StagedFile, la: str | None, pseudonymiser: Pseudonymiser, read: ReadResult
) -> None:
    """Build the typed, pseudonymised rows of a checked file, and note their data-quality issues."""
    la_sql = _text(staged.cell(LA_COLUMN)) if staged.has_la_column else _s(la or "")
    child_sql = f"trim({staged.cell('CHILD')})"
    pseudonym, keys = pseudonymiser.sql("la", "child_id")
    con.execute(
        f"INSERT INTO pseudonyms SELECT la, child_id, {pseudonym} FROM (SELECT DISTINCT {la_sql} AS la, "
        f"{child_sql} AS child_id FROM {staged.raw} r EXCEPT SELECT la, child_id FROM pseudonyms)",
        keys,
    )
    source = f"{staged.raw} r JOIN pseudonyms p ON p.la = {la_sql} AND p.child_id = {child_sql}"
    row_sql = "r.ordinality + 1"
    if staged.child_numbers is not None or not _is_one_line_per_row(staged.data, staged.rows):
        mapping = (
            dict(enumerate(staged.child_numbers, start=1))
            if staged.child_numbers is not None
            else _rows_of(staged.data)
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE lines_{staged.raw} AS "
            "SELECT unnest($o) AS ordinality, unnest($r) AS file_row",
            {"o": list(mapping), "r": list(mapping.values())},
        )
        source += f" LEFT JOIN lines_{staged.raw} m ON m.ordinality = r.ordinality"
        row_sql = "m.file_row"
    if staged.has_year_column:
        year_sql = _integer(staged.cell(YEAR_COLUMN))
    else:
        year_sql = str(staged.year_ending) if staged.year_ending is not None else "NULL"
    selects = [f"{la_sql} AS la", "p.child AS child"]
    if staged.spec.per_year:
        selects.append(f"CAST({staged.year_ending} AS INTEGER) AS year_ending")
    for column in staged.spec.stored:
        if column.name in staged.header:
            selects.append(f"{staged.value(column)} AS {column.stored_name}")
        else:
            selects.append(f"CAST(NULL AS {SQL_TYPES[column.kind]}) AS {column.stored_name}")
    derived, joins = _placement_distance(con, staged, la_sql, read)
    selects += derived
    selects += [f"CAST({year_sql} AS INTEGER) AS return_year", f"CAST({row_sql} AS INTEGER) AS source_row"]
    typed = f"typed_{staged.raw}"
    con.execute(f"CREATE OR REPLACE TEMP TABLE rows_{typed} AS SELECT {', '.join(selects)} FROM {source}{joins}")
    # Where a file repeats a row (same child and key), the latest year's row is kept, then the first.
    kept = marked(f"rows_{typed}", ["la", "child", *staged.spec.key], "return_year DESC NULLS LAST, source_row",
                  KEEP_FIRST)  # fmt: skip
    con.execute(f"CREATE OR REPLACE TEMP TABLE {typed} AS {kept}")
    con.execute(f"DROP TABLE rows_{typed}")
    staged.typed = typed
    staged.las = tuple(sorted(str(row[0]) for row in con.execute(f"SELECT DISTINCT la FROM {typed}").fetchall()))
    _note_quality(con, staged, source, la_sql, row_sql)
    if joins:
        _note_postcodes(con, staged)


_POSTCODES = ("HOME_POST", "PL_POST")
_ONS_CODE = re.compile(ONS_CODE)  # a council named otherwise than by its ONS code has no inside or outside
_LOOKUP_ALIASES = {"HOME_POST": "home", "PL_POST": "placed"}


def _placement_distance(
    con: duckdb.DuckDBPyConnection, staged: StagedFile, la_sql: str, read: ReadResult
) -> tuple[list[str], str]:
    """The select expressions of the table's derived columns (the episodes' distance from home to placement and
    whether the placement is outside the council, from the postcode lookup), and the joins they need."""
    spec = staged.spec
    if not spec.derived:
        return [], ""
    unknown = [f"CAST(NULL AS {sql_type}) AS {name}" for name, sql_type in spec.derived]
    present = [name for name in _POSTCODES if name in staged.header]
    if not present:
        return unknown, ""
    if read.postcode_lookup is None:
        staged.lookup = ""  # postcodes given, no lookup to work them out with: a later load with one does
        given = " OR ".join(f"{normalised(staged.cell(name))} IS NOT NULL" for name in present)
        found = con.execute(f"SELECT count(*) FROM {staged.raw} r WHERE {given}").fetchone()
        if found and found[0]:
            read.notices.append(
                field_issue(
                    staged.name,
                    None,
                    None,
                    f"{' and '.join(present)} were not used and are not kept: no postcode lookup is loaded, so the "
                    "distance from home to placement is not known; load one (oversight casework postcodes FILE), "
                    "then this file again",
                    severity="warning",
                )
            )
        return unknown, ""
    staged.lookup = read.postcode_lookup
    cells = {name: normalised(staged.cell(name)) if name in staged.header else "NULL" for name in _POSTCODES}
    joins = "".join(
        f" LEFT JOIN postcodes {_LOOKUP_ALIASES[name]} ON {_LOOKUP_ALIASES[name]}.postcode = {cell}"
        for name, cell in cells.items()
    )
    # The council as the lookup names it (an ONS code as it is, a DfE number such as 312 as its code), worked out
    # once for each council the file names.
    named = [str(row[0]) for row in con.execute(f"SELECT DISTINCT {la_sql} FROM {staged.raw} r").fetchall()]
    codes = {name: code for name in named if (code := la_code(name)) and _ONS_CODE.fullmatch(code)}
    councils = f"councils_{staged.raw}"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {councils} AS SELECT unnest($named) AS named, unnest($codes) AS code",
        {"named": list(codes), "codes": list(codes.values())},
    )
    joins += f" LEFT JOIN {councils} council ON council.named = {la_sql}"
    return [
        f"{miles('home', 'placed')} AS placement_miles",
        "(CASE WHEN placed.la IS NULL OR council.code IS NULL THEN NULL ELSE placed.la <> council.code END) "
        "AS placed_outside_la",
        *(
            f"({cell} IS NOT NULL AND {_LOOKUP_ALIASES[name]}.easting IS NULL) AS {name.lower()}_not_found"
            for name, cell in cells.items()
        ),
    ], joins


def _note_postcodes(con: duckdb.DuckDBPyConnection, staged: StagedFile) -> None:
    """A data-quality note for each postcode given but not in the lookup (or without a grid reference there): its
    episode's distance is not known. The postcode itself is not noted: it is not kept."""
    message = (
        "{} is not in the postcode lookup, or has no grid reference there: the distance from home to the placement "
        "is not known"
    )
    for name in _POSTCODES:
        if name in staged.header:
            con.execute(
                f"INSERT INTO stage_quality SELECT {_s(staged.name)}, la, {_s(staged.spec.table)}, child, "
                f"'postcode_not_in_lookup', {_s(name)}, NULL, {_s(message.format(name))}, source_row "
                f"FROM {staged.typed} WHERE {name.lower()}_not_found"
            )


def _note_quality(con: duckdb.DuckDBPyConnection, staged: StagedFile, source: str, la_sql: str, row_sql: str) -> None:
    """Data-quality issues of one file (unknown codes, repeated rows), noted beside rows that are still loaded."""
    spec, typed = staged.spec, staged.typed
    if typed is None:
        raise AssertionError("typed rows are built before their quality is noted")
    for column in spec.stored:
        if not column.codes or column.name not in staged.header:
            continue
        cell = staged.cell(column.name)
        value = staged.value(column)
        if column.kind is Kind.SEX:
            bad, known = f"{_text(cell)} IS NOT NULL AND {value} IS NULL", "1, 2, M, F or U"
        else:
            bad, known = f"{value} NOT IN ({', '.join(map(_s, sorted(column.codes)))})", "see the return's guide"
        message = f"{_s(column.name + ' ')} || {_quoted_value(cell)} || {_s(f' is not a known code ({known})')}"
        con.execute(
            f"INSERT INTO stage_quality SELECT {_s(staged.name)}, {la_sql}, {_s(spec.table)}, p.child, "
            f"'unknown_code', {_s(column.name)}, trim({cell}), {message}, {row_sql} FROM {source} WHERE {bad}"
        )
    key = ["la", "child", *spec.key]
    keys = [c.name for c in spec.columns if c.key]
    what = f"the same child and {' and '.join(keys)}" if keys else "the same child"
    con.execute(
        f"INSERT INTO stage_quality SELECT {_s(staged.name)}, la, {_s(spec.table)}, child, 'duplicate_row', NULL, "
        f"NULL, 'repeats row ' || first_row || {_s(f' ({what}, in the same return); not loaded')}, source_row "
        f"FROM (SELECT *, first_value(source_row) OVER (PARTITION BY {', '.join(key)}, return_year ORDER BY "
        f"source_row) AS first_row FROM {repeated_rows(typed, key, where='NOT is_kept')}) "
        "WHERE NOT is_kept AND source_row <> first_row"
    )
