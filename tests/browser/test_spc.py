"""The indicator page's "Is this a real change?" in a real browser: the control chart of the synthetic council's
monthly starts, its figures as a table, its signals and projection in words; axe-core finds nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from .conftest import _new_page
from .test_pages import _axe_violations

pytestmark = pytest.mark.browser


def test_the_control_chart_its_table_and_words_pass_axe(browser: Browser, casework_site: str, reader: str) -> None:
    for page in _new_page(browser, casework_site, reader):
        page.goto("/indicators/SYN-CLA-STARTS/")
        expect(page.get_by_role("heading", name="Is this a real change?")).to_be_visible()
        chart = page.get_by_role("img", name="Children who started to be looked after: control chart of its months")
        expect(chart).to_be_visible()
        table = page.get_by_role("table", name="Control chart figures: months")
        expect(table.get_by_role("columnheader")).to_have_text(
            ["Period", "Value", "Lower limit", "Centre line", "Upper limit", "Part of a signal"]
        )
        expect(table.locator("tbody tr")).to_have_count(21)
        expect(table.locator("tbody tr").first.locator("th")).to_have_text("Apr 2010")
        expect(page.get_by_text("An XmR chart of 21 points")).to_be_visible()
        expect(page.get_by_text("No signals: the months vary within their limits")).to_be_visible()
        expect(page.get_by_text("Projected year end:")).to_be_visible()
        expect(page.get_by_text("A projection is not a rating.")).to_be_visible()
        violations = _axe_violations(page)
        assert not violations, "\n".join(violations)

        page.goto("/indicators/SYN-NI66/")
        expect(page.get_by_text("12 points are needed for control limits; this series has 1,")).to_be_visible()
        assert not _axe_violations(page)
