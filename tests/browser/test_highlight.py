"""A service manager revises a slipped recommendation's due date and sees "Revised to …" on the plan on a page,
then opens the plan's highlight report and downloads it as Word and PDF; every page visited is axe-clean."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from docx import Document
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import _create, _new_page
from tests.browser.test_board_forms import _date
from tests.browser.test_pages import _axe_violations

pytestmark = pytest.mark.browser

RECOMMENDATION = "/plans/cheshire-east-2013/recommendations/5/"


@pytest.fixture
def manager_page(browser: Browser, site: str) -> Iterator[Page]:
    yield from _new_page(browser, site, _create("manager", "approver"), then=RECOMMENDATION)


def test_a_service_manager_revises_a_due_date_then_downloads_the_highlight_report(manager_page: Page) -> None:
    page = manager_page
    assert not _axe_violations(page)
    page.get_by_role("link", name="Revise the due date").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revise the due date")
    assert not _axe_violations(page)
    page.get_by_role("button", name="Save the revised date").click()  # nothing filled in: the errors say what
    expect(page.locator(".error-summary, [role=alert]").first).to_be_visible()
    assert not _axe_violations(page)
    _date(page, "Revised due date", "31", "10", "2013")
    page.get_by_label("Why the date moved").fill("The improvement notice's requirements arrived late in August")
    page.get_by_label("Agreed by").fill("Improvement Board")
    _date(page, "Date it was agreed", "2", "9", "2013")
    page.get_by_role("button", name="Save the revised date").click()
    expect(page.get_by_text("The improvement notice's requirements arrived late in August")).to_be_visible()
    expect(page.get_by_text("Revised to 31 Oct 2013").first).to_be_visible()
    assert not _axe_violations(page)

    page.get_by_role("link", name="Improvement plan 2013").first.click()
    row = page.get_by_role("row").filter(has_text="R5")
    expect(row.locator("td.slip")).to_have_text("Revised to 31 Oct 2013")
    expect(row).not_to_contain_text("On track")
    assert not _axe_violations(page)

    page.get_by_role("link", name="2 September 2013").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Director of Children's Services Highlight Report")
    expect(page.get_by_role("heading", name="Key challenges and risks")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="R5")).to_contain_text("Revised to 31 Oct 2013")
    assert not _axe_violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Word").click()
    assert download.value.suggested_filename == "oversight-cheshire-east-2013-highlight-2013-09-02.docx"
    document = Document(download.value.path())
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert "Key highlights" in headings
    assert "Target tracker" in headings
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.goto("/highlight-reports/")
    assert not _axe_violations(page)


@pytest.mark.parametrize(
    "path", ["/highlight-reports/new/", "/highlight-reports/cheshire-east-2013/2013-09-02/add/"], ids=["new", "add"]
)
def test_the_highlight_report_forms_pass_axe(signed_in_page: Page, path: str) -> None:
    signed_in_page.goto(path)
    expect(signed_in_page.get_by_role("heading", level=1)).to_be_visible()
    assert not _axe_violations(signed_in_page)
