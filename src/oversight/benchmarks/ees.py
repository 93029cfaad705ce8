"""Read DfE Explore Education Statistics (EES) CSV files into typed rows.

An EES file has fixed time and geography columns (``time_period``, ``time_identifier``,
``geographic_level``, country/region/LA codes and names), then filter columns (text that says which
breakdown a row is, such as ``category``) and indicator columns (the figures). A figure that is not
published is a symbol, kept as the reason the value is missing — never read as zero.

Which columns are figures comes from the file's metadata (``<stem>.meta.csv``, which EES publishes beside
every data file, saying of each column whether it is a Filter or an Indicator) when it is given, otherwise
from the columns' content (see ``figure_column``). A cell of a figure column that is neither a number nor a
symbol is a problem to fix, never a reason to read the column as text.

Problems come back as data (``Issue``), one per file, row and column; nothing stops at the first.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from oversight.core.problems import Issue

TIME_COLUMNS = ("time_period", "time_identifier", "geographic_level")
GEOGRAPHY_COLUMNS = (
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
)
REQUIRED_COLUMNS = TIME_COLUMNS
# Other columns that EES names for places and time and that are never figures, whatever they hold (a
# school's URN or a UKPRN is all digits). None of them is a series' breakdown either in the files imported
# here, but they are kept as filters so that a row's place stays part of the series it belongs to.
KNOWN_FILTERS = frozenset(
    {
        "lad_code", "lad_name", "pcon_code", "pcon_name", "ward_code", "ward_name", "la_code",
        "english_devolved_area_code", "english_devolved_area_name", "opportunity_area_code", "opportunity_area_name",
        "local_enterprise_partnership_code", "local_enterprise_partnership_name", "rsc_region_lead_name",
        "school_urn", "school_laestab", "school_name", "school_postcode", "provider_ukprn", "provider_name",
        "institution_id", "institution_name", "trust_id", "trust_name", "sponsor_id", "sponsor_name",
    }
)  # fmt: skip
# The share of a column's cells, symbols and blanks aside, that must be numbers for it to be read as figures
# when the file comes without its metadata.
FIGURE_SHARE = Decimal("0.9")

# DfE's symbols for a figure that is not published. The first six are EES's current set; ':' (now 'x') and
# '~' (now 'low') are the forms used in older DfE tables. A blank cell is treated the same way.
SYMBOLS: Mapping[str, str] = {
    "c": "confidential: suppressed to protect confidentiality",
    "x": "not available",
    "z": "not applicable",
    "low": "rounds to 0 but is not 0",
    "k": "rounds to 0 but is not 0 (older DfE form)",
    "u": "low reliability",
    ":": "not available (older DfE form)",
    "~": "rounds to 0 but is not 0 (older DfE form)",
    "": "blank: no figure given",
}

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


def symbol_of(text: str) -> str | None:
    """The suppression symbol in a cell ('c', 'low', ':' …), also in the bracketed GSS form '[c]'; else None."""
    cleaned = text.strip()
    if cleaned.startswith("[") and cleaned.endswith("]") and cleaned[1:-1] in SYMBOLS and cleaned != "[]":
        cleaned = cleaned[1:-1]
    return cleaned if cleaned in SYMBOLS else None


_YEARS_MONTHS = re.compile(r"(\d{1,2}):(\d{2})")


def months_of(text: str) -> Decimal | None:
    """DfE's 'years:months' durations (adoption timeliness): '01:10' → 22 months; anything else → None."""
    match = _YEARS_MONTHS.fullmatch(text.strip())
    if match is None or int(match[2]) > 11:
        return None
    return Decimal(int(match[1]) * 12 + int(match[2]))


def number_of(text: str) -> Decimal | None:
    """'1,234' → 1234, '2.5E-3' → 0.0025, '24.5' → 24.5; anything else (including 'NaN') → None."""
    cleaned = text.strip()
    if _GROUPED.fullmatch(cleaned):
        cleaned = cleaned.replace(",", "")
    if not _NUMBER.fullmatch(cleaned):
        return None
    return Decimal(cleaned)


@dataclass(frozen=True)
class Cell:
    """One indicator cell: a value, or no value with the symbol that says why."""

    text: str  # as published
    value: Decimal | None
    symbol: str | None  # set when the cell is a suppression symbol (or blank)

    @property
    def meaning(self) -> str | None:
        return None if self.symbol is None else SYMBOLS[self.symbol]


@dataclass(frozen=True)
class EesRow:
    row: int  # row number in the file, the header being row 1
    time_period: str  # '2025', or '202425' for an academic or financial year
    time_identifier: str  # 'Reporting year', 'Academic year', 'Financial year' …
    geographic_level: str  # 'National', 'Regional', 'Local authority'
    country_code: str
    country_name: str
    region_code: str  # empty on national rows; E13000001/2 for Inner/Outer London
    region_name: str
    old_la_code: str  # three-digit DfE LA number, e.g. '202'
    new_la_code: str  # ONS code, e.g. 'E09000007'
    la_name: str
    filters: Mapping[str, str]
    indicators: Mapping[str, Cell]

    def value(self, indicator: str) -> Decimal | None:
        return self.indicators[indicator].value

    @property
    def area_name(self) -> str:
        """The name of the area the row is about: the LA, else the region, else the country."""
        return self.la_name or self.region_name or self.country_name


