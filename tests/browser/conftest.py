"""Browser tests: Debian's Chromium driven by Playwright's sync API against pytest-django's live server.

One Chromium runs for the whole of this package (a package-scoped fixture), and each test gets a fresh
browser context and page. The demo, loaded once through the real importer, is written back for every test
into a transactional database so that the live server's thread sees it (over in-memory SQLite, as a whole
image of the database: ``Images``). A signed-in page is given a session
made on the server, as the sign-in form makes it; the journeys whose subject is signing in go through the form.

Two things about mixing Django with Playwright's sync API:

* Playwright's sync API keeps an asyncio loop running in the main thread while the browser is up, so Django
  treats ORM calls from the main thread (creating users, and pytest-django's flush after each test) as
  calls from async code and raises SynchronousOnlyOperation. Those calls are never concurrent with a
  request here (the live server answers in its own thread while the test waits), so the browser fixture
  sets DJANGO_ALLOW_ASYNC_UNSAFE for as long as the browser is up, and only then.
* The browser is package-scoped, not session-scoped, so that the running loop and the environment
  variable are gone before the rest of the suite runs.

The test settings use an in-memory SQLite database; pytest-django's live server shares that connection with
its thread, which works as long as the test does its database work before it drives the browser.
"""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Error, Page, expect, sync_playwright
from pytest_django import DjangoDbBlocker
from pytest_django.live_server_helper import LiveServer

from tests.conftest import demo_casework_image, demo_image
from tests.snapshot import IMAGES, DatabaseSnapshot, Images

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

USERNAME = "editor"
PASSWORD = "a-long-test-password"  # a throwaway account in a throwaway database


def _require_chromium() -> None:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return
    message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium); the browser tests need it."
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    _require_chromium()

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            _IDLE_PAGES.clear()
            chromium.close()


