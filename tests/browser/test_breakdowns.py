"""A breakdowns file uploaded through the import page, then read on the indicator page as tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_import import _upload
from tests.browser.test_pages import _axe_violations

pytestmark = pytest.mark.browser

CAPTION = (
    "16-18 year olds not in education, employment or training (NEET), 2011-12 Quarter 2 (July–September 2011): by sex"
)


def test_an_officer_uploads_a_breakdown_and_sees_its_table_on_the_indicator_page(
    signed_in_page: Page, tmp_path: Path
) -> None:
    page = signed_in_page
    breakdowns = tmp_path / "breakdowns.csv"
    breakdowns.write_text(
        "indicator,period,dimension,category,value,numerator,denominator\n"
        "NEET-16-18,2011-12-Q2,sex,Female,5.5,352,6400\n"
        "NEET-16-18,2011-12-Q2,sex,Male,7,441,6300\n",
        encoding="utf-8",
    )

    _upload(page, breakdowns)

    status = page.get_by_role("status")
    expect(status.get_by_role("heading", name="Imported")).to_be_visible()
    expect(status).to_contain_text("2 rows from 1 file: 2 new, 0 updated, 0 unchanged.")

    page.goto("/indicators/NEET-16-18/")
    table = page.get_by_role("region", name=CAPTION).get_by_role("table", name=CAPTION)
    expect(table.get_by_role("columnheader")).to_have_text(["Sex", "Value", "Numerator", "Denominator", "Note"])
    male = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Male", exact=True))
    expect(male.get_by_role("cell")).to_have_text(["7%", "441", "6,300", ""])
    assert not _axe_violations(page)


def test_on_a_phone_the_neet_ward_table_scrolls_inside_its_own_region(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/indicators/NEET-16-18/?for=publication")
    caption = (
        "16-18 year olds not in education, employment or training (NEET), 2011-12 Quarter 1 (April–June 2011): by ward"
    )
    region = page.get_by_role("region", name=caption)
    expect(region.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Crewe North"))).to_have_text(
        "Crewe North11.5%21182"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert region.evaluate("element => getComputedStyle(element).overflowX") == "auto"
    assert not _axe_violations(page)
