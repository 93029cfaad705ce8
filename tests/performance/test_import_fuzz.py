"""Fuzz the importer: whatever is uploaded, the answer is a rejection or a list of problems a person can act on.

Each property runs a fixed number of examples, without shrinking, so the run stays under about 20 s even when
something fails. The faults the fuzzing found are named regression tests at the end.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import connection
from hypothesis import HealthCheck, Phase, event, given, note, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from oversight.core.problems import Issue
from oversight.performance import importer
from oversight.performance.columns import TABLES, Column, ColumnType, TableSpec
from oversight.performance.importer import FileRejectedError, read_file
from oversight.performance.models import Change, Commentary
from oversight.performance.services import import_files
from tests import properties

MAX_BYTES: int = django_settings.OVERSIGHT_MAX_IMPORT_BYTES
_FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # Shrinking a damaged workbook can take minutes; the failing upload is printed as found.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)


def fuzz(examples: int) -> settings:
    return settings(_FUZZ, max_examples=properties.examples(examples))


SCORECARD, PRIORITY, INDICATORS = "test", "P1", ("IND-A", "IND-B")
PERIODS = ("2011-12", "2011-12-Q1", "2011-12-Q4", "AY2011-12", "CY2011", "2011-M06", "R12-2011-M06")
FORMULA = "=cmd|' /C calc'!A0"
AWKWARD = (
    FORMULA, "=1+1", "@SUM(A1:A2)", "+44 20", "-2+3", '"', '""', '"quoted, with comma"', "\n", "a\r\nb", ",",
    "\ufeffBOM", "\u202eright-to-left", "naïve café", "ﬁ ligature", "😀", "NaN", "-Infinity", "sNaN", "-0",
    "1_000", "1,234.5", "63.1%", " 85 % ", "0x1F", "1E+06", "n/a", "below 5%", "TRUE", "#N/A", "\t",
)  # fmt: skip


# --- Strategies -------------------------------------------------------------------------------------------------

numbers = st.one_of(
    st.integers(-(10**15), 10**15).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.builds(  # scientific notation, as Excel writes it, with an exponent of any length
        lambda mantissa, marker, sign, exponent: f"{mantissa}{marker}{sign}{exponent}",
        st.integers(-99, 99),
        st.sampled_from("eE"),
        st.sampled_from(["", "+", "-"]),
        st.text("0123456789", min_size=1, max_size=9),
    ),
    st.integers(0, 10**7).map(lambda n: f"{n:,}"),
    st.floats(-1000, 1000, allow_nan=False).map(lambda f: f"{f:.1f}%"),
)
long_strings = st.builds(lambda char, size: char * size, st.sampled_from('9xé,"'), st.integers(300, 140_000))
text = st.one_of(st.text(max_size=30), st.sampled_from(AWKWARD))
any_cell = st.one_of(text, numbers, st.just(""), long_strings)


# Each strategy below is built once, not in every draw: hypothesis checks a strategy the first time it is drawn from,
# and that check, repeated for each cell of each example, cost more than reading the files.


@cache
def _cells_for(column: Column) -> st.SearchStrategy[str]:
    """Mostly values the column accepts, so that many files pass the checks and reach the database."""
    if column.name in ("indicator", "code") and column.max_length == 24:
        valid: st.SearchStrategy[str] = st.sampled_from(INDICATORS)
    elif column.name == "scorecard":
        valid = st.just(SCORECARD)
    elif column.name == "priority":
        valid = st.just(PRIORITY)
    elif column.type is ColumnType.PERIOD:
        valid = st.sampled_from(PERIODS)
    elif column.type is ColumnType.CHOICE:
        valid = st.sampled_from(column.choices)
    elif column.type is ColumnType.NUMBER:
        valid = numbers
    elif column.type is ColumnType.WHOLE:
        valid = st.integers(0, 10**6).map(str)
    else:
        valid = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=column.max_length or 40)
    return st.one_of(valid, valid, valid, any_cell)


@cache
def _optional_names(spec: TableSpec) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from([c.name for c in spec.columns if not c.required] or [""]), unique=True)


@st.composite
def headers(draw: st.DrawFn) -> tuple[TableSpec, list[str]]:
    spec = draw(st.sampled_from(TABLES))
    required = [c.name for c in spec.columns if c.required]
    optional = draw(_optional_names(spec))
    names = draw(st.permutations([*required, *(n for n in optional if n)]))
    if draw(st.integers(0, 9)) == 0:
        names = [*names, draw(st.sampled_from(["", "extra", names[0] if names else "x", "VALUE "]))]
    if draw(st.booleans()):
        names = [name.upper() if draw(st.booleans()) else f" {name} " for name in names]
    return spec, names


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    spec, names = draw(headers())
    by_name = {c.name: c for c in spec.columns}
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        row = [
            draw(_cells_for(by_name[n.strip().lower()]) if n.strip().lower() in by_name else any_cell) for n in names
        ]
        extra = draw(st.sampled_from([0, 0, 0, -1, 1]))  # now and then a cell short, or one too many
        rows.append(row[: len(row) + extra] if extra < 0 else row + [draw(any_cell) for _ in range(extra)])
    buffer = io.StringIO()
    if draw(st.integers(0, 7)) == 0:  # written by hand, quoting be damned
        buffer.write("\n".join(",".join(row) for row in [names, *rows]))
    else:
        dialect = draw(st.sampled_from(["excel", "unix"]))  # quoting where needed, or everywhere
        terminator = draw(st.sampled_from(["\r\n", "\n", "\r"]))
        csv.writer(buffer, dialect, lineterminator=terminator).writerows([names, *rows])
    bom = draw(st.sampled_from(["", "", "\ufeff"]))
    return (bom + buffer.getvalue()).encode("utf-8", errors="surrogatepass")


def _legal(value: str) -> str:
    return str(ILLEGAL_CHARACTERS_RE.sub("", value))


excel_longest = st.builds(lambda char, size: char * size, st.sampled_from("9x,"), st.integers(300, 32_767))
excel_values = st.one_of(
    st.one_of(text, numbers, excel_longest).map(_legal),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(date(1900, 3, 1), date(2100, 1, 1)),
    st.builds(datetime.combine, st.dates(date(1900, 3, 1), date(2100, 1, 1)), st.times()),
    st.none(),
)


@cache
def _excel_cells_for(column: Column | None) -> st.SearchStrategy[object]:
    """A workbook cell under ``column``'s header: a value the column accepts, or any value a cell can hold."""
    typed = _cells_for(column).map(_legal) if column is not None else excel_values
    return st.one_of(typed, excel_values)


