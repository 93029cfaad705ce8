"""The admin site as an administrator meets it: linked from every page, styled, its names in plain English."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Response, expect

from tests.browser.conftest import _create, _new_page, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_page(browser: Browser, site: str) -> Iterator[Page]:
    for new in _new_page(browser, site):
        yield sign_in(new, _create("administrator", "administrator"))


def test_an_administrator_opens_a_styled_admin_site_from_the_menu(admin_page: Page) -> None:
    page = admin_page
    failed: list[str] = []

    def answered(response: Response) -> None:
        if response.status >= 400:
            failed.append(response.url)

    page.on("response", answered)
    try:
        page.get_by_role("link", name="Administration").click()
    finally:
        page.remove_listener("response", answered)

    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    assert not failed, f"these requests failed: {failed}"
    # The admin's own stylesheet is applied: its header is coloured, not the browser's default white.
    header = page.evaluate("getComputedStyle(document.querySelector('#header')).backgroundColor")
    assert header not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    expect(page.get_by_role("link", name="Import batches")).to_be_visible()


def test_a_reader_has_no_administration_link(page: Page) -> None:
    page.goto("/glossary/")
    expect(page.get_by_role("link", name="Administration")).to_have_count(0)


def test_an_administrator_filters_the_audit_trail_to_sign_ins(admin_page: Page) -> None:
    page = admin_page
    page.get_by_role("link", name="Audit trail").click()
    page.get_by_label("Show").select_option(label="Sign-ins")
    page.get_by_role("button", name="Show").click()

    expect(page).to_have_url(re.compile(r"/audit/\?type=session"))
    rows = page.get_by_role("row")
    expect(rows.nth(1)).to_contain_text("sign in")
    expect(page.get_by_role("cell", name="user", exact=False)).to_have_count(0)
