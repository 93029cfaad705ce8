"""Improvement plans in a real browser: plan on a page and a recommendation render, pass axe-core, and plan on a
page prints on exactly one A4 sheet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_pages import _axe_violations
from tests.performance.test_export_pdf import _pages, _run

pytestmark = pytest.mark.browser

PLAN = "/plans/cheshire-east-2011/?on=2012-02-01"
RECOMMENDATION = "/plans/cheshire-east-2011/recommendations/2/?on=2012-02-01"


def test_plan_on_a_page_shows_each_recommendation_with_its_rag_in_words(page: Page) -> None:
    page.goto(PLAN)
    expect(page.get_by_role("heading", level=1)).to_have_text("Announced Inspection Action Plan (v1) Draft")
    expect(page.get_by_role("heading", name="Safeguarding Children & Young people")).to_be_visible()
    rows = page.locator("table.plan-table tbody tr")
    expect(rows).to_have_count(23)
    sustained = rows.nth(7)
    expect(sustained.locator("strong.tag")).to_have_text("Not rated")
    expect(sustained.locator("td.slip")).to_have_text("Past due; No recent update")


def test_a_recommendation_shows_its_timeline(page: Page) -> None:
    page.goto(RECOMMENDATION)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ensure that visits to children are clearly recorded")
    entries = page.locator("ol.timeline > li")
    expect(entries).to_have_count(3)
    expect(entries.nth(0).locator("h3")).to_have_text("Progress at End of September")
    expect(entries.nth(2).locator("h3")).to_have_text("Progress at end of January")
    expect(entries.nth(2)).to_contain_text("no children unseen over the last 2 month period")
    expect(page.locator(".notice--warning")).to_contain_text("Past due: due 19 August 2011")


@pytest.mark.parametrize(
    "path",
    [
        PLAN,
        RECOMMENDATION,
        "/plans/cheshire-east-2011/recommendations/8/",
        "/plans/",
        "/plans/cheshire-east-2015/",
        "/inspections/",
        "/inspections/cheshire-east-slac-2011/",
        "/inspections/areas/adoption-service/",
    ],
    ids=["plan", "recommendation", "impact-measures", "plans", "objectives", "inspections", "inspection", "history"],
)
def test_improvement_pages_pass_axe(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.ok, f"{path} answered {response.status}"
    violations = _axe_violations(page)
    assert not violations, f"axe-core found {len(violations)} violation(s) on {path}:\n" + "\n".join(violations)


def test_the_progress_form_passes_axe_with_its_errors_shown(signed_in_page: Page) -> None:
    page = signed_in_page
    page.goto("/plans/cheshire-east-2011/recommendations/8/actions/1/progress/")
    assert not _axe_violations(page)
    page.get_by_label("Checkpoint").fill("end of February")
    page.get_by_label("Evidence and progress").fill("IA timeliness up to 71%")
    page.get_by_label("Amber").check()
    page.get_by_role("button", name="Save progress").click()
    expect(page.locator(".error-summary")).to_contain_text("Say why the progress has this rating.")
    violations = _axe_violations(page)
    assert not violations, "axe-core found violations on the progress form with errors:\n" + "\n".join(violations)


def test_plan_on_a_page_prints_on_one_a4_page(page: Page, tmp_path: Path) -> None:
    page.goto(PLAN)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    path = tmp_path / "plan-on-a-page.pdf"
    path.write_bytes(page.pdf(format="A4", prefer_css_page_size=True, print_background=True))
    assert re.search(r"Page size: +59\d\.\d+ x 841\.\d+ pts \(A4\)", _run("pdfinfo", str(path)))
    assert _pages(path) == 1
    text = " ".join(_run("pdftotext", str(path), "-").split())
    assert "Services for Cared for Children" in text
    assert "Next sign-offs" in text


def test_the_plan_import_page_passes_axe_with_its_errors_shown(signed_in_page: Page) -> None:
    page = signed_in_page
    page.goto("/plans/import/")
    assert not _axe_violations(page)
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".error-summary")).to_contain_text("Action plan workbook: This field is required.")
    violations = _axe_violations(page)
    assert not violations, "axe-core found violations on the import form with errors:\n" + "\n".join(violations)


def test_an_officer_records_progress_with_the_date_as_day_month_and_year(signed_in_page: Page) -> None:
    page = signed_in_page
    page.goto("/plans/cheshire-east-2011/recommendations/8/actions/1/progress/")
    date = page.get_by_role("group", name="Progress as at")
    expect(date.get_by_label("Day")).to_be_visible()
    assert page.locator('input[type="date"]').count() == 0  # no browser date picker, whose format varies by locale

    page.get_by_label("Checkpoint").fill("end of February")
    date.get_by_label("Day").fill("31")
    date.get_by_label("Month").fill("2")
    date.get_by_label("Year").fill("2012")
    page.get_by_label("Evidence and progress").fill("IA timeliness up to 71%")
    page.get_by_label("Amber").check()
    page.get_by_label("Why this rating").fill("Still short of the 85% target")
    page.get_by_role("button", name="Save progress").click()

    expect(page.locator(".error-summary")).to_contain_text("Enter a real date as a day, month and year")
    expect(date.get_by_label("Day")).to_have_value("31")  # what was typed stays, to be corrected
    assert not _axe_violations(page)
    date.get_by_label("Day").fill("29")
    page.get_by_role("button", name="Save progress").click()

    expect(page.get_by_text("IA timeliness up to 71%")).to_be_visible()
    expect(page.get_by_role("heading", name="Progress at end of February")).to_be_visible()
    expect(page.locator("time", has_text="29 February 2012").first).to_be_visible()


def test_a_service_manager_changes_an_actions_status_officers_and_due_date(signed_in_page: Page) -> None:
    page = signed_in_page
    page.goto("/plans/cheshire-east-2011/recommendations/8/")
    page.get_by_role("link", name="Change the status, officers or due date of key actions 1").click()
    expect(page.get_by_role("heading", name="Change the action")).to_be_visible()
    assert not _axe_violations(page)

    page.get_by_label("Complete").check()
    page.get_by_label("Responsible officer(s)").fill("Head of Safeguarding")
    due = page.get_by_role("group", name="Due date (optional)")
    due.get_by_label("Day").fill("31")
    due.get_by_label("Month").fill("3")
    due.get_by_label("Year").fill("2012")
    page.get_by_role("button", name="Save the action").click()

    page.wait_for_url("**/plans/cheshire-east-2011/recommendations/8/")
    expect(page.locator(".card .meta").first).to_have_text(
        "Responsible officer(s): Head of Safeguarding · Complete · due 31 March 2012"
    )