sheet_titles = st.one_of(
    st.sampled_from([t.kind for t in TABLES] + ["Guide", " Values ", "VALUES", "targets (2)", "Sheet"]),
    st.text(st.characters(exclude_characters="[]:*?/\\'", exclude_categories=("Cs", "Cc")), min_size=1, max_size=31),
)


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in parts.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2012, 3, 31, 0, 0, 0)), body, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _saved(book: Workbook) -> bytes:
    """The workbook's bytes, the same on every run: openpyxl stamps the time of saving, and a damaged copy of a
    file that changes from run to run is not one hypothesis can replay."""
    buffer = io.BytesIO()
    book.save(buffer)
    parts = _parts(buffer.getvalue())
    parts["docProps/core.xml"] = re.sub(
        rb"\d{4}-\d\d-\d\dT[\d:]{8}Z", b"2012-03-31T00:00:00Z", parts["docProps/core.xml"]
    )
    return _zip(parts)


@st.composite
def workbooks(draw: st.DrawFn) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title in draw(st.lists(sheet_titles, min_size=1, max_size=3, unique_by=str.lower)):
        sheet = book.create_sheet(title.strip() or "blank")
        spec, names = draw(headers())
        by_name = {c.name: c for c in spec.columns}
        sheet.append(names)
        for _ in range(draw(st.integers(0, 5))):
            row = [draw(_excel_cells_for(by_name.get(name.strip().lower()))) for name in names]
            sheet.append(row)
            if draw(st.integers(0, 4)) == 0:
                for cell in sheet[sheet.max_row]:
                    cell.number_format = "0.0%"
    return _saved(book)


junk = st.sampled_from(
    [b"<row><c t='n'><v>abc</v></c></row>", b"<row r='x'/>", b"<c>", b"&x;", b"<row><c t='s'><v>999</v></c></row>"]
)


