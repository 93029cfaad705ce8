"""An indicator's owner writes commentary as they would: from the indicator page, back to the row saved."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import _create, _new_page
from tests.browser.test_pages import _axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def owner_page(browser: Browser, site: str, q1_reopened: None) -> Iterator[Page]:
    from django.contrib.auth.models import User

    from oversight.performance.models import Indicator

    name = _create("sam", "owner")
    Indicator.objects.filter(code="CSC-CORE-35WD").update(owner_user=User.objects.get(username=name))
    yield from _new_page(browser, site, name)


def test_an_owner_saves_commentary_and_is_returned_to_the_row_with_a_confirmation(owner_page: Page) -> None:
    page = owner_page
    page.goto("/indicators/CSC-CORE-35WD/")
    page.get_by_role("link", name="Commentary for 2011-12 Quarter 1").click()

    page.get_by_label("Commentary").fill("Two teams short of staff in June; agency cover from July.")
    page.get_by_role("button", name="Save commentary").click()

    expect(page).to_have_url(re.compile(r"/indicators/CSC-CORE-35WD/#period-2011-12-Q1$"))
    banner = page.get_by_role("alert")
    expect(banner.get_by_role("heading", name="Success")).to_be_visible()
    expect(banner).to_contain_text("Commentary for 2011-12 Quarter 1 (April–June 2011) saved.")
    expect(
        page.get_by_role("article").get_by_text("Two teams short of staff in June; agency cover from July.")
    ).to_be_visible()
    assert not _axe_violations(page)
    page.reload()
    expect(page.get_by_role("alert")).to_have_count(0)  # said once
