"""The benchmark page in a real browser: both charts drawn, the tables there, and no axe-core violations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.benchmarks.test_import import D3
from tests.browser.test_pages import _axe_violations

pytestmark = pytest.mark.browser

PAGE = "/benchmarks/indicators/CP-REPEAT/"


@pytest.fixture
def linked(demo_live: None) -> None:
    """Repeat child protection plans linked to DfE's published figures for Cheshire East (before the browser)."""
    from oversight.benchmarks.models import LocalAuthority, PublishedSeries
    from oversight.benchmarks.services import indicator_link_save, published_import
    from oversight.performance.models import Indicator

    assert published_import([D3]).ok
    indicator_link_save(
        indicator=Indicator.objects.get(code="CP-REPEAT"),
        series=PublishedSeries.objects.get(code__startswith="ees:CPP_subsequent_percent@"),
        authority=LocalAuthority.objects.get(number="895"),
    )


def test_the_benchmark_page_draws_its_charts_and_tables_and_passes_axe(linked: None, page: Page) -> None:
    page.goto(PAGE)
    expect(page.get_by_role("heading", level=1)).to_contain_text("compares with other councils")

    charts = page.locator("figure.chart svg[role=img]")
    expect(charts).to_have_count(2)
    expect(charts.first).to_be_visible()
    assert charts.first.bounding_box()["height"] > 200  # type: ignore[index]
    assert "Funnel plot" in (charts.nth(1).get_attribute("aria-label") or "")

    table = page.locator("table.comparators")
    expect(table.locator("tbody tr")).to_have_count(13)  # the council, its region, England and 10 neighbours
    council = table.locator("tr.council")
    expect(council.locator("th")).to_contain_text("Cheshire East")
    expect(council.locator("strong").first).to_have_text("24.7%")
    expect(council).to_contain_text("Bold: moving against the intended direction.")
    expect(page.locator("#position")).to_contain_text("5th of 11 (1st is best)")

    page.locator("details.explain summary").click()
    expect(page.get_by_role("region", name="Funnel plot figures")).to_be_visible()

    violations = _axe_violations(page)
    assert not violations, f"axe-core found {len(violations)} violation(s) on {PAGE}:\n" + "\n".join(violations)


@pytest.mark.parametrize("path", ["/benchmarks/", "/benchmarks/indicators/NEET-16-18/"], ids=["home", "appendix-d"])
def test_the_other_benchmarking_pages_pass_axe(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.ok, f"{path} answered {response.status}"
    violations = _axe_violations(page)
    assert not violations, f"axe-core found {len(violations)} violation(s) on {path}:\n" + "\n".join(violations)


def test_an_officer_links_an_indicator_through_the_form(signed_in_page: Page) -> None:
    page = signed_in_page
    page.goto("/benchmarks/indicators/NEET-16-18/link/")
    assert not _axe_violations(page)
    page.get_by_label("Remove the link and its comparators").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/benchmarks/indicators/NEET-16-18/")
    expect(page.locator("main")).to_contain_text("not linked to a published measure")

    # The unlinking is recorded with what was linked, on this page and in the indicator's change history.
    linked = "appendix-d:neet for Cheshire East, compared with “Appendix D neighbours, 2011”"
    history = page.get_by_role("region", name="Changes to the link")
    unlinked = history.get_by_role("row").filter(has_text="Not linked").first
    expect(unlinked.get_by_role("cell")).to_have_text([re.compile(r"\d"), "editor", linked, "Not linked", "web form"])
    assert not _axe_violations(page)
    page.goto("/indicators/NEET-16-18/")
    changes = page.get_by_role("region", name="Change history")
    expect(changes.get_by_role("row").filter(has_text=linked).first.get_by_role("cell").nth(2)).to_have_text(
        "benchmark measure"
    )


def test_a_damaged_published_file_is_refused_on_the_upload_page_naming_the_cell(
    signed_in_page: Page, tmp_path: Path
) -> None:
    page = signed_in_page
    lines = D3.read_text(encoding="utf-8-sig").splitlines()
    lines[13] = lines[13].removesuffix("21.2") + "12.3.4"
    damaged = tmp_path / "d3.csv"
    damaged.write_text("\n".join(lines) + "\n", encoding="utf-8")

    page.goto("/benchmarks/")
    page.get_by_role("link", name="Import published figures").click()
    expect(page.get_by_role("heading", name="Import published figures", level=1)).to_be_visible()
    page.get_by_label("Published files").set_input_files([str(damaged)])
    page.get_by_role("button", name="Import", exact=True).click()

    alert = page.get_by_role("alert")
    expect(alert.get_by_role("heading")).to_have_text("Nothing was imported: 1 problem to fix")
    row = alert.get_by_role("row").filter(has_text="12.3.4")
    expect(row.get_by_role("cell")).to_have_text(
        ["d3.csv", "14", "CPP_subsequent_percent", re.compile(r"^'12\.3\.4' is neither a number nor a DfE symbol")]
    )
    assert not _axe_violations(page)

    page.get_by_label("Published files").set_input_files([str(D3)])
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("6396 published figures from 1 file: 6396 new")