@st.composite
def damaged_workbooks(draw: st.DrawFn) -> bytes:
    data = draw(workbooks())
    if draw(st.booleans()):  # flip bytes anywhere: headers, compressed streams, the directory
        damaged = bytearray(data)
        changes = st.tuples(st.integers(0, len(data) - 1), st.integers(0, 255))
        for position, byte in draw(st.lists(changes, min_size=1, max_size=4)):
            damaged[position] = byte
        return bytes(damaged)
    # a well-formed archive whose worksheet, strings or workbook part holds something else
    parts = _parts(data)
    target = draw(st.sampled_from(sorted(name for name in parts if name.startswith("xl/"))))
    original = parts[target]
    parts[target] = draw(
        st.one_of(
            st.binary(max_size=200),
            st.builds(lambda cut: original[:cut], st.integers(0, len(original))),
            st.builds(lambda extra: original.replace(b"</sheetData>", extra + b"</sheetData>"), junk),
        )
    )
    return _zip(parts)


uploads = st.one_of(
    csv_files(),
    workbooks(),
    damaged_workbooks(),
    st.binary(max_size=600),
    st.builds(lambda rest: importer._XLSX_MAGIC + rest, st.binary(max_size=600)),
)


# --- Checks -------------------------------------------------------------------------------------------------------


def _stops_at_its_colon(message: str) -> bool:
    """An error with no text of its own (EOFError() for a part that runs past the end of the file) once left
    "the workbook cannot be read: " and nothing after it."""
    return message.rstrip().endswith(":")


def _check_issue(issue: Issue, name: str) -> None:
    assert issue.file.startswith(name), issue
    assert issue.message.strip(), issue
    assert not _stops_at_its_colon(issue.message), issue
    assert issue.row is None or issue.row >= 1, issue


def _read(path: Path) -> list[Issue]:
    """read_file's problems, or its rejection as the only problem."""
    try:
        _, issues = read_file(path, max_bytes=MAX_BYTES)
    except FileRejectedError as rejected:
        issues = [rejected.issue]
    for issue in issues:
        _check_issue(issue, path.name)
    return issues


def _row_counts() -> dict[str, int]:
    """The rows of each of the performance app's tables, counted in one query: it runs twice in every example."""
    models = list(apps.get_app_config("performance").get_models())
    counts = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(m._meta.db_table)})" for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        row = cursor.fetchone()
    return {model.__name__: count for model, count in zip(models, row, strict=True)}


@pytest.fixture
def catalogue(db: None, tmp_path: Path) -> None:
    files = {
        "scorecards.csv": f"scorecard,title\n{SCORECARD},Test scorecard\n",
        "priorities.csv": f"scorecard,code,title\n{SCORECARD},{PRIORITY},First priority\n",
        # Values of any size and sign reach the writer: the indicators say their values may be below 0 or over 100.
        "indicators.csv": "code,scorecard,priority,title,unit,polarity,may_be_negative,may_exceed_100\n"
        + "".join(f"{code},{SCORECARD},{PRIORITY},Indicator {code},percent,higher,yes,yes\n" for code in INDICATORS),
    }
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    result = import_files([tmp_path / name for name in files])
    assert result.ok, [str(issue) for issue in result.issues]


# --- Properties ---------------------------------------------------------------------------------------------------


