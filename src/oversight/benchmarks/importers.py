"""Read published files into rows ready to store: DfE Explore Education Statistics CSVs, LAIT's long parquet
and its data dictionary, and DfE's statistical-neighbour groupings.

Nothing here writes to the database; ``services.published_import`` stores what these read. Each reader
returns its rows and its problems (``Issue``: file, row, column, what to fix); a figure that is not
published keeps its symbol as the reason, never a zero.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from oversight.benchmarks.ees import (
    META_COLUMNS,
    Cell,
    EesFile,
    EesMeta,
    EesRow,
    ees_meta_parse,
    ees_parse,
    months_of,
    number_of,
)
from oversight.benchmarks.reference import ENGLAND, looks_like_neighbours
from oversight.core.problems import Issue
from oversight.core.rag import Polarity

LAIT_SYMBOLS: Mapping[str, str] = {"-": "no figure published (LAIT's dash)"}

# Percentages whose denominator is another column of the same row (the numerator is the column without
# '_percent', or with '_count'). Checked against the published figures: 142,900 / 632,830 = 22.6%.
DENOMINATORS: Mapping[str, str] = {
    "rereferral_percent": "referral_count",
    "rereferral_child_percent": "referral_child_count",
    "no_further_action_percent": "referral_count",
    "not_in_need_percent": "referral_count",
    "CPP_subsequent_percent": "CPP_start",
}
# A file with this column publishes the other percentages as shares of it (plans by duration).
TOTAL_COLUMNS = ("CPP_At31",)


class FileKind(StrEnum):
    EES = "ees"
    EES_META = "ees_meta"  # read with its data file, never on its own
    LAIT = "lait"
    LAIT_DICTIONARY = "lait_dictionary"
    NEIGHBOURS = "neighbours"


def year_end(period: str) -> int | None:
    """The calendar year a published period ends in: '2025' → 2025, '2024-25' and '2024/25' → 2025,
    '202425' (EES) → 2025, '2014-16' → 2016, '2013/14-15/16' → 2016, '2025 (Rev)' → 2025; else None."""
    text = period.split("(")[0].strip()
    if re.fullmatch(r"\d{6}", text):
        return int(text[:4]) + 1
    groups = re.findall(r"\d+", text)
    if not groups or len(groups[0]) != 4 or not re.fullmatch(r"[\d/\- ]+", text):
        return None
    first, last = int(groups[0]), groups[-1]
    if len(groups) == 1:
        return first
    if len(last) == 4:
        return int(last)
    end = first // 100 * 100 + int(last)
    return end + 100 if end < first else end


@dataclass(frozen=True, slots=True)
class Row:
    series: str  # the published series' code
    period: str
    year_end: int
    level: str  # PublishedValue.Level
    place: str  # E92000001, a region code or an LA number
    value: Decimal | None
    reason: str
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass
class SeriesInfo:
    code: str
    title: str
    publication: str = ""
    filters: str = ""
    polarity: str = ""
    units: str = ""
    description: str = ""


@dataclass
class Places:
    """How published rows name places, resolved to the keys values are stored under."""

    authorities: set[str]  # LA numbers
    codes: Mapping[str, str]  # every ONS code an authority has had → its LA number
    regions: set[str]  # region codes
    lait_regions: Mapping[str, str]  # LAIT region number → region code


@dataclass
class ReadResult:
    source: str
    kind: FileKind
    sha256: str
    rows: list[Row] = field(default_factory=list)
    series: dict[str, SeriesInfo] = field(default_factory=dict)
    neighbours_text: str = ""
    issues: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # rows left out on purpose, said once per kind


def detect(path: Path) -> FileKind | None:
    """What kind of published file this is, from its first bytes."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"PAR1"):
        return FileKind.LAIT
    first = head.decode("utf-8-sig", errors="replace").splitlines()[0] if head else ""
    header = [name.strip().strip('"') for name in next(csv.reader([first]), [])]
    if "time_period" in header and "geographic_level" in header:
        return FileKind.EES
    if all(name in header for name in META_COLUMNS):
        return FileKind.EES_META
    if "Measure_code" in header and "Measure_short" in header:
        return FileKind.LAIT_DICTIONARY
    if looks_like_neighbours(header):
        return FileKind.NEIGHBOURS
    return None


def meta_path(path: Path) -> Path:
    """Where EES puts a data file's metadata: beside it, as ``<stem>.meta.csv``."""
    return path.with_name(f"{path.stem}.meta.csv")