@dataclass(frozen=True)
class MetaColumn:
    """One column of an EES metadata file: its name, Filter or Indicator, label and unit as published."""

    name: str
    is_indicator: bool
    label: str = ""
    unit: str = ""  # indicator_unit: '%', '£' … or blank


@dataclass(frozen=True)
class EesMeta:
    """An EES metadata file (``*.meta.csv``): which columns of its data file are figures and which filters."""

    source: str
    columns: Mapping[str, MetaColumn] = field(default_factory=dict)
    issues: tuple[Issue, ...] = ()

    @property
    def indicators(self) -> tuple[str, ...]:
        return tuple(name for name, column in self.columns.items() if column.is_indicator)


META_COLUMNS = ("col_name", "col_type")


def ees_meta_parse(text: str, *, source: str) -> EesMeta:
    """Read an EES metadata file: one row per filter or indicator column, ``col_type`` saying which."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in META_COLUMNS if name not in header]
    if missing:
        message = f"Missing column(s) {', '.join(missing)}: this does not look like an EES metadata file."
        return EesMeta(source, {}, (Issue(source, 1, None, message),))
    reader.fieldnames = header
    columns: dict[str, MetaColumn] = {}
    issues: list[Issue] = []
    for number, record in enumerate(reader, start=2):
        name = (record.get("col_name") or "").strip()
        kind = (record.get("col_type") or "").strip().lower()
        if not name and not kind:
            continue
        if not name:
            issues.append(Issue(source, number, "col_name", "is blank; every row names a column of the data file."))
        elif kind not in ("filter", "indicator"):
            message = f"'{record.get('col_type') or ''}' is not a column type: EES uses Filter or Indicator."
            issues.append(Issue(source, number, "col_type", message))
        elif name in columns:
            issues.append(Issue(source, number, "col_name", f"'{name}' is described twice."))
        else:
            label, unit = (record.get("label") or "").strip(), (record.get("indicator_unit") or "").strip()
            columns[name] = MetaColumn(name, kind == "indicator", label, unit)
    return EesMeta(source, columns, tuple(issues))


@dataclass(frozen=True)
class EesFile:
    source: str
    filter_columns: tuple[str, ...]
    indicator_columns: tuple[str, ...]
    rows: tuple[EesRow, ...] = ()
    issues: tuple[Issue, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.issues


def ees_read(
    path: Path, *, indicators: Sequence[str] | None = None, durations: bool = False, meta: EesMeta | None = None
) -> EesFile:
    """Read an EES CSV file; see ``ees_parse``."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        issue = Issue(path.name, None, None, f"The file is not UTF-8 text (byte {error.start}); save it as CSV UTF-8.")
        return EesFile(path.name, (), (), (), (issue,))
    return ees_parse(text, source=path.name, indicators=indicators, durations=durations, meta=meta)


def ees_parse(
    text: str,
    *,
    source: str,
    indicators: Sequence[str] | None = None,
    durations: bool = False,
    meta: EesMeta | None = None,
) -> EesFile:
    """Parse EES CSV text into rows.

    With ``durations``, DfE's 'years:months' cells (adoption timeliness, '01:10') count as figures, read as
    months; without it they are text, so a column of them is a filter.

    Indicator columns are those the metadata file ``meta`` calls indicators, else those named in
    ``indicators``, else those that ``figure_column`` finds by their content. The remaining non-geography
    columns are filters, kept as text. Every cell of an indicator column that is neither a number nor a
    symbol is reported by row and column.
    """
    text = text.removeprefix("\ufeff")
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records:
        return EesFile(source, (), (), (), (Issue(source, None, None, "The file is empty."),))
    header = [name.strip() for name in records[0]]
    problem = _header_problem(header)
    if problem is not None:
        return EesFile(source, (), (), (), (Issue(source, 1, None, problem),))
    issues: list[Issue] = []
    shaped = _shaped_rows(records[1:], header, source, issues)
    others = [name for name in header if name not in TIME_COLUMNS and name not in GEOGRAPHY_COLUMNS]
    if meta is not None:
        chosen = _meta_indicator_columns(others, meta, source, issues)
    else:
        chosen = _indicator_columns(others, shaped, indicators, durations, source, issues)
    filter_columns = tuple(name for name in others if name not in chosen)
    rows = [_ees_row(number, cells, chosen, filter_columns, durations, source, issues) for number, cells in shaped]
    # Header problems (row 1) first, then by row, each row's in column order.
    ordered = sorted(issues, key=lambda issue: issue.row or 0)
    return EesFile(source, filter_columns, tuple(chosen), tuple(rows), tuple(ordered))


def _header_problem(header: list[str]) -> str | None:
    """What is wrong with a header row, if anything: an EES column missing, or a column named twice."""
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        return f"Missing column(s) {', '.join(missing)}: this does not look like an EES data file."
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        return f"Column(s) {', '.join(duplicates)} appear more than once."
    return None


