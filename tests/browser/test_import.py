"""Importing from the browser as a performance officer would: choose files, upload, read the outcome."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_pages import _axe_violations

pytestmark = pytest.mark.browser


def _upload(page: Page, *files: Path) -> None:
    page.goto("/glossary/")
    page.get_by_role("link", name="Import data").click()
    expect(page.get_by_role("heading", name="Import data", level=1)).to_be_visible()
    page.get_by_label("Files to import").set_input_files([str(file) for file in files])
    page.get_by_role("button", name="Import", exact=True).click()


def test_an_officer_imports_a_quarters_value_and_sees_it_on_the_indicator_page(
    signed_in_page: Page, tmp_path: Path
) -> None:
    page = signed_in_page
    values = tmp_path / "values.csv"
    values.write_text("indicator,period,value\nCSC-CORE-35WD,2011-12-Q2,71.5\n", encoding="utf-8")

    _upload(page, values)

    status = page.get_by_role("status")
    expect(status.get_by_role("heading", name="Imported")).to_be_visible()
    expect(status).to_contain_text("1 row from 1 file: 1 new, 0 updated, 0 unchanged.")
    assert not _axe_violations(page)

    page.goto("/indicators/CSC-CORE-35WD/")
    quarter = (
        page.get_by_role("region", name="Quarters")
        .get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name="2011-12 Quarter 2"))
    )
    expect(quarter.get_by_role("cell").first).to_have_text(re.compile(r"^71\.5%"))


def test_a_file_with_a_problem_is_refused_whole_and_the_problem_named_by_row_and_column(
    signed_in_page: Page, tmp_path: Path
) -> None:
    page = signed_in_page
    good = tmp_path / "targets.csv"
    good.write_text("indicator,period,value\nCSC-CORE-35WD,2011-12-Q3,72\n", encoding="utf-8")
    bad = tmp_path / "values.csv"
    bad.write_text("indicator,period,value\nCSC-CORE-35WD,2011-12-Q3,sixty\n", encoding="utf-8")

    _upload(page, good, bad)

    alert = page.get_by_role("alert")
    expect(alert.get_by_role("heading")).to_have_text("Nothing was imported: 1 problem to fix")
    row = alert.get_by_role("row").filter(has_text="sixty")
    expect(row.get_by_role("cell")).to_have_text(["values.csv", "2", "value", re.compile("'sixty' is not a number")])
    assert not _axe_violations(page)

    page.goto("/indicators/CSC-CORE-35WD/")
    expect(page.get_by_role("rowheader", name="2011-12 Quarter 3")).to_have_count(0)


def test_a_percentage_given_as_a_fraction_is_queried_then_confirmed_and_rated(
    signed_in_page: Page, tmp_path: Path
) -> None:
    page = signed_in_page
    values = tmp_path / "values.csv"
    values.write_text("indicator,period,value\nCSC-CORE-35WD,2011-12-Q2,0.71\n", encoding="utf-8")

    _upload(page, values)

    alert = page.get_by_role("alert")
    expect(alert.get_by_role("heading")).to_have_text("Nothing was imported: 1 problem to fix")
    row = alert.get_by_role("row").filter(has_text="0.71")
    expect(row.get_by_role("cell")).to_have_text(
        ["values.csv", "2", "value", re.compile(r"looks like a fraction of 1.*write 71 for 71%.*confirmed column")]
    )
    assert not _axe_violations(page)

    values.write_text("indicator,period,value,confirmed\nCSC-CORE-35WD,2011-12-Q2,0.71,yes\n", encoding="utf-8")
    _upload(page, values)
    expect(page.get_by_role("status")).to_contain_text("1 row from 1 file: 1 new")
    page.goto("/scorecards/strategic/2011-12-Q2/")
    expect(page.locator("tr#CSC-CORE-35WD p.reason").first).to_have_text(
        "Red: 0.7% is 84.3 points below the annual target of at least 85% (amber within 5 points)."
    )
