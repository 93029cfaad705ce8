"""Every page in the access table, as its most able user opens it, at 1366 and 390 pixels wide: nothing wider than
the window, and no working notes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.accounts.test_access_matrix import SAMPLES
from tests.browser.conftest import _new_page
from tests.test_committee_outputs import WORKING_NOTES

pytestmark = pytest.mark.browser

# Pages, not files: downloads, the stylesheet, sign-out (POST only), the admin's own pages and the REST API's
# answers (data, not pages: tests/api checks them against their document) are left out.
FILES = (".csv", ".xlsx", ".css", ".pdf", ".docx")
PAGES = sorted(
    (name, path)
    for name, path in SAMPLES.items()
    if not path.split("?")[0].endswith(FILES) and name != "sign-out" and not name.startswith(("admin:", "api:"))
)


@pytest.fixture
def able_page(browser: Browser, casework_site: str) -> Iterator[Page]:
    """Signed in as an administrator with case-level access, over the demo and a small casework store."""
    from oversight.accounts.roles import Role
    from oversight.accounts.services import user_create

    user_create(username="able", password="a-long-test-password", roles={Role.ADMINISTRATOR, Role.CASE_ACCESS})
    yield from _new_page(browser, casework_site, "able")


def test_every_page_fits_the_window_at_1366_and_390_pixels_and_shows_no_working_notes(able_page: Page) -> None:
    page = able_page
    problems: list[str] = []
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in PAGES:
            response = page.goto(path)
            assert response is not None
            if response.status >= 400:
                continue  # a page with nothing to show for this data (a figure not computed): not this test's
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > width:
                problems.append(f"{path} at {width} px is {wide} px wide")
            notes = sorted({m.group(0) for m in WORKING_NOTES.finditer(page.content())})
            if notes and name not in {"performance:indicator-edit", "improvement:inspection", "performance:indicator"}:
                problems.append(f"{path} shows working notes: {notes}")
    assert problems == [], "\n".join(problems)
