"""A quarter signed off as a council does it: reopened with a reason, commentary written, submitted, approved, and
then locked against edits; every page without a script and clean under axe-core."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import _create, _new_page
from tests.browser.test_pages import _axe_violations

pytestmark = pytest.mark.browser

SIGNOFF = "/scorecards/strategic/2011-12-Q1/sign-off/"


@pytest.fixture
def approver(browser: Browser, site: str) -> Iterator[Page]:
    yield from _new_page(browser, site, _create("chair", "approver"))


def test_a_quarter_is_reopened_commented_submitted_approved_and_locked(approver: Page, signed_in_page: Page) -> None:
    officer = signed_in_page

    # The demo's Q1 is approved; the scorecard says so, and an approver reopens it giving a reason.
    approver.goto("/scorecards/strategic/2011-12-Q1/")
    expect(approver.locator("p.version")).to_contain_text("Approved by director on")
    approver.get_by_role("link", name="Sign-off of 2011-12 Quarter 1").click()
    approver.get_by_role("button", name="Reopen 2011-12 Quarter 1").click()
    expect(approver.locator(".error-summary")).to_contain_text("Give the reason for reopening")
    approver.get_by_label("Why it is reopened").fill("The referral figure was corrected after validation.")
    approver.get_by_role("button", name="Reopen 2011-12 Quarter 1").click()
    expect(approver.get_by_role("alert")).to_contain_text("Draft — not yet approved (reopened by chair on")
    assert not _axe_violations(approver)

    # The officer sees what blocks submission, and who owns it, and writes the missing commentary.
    officer.goto(SIGNOFF)
    missing = officer.get_by_role("region").filter(has=officer.get_by_role("table"))
    expect(missing.get_by_role("row")).to_have_count(2)  # the header and one indicator
    assert not _axe_violations(officer)
    officer.get_by_role("link", name="Referrals to children's social care going on to initial assessment").click()
    officer.get_by_label("Commentary").fill("Police referrals are now screened before they reach us.")
    officer.get_by_role("button", name="Save commentary").click()
    officer.goto(SIGNOFF)
    expect(officer.get_by_text("Every red or amber indicator has its commentary: the period can be")).to_be_visible()
    officer.get_by_role("button", name="Submit 2011-12 Quarter 1 (April–June 2011) for approval").click()
    expect(officer.get_by_role("alert")).to_contain_text("Submitted for approval by editor on")

    # The approver approves with a note; the period is locked again.
    approver.goto(SIGNOFF)
    approver.get_by_label("Note (optional)").fill("Agreed at SMT on 14 July.")
    approver.get_by_role("button", name="Approve 2011-12 Quarter 1").click()
    expect(approver.get_by_role("alert")).to_contain_text(re.compile(r"Approved by chair on .*Note: Agreed at SMT"))
    assert not _axe_violations(approver)

    # An edit to the approved quarter is refused, saying who approved it and who can reopen it.
    officer.goto("/indicators/CSC-CORE-35WD/2011-12-Q1/edit/")
    officer.get_by_label("Value", exact=True).fill("70")
    officer.get_by_role("button", name="Save").click()
    expect(officer.locator(".error-summary")).to_contain_text(
        "2011-12 Q1 on the scorecard “Children & Families Strategic Performance Scorecard” was approved by chair on"
    )
    expect(officer.locator(".error-summary")).to_contain_text("an approver can reopen it, giving a reason")
    officer.goto("/indicators/CSC-CORE-35WD/")
    expect(officer.locator("#period-2011-12-Q1 td").first).to_have_text(re.compile(r"^63\.1%"))
