"""A council's first hour in the browser: the start page, the returns of a synthetic council and a DfE published
file uploaded, the job's progress, the computed and benchmarked scorecard, a target set so its figure is rated, and
the PDF. The journey counts the pages it visits and the forms it submits (printed, for the getting-started guide),
and every page passes axe-core."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import Browser, Frame, Page, expect

from .conftest import _new_page, sign_in
from .test_pages import _axe_violations

pytestmark = pytest.mark.browser

LA = "E06000049"  # the synthetic council's returns are filed under Cheshire East's code, for its real neighbours
PLACEMENTS = Path(__file__).resolve().parent.parent / "data" / "published" / "dfe_csc_oe_la_cla_placement_stability.csv"


@pytest.fixture
def returns(tmp_path: Path) -> list[Path]:
    """Two years of a synthetic council's SSDA903 return (every child invented) and its CIN census."""
    from oversight.casework.synthetic import synthetic_council, synthetic_returns
    from oversight.casework.synthetic_cin import synthetic_cin_census, synthetic_cin_council

    council = synthetic_council(LA, seed=25, first_year_ending=2021, last_year_ending=2022, starts_per_year=40)
    cin = synthetic_cin_council(LA, seed=25, first_year_ending=2022, last_year_ending=2022, referrals_per_year=120)
    return [*synthetic_returns(council, tmp_path / "ssda903"), *synthetic_cin_census(cin, tmp_path / "cin")]


@pytest.fixture
def starting(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The job runs in a thread, as it does in the demo, sharing the test database's one connection (an in-memory
    SQLite database that the live server's thread shares too)."""
    from oversight.onboarding import worker

    settings.OVERSIGHT_CASEWORK_STORE = tmp_path / "casework.duckdb"
    settings.OVERSIGHT_UPLOADS = tmp_path / "uploads"
    settings.OVERSIGHT_DEVELOPMENT_KEY_ALLOWED = True  # synthetic children, as in the demo
    shared = connections["default"]
    shared.inc_thread_sharing()
    threads: list[threading.Thread] = []

    def launch(job: Any) -> None:
        def run() -> None:
            connections["default"] = shared
            worker.job_run(job.pk)

        threads.append(threading.Thread(target=run, daemon=True))
        threads[-1].start()

    monkeypatch.setattr(worker, "job_launch", launch)
    yield
    for thread in threads:  # finished before the database is flushed
        thread.join(timeout=600)
    shared.dec_thread_sharing()


@pytest.fixture
def officer_page(browser: Browser, site: str, editor: str, starting: None) -> Iterator[Page]:
    for new in _new_page(browser, site):
        yield sign_in(new, editor, then="/")


def _clean(page: Page) -> None:
    violations = _axe_violations(page)
    assert not violations, f"axe-core on {page.url}:\n" + "\n".join(violations)


@pytest.fixture
def visited(officer_page: Page) -> Iterator[list[str]]:
    """The address of each page the officer's page loads, in order."""
    pages: list[str] = []

    def navigated(frame: Frame) -> None:
        if frame == officer_page.main_frame:
            pages.append(frame.url)

    officer_page.on("framenavigated", navigated)
    yield pages
    officer_page.remove_listener("framenavigated", navigated)


def test_a_councils_first_hour_in_the_browser(
    officer_page: Page, visited: list[str], returns: list[Path], tmp_path: Path
) -> None:
    page, pages = officer_page, visited
    submissions = 0
    began = time.monotonic()

    page.get_by_role("link", name="Start with a council's returns").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start with your council's returns")
    _clean(page)
    page.get_by_label("Council").select_option(label="Cheshire East")
    page.get_by_label("Returns").set_input_files([str(path) for path in returns])
    page.get_by_label("DfE's published figures (optional)").set_input_files(str(PLACEMENTS))
    page.get_by_role("button", name="Start").click()
    submissions += 1

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Starting {LA}")
    expect(page.get_by_role("link", name="Stop refreshing")).to_be_visible()  # it reloads itself without JavaScript
    _clean(page)
    page.wait_for_url("**/scorecards/childrens-services/2021-22/", timeout=300_000)
    expect(page.locator(".notification-banner")).to_contain_text("43 indicators created")
    expect(page.locator(".notification-banner")).to_contain_text("Benchmarked")
    row = page.locator("tr", has_text="Children looked after with three or more placements during the period").first
    expect(row).to_contain_text("%")
    expect(row).to_contain_text("England")
    _clean(page)

    page.goto("/indicators/CLA-3-PLACEMENTS/2021-22/edit/")
    page.get_by_label("Target", exact=True).fill("below 1%")
    page.get_by_label("Reason for the change").fill("The council's target for the year")
    page.get_by_role("button", name="Save").click()
    submissions += 1
    page.goto("/scorecards/childrens-services/2021-22/")
    row = page.locator("tr", has_text="Children looked after with three or more placements during the period").first
    expect(row).to_contain_text("Red")
    _clean(page)

    with page.expect_download(timeout=180_000) as download:  # WeasyPrint lays out every page: slow on a busy machine
        page.get_by_role("link", name="PDF").first.click()
    pdf = tmp_path / "scorecard.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    seconds = time.monotonic() - began
    print(
        f"\nA council's first hour: {len(set(pages))} pages visited ({len(pages)} loads, the job page's own refreshes "
        f"included), {submissions} forms submitted, {seconds:.0f} s."
    )
    print("\n".join(f"  {url}" for url in dict.fromkeys(pages)))
