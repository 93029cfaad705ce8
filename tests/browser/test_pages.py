"""What a reader sees in a real browser: the scorecard, an indicator, the edit form, and axe-core's verdict."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SCORECARD = "/scorecards/strategic/2011-12-Q1/"
INDICATOR = "/indicators/CSC-CORE-35WD/"
EDIT = "/indicators/CSC-CORE-35WD/2011-12-Q1/edit/"
CORE_REASON = "63.1% is 21.9 points below the target of at least 85%"


def test_scorecard_shows_ratings_in_words_with_reasons(page: Page) -> None:
    page.goto(SCORECARD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("2011-12 Quarter 1")

    core = page.locator("tr#CSC-CORE-35WD")
    expect(core.locator("strong.tag")).to_have_text("Red")
    expect(core.locator("strong.tag")).to_be_visible()
    expect(core.locator("p.reason").first).to_contain_text(CORE_REASON)
    expect(core.locator("p.reason").first).to_be_visible()

    plans = page.locator("tr#CP-2YRS-PLUS")
    expect(plans.locator("strong.tag")).to_have_text("Green")
    expect(plans.locator("strong.tag")).to_be_visible()


def test_how_to_read_the_scorecard_opens_on_click(page: Page) -> None:
    page.goto(SCORECARD)
    details = page.locator("details.explain")
    columns = details.get_by_role("heading", name="What the columns mean")
    expect(details).not_to_have_attribute("open", "")
    expect(columns).to_be_hidden()

    details.locator("summary", has_text="How to read this scorecard").click()

    expect(details).to_have_attribute("open", "")
    expect(columns).to_be_visible()
    expect(details.get_by_role("heading", name="How each rating is decided")).to_be_visible()
    explanations = details.locator("dl.glossary-list dt")
    expect(explanations.first).to_be_visible()
    assert explanations.count() >= 3, explanations.all_inner_texts()
    expect(details.locator("dl.glossary-list dd").first).not_to_be_empty()


def test_scorecard_works_without_javascript(page_without_js: Page) -> None:
    page = page_without_js
    page.goto(SCORECARD)
    expect(page.locator("tr#CSC-CORE-35WD strong.tag")).to_have_text("Red")
    expect(page.locator("tr#CSC-CORE-35WD p.reason").first).to_contain_text(CORE_REASON)
    expect(page.locator("tr#CP-2YRS-PLUS strong.tag")).to_have_text("Green")

    # The explanation opens without script, as a native <details>.
    page.locator("details.explain summary").click()
    expect(page.get_by_role("heading", name="What the columns mean")).to_be_visible()

    # The period picker is a plain GET form.
    page.get_by_label("Show another period").select_option("2011-12-Q1")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"/scorecards/strategic/2011-12-Q1/$"))


def test_indicator_page_shows_definition_and_history(page: Page) -> None:
    page.goto(INDICATOR)
    expect(page.get_by_role("heading", level=1)).to_have_text("Core assessments completed within 35 working days")
    expect(page.get_by_role("heading", name="Definition")).to_be_visible()
    definition = page.locator("dl.summary-list")
    expect(definition).to_contain_text("What is counted")
    expect(definition).to_contain_text("as a % of all core assessments completed in the period")
    expect(definition).to_contain_text("Higher")

    expect(page.get_by_role("heading", name="History")).to_be_visible()
    expect(page.get_by_role("heading", name="Years")).to_be_visible()
    history = page.get_by_role("region", name="Quarters").get_by_role("table")
    expect(history).to_be_visible()
    quarter = history.get_by_role("row").filter(has=page.get_by_role("rowheader", name="2011-12 Quarter 1"))
    expect(quarter.get_by_role("cell").first).to_have_text(re.compile(r"^63\.1%"))
    expect(quarter).to_contain_text("Red")
    expect(quarter).to_contain_text(CORE_REASON)

    for chart in page.locator("figure.chart").all():
        expect(chart.locator("figcaption")).not_to_be_empty()


CHART_SVG = "figure.chart > svg, td.sparkline > svg"  # charts, and the small lines in table rows


AXE = Axe().axe_script  # axe-core, as the package ships it


def _axe_violations(page: Page) -> list[str]:
    """axe-core's violations on the page as it stands, each with the elements at fault.

    The script goes into a page once, and only its violations come back (not the rules that passed).
    """
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE)
    violations = page.evaluate("axe.run({resultTypes: ['violations']}).then(results => results.violations)")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
        + "\n".join(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}" for node in violation["nodes"])
        for violation in violations
    ]


@pytest.mark.parametrize(
    "path",
    [SCORECARD, INDICATOR, "/glossary/", "/scorecards/school-summary/AY2010-11/trend/"],
    ids=["scorecard", "indicator", "glossary", "trend"],
)
def test_axe_finds_no_violations(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.ok, f"{path} answered {response.status}"
    violations = _axe_violations(page)
    assert not violations, f"axe-core found {len(violations)} violation(s) on {path}:\n" + "\n".join(violations)


@pytest.mark.parametrize("path", [INDICATOR, "/scorecards/school-summary/AY2010-11/trend/"], ids=["indicator", "trend"])
def test_pages_with_charts_have_labelled_svg_images(page: Page, path: str) -> None:
    page.goto(path)
    charts = page.locator(CHART_SVG)
    assert charts.count() >= 1, f"{path} should show at least one chart"
    for chart in charts.all():
        assert chart.get_attribute("role") == "img"
        assert (chart.get_attribute("aria-label") or "").strip()
    assert not _axe_violations(page)


def test_axe_finds_no_violations_on_the_edit_page(signed_in_page: Page) -> None:
    page = signed_in_page
    page.goto(EDIT)
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Core assessments completed within 35 working days")
    violations = _axe_violations(page)
    assert not violations, f"axe-core found {len(violations)} violation(s) on {EDIT}:\n" + "\n".join(violations)

    # ...and with the error summary showing.
    page.get_by_label("Value", exact=True).fill("abc")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    violations = _axe_violations(page)
    assert not violations, f"axe-core found {len(violations)} violation(s) on {EDIT} with errors:\n" + "\n".join(
        violations
    )


def test_edit_form_reports_errors_then_saves(q1_reopened: None, signed_in_page: Page) -> None:
    page = signed_in_page
    page.goto(EDIT)
    value = page.get_by_label("Value", exact=True)
    expect(value).to_have_value("63.1")

    value.fill("abc")
    page.get_by_role("button", name="Save").click()

    summary = page.locator(".error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    link = summary.get_by_role("link", name=re.compile(r"^Value: Enter the value as a number"))
    expect(link).to_have_attribute("href", "#id_value")
    expect(page.locator(".form-group--error .error-message")).to_contain_text("Enter the value as a number")
    expect(value).to_have_value("abc")
    link.click()
    expect(value).to_be_focused()

    value.fill("86.4")
    target = page.get_by_label("Target", exact=True)
    target.fill("below 85%")  # a goal for a lower-is-better indicator: refused, saying why
    page.get_by_label("Reason for the change").fill("Corrected after validation")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".form-group--error .error-message")).to_contain_text(
        "asks for a lower figure, but for this indicator higher is better"
    )
    page.get_by_label("Target", exact=True).fill("at least 85%")
    page.get_by_role("button", name="Save").click()

    # Back at the row just saved, with a banner that says so.
    expect(page).to_have_url(re.compile(r"/indicators/CSC-CORE-35WD/#period-2011-12-Q1$"))
    expect(page.get_by_role("alert")).to_contain_text("2011-12 Quarter 1 (April–June 2011) saved.")
    quarter = (
        page.get_by_role("region", name="Quarters")
        .get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name="2011-12 Quarter 1"))
    )
    expect(quarter.get_by_role("cell").first).to_have_text(re.compile(r"^86\.4%"))
    expect(quarter.locator("strong.tag")).to_have_text("Green")
    expect(quarter.locator("p.reason").first).to_have_text("Green: 86.4% is above the target of at least 85%.")
    expect(page.get_by_role("region", name="Change history")).to_contain_text("Corrected after validation")

    page.goto(SCORECARD)
    expect(page.locator("tr#CSC-CORE-35WD strong.tag")).to_have_text("Green")


def test_glossary_groups_terms_under_their_own_headings(page: Page) -> None:
    page.goto("/glossary/")
    headings = page.locator("main h2")
    expect(headings).to_have_text(["Acronyms", "Columns", "Ratings"])
    expect(page.get_by_role("region", name="Acronyms")).to_contain_text("CP: Child protection")


def test_signing_in_is_required_and_the_sign_in_page_passes_axe(anonymous_page: Page) -> None:
    page = anonymous_page
    page.goto(SCORECARD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert "/accounts/sign-in/?next=" in page.url
    violations = _axe_violations(page)
    assert not violations, "axe-core found violations on the sign-in page:\n" + "\n".join(violations)


def test_a_reader_is_refused_an_edit(page: Page) -> None:
    expect(page.get_by_role("link", name="Import data")).to_have_count(0)
    page.goto(INDICATOR)
    expect(page.get_by_role("link", name="Edit 2011-12 Quarter 1 (April–June 2011)")).to_have_count(0)
    response = page.goto(EDIT)
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot open this page")
    expect(page.get_by_text("Only performance officers and administrators can change figures")).to_be_visible()
    violations = _axe_violations(page)
    assert not violations, "axe-core found violations on the refusal page:\n" + "\n".join(violations)
