"""The improvement plan's remaining forms as their users fill them: evidence for the matrix, a board's decision,
and a plan workbook uploaded through the page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import _create, _new_page
from tests.browser.test_pages import _axe_violations
from tests.conftest import DATA

pytestmark = pytest.mark.browser

R8 = "/plans/cheshire-east-2011/recommendations/8/"


@pytest.fixture
def approver_page(browser: Browser, site: str) -> Iterator[Page]:
    yield from _new_page(browser, site, _create("chair", "approver"))


def _date(page: Page, group: str, day: str, month: str, year: str) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(day)
    fields.get_by_label("Month").fill(month)
    fields.get_by_label("Year").fill(year)


def test_an_officer_adds_evidence_to_the_matrix(signed_in_page: Page) -> None:
    page = signed_in_page
    page.goto(R8)
    page.get_by_role("link", name="Add evidence to the matrix").click()
    page.get_by_label("Evidence required").fill("Themed audit of core assessments")
    page.get_by_label("Board", exact=True).fill("LSCB")
    _date(page, "To be presented on (optional)", "15", "3", "2012")
    assert not _axe_violations(page)
    page.get_by_role("button").filter(has_text=re.compile("Add|Save")).first.click()

    expect(page).to_have_url(re.compile(re.escape(R8)))
    row = page.get_by_role("row").filter(has_text="Themed audit of core assessments")
    expect(row).to_contain_text("LSCB")
    expect(row).to_contain_text("15 March 2012")


def test_an_approver_signs_a_recommendation_off(approver_page: Page) -> None:
    page = approver_page
    page.goto(R8)
    page.get_by_role("link", name="Record a board decision").click()
    page.get_by_label("Board", exact=True).fill("Improvement Board")
    _date(page, "Date of the decision", "30", "9", "2013")
    page.get_by_label("Signed off").check()
    assert not _axe_violations(page)
    page.get_by_role("button").filter(has_text=re.compile("Record|Save")).first.click()

    expect(page).to_have_url(re.compile(re.escape(R8)))
    expect(page.get_by_text("Signed off", exact=False).first).to_be_visible()
    expect(page.get_by_role("link", name="Record a board decision")).to_have_count(0)  # closed now


def test_an_officer_uploads_a_plan_workbook_and_lands_on_the_new_plan(signed_in_page: Page) -> None:
    page = signed_in_page
    page.goto("/plans/import/")
    page.get_by_label("Action plan workbook").set_input_files(str(DATA / "improvement" / "action_plan_2011.xlsx"))
    page.get_by_label("Short name for the new plan").fill("uploaded-2011")
    page.get_by_label("Where the recommendations come from").select_option(index=1)
    page.get_by_role("button", name="Import").click()

    expect(page).to_have_url(re.compile(r"/plans/uploaded-2011/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text(re.compile(r"\d+ recommendations?")).first).to_be_visible()
    assert not _axe_violations(page)


def test_a_reader_shows_a_plan_as_at_another_date(page: Page) -> None:
    page.goto("/plans/cheshire-east-2011/")
    _date(page, "Show the plan as at", "1", "2", "2012")
    page.get_by_role("button", name="Show").click()

    expect(page).to_have_url(re.compile(r"on_0=1&on_1=2&on_2=2012"))
    expect(page.locator(".as-at")).to_contain_text("As at 1 February 2012")
    expect(page.get_by_role("group", name="Show the plan as at").get_by_label("Year")).to_have_value("2012")