def _shaped_rows(
    body: list[list[str]], header: list[str], source: str, issues: list[Issue]
) -> list[tuple[int, dict[str, str]]]:
    """The rows with a cell for every column, by their row number; blank rows skipped, others noted and skipped."""
    shaped: list[tuple[int, dict[str, str]]] = []
    for number, raw in enumerate(body, start=2):
        if not raw or all(not cell.strip() for cell in raw):
            continue
        if len(raw) != len(header):
            message = f"has {len(raw)} cells but the header has {len(header)}; the row was skipped."
            issues.append(Issue(source, number, None, message))
            continue
        shaped.append((number, dict(zip(header, raw, strict=True))))
    return shaped


def _indicator_columns(
    others: list[str], shaped: list[tuple[int, dict[str, str]]], indicators: Sequence[str] | None, durations: bool,
    source: str, issues: list[Issue],
) -> list[str]:  # fmt: skip
    """The figure columns: those named, or, when none are, those ``figure_column`` finds by their content."""
    if indicators is None:
        return [
            name for name in others if figure_column(name, (record[name] for _, record in shaped), durations=durations)
        ]
    for name in indicators:
        if name not in others:
            issues.append(Issue(source, 1, name, "is named as an indicator but is not a figure column here."))
    return [name for name in indicators if name in others]


def _meta_indicator_columns(others: list[str], meta: EesMeta, source: str, issues: list[Issue]) -> list[str]:
    """The columns the metadata file calls indicators; a column it leaves out, or names but the file lacks,
    is a problem (EES itself refuses such a pair), since then the file and its metadata do not match."""
    for name in others:
        if name not in meta.columns and name not in KNOWN_FILTERS:
            message = f"is not described in {meta.source}; the data file and its metadata file do not match."
            issues.append(Issue(source, 1, name, message))
    for name, column in meta.columns.items():
        if name not in others and name not in TIME_COLUMNS and name not in GEOGRAPHY_COLUMNS:
            kind = "an indicator" if column.is_indicator else "a filter"
            issues.append(Issue(source, 1, name, f"is {kind} in {meta.source} but not a column of this file."))
    return [name for name in others if name in meta.columns and meta.columns[name].is_indicator]


def _ees_row(
    number: int, cells: dict[str, str], chosen: list[str], filter_columns: tuple[str, ...], durations: bool,
    source: str, issues: list[Issue],
) -> EesRow:  # fmt: skip
    for name in TIME_COLUMNS:
        if not cells[name].strip():
            issues.append(Issue(source, number, name, "is blank; every EES row needs it."))
    typed = {name: _cell(cells[name], source, number, name, issues, durations) for name in chosen}
    return EesRow(
        row=number,
        time_period=cells["time_period"].strip(),
        time_identifier=cells["time_identifier"].strip(),
        geographic_level=cells["geographic_level"].strip(),
        country_code=cells.get("country_code", "").strip(),
        country_name=cells.get("country_name", "").strip(),
        region_code=cells.get("region_code", "").strip(),
        region_name=cells.get("region_name", "").strip(),
        old_la_code=cells.get("old_la_code", "").strip(),
        new_la_code=cells.get("new_la_code", "").strip(),
        la_name=cells.get("la_name", "").strip(),
        filters={name: cells[name].strip() for name in filter_columns},
        indicators=typed,
    )


def figure_column(name: str, cells: Iterable[str], *, durations: bool = False) -> bool:
    """Whether a column holds figures, judged from its content when no metadata file says.

    A column is a figure column when its name is not one EES keeps for time, place or a known identifier,
    at least one cell is a number, and at least 90% (``FIGURE_SHARE``) of its cells that are not symbols or
    blank are numbers (with ``durations``, 'years:months' counts as a number). A share rather than "every
    cell" so that one damaged cell ('12.3.4') does not turn a column of figures into a breakdown of hundreds
    of series: the cell is reported instead. A real breakdown is text ('Boys', '16 to 17') in far more
    than one cell in ten; one that is nearly all numbers (ages 1 to 15 and 'Total') needs the metadata file.
    """
    if name in TIME_COLUMNS or name in GEOGRAPHY_COLUMNS or name in KNOWN_FILTERS:
        return False
    numbers = others = 0
    for text in cells:
        if symbol_of(text) is not None:
            continue
        if number_of(text) is not None or (durations and months_of(text) is not None):
            numbers += 1
        else:
            others += 1
    return numbers > 0 and numbers >= FIGURE_SHARE * (numbers + others)


def _cell(text: str, source: str, row: int, column: str, issues: list[Issue], durations: bool) -> Cell:
    symbol = symbol_of(text)
    if symbol is not None:
        return Cell(text, None, symbol)
    value = number_of(text)
    if value is None and durations:
        value = months_of(text)
    if value is None:
        known = ", ".join(repr(key) for key in SYMBOLS if key)
        issues.append(Issue(source, row, column, f"'{text}' is neither a number nor a DfE symbol ({known})."))
    return Cell(text, value, None)