@pytest.fixture
def transactional_db(request: pytest.FixtureRequest, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """pytest-django's transactional database; over in-memory SQLite, emptied after the test by writing back the
    database as the test found it (an image taken before the first browser test) instead of by ``flush``."""
    if not Images.apply():
        request.getfixturevalue("_django_db_helper")  # pytest-django's own, for PostgreSQL
        yield
        return
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock():
        if "empty" not in IMAGES.taken:
            IMAGES.take("empty")
        try:
            yield
        finally:
            IMAGES.restore("empty")


@pytest.fixture
def demo_live(transactional_db: None, demo_snapshot: DatabaseSnapshot) -> None:
    """The demo scorecard, committed so that the live server's thread reads it: written back from an image after the
    first time (``tests/conftest.py``'s ``demo_live`` writes the rows each time)."""
    if Images.apply():
        demo_image(demo_snapshot)
    else:
        demo_snapshot.restore()


@pytest.fixture
def casework_site(
    site: str,
    tmp_path: Path,
    settings: Any,
    tmp_path_factory: pytest.TempPathFactory,
    demo_snapshot: DatabaseSnapshot,
) -> str:
    """The live server over the demo and its first synthetic council: the council's returns loaded into a casework
    store of the test's own and its figures computed onto the scorecard (``demo_casework_load``).

    Over in-memory SQLite the first test on a worker loads it, and each later one gets a copy of that store and the
    database written back from an image (``demo_casework_image``); since that replaces the whole database, this comes
    before any fixture that writes.
    """
    from django.contrib.auth.models import User

    from oversight.demo.casework import DEMO_COUNCILS, demo_casework_load

    settings.OVERSIGHT_CASEWORK_STORE = store = tmp_path / "casework.duckdb"
    if not Images.apply():
        demo_casework_load(store, councils=DEMO_COUNCILS[:1])
        return site
    [(demo_users,)] = IMAGES.taken["demo"].execute("SELECT count(*) FROM auth_user")
    assert User.objects.count() == demo_users, "casework_site writes the database back whole: ask for it before users"
    shutil.copyfile(demo_casework_image(1, demo_snapshot, tmp_path_factory).store, store)
    return site


READER = "councillor"


def _create(username: str, role: str) -> str:
    from oversight.accounts.roles import Role
    from oversight.accounts.services import user_create

    user_create(username=username, password=PASSWORD, roles={Role(role)})
    return username


@pytest.fixture
def editor(demo_live: None) -> str:
    """A performance officer."""
    return _create(USERNAME, "performance officer")


@pytest.fixture
def reader(demo_live: None) -> str:
    """A councillor with the reader role: reads everything, changes nothing."""
    return _create(READER, "reader")


@pytest.fixture
def site(live_server: LiveServer, demo_live: None) -> str:
    """The live server's base URL, with the demo loaded."""
    return live_server.url


VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000
# Pages signed out and at about:blank, each in a browser context of its own, by live server and context options.
_IDLE_PAGES: dict[tuple[str, tuple[tuple[str, Any], ...]], list[Page]] = defaultdict(list)


def _new_page(
    browser: Browser, site: str, user: str | None = None, then: str = "/glossary/", **options: Any
) -> Iterator[Page]:
    """A page of its own browser context on the live server, signed out; with ``user``, signed in as that user and
    showing ``then``.

    Signing in here is by a session made on the server, its cookie handed to the browser: the journeys through the
    sign-in form itself (``sign_in``) are the audit trail's and a council's first hour.

    A new page costs Chromium a renderer process (about a fifth of a CPU-second), so a page is kept for the next test
    once this one is done with it: its cookies cleared (the app keeps nothing else in the browser), at about:blank,
    with the viewport, emulated media and time-out a new one has. A test that listens to a page's events stops
    listening before it ends. A page that cannot be made as new again is closed.
    """
    idle = _IDLE_PAGES[(site, tuple(sorted(options.items())))]
    if idle:
        page = idle.pop()
    else:
        context = browser.new_context(viewport=VIEWPORT, base_url=site, **options)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
    try:
        if user is not None:
            _session_give(page.context, site, user)
            page.goto(then)
            _signed_in_check(page, user)
        yield page
    finally:
        _page_keep(page, idle)


def _page_keep(page: Page, idle: list[Page]) -> None:
    """Make ``page`` as a new one is and keep it in ``idle``, or close its context if it cannot be."""
    try:
        page.context.clear_cookies()
        page.goto("about:blank")
        page.set_viewport_size(VIEWPORT)
        page.emulate_media(
            media="null", color_scheme="null", contrast="null", forced_colors="null", reduced_motion="null"
        )
        page.context.set_default_timeout(TIMEOUT_MS)
    except Error:
        page.context.close()
        return
    idle.append(page)


def _session_give(context: BrowserContext, site: str, username: str) -> None:
    """Sign ``username`` in on the server, as the sign-in form does, and hand the session's cookie to the browser."""
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username=username))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": site, "httpOnly": True, "sameSite": "Lax"}])


def _signed_in_check(page: Page, username: str) -> None:
    expect(page.get_by_role("button", name=f"Sign out {username}")).to_be_visible()


def sign_in(page: Page, username: str, then: str = "/glossary/") -> Page:
    """Sign in through the real sign-in form."""
    page.goto(f"/accounts/sign-in/?next={then}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{then}")
    _signed_in_check(page, username)
    return page


@pytest.fixture
def anonymous_page(browser: Browser, site: str) -> Iterator[Page]:
    yield from _new_page(browser, site)


@pytest.fixture
def page(browser: Browser, site: str, reader: str) -> Iterator[Page]:
    """A page signed in as a reader (a councillor)."""
    yield from _new_page(browser, site, reader)


@pytest.fixture
def page_without_js(browser: Browser, site: str, reader: str) -> Iterator[Page]:
    yield from _new_page(browser, site, reader, java_script_enabled=False)


@pytest.fixture
def signed_in_page(browser: Browser, site: str, editor: str) -> Iterator[Page]:
    """A page signed in as a performance officer."""
    yield from _new_page(browser, site, editor)


@pytest.fixture
def q1_reopened(demo_live: None) -> None:
    """The demo's approved 2011-12 Q1, reopened by an approver so a journey may change its figures."""
    from django.contrib.auth.models import User

    from oversight.core.periods import parse_period
    from oversight.performance.models import Scorecard
    from oversight.performance.signoff import signoff_reopen

    signoff_reopen(
        scorecard=Scorecard.objects.get(slug="strategic"),
        period=parse_period("2011-12-Q1"),
        user=User.objects.get(username=_create("reopener", "approver")),
        reason="a journey changes the quarter",
    )
