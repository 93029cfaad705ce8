"""The casework pages in a real browser: a measure page generated from its card, and the drill-through from a
figure on the synthetic council's scorecard to the records behind it, and early warnings; all pass axe-core."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import PASSWORD, _new_page
from .test_pages import _axe_violations

pytestmark = pytest.mark.browser

CASE_LEVEL_USER = "case-worker"


@pytest.fixture
def case_level_page(browser: Browser, casework_site: str) -> Iterator[Page]:
    """A page signed in as a reader who also has case-level access."""
    from oversight.accounts.roles import Role
    from oversight.accounts.services import user_create

    user_create(username=CASE_LEVEL_USER, password=PASSWORD, roles={Role.READER, Role.CASE_ACCESS})
    yield from _new_page(browser, casework_site, CASE_LEVEL_USER)


def test_the_catalogue_and_a_measure_page_show_the_cards_and_pass_axe(page: Page) -> None:
    page.goto("/casework/measures/")
    assert not _axe_violations(page)
    page.get_by_role("link", name="Looked-after children's cases reviewed within the required timescales").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Looked-after children's cases reviewed within the required timescales"
    )
    expect(page.get_by_role("heading", name="Rules not yet verified")).to_be_visible()
    expect(page.locator("pre code").first).to_contain_text("add_working_days(period_of_care_start, 20)")
    assert not _axe_violations(page)


def test_a_computed_figure_drills_through_to_its_records_and_passes_axe(case_level_page: Page) -> None:
    page = case_level_page
    page.goto("/indicators/SYN-NI66/")
    page.get_by_role("link", name="Records behind it for 2011-12 Quarter 1 (April–June 2011)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Records behind: Looked-after children's cases reviewed within the required timescales"
    )
    expect(page.locator("p.lead")).to_have_text("29 of 35: 83%.")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(35)
    expect(rows.first).to_contain_text(re.compile(r"Review \d due \d\d/\d\d/\d{4}, held \d\d/\d\d/\d{4}: on time"))
    expect(rows.last).to_contain_text(": late")
    assert not _axe_violations(page)

    from oversight.accounts.models import AuditEvent

    [viewed] = AuditEvent.objects.filter(object_type="case_record")
    assert (viewed.actor_name, viewed.after["measure"], viewed.after["records_shown"]) == (
        CASE_LEVEL_USER,
        "cla_reviews_on_time",
        35,
    )


@pytest.fixture
def quality_page(browser: Browser, site: str, tmp_path: Path, settings: Any) -> Iterator[Page]:
    """Signed in with case-level access, over a store holding the d2i sample return and the issues found in it."""
    from oversight.accounts.roles import Role
    from oversight.accounts.services import user_create
    from oversight.casework.pseudonym import Pseudonymiser
    from oversight.casework.store import CaseworkStore
    from tests.casework.conftest import D2I, LA, TEST_KEY

    settings.OVERSIGHT_CASEWORK_STORE = tmp_path / "casework.duckdb"
    with CaseworkStore(settings.OVERSIGHT_CASEWORK_STORE) as store:
        store.open(create=True)
        assert store.load(sorted(D2I.glob("*.csv")), pseudonymiser=Pseudonymiser(TEST_KEY), la=LA, year_ending=2018).ok
    user_create(username=CASE_LEVEL_USER, password=PASSWORD, roles={Role.PERFORMANCE_OFFICER, Role.CASE_ACCESS})
    yield from _new_page(browser, site, CASE_LEVEL_USER)


def test_an_officer_follows_a_data_quality_rule_to_the_rows_to_correct(quality_page: Page) -> None:
    page = quality_page
    page.get_by_role("link", name="Data quality").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data quality of the loaded returns")
    assert not _axe_violations(page)

    page.get_by_role("link", name="An episode that overlaps the child's next episode").click()

    expect(page.get_by_role("heading", level=2, name="Issues 1 to 50 of 62")).to_be_visible()
    first = page.get_by_role("row").nth(1).get_by_role("cell")
    expect(first.first).to_have_text("episodes.csv")
    assert not _axe_violations(page)
    page.get_by_role("link", name="Next page").click()
    expect(page.get_by_role("heading", level=2, name="Issues 51 to 62 of 62")).to_be_visible()


# Early warnings: a reader sees only the count on the measure and indicator pages; a user with case-level access
# opens the list from them, and the view is audited.

WATCHED_MEASURE = "/casework/measures/cla_three_plus_placements/"
WATCH_AT_YEAR_END = (
    "Z99000001, as at 31 March 2012: 31 children may move into the 3+ placements figure by 31 March 2012."
)
WATCH_AT_QUARTER_END = "As at 30 June 2011: 14 children may move into the 3+ placements figure by 31 March 2012."
SEE_WHO = "See who, and when each crosses the line"


def test_a_reader_sees_only_the_count_of_an_early_warning(casework_site: str, page: Page) -> None:
    page.goto(WATCHED_MEASURE)
    expect(page.locator(".watch-line")).to_have_text(WATCH_AT_YEAR_END)
    expect(page.get_by_role("link", name=re.compile(SEE_WHO))).to_have_count(0)
    assert not _axe_violations(page)
    page.goto("/indicators/SYN-NI62/")
    expect(page.locator(".watch-line")).to_have_text(WATCH_AT_QUARTER_END)
    expect(page.get_by_role("link", name=re.compile(SEE_WHO))).to_have_count(0)
    assert not _axe_violations(page)


def test_case_level_access_opens_an_early_warning_list_from_the_measure_page(case_level_page: Page) -> None:
    page = case_level_page
    page.goto(WATCHED_MEASURE)
    expect(page.locator(".watch-line")).to_contain_text(WATCH_AT_YEAR_END)
    page.get_by_role("link", name=f"{SEE_WHO} (Z99000001)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Early warning: Children one move from the three-or-more placements figure"
    )
    expect(page.locator("p.lead")).to_have_text("31 children may move into the 3+ placements figure by 31 March 2012.")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(31)
    expect(rows.first).to_contain_text(re.compile(r"2 placements this year by 31/03/2012: \d\d/\d\d/\d{4} to "))
    expect(rows.first.get_by_role("cell").nth(1)).to_have_text("31 March 2012")
    assert not _axe_violations(page)

    # As at another day, from the form on the page (no JavaScript needed: a GET form).
    page.get_by_label("As at").fill("2011-06-30")
    page.get_by_role("button", name="Show the list").click()
    expect(rows).to_have_count(14)
    page.get_by_role("link", name=re.compile("Records behind the 2011-12 figure")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Records behind: Children looked after with three or more placements during the period"
    )

    from oversight.accounts.models import AuditEvent

    views = AuditEvent.objects.filter(object_type="case_record").order_by("id")
    assert [(v.actor_name, v.after["list"], v.after.get("as_at"), v.after["records_shown"]) for v in views] == [
        (CASE_LEVEL_USER, "watch", "2012-03-31", 31),
        (CASE_LEVEL_USER, "watch", "2011-06-30", 14),
        (CASE_LEVEL_USER, "denominator", None, views[2].after["records_shown"]),
    ]


def test_case_level_access_opens_an_early_warning_list_from_the_indicator_page(case_level_page: Page) -> None:
    page = case_level_page
    page.goto("/indicators/SYN-NI62/")
    expect(page.locator(".watch-line")).to_contain_text(WATCH_AT_QUARTER_END)
    page.get_by_role("link", name=SEE_WHO).click()
    expect(page.locator("table tbody tr")).to_have_count(14)
    assert not _axe_violations(page)
