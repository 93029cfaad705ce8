"""A clerk keeps the scrutiny committee's business through its pages: a work programme item and a resolution added
through the forms, then seen on the committee's page; an item's report edited, and the pack built with it; every
page visited is axe-clean."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from docx import Document
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import _create, _new_page
from tests.browser.test_pages import _axe_violations

pytestmark = pytest.mark.browser

BODY = "/committees/scrutiny/"


@pytest.fixture
def clerk_page(browser: Browser, site: str) -> Iterator[Page]:
    yield from _new_page(browser, site, _create("clerk", "clerk"), then="/committees/")


def test_a_clerk_adds_a_work_programme_item_and_a_resolution(clerk_page: Page) -> None:
    page = clerk_page
    assert not _axe_violations(page)
    page.get_by_role("link", name="Children and Families Scrutiny Committee").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Children and Families Scrutiny Committee")
    expect(page.get_by_text("Overdue").first).to_be_visible()  # 82(c), due in February 2012
    assert not _axe_violations(page)

    page.get_by_role("link", name="Add to the work programme").click()
    page.get_by_label("Topic").fill("Fostering Inspection")
    page.get_by_label("Purpose and key issues").fill("Members to be briefed on the inspection's findings")
    page.get_by_label("Origin").fill("Possible future item, September 2011")
    page.get_by_label("Planned meeting").select_option(label="13 December 2011")
    page.get_by_label("Status").select_option(label="On track")
    assert not _axe_violations(page)
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(f"{page.url.split('/committees/')[0]}{BODY}")
    row = page.get_by_role("row").filter(has_text="Fostering Inspection")
    expect(row).to_contain_text("13 Dec 2011")
    expect(row).to_contain_text("On track")

    page.get_by_role("link", name="Tuesday 20 September 2011").click()
    expect(page.get_by_text("Summary of Schools Performance 2010-11")).to_be_visible()
    assert not _axe_violations(page)
    page.get_by_role("link", name="Record a resolution").click()
    page.get_by_label("Minute number").fill("95")
    page.get_by_label("Resolved").fill("That the Fostering Inspection report be brought to the Committee.")
    page.get_by_label("Owner").fill("Head of Service, Cared for Children")
    page.get_by_label("Due at").select_option(label="13 December 2011")
    assert not _axe_violations(page)
    page.get_by_role("button", name="Save").click()
    row = page.get_by_role("row").filter(has_text="That the Fostering Inspection report")
    expect(row).to_contain_text("Head of Service, Cared for Children")
    expect(row).to_contain_text("Overdue")
    assert not _axe_violations(page)

    # The clerk edits item 7's report: a section's words and the appendices it carries.
    page.goto("/committees/scrutiny/meetings/2011-09-20/")
    assert not _axe_violations(page)
    page.get_by_role("link", name="Edit the report and appendices for item 7").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("The report for item 7")
    assert not _axe_violations(page)
    page.get_by_label("2. Decision requested").fill(
        "That the Committee note the Quarter 1 scorecard and its exceptions."
    )
    page.get_by_label("Three-year trends").uncheck()
    page.get_by_label("The action plan").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved the report for item 7.")).to_be_visible()
    assert not _axe_violations(page)

    # The clerk builds the meeting's pack from its page and downloads it: the Word file opens with its sections.
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("link", name="Download the pack (Word)").click()
    assert download.value.suggested_filename == "oversight-scrutiny-2011-09-20-pack.docx"
    document = Document(download.value.path())
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert "1. Report summary" in headings
    assert any(text.startswith("Appendix A: Children & Families Strategic Performance Scorecard") for text in headings)
    assert "That the Committee note the Quarter 1 scorecard and its exceptions." in [
        p.text for p in document.paragraphs
    ]
    appendices = [text.split(":")[0] for text in headings if text.startswith("Appendix")]
    assert appendices == [f"Appendix {letter}" for letter in "ABCDE"]  # trends and the action plan dropped
    # The PDF and its appendices are built on request: on a busy machine, longer than a page is given to load.
    with page.expect_download(timeout=90_000) as download:
        page.get_by_role("link", name="download the pack (PDF)").click()
    assert download.value.suggested_filename.endswith("-pack.pdf")
