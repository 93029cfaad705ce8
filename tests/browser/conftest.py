"""Browser tests: Debian's Chromium driven by Playwright's sync API against pytest-django's live server.

One Chromium runs for the whole of this package (a package-scoped fixture), and each test gets a fresh
browser context and page. The demo, loaded once through the real importer, is written back for every test
into a transactional database so that the live server's thread sees it. A signed-in page is given a session
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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

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
            chromium.close()


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


def _new_page(
    browser: Browser, site: str, user: str | None = None, then: str = "/glossary/", **options: Any
) -> Iterator[Page]:
    """A fresh browser context and page on the live server; with ``user``, signed in as that user and showing ``then``.

    Signing in here is by a session made on the server, its cookie handed to the browser: the journeys through the
    sign-in form itself (``sign_in``) are the audit trail's and a council's first hour.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=site, **options)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        if user is not None:
            _session_give(context, site, user)
            page.goto(then)
            _signed_in_check(page, user)
        yield page
    finally:
        context.close()


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
    assert page.get_by_role("button", name=f"Sign out {username}").is_visible()


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
