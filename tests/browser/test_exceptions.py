"""The exception report as a councillor reaches it: from the scorecard, without a script, clean under axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_pages import _axe_violations

pytestmark = pytest.mark.browser


def test_a_councillor_opens_the_exception_report_from_the_scorecard(page: Page) -> None:
    page.goto("/scorecards/strategic/2011-12-Q1/")
    page.get_by_role("link", name="Exception report").click()
    expect(page.get_by_role("heading", name="Exception report", level=1)).to_be_visible()
    contents = page.get_by_role("navigation", name="Contents").get_by_role("listitem")
    expect(contents).to_have_count(8)
    neet = page.get_by_role("region", name="16-18 year olds not in education, employment or training (NEET) NEET-16-18")
    expect(neet.get_by_role("table", name="by ward")).to_be_visible()
    expect(neet.get_by_role("table", name="by age")).to_be_visible()
    core = page.get_by_role("region", name="Core assessments", exact=False)
    expect(core.get_by_role("table", name="Actions linked to")).to_contain_text("R8.1")
    assert not _axe_violations(page)