def read_published(
    path: Path, places: Places, progress: Callable[[int], object] | None = None, *, meta: Path | None = None
) -> ReadResult:
    """Read one published file. An EES file's metadata is ``meta`` if given, else its ``meta_path`` if that
    exists; without either, which columns are figures is judged from their content."""
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    kind = detect(path)
    if kind is None:
        message = (
            "is not a file oversight can import as published data: expected a DfE Explore Education Statistics "
            "CSV, LAIT's long parquet, LAIT's data dictionary or a statistical-neighbour groupings CSV."
        )
        return ReadResult(path.name, FileKind.EES, sha, issues=[Issue(path.name, None, None, message)])
    if kind is FileKind.EES_META:
        message = "is an EES metadata file; import it together with its data file (the same name without .meta)."
        return ReadResult(path.name, kind, sha, issues=[Issue(path.name, None, None, message)])
    result = ReadResult(path.name, kind, sha)
    if kind is FileKind.LAIT:
        _read_lait(path, places, result, progress)
        return result
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = f"is not UTF-8 text (byte {error.start}); save it as CSV UTF-8."
        result.issues.append(Issue(path.name, None, None, message))
        return result
    if kind is FileKind.EES:
        found = meta if meta is not None else (meta_path(path) if meta_path(path).is_file() else None)
        described = None if found is None else _meta_read(found)
        if described is not None and described.issues:
            result.issues += described.issues
            return result
        _read_ees(ees_parse(text, source=path.name, durations=True, meta=described), places, result, described)
    elif kind is FileKind.LAIT_DICTIONARY:
        _read_dictionary(text, result)
    else:
        result.neighbours_text = text
    if progress is not None:
        progress(len(result.rows))
    return result


def _meta_read(path: Path) -> EesMeta:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = f"is not UTF-8 text (byte {error.start}); save it as CSV UTF-8."
        return EesMeta(path.name, {}, (Issue(path.name, None, None, message),))
    return ees_meta_parse(text, source=path.name)


def _filters_text(filters: Mapping[str, str]) -> str:
    return "; ".join(f"{name} = {value}" for name, value in filters.items())


def _read_ees(parsed: EesFile, places: Places, result: ReadResult, meta: EesMeta | None = None) -> None:
    result.issues += parsed.issues
    if not parsed.indicator_columns:
        result.issues.append(Issue(parsed.source, 1, None, "has no figure columns to import."))
        return
    # A series is a figure column for one combination of the filters; its code does not depend on the file's
    # name, so a re-published file (2013 to 2026, say) continues the same series.
    skipped_levels: dict[str, int] = {}
    for row in parsed.rows:
        level, place = _ees_place(row.geographic_level, row, places, result, parsed.source)
        if level is None:
            if place == "":
                skipped_levels[row.geographic_level] = skipped_levels.get(row.geographic_level, 0) + 1
            continue
        end = year_end(row.time_period)
        if end is None:
            message = f"'{row.time_period}' is not a year DfE publishes (e.g. 2025, 202425)."
            result.issues.append(Issue(parsed.source, row.row, "time_period", message))
            continue
        filters = _filters_text(row.filters)
        key = "@" + hashlib.sha1(filters.encode(), usedforsecurity=False).hexdigest()[:10] if filters else ""
        for column in parsed.indicator_columns:
            code = f"ees:{column}{key}"
            if code not in result.series:
                described = None if meta is None else meta.columns.get(column)
                title = (described.label if described is not None else "") or column.replace("_", " ")
                units = "%" if column.endswith("_percent") else _duration_units(row.indicators[column].text)
                result.series[code] = SeriesInfo(
                    code,
                    f"{title} ({', '.join(row.filters.values())})" if filters else title,
                    publication=parsed.source,
                    filters=filters,
                    units=(described.unit if described is not None else "") or units,
                )
            cell = row.indicators[column]
            numerator, denominator = _fraction(column, row.indicators, parsed.indicator_columns)
            result.rows.append(
                Row(code, row.time_period, end, level, place, cell.value, cell.symbol or "", numerator, denominator)
            )
    for name, count in sorted(skipped_levels.items()):
        result.notes.append(f"{parsed.source}: {count} row(s) at level '{name}' left out (only England, "
                            "regions and local authorities are kept).")  # fmt: skip


def _duration_units(text: str) -> str:
    return "months (published as years:months)" if months_of(text) is not None else ""


def _ees_place(level: str, row: EesRow, places: Places, result: ReadResult, source: str) -> tuple[str | None, str]:
    if level == "National":
        return "england", ENGLAND
    if level == "Regional":
        if row.region_code in places.regions:
            return "region", row.region_code
        message = f"'{row.region_code}' ({row.region_name}) is not a known region code."
        result.issues.append(Issue(source, row.row, "region_code", message))
        return None, "?"
    if level == "Local authority":
        if row.old_la_code in places.authorities:
            return "la", row.old_la_code
        if row.new_la_code in places.codes:
            return "la", places.codes[row.new_la_code]
        message = (
            f"'{row.la_name}' (LA number '{row.old_la_code}', code '{row.new_la_code}') is not a known local "
            "authority; check the codes, or run 'oversight benchmark reference' to reload the reference data."
        )
        result.issues.append(Issue(source, row.row, "old_la_code", message))
        return None, "?"
    return None, ""


