"""A small file cannot write a large amount: free text has length limits, and oversized requests are refused."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.test import Client
from openpyxl import Workbook

from oversight.performance.models import Observation
from oversight.performance.services import LoadResult, import_files

CORE = "CSC-CORE-35WD"


def test_a_note_longer_than_its_limit_is_refused_with_its_row_and_column(
    demo: LoadResult, write_csv: Callable[[str, str], Path]
) -> None:
    note = "x" * 1001
    result = import_files([write_csv("values.csv", f"indicator,period,value,note\n{CORE},2011-12-Q3,70,{note}\n")])

    assert [str(issue) for issue in result.issues] == [
        "values.csv, row 2, column 'note': is 1001 characters long; at most 1000 are allowed"
    ]
    assert not Observation.objects.filter(period="2011-12-Q3").exists()


def test_a_small_workbook_holding_a_huge_note_writes_nothing(demo: LoadResult, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "values"
    sheet.append(["indicator", "period", "value", "note"])
    sheet.append([CORE, "2011-12-Q3", 70, "a note repeated " * 500_000])  # openpyxl keeps Excel's 32,767 characters
    path = tmp_path / "values.xlsx"
    book.save(path)
    assert path.stat().st_size < 200_000

    result = import_files([path])

    assert [str(issue) for issue in result.issues] == [
        "values.xlsx, row 2, column 'note': is 32767 characters long; at most 4000 are allowed in any cell"
    ]
    assert not Observation.objects.filter(period="2011-12-Q3").exists()


def test_commentary_longer_than_its_limit_is_refused_by_the_form(demo: LoadResult, officer_client: Client) -> None:
    response = officer_client.post(f"/indicators/{CORE}/2011-12-Q1/commentary/", {"text": "y" * 4001})
    assert response.status_code == 200
    assert "Ensure this value has at most 4000 characters (it has 4001)." in response.content.decode()


def test_a_request_larger_than_the_limit_is_refused_before_it_is_read(officer_client: Client) -> None:
    too_large = str(settings.OVERSIGHT_MAX_REQUEST_BYTES + 1)
    response = officer_client.post(
        "/import/", data=io.BytesIO(b"x"), content_type="text/plain", CONTENT_LENGTH=too_large
    )
    assert response.status_code == 413
    assert "oversight accepts at most 50 MB in one go. Nothing was saved" in response.content.decode()


def test_a_small_workbook_repeating_one_long_text_in_every_row_is_refused_as_it_is_read(
    demo: LoadResult, tmp_path: Path
) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("values")
    sheet.append(["indicator", "period", "value", "note"])
    note = "n" * 1000  # stored once in the workbook's shared strings, however many rows repeat it
    for month in range(1, 13):
        for year in range(1000, 2000):
            sheet.append([CORE, f"{year}-M{month:02d}", 70, note])
    path = tmp_path / "values.xlsx"
    book.save(path)

    result = import_files([path])

    assert len(result.issues) == 1
    assert "the workbook holds more than 10,485,760 characters of text by here; split it" in str(result.issues[0])
    row = result.issues[0].row
    assert row is not None
    assert row < 12_000  # refused part way through, not after reading every row