@fuzz(1000)
@given(st.one_of(st.binary(max_size=2000), st.builds(lambda b: importer._XLSX_MAGIC + b, st.binary(max_size=2000))))
def test_read_file_answers_any_bytes_with_a_rejection_or_problems(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "upload.csv"
    path.write_bytes(data)
    _read(path)


@fuzz(600)
@given(csv_files())
def test_read_file_answers_any_csv_built_from_the_real_headers(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "values.csv"
    path.write_bytes(data)
    _read(path)


# openpyxl warns about workbook features it does not support; in production that is not an error.
@pytest.mark.filterwarnings("ignore::UserWarning")
@fuzz(300)
@given(st.one_of(workbooks(), damaged_workbooks()))
def test_read_file_answers_any_workbook_whole_or_damaged(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "upload.xlsx"
    path.write_bytes(data)
    _read(path)


@pytest.mark.filterwarnings("ignore::UserWarning")
@fuzz(300)
@given(st.lists(uploads, min_size=1, max_size=2))
def test_import_files_never_raises_and_writes_nothing_when_it_finds_a_problem(
    catalogue: None, tmp_path: Path, files: list[bytes]
) -> None:
    paths = []
    for index, data in enumerate(files):
        paths.append(tmp_path / f"upload-{index}.dat")
        paths[-1].write_bytes(data)
    before = _row_counts()
    result = import_files(paths)
    note(f"issues: {[str(issue) for issue in result.issues]}")
    event("imported" if result.ok else "refused")
    assert result.files == len(paths)
    for issue in result.issues:
        _check_issue(issue, "upload-")
    if not result.ok:
        assert _row_counts() == before
    else:
        # Rows are upserted by natural key, so importing again adds none. (That it updates none is held by the
        # named tests at the end: on SQLite a figure of 16 significant digits does not survive the round trip.)
        again = import_files(paths)
        assert (again.ok, again.created) == (True, 0), [str(issue) for issue in again.issues]


# --- Named cases --------------------------------------------------------------------------------------------------


def _values_sheet(*notes: str) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = "values"
    sheet.append(["indicator", "period", "value", "note"])
    for month, note_text in enumerate(notes, start=1):
        sheet.append(["IND-A", f"{2000 + month // 12}-M{month % 12 + 1:02d}", 63.1, note_text])
    return book


def test_a_workbook_that_unpacks_too_far_is_refused_and_nothing_is_written(
    catalogue: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "MAX_XLSX_UNPACKED", 1_000_000)
    path = tmp_path / "bomb.xlsx"
    _values_sheet(*["0" * 32_000] * 40).save(path)  # Excel's longest cell, 40 times: 1.3 MB of sheet XML
    assert path.stat().st_size < 100_000  # small on disk; the check is on what it would unpack to
    before = _row_counts()
    result = import_files([path])
    assert [(issue.file, issue.row, issue.place) for issue in result.issues] == [("bomb.xlsx", None, None)]
    assert result.issues[0].message.startswith("the workbook unpacks to more than")
    assert result.issues[0].message.endswith("it is refused")
    assert _row_counts() == before
    fine = tmp_path / "fine.xlsx"
    _values_sheet("under the limit").save(fine)
    assert import_files([fine]).ok  # the same workbook, small, is accepted: the refusal is about size


def test_a_hand_made_zip_bomb_is_refused_before_it_is_opened(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "MAX_XLSX_UNPACKED", 1_000_000)
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 50_000_000)
    assert path.stat().st_size < 200_000
    with pytest.raises(FileRejectedError, match="unpacks to more than") as rejected:
        read_file(path, max_bytes=MAX_BYTES)
    assert rejected.value.issue.file == "bomb.xlsx"
    before = _row_counts()
    assert [issue.message for issue in import_files([path]).issues] == [rejected.value.issue.message]
    assert _row_counts() == before


def test_a_formula_in_a_text_cell_is_kept_as_text_not_evaluated(catalogue: None, tmp_path: Path) -> None:
    path = tmp_path / "commentary.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["indicator", "period", "text"], ["IND-A", "2011-12-Q1", FORMULA]])
    assert import_files([path]).ok
    assert Commentary.objects.get(indicator__code="IND-A", period="2011-12-Q1").text == FORMULA


# --- Faults the fuzzing found, each fixed in importer.py and pinned here -----------------------------------


def test_a_number_with_a_huge_exponent_is_a_problem_in_its_cell_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "values.csv"
    path.write_text("indicator,period,value\nIND-A,2011-12-Q1,1e1000000\n", encoding="utf-8")
    _, issues = read_file(path, max_bytes=MAX_BYTES)  # once: decimal.Overflow from abs()
    assert [(issue.row, issue.place, issue.message) for issue in issues] == [
        (2, "value", "'1e1000000' is too large; figures must be below 100,000,000,000")
    ]


def _unclosed_row(xml: bytes) -> bytes:
    return xml.replace(b"</sheetData>", b"<row>")


def _text_in_a_number_cell(xml: bytes) -> bytes:
    return xml.replace(b"<v>63.1</v>", b"<v>abc</v>")


def _a_style_the_workbook_lacks(xml: bytes) -> bytes:
    return xml.replace(b'<c r="C2" t="n">', b'<c r="C2" s="7" t="n">')  # the workbook defines one style


# Once these escaped read_file as ParseError, ValueError and IndexError: the rows were read outside any try.
@pytest.mark.parametrize("change", [_unclosed_row, _text_in_a_number_cell, _a_style_the_workbook_lacks])
def test_a_workbook_with_a_damaged_worksheet_is_rejected_not_raised(
    tmp_path: Path, change: Callable[[bytes], bytes]
) -> None:
    parts = _parts(_saved(_values_sheet("a note")))
    parts["xl/worksheets/sheet1.xml"] = change(parts["xl/worksheets/sheet1.xml"])
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(_zip(parts))
    with pytest.raises(FileRejectedError) as rejected:
        read_file(path, max_bytes=MAX_BYTES)
    assert rejected.value.issue.file == "damaged.xlsx"
    assert "sheet 'values' cannot be read: " in rejected.value.issue.message
    assert not _stops_at_its_colon(rejected.value.issue.message)


def _central_entry(data: bytearray, name: bytes) -> int:
    """Where the zip's central directory describes ``name``."""
    at = data.find(b"PK\x01\x02")
    while data[at + 46 : at + 46 + int.from_bytes(data[at + 28 : at + 30], "little")] != name:
        at = data.find(b"PK\x01\x02", at + 1)
    return at


def test_a_workbook_needing_a_newer_zip_version_is_rejected_not_raised(tmp_path: Path) -> None:
    data = bytearray(_saved(_values_sheet("a note")))
    data[_central_entry(data, b"xl/workbook.xml") + 6] = 211  # "version needed to extract": 21.1
    path = tmp_path / "future.xlsx"
    path.write_bytes(data)
    with pytest.raises(FileRejectedError) as rejected:  # once: NotImplementedError, as only BadZipFile was caught
        read_file(path, max_bytes=MAX_BYTES)
    assert rejected.value.issue.message == "the workbook cannot be read: zip file version 21.1"


def test_reimporting_a_value_with_more_than_four_decimal_places_changes_nothing(
    catalogue: None, tmp_path: Path
) -> None:
    path = tmp_path / "values.csv"
    path.write_text("indicator,period,value\nIND-A,2011-12-Q1,63.12345\n", encoding="utf-8")
    assert import_files([path]).ok
    changes = Change.objects.count()
    again = import_files([path])  # once: stored to 4 places, compared unrounded, so "updated" every time
    assert (again.created, again.updated, Change.objects.count()) == (0, 0, changes)


def test_reimporting_a_figure_of_sixteen_significant_digits_changes_nothing(catalogue: None, tmp_path: Path) -> None:
    path = tmp_path / "values.csv"
    path.write_text("indicator,period,value\nIND-A,2011-12-Q1,987654321098.7654\n", encoding="utf-8")
    result = import_files([path])  # 16 significant digits: more than SQLite can hold, so refused with a reason
    assert [issue.message for issue in result.issues] == [
        "'987654321098.7654' is too large; figures must be below 100,000,000,000"
    ]
    largest = tmp_path / "largest.csv"
    largest.write_text("indicator,period,value\nIND-A,2011-12-Q1,98765432109.8765\n", encoding="utf-8")
    assert import_files([largest]).ok
    changes = Change.objects.count()
    again = import_files([largest])
    assert (again.created, again.updated, Change.objects.count()) == (0, 0, changes)


def test_a_workbook_part_that_runs_past_the_end_of_the_file_is_rejected_with_a_reason(tmp_path: Path) -> None:
    stored = io.BytesIO()
    with zipfile.ZipFile(stored, "w") as archive:  # stored, not compressed, so the reader runs off the end
        for name, body in _parts(_saved(_values_sheet("a note"))).items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2012, 3, 31, 0, 0, 0)), body)
    data = bytearray(stored.getvalue())
    entry = _central_entry(data, b"xl/workbook.xml")
    data[entry + 20 : entry + 28] = (900_000).to_bytes(4, "little") * 2  # compressed and full size
    path = tmp_path / "short.xlsx"
    path.write_bytes(data)
    with pytest.raises(FileRejectedError) as rejected:
        read_file(path, max_bytes=MAX_BYTES)
    assert not _stops_at_its_colon(rejected.value.issue.message), rejected.value.issue.message