def _fraction(
    column: str, cells: Mapping[str, Cell], columns: tuple[str, ...]
) -> tuple[Decimal | None, Decimal | None]:
    if not column.endswith("_percent"):
        return None, None
    stem = column.removesuffix("_percent")
    numerator_column = next((name for name in (stem, f"{stem}_count") if name in columns), None)
    denominator_column = DENOMINATORS.get(column) or next((name for name in TOTAL_COLUMNS if name in columns), None)
    if numerator_column is None or denominator_column is None:
        return None, None
    return cells[numerator_column].value, cells[denominator_column].value


_POLARITY = {"high": Polarity.HIGHER, "low": Polarity.LOWER}


def _read_dictionary(text: str, result: ReadResult) -> None:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    for number, record in enumerate(reader, start=2):
        short = (record.get("Measure_short") or "").strip()
        if not short:
            result.issues.append(Issue(result.source, number, "Measure_short", "is blank; every measure needs one."))
            continue
        code = f"lait:{short}"
        if code in result.series:
            continue  # the dictionary repeats a few series; the first entry stands
        polarity = _POLARITY.get((record.get("Polarity") or "").strip().lower(), Polarity.NEITHER)
        result.series[code] = SeriesInfo(
            code,
            (record.get("Chart_title") or record.get("Measure") or short).strip(),
            publication=(record.get("Topic") or "").strip(),
            polarity=polarity.value,
            units=(record.get("y_axis_name") or "").strip(),
            description=(record.get("Description") or "").strip(),
        )


LAIT_COLUMNS = ("Short Desc", "Data item", "Years", "LA and Regions", "Values", "LA Number")
_LAIT_ENGLAND = "970"


def _read_lait(path: Path, places: Places, result: ReadResult, progress: Callable[[int], object] | None) -> None:
    import duckdb

    connection = duckdb.connect()
    try:
        described = connection.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
        columns = [row[0] for row in described]
        missing = [name for name in LAIT_COLUMNS if name not in columns]
        if missing:
            message = f"is missing LAIT column(s) {', '.join(missing)}; is this LAIT's long (bds_long) file?"
            result.issues.append(Issue(path.name, None, None, message))
            return
        cursor = connection.execute(
            'SELECT "Short Desc", "Data item", "Years", "LA and Regions", "Values", '
            'CAST("LA Number" AS INTEGER) FROM read_parquet(?)',
            [str(path)],
        )
        number = 1
        left_out: dict[str, int] = {}
        while batch := cursor.fetchmany(50_000):
            for short, title, years, name, text, la_number in batch:
                number += 1
                _lait_row(path.name, number, short, title, years, name, text, la_number, places, result, left_out)
            if progress is not None:
                progress(len(batch))
    finally:
        connection.close()
    for why, count in sorted(left_out.items()):
        result.notes.append(f"{path.name}: {count:,} row(s) left out: {why}.")


def _lait_row(
    source: str,
    number: int,
    short: str | None,
    title: str | None,
    years: str | None,
    name: str | None,
    text: str | None,
    la_number: int | None,
    places: Places,
    result: ReadResult,
    left_out: dict[str, int],
) -> None:
    if not short:
        result.issues.append(Issue(source, number, "Short Desc", "is blank; every row needs its measure."))
        return
    end = year_end(years or "")
    if end is None:
        why = f"the year '{years}' is not a period"
        left_out[why] = left_out.get(why, 0) + 1
        return
    key = "" if la_number is None else str(la_number)
    if key == _LAIT_ENGLAND:
        level, place = "england", ENGLAND
    elif key in places.lait_regions:
        level, place = "region", places.lait_regions[key]
    elif key in places.authorities:
        level, place = "la", key
    else:
        why = f"'{name}' (LAIT number {key}) is not England, a region or a local authority"
        left_out[why] = left_out.get(why, 0) + 1
        return
    code = f"lait:{short}"
    if code not in result.series:
        result.series[code] = SeriesInfo(code, (title or short).strip(), publication="LAIT")
    cleaned = (text or "").strip()
    if cleaned in LAIT_SYMBOLS or cleaned == "":
        result.rows.append(Row(code, years or "", end, level, place, None, cleaned))
        return
    value = number_of(cleaned)
    if value is None:
        message = f"'{cleaned}' is neither a number nor LAIT's '-' for no figure."
        result.issues.append(Issue(source, number, "Values", message))
        return
    result.rows.append(Row(code, years or "", end, level, place, value, ""))
