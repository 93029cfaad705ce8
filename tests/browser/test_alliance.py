"""The alliance side by side in a real browser: the host council's analyst chooses a measure and a period in the
form, without JavaScript, and reads each member council's approved figure, its rank and the alliance's pooled figure;
the page passes axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import PASSWORD, _new_page
from .test_pages import _axe_violations

pytestmark = pytest.mark.browser

ANALYST = "alliance-analyst"


@pytest.fixture
def alliance_site(site: str, tmp_path: Path, settings: Any) -> str:
    """The demo's two synthetic councils, computed onto their scorecards with their quarter approved, and the host
    council's analyst."""
    from oversight.accounts.roles import Role
    from oversight.accounts.services import user_create
    from oversight.demo.casework import demo_casework_load
    from oversight.demo.loader import DEMO_HOST

    settings.OVERSIGHT_CASEWORK_STORE = tmp_path / "casework.duckdb"
    demo_casework_load(settings.OVERSIGHT_CASEWORK_STORE)
    user_create(username=ANALYST, password=PASSWORD, roles={Role.READER}, councils=[DEMO_HOST])
    return site


@pytest.fixture
def analyst_without_js(browser: Browser, alliance_site: str) -> Iterator[Page]:
    yield from _new_page(browser, alliance_site, ANALYST, java_script_enabled=False)


def _cells(page: Page, row: int) -> list[str]:
    return [text.strip() for text in page.locator("#alliance-table tr").nth(row).locator("th, td").all_inner_texts()]


def test_an_analyst_chooses_a_measure_and_period_and_reads_the_members_side_by_side(
    analyst_without_js: Page, browser: Browser, alliance_site: str
) -> None:
    page = analyst_without_js
    page.goto("/casework/measures/")
    page.get_by_role("link", name="Set the alliance's member councils side by side on a measure").click()
    page.get_by_label("Measure").select_option(
        label="Children looked after with three or more placements during the period"
    )
    page.get_by_label("Period").select_option(label="2011-12 Quarter 1 (April–June 2011)")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Children looked after with three or more placements during the period, 2011-12 Quarter 1 (April–June 2011)"
    )
    expect(page.get_by_text("The alliance: 3 member councils")).to_have_text(
        "The alliance: 3 member councils (Cheshire East (E06000049), Z99000001, Z99000002)"
    )
    host, first, second, alliance = _cells(page, 1), _cells(page, 2), _cells(page, 3), _cells(page, 4)
    assert host[0].startswith("Cheshire East (E06000049)")  # the host council: its returns are not in the demo
    assert host[1:] == [
        "–",
        "–",
        "–",
        "Not ranked",
        "Not loaded: no figure computed from this council's returns for the period.",
    ]
    source = "Source: casework measure cla_three_plus_placements v1"
    assert first[0].startswith("Z99000001")  # the demo's invented councils have no name but their code
    assert first[1:] == [f"0%\n{source}", "0 of 68", "Provisional", "1st of 2", "–"]
    assert second[0].startswith("Z99000002")
    assert second[1:] == [f"3%\n{source}", "3 of 104", "Provisional", "2nd of 2", "–"]
    assert alliance[0].startswith("Alliance (2 members)")
    assert alliance[1:] == ["2%", "3 of 172", "–", "–", "–"]
    href = page.get_by_role("link", name="Download this table as CSV").get_attribute("href")
    assert href == "/casework/alliance/export.csv?measure=cla_three_plus_placements&period=2011-12-Q1"
    url = page.url
    for new in _new_page(browser, alliance_site, ANALYST, then=url):  # with JavaScript, as most readers have it
        expect(new.locator("#alliance-table")).to_be_visible()
        assert not _axe_violations(new)
