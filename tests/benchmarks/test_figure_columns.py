"""Which columns of a published file are figures: from its EES metadata file when there is one, else from the
columns' content; either way a damaged cell of a figure column rejects the whole file, named by row and column,
instead of turning the column into a breakdown of hundreds of series."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from oversight.benchmarks.ees import ees_parse, figure_column
from oversight.benchmarks.importers import FileKind, Places, read_published
from oversight.benchmarks.models import PublishedSeries, PublishedValue, SourceFile
from oversight.benchmarks.services import published_import
from tests.benchmarks.test_import import D3

COLUMN = "CPP_subsequent_percent"
META = (
    "col_name,col_type,label,indicator_grouping,indicator_unit,indicator_dp,filter_hint,filter_grouping_column\n"
    "category,Filter,Category,,,,,\n"
    "CPP_start,Indicator,Child protection plans started,,,0,,\n"
    "CPP_subsequent,Indicator,Second or subsequent plans started,,,0,,\n"
    "CPP_subsequent_percent,Indicator,Percentage of plans that are a second or subsequent plan,,%,1,,\n"
)


def _damaged(folder: Path, cells: dict[int, str], name: str = "d3.csv") -> Path:
    """A copy of D3 with the given rows' (file row numbers, header = 1) CPP_subsequent_percent replaced."""
    with D3.open(encoding="utf-8-sig", newline="") as handle:
        records = list(csv.reader(handle))
    column = records[0].index(COLUMN)
    for row, text in cells.items():
        records[row - 1][column] = text
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(records)
    path = folder / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _nothing_written() -> bool:
    return not (PublishedValue.objects.exists() or PublishedSeries.objects.exists() or SourceFile.objects.exists())


@pytest.mark.django_db
def test_one_damaged_cell_rejects_the_file_naming_its_row_and_column(tmp_path: Path) -> None:
    bad = _damaged(tmp_path, {14: "12.3.4"})

    result = published_import([bad])

    assert not result.ok
    assert [str(issue) for issue in result.issues] == [
        "d3.csv, row 14, column 'CPP_subsequent_percent': '12.3.4' is neither a number nor a DfE symbol "
        "('c', 'x', 'z', 'low', 'k', 'u', ':', '~')."
    ]
    assert _nothing_written()


@pytest.mark.django_db
def test_the_metadata_file_beside_the_data_file_says_which_columns_are_figures(tmp_path: Path) -> None:
    # Damaged in more than one cell in ten: judged by content alone, the column would read as a breakdown.
    rows = range(2, 2133, 6)
    bad = _damaged(tmp_path, dict.fromkeys(rows, "12.3.4"))
    (tmp_path / "d3.meta.csv").write_text(META, encoding="utf-8")

    result = published_import([bad])

    assert [(issue.file, issue.row, issue.place) for issue in result.issues] == [
        ("d3.csv", row, COLUMN) for row in rows
    ]
    assert _nothing_written()


@pytest.mark.django_db
def test_a_metadata_file_given_with_its_data_file_gives_titles_and_units(tmp_path: Path) -> None:
    data, meta = tmp_path / "data", tmp_path / "meta"
    data.mkdir()
    meta.mkdir()
    good = _damaged(data, {})
    (meta / "d3.meta.csv").write_text(META, encoding="utf-8")

    result = published_import([good, meta / "d3.meta.csv"])

    assert result.ok, result.issues
    assert result.files == 1
    percent = PublishedSeries.objects.get(code__startswith=f"ees:{COLUMN}@")
    assert percent.title == (
        "Percentage of plans that are a second or subsequent plan "
        "(Child Protection Plans which are a second or subsequent plan)"
    )
    assert percent.units == "%"
    assert PublishedSeries.objects.count() == 3


@pytest.mark.django_db
def test_a_metadata_file_that_does_not_match_or_comes_alone_is_refused(tmp_path: Path) -> None:
    good = _damaged(tmp_path, {})
    lines = META.splitlines(keepends=True)
    (tmp_path / "d3.meta.csv").write_text(
        lines[0] + lines[1] + lines[2] + lines[4] + "CLA_rate,Indicator,Rate,,,,,\n", encoding="utf-8"
    )
    alone = tmp_path / "other.meta.csv"
    alone.write_text(META, encoding="utf-8")

    result = published_import([good, alone])

    assert [str(issue) for issue in result.issues] == [
        "other.meta.csv: is an EES metadata file, but its data file (other.csv) was not given with it; "
        "import them together.",
        "d3.csv, row 1, column 'CPP_subsequent': is not described in d3.meta.csv; the data file and its "
        "metadata file do not match.",
        "d3.csv, row 1, column 'CLA_rate': is an indicator in d3.meta.csv but not a column of this file.",
    ]
    assert _nothing_written()


def test_a_metadata_file_read_on_its_own_is_refused(tmp_path: Path) -> None:
    meta = tmp_path / "d3.meta.csv"
    meta.write_text(META, encoding="utf-8")

    read = read_published(meta, Places(set(), {}, set(), {}))

    assert read.kind is FileKind.EES_META
    assert [str(issue) for issue in read.issues] == [
        "d3.meta.csv: is an EES metadata file; import it together with its data file (the same name without .meta)."
    ]
    assert read.rows == []


@pytest.mark.parametrize(
    ("name", "cells", "figures"),
    [
        ("rate", ["1", "2.5", "c", "", "x", "3", "4", "5", "6", "7", "8", "9", "12.3.4"], True),  # 9 of 10 numbers
        ("rate", ["1", "2", "3", "4", "5", "6", "7", "8", "12.3.4", "n/a"], False),  # 8 of 10
        ("category", ["Boys", "Girls", "Total"], False),
        ("rate", ["c", "z", ""], False),  # no number at all
        ("school_urn", ["100000", "100001"], False),  # digits, but an identifier
        ("time_period", ["2025"], False),
        ("number", ["00:10", "01:10", "2160"], False),  # durations are text unless asked for
    ],
)
def test_a_column_is_figures_when_nine_in_ten_of_its_other_cells_are_numbers(
    name: str, cells: list[str], figures: bool
) -> None:
    assert figure_column(name, cells) is figures


def test_without_metadata_a_damaged_cell_is_reported_and_the_column_stays_figures() -> None:
    head = "time_period,time_identifier,geographic_level,country_code,country_name,category,rate\n"
    body = "".join(f"2025,Reporting year,National,E92000001,England,All,{value}\n" for value in range(1, 11))

    file = ees_parse(head + body.replace(",7\n", ",7..1\n"), source="inline.csv")

    assert file.indicator_columns == ("rate",)
    assert file.filter_columns == ("category",)
    assert [(issue.row, issue.place, issue.message[:31]) for issue in file.issues] == [
        (8, "rate", "'7..1' is neither a number nor ")
    ]
