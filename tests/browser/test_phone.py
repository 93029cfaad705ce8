"""The scorecard on a phone (390 pixels wide): stacked, nothing to scroll sideways, the rating in view."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_pages import _axe_violations

pytestmark = pytest.mark.browser

SCORECARD = "/scorecards/strategic/2011-12-Q1/"


def test_on_a_phone_each_indicator_shows_its_actual_target_and_rating_without_scrolling_sideways(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(SCORECARD)

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    row = page.locator('tr[id="CSC-CORE-35WD"]')
    rating = row.locator(".col-rag")
    expect(rating).to_contain_text("Red")
    box = rating.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    # actual, target and rating come first, each named, before the outturns and comparators
    tops = {
        name: row.locator(f".col-{name}").bounding_box()["y"] for name in ("actual", "period-target", "rag", "outturns")
    }  # type: ignore[index]
    assert tops["actual"] < tops["period-target"] < tops["rag"] < tops["outturns"]
    label = page.evaluate("getComputedStyle(document.querySelector('#CSC-CORE-35WD .col-actual'), '::before').content")
    assert label == '"2011-12 Q1 actual: "'
    assert not _axe_violations(page)


def test_on_a_wide_screen_the_scorecard_is_a_table(page: Page) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(SCORECARD)
    header = page.get_by_role("columnheader", name="Rating and why").first
    expect(header).to_be_visible()


def test_the_compact_view_shows_the_rating_and_leaves_the_working_columns_a_click_away(page: Page) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(SCORECARD)
    page.get_by_role("link", name="Compact view").click()

    row = page.locator('tr[id="CSC-CORE-35WD"]')
    expect(row.locator(".col-rag")).to_contain_text("Red")
    expect(row.locator(".col-actual")).to_be_visible()
    expect(row.locator(".col-commentary")).to_be_hidden()
    expect(row.locator(".col-rag .reason")).to_be_hidden()
    assert not _axe_violations(page)
    page.get_by_role("link", name="Show the full scorecard").click()
    expect(row.locator(".col-commentary")).to_be_visible()
