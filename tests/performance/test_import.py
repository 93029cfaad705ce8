from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from oversight.performance.models import Change, Commentary, ImportBatch, Indicator, Observation, Target
from oversight.performance.services import LoadResult, import_files

WriteCsv = Callable[[str, str], Path]

CATALOGUE = """
scorecard,title,description
test,Test scorecard,
"""
PRIORITIES = """
scorecard,code,title,order
test,P1,First priority,1
"""
INDICATORS = """
code,scorecard,priority,title,unit,polarity,decimal_places
IND-A,test,P1,Indicator A,percent,higher,1
IND-B,test,P1,Indicator B,count,lower,0
"""


@pytest.fixture
def catalogue(db: None, write_csv: WriteCsv) -> list[Path]:
    files = [
        write_csv("scorecards.csv", CATALOGUE),
        write_csv("priorities.csv", PRIORITIES),
        write_csv("indicators.csv", INDICATORS),
    ]
    result = import_files(files)
    assert result.ok, result.issues
    return files


def _snapshot() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Indicator, Observation, Target, Commentary, ImportBatch, Change))


def test_a_file_with_errors_is_rejected_whole_with_row_and_column(catalogue: list[Path], write_csv: WriteCsv) -> None:
    before = _snapshot()
    broken = write_csv(
        "values.csv",
        """
indicator,period,value,status
IND-A,2011-12-Q1,63.1,provisional
IND-A,2011-12-Q5,50,provisional
IND-Z,2011-12-Q1,12,validated
IND-B,2011-12-Q1,lots,validated
IND-B,2011-12-Q2,,validated
""",
    )
    result = import_files([broken])
    assert not result.ok
    messages = [str(issue) for issue in result.issues]
    assert messages == [
        "values.csv, row 3, column 'period': '2011-12-Q5' is not a period code; use 2011-12 (financial year), "
        "2011-12-Q1 (financial quarter, Q1 = April–June), AY2011-12 (academic year), CY2011 (calendar year), "
        "2011-M06 (month) or R12-2011-M06 (12 months ending June 2011)",
        "values.csv, row 4, column 'indicator': no indicator with code 'IND-Z' in the catalogue",
        "values.csv, row 5, column 'value': 'lots' is not a number; put text such as 'n/a' or 'below 5%' in the "
        "note column",
        "values.csv, row 6, column 'value': is empty; give a value, or leave it empty and say why in the note column",
    ]
    assert _snapshot() == before  # nothing written, not even the good first row


def test_a_problem_in_one_file_stops_every_file(catalogue: list[Path], write_csv: WriteCsv) -> None:
    before = _snapshot()
    good = write_csv("targets.csv", "indicator,period,target\nIND-A,2011-12,85\n")
    bad = write_csv("commentary.csv", "indicator,period,text\nIND-A,2011-12-Q1,\n")
    result = import_files([good, bad])
    assert [str(i) for i in result.issues] == ["commentary.csv, row 2, column 'text': is empty but required"]
    assert _snapshot() == before


def test_a_correct_file_imports_and_reimporting_changes_nothing(catalogue: list[Path], write_csv: WriteCsv) -> None:
    values = write_csv(
        "values.csv",
        """
indicator,period,value,cohort,status,note
IND-A,2011-12-Q1,63.10%,120,provisional,
IND-A,2010-11,63,,validated,
IND-B,2011-12-Q1,,,provisional,sept
""",
    )
    first = import_files([values])
    assert (first.ok, first.created, first.updated) == (True, 3, 0)
    observation = Observation.objects.get(indicator__code="IND-A", period="2011-12-Q1")
    assert (observation.value, observation.cohort, observation.status) == (Decimal("63.1"), 120, "provisional")
    assert observation.period_start.isoformat() == "2011-04-01"
    snapshot = _snapshot()
    again = import_files([values])
    assert (again.ok, again.created, again.updated, again.unchanged) == (True, 0, 0, 3)
    assert _snapshot()[:4] == snapshot[:4]
    assert Change.objects.count() == snapshot[5]  # no change recorded when nothing changed


def test_an_update_records_who_changed_what(catalogue: list[Path], write_csv: WriteCsv) -> None:
    import_files([write_csv("targets.csv", "indicator,period,target,note\nIND-A,2011-12,85,\n")])
    import_files([write_csv("targets.csv", "indicator,period,target,note\nIND-A,2011-12,90,raised by SMT\n")])
    change = Change.objects.filter(entity="target", field="value").first()
    assert change is not None
    assert (change.before, change.after, change.via, change.changed_by_name) == (
        "85",
        "90",
        "import: targets.csv",
        "system",
    )
    assert Target.objects.get().value == Decimal(90)


def test_an_unrecognised_header_says_which_tables_exist(db: None, write_csv: WriteCsv) -> None:
    result = import_files([write_csv("mystery.csv", "foo,bar\n1,2\n")])
    assert len(result.issues) == 1
    assert result.issues[0].message.startswith("the header row does not match any import table. Expected one of — ")
    assert "values: indicator, period, value" in result.issues[0].message


def test_a_binary_file_named_csv_is_rejected_by_content(db: None, tmp_path: Path) -> None:
    path = tmp_path / "values.csv"
    path.write_bytes(b"\xff\xfe\x00\x01binary")
    result = import_files([path])
    assert [i.message for i in result.issues] == [
        "this is not a UTF-8 CSV file (byte 0 cannot be read); save it from Excel as 'CSV UTF-8' or upload "
        "the .xlsx workbook"
    ]


def test_a_duplicate_row_is_reported(catalogue: list[Path], write_csv: WriteCsv) -> None:
    result = import_files([write_csv("targets.csv", "indicator,period,target\nIND-A,2011-12,85\nIND-A,2011-12,86\n")])
    assert [str(i) for i in result.issues] == ["targets.csv, row 3: repeats row 2 (indicator, period are the same)"]


def test_a_workbook_imports_by_sheet_name_and_reads_excel_percentages(catalogue: list[Path], tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "values"
    sheet.append(["indicator", "period", "value", "status"])
    sheet.append(["IND-A", "2011-12-Q2", 0.705, "validated"])
    sheet["C2"].number_format = "0.0%"
    notes = book.create_sheet("guide")
    notes.append(["anything here is ignored"])
    path = tmp_path / "upload.xlsx"
    book.save(path)
    result = import_files([path])
    assert result.ok, result.issues
    assert Observation.objects.get(period="2011-12-Q2").value == Decimal("70.5")


def test_a_workbook_sheet_with_a_wrong_column_is_reported(catalogue: list[Path], tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "targets"
    sheet.append(["indicator", "period", "targett"])
    path = tmp_path / "t.xlsx"
    book.save(path)
    result = import_files([path])
    assert [str(i) for i in result.issues] == [
        "t.xlsx, sheet 'targets', row 1: unknown column(s) targett. The columns are: indicator, period, target, note"
    ]


def test_an_oversized_file_is_refused(db: None, tmp_path: Path, settings: object) -> None:
    settings.OVERSIGHT_MAX_IMPORT_BYTES = 100  # type: ignore[attr-defined]
    path = tmp_path / "values.csv"
    path.write_text("indicator,period,value\n" + "IND-A,2011-12,1\n" * 20)
    result = import_files([path])
    assert [i.message for i in result.issues] == ["the file is 343 bytes; the limit is 100"]


def test_the_demo_imports_cleanly_and_is_idempotent(demo: LoadResult) -> None:
    assert demo.created == demo.rows
    from oversight.demo.loader import demo_load

    again = demo_load()
    assert (again.created, again.updated, again.unchanged) == (0, 0, demo.rows)
