"""``oversight serve`` as a council runs it: gunicorn, production settings, two app servers on one database.

The servers run the real command on the demo's database: SQLite in a temporary data directory in ``make test``,
a database of its own on the run's PostgreSQL server in ``make test-postgres``. Requests say they came over HTTPS,
as the reverse proxy in front of the servers does, so the production settings answer rather than redirect.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import processes
from tests.commands import database_fixture, demo_home, oversight_env, oversight_run

PASSWORD = "a-long-test-password"


# Where the servers keep their data: the SQLite file in the data directory, or a new PostgreSQL database.
database = database_fixture("serve")


@pytest.fixture(scope="module")
def home(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, database: dict[str, str]) -> Path:
    home = demo_home(request, tmp_path_factory, database, "serve")
    created = oversight_run(
        home, database, "user", "create", "reader", "--role", "reader", "--password-stdin", stdin=PASSWORD
    )
    assert created.returncode == 0, created.stderr
    locked = oversight_run(
        home, database, "user", "create", "locked", "--role", "reader", "--password-stdin", stdin=PASSWORD
    )
    assert locked.returncode == 0, locked.stderr
    return home


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def servers(home: Path, database: dict[str, str]) -> Iterator[list[str]]:
    """Two app servers on one database, each on its own port, as two machines behind a load balancer are."""
    urls, processes = [], []
    log = (home / "serve.log").open("w")
    try:
        for _ in range(2):
            port = free_port()
            command = ["serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2"]
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "oversight", *command],
                    env=oversight_env(home, database),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url in urls:
            wait_for(url)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        log.close()


def wait_for(url: str) -> None:
    for _ in range(600):  # up to 60 s for the server to start on a busy machine
        try:
            Session().get(url, "/accounts/sign-in/")
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise AssertionError(f"{url} did not start")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Session:
    """A browser's cookies, sent by hand: the production cookies are marked Secure, and these requests come through
    the proxy's HTTPS as far as the servers know."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(_NoRedirects)

    def request(self, url: str, path: str, form: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        headers = {"X-Forwarded-Proto": "https", "Origin": url.replace("http://", "https://")}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(url + path, data=data, headers=headers)  # noqa: S310 - a local server
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, value = cookie.split(";", 1)[0].partition("=")
                self.cookies[name] = value
            return int(response.status), dict(response.headers.items()), response.read()

    def get(self, url: str, path: str) -> tuple[int, dict[str, str], bytes]:
        return self.request(url, path)

    def sign_in(self, url: str, username: str, password: str) -> tuple[int, dict[str, str], bytes]:
        _, _, form = self.get(url, "/accounts/sign-in/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        assert token is not None
        fields = {"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": password}
        return self.request(url, "/accounts/sign-in/", {**fields, "next": "/glossary/"})


def test_serve_answers_pages_and_the_admins_stylesheets(servers: list[str], home: Path) -> None:
    session = Session()
    status, headers, _ = session.sign_in(servers[0], "reader", PASSWORD)
    assert (status, headers["Location"]) == (302, "/glossary/")

    status, headers, page = session.get(servers[0], "/")
    assert status == 200
    assert b"Children" in page
    assert headers["Strict-Transport-Security"] == "max-age=31536000"

    status, headers, stylesheet = Session().get(servers[0], "/static/admin/css/base.css")
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert b"font-family" in stylesheet
    assert "Traceback" not in (home / "serve.log").read_text()


def test_signed_in_on_one_server_is_signed_in_on_the_other(servers: list[str]) -> None:
    first, second = servers
    session = Session()
    assert session.sign_in(first, "reader", PASSWORD)[0] == 302

    status, _, page = session.get(second, "/glossary/")
    assert status == 200
    assert b"What the terms mean" in page

    assert session.request(second, "/accounts/sign-out/", {"csrfmiddlewaretoken": session.cookies["csrftoken"]})[0]
    status, headers, _ = session.get(first, "/glossary/")
    assert (status, headers["Location"]) == (302, "/accounts/sign-in/?next=/glossary/")


def test_failed_sign_ins_count_across_both_servers(servers: list[str]) -> None:
    first, second = servers
    for attempt in range(5):  # OVERSIGHT_LOCKOUT_FAILURES, split between the servers: neither sees five
        status, _, page = Session().sign_in(servers[attempt % 2], "locked", "a wrong password")
        assert status == 200
        assert b"This account is locked" not in page

    for url in (first, second):
        status, _, page = Session().sign_in(url, "locked", PASSWORD)
        assert status == 200
        assert b"This account is locked for 15 minutes" in page


def test_serve_refuses_to_start_without_its_secrets(tmp_path: Path) -> None:
    env = oversight_env(tmp_path, {})
    del env["OVERSIGHT_SECRET_KEY"]
    refused = processes.oversight_run(["serve"], env=env, timeout=60)
    assert refused.returncode == 2
    assert "Set the environment variable OVERSIGHT_SECRET_KEY before starting oversight." in refused.stderr
    assert "Traceback" not in refused.stderr


def test_serve_refuses_a_database_that_is_not_migrated(tmp_path: Path) -> None:
    refused = oversight_run(tmp_path / "data", {}, "serve")
    assert refused.returncode == 1
    assert "Run `oversight manage migrate` once, then start the servers." in refused.stderr
