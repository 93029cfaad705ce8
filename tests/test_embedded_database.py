"""The embedded database as a server uses it: pages keep answering while a writer holds the database.

These tests run the real `oversight` command and Django's server on a SQLite file in a temporary data
directory (the test suite's own database is in memory, which has no write lock to wait for).
"""

from __future__ import annotations

import http.cookiejar
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.processes import DemoHome, oversight_env, oversight_run

PASSWORD = "a-long-test-password"
# The server waits at most this long for the write lock (OVERSIGHT_DATABASE_TIMEOUT; 30 s in use), and the writer
# holds it for longer: a page that waited for the writer would fail within the hold, as pages did under the old
# settings after SQLite's default wait of 5 seconds.
SERVER_WAIT_SECONDS = 1
HOLD_SECONDS = 3 * SERVER_WAIT_SECONDS


def _env(home: Path, **extra: str) -> dict[str, str]:
    return {**oversight_env(home), **extra}


def _run(home: Path, *args: str, stdin: str = "", **extra: str) -> subprocess.CompletedProcess[str]:
    return oversight_run(args, env=_env(home, **extra), input=stdin, timeout=120)


@contextmanager
def _write_lock(database: Path) -> Iterator[None]:
    """Hold the database's write lock, as a long import does while it writes."""
    holder = sqlite3.connect(database, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE django_migrations SET app = app")
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.fixture(scope="module")
def home(empty_home: DemoHome, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home, _ = empty_home.copy(tmp_path_factory.mktemp("home") / "data")  # its database migrated, and empty
    created = _run(home, "user", "create", "reader", "--role", "reader", "--password-stdin", stdin=PASSWORD + "\n")
    assert created.returncode == 0, created.stderr
    return home


@pytest.fixture(scope="module")
def server(home: Path) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (home / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "oversight", "manage", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=_env(home, OVERSIGHT_DATABASE_TIMEOUT=str(SERVER_WAIT_SECONDS)),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # up to 30 s for the server to start on a busy machine
            try:
                with urllib.request.urlopen(f"{url}/accounts/sign-in/", timeout=1):  # noqa: S310 - the local server
                    break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _signed_in(url: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{url}/accounts/sign-in/", timeout=10) as page:
        form = page.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token is not None
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": "reader", "password": PASSWORD, "next": "/glossary/"}
    ).encode()
    with opener.open(f"{url}/accounts/sign-in/", data=data, timeout=10) as signed_in:
        assert signed_in.url.endswith("/glossary/"), signed_in.url
    return opener


def _status(opener: urllib.request.OpenerDirector, url: str) -> int:
    try:
        with opener.open(url, timeout=30) as page:
            return int(page.status)
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def test_the_embedded_database_writes_ahead_so_readers_do_not_wait(home: Path, server: str) -> None:
    with sqlite3.connect(home / "oversight.sqlite3") as database:
        assert database.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_the_data_directory_and_database_are_their_owners_alone(home: Path, server: str) -> None:
    assert oct(home.stat().st_mode & 0o777) == "0o700"
    assert oct((home / "oversight.sqlite3").stat().st_mode & 0o777) == "0o600"


def test_signed_in_readers_keep_getting_pages_while_a_writer_holds_the_database(home: Path, server: str) -> None:
    readers = [_signed_in(server) for _ in range(4)]
    pages = ["/", "/glossary/", "/plans/", "/benchmarks/"]

    with _write_lock(home / "oversight.sqlite3"), ThreadPoolExecutor(max_workers=8) as pool:
        started = time.monotonic()
        statuses: list[int] = []
        # Throughout the hold, and for at least twenty pages however busy the machine is.
        while time.monotonic() - started < HOLD_SECONDS or len(statuses) < 20:
            statuses += pool.map(lambda pair: _status(pair[0], server + pair[1]), zip(readers, pages, strict=True))

    assert len(statuses) >= 20
    assert set(statuses) == {200}, statuses
    assert "Traceback" not in (home / "server.log").read_text()


def test_an_import_that_cannot_get_the_write_lock_in_time_writes_nothing_and_says_why(
    home: Path, server: str, tmp_path: Path
) -> None:
    catalogue = tmp_path / "scorecards.csv"
    catalogue.write_text("scorecard,title\nlocked,A scorecard written while another import writes\n", encoding="utf-8")

    with _write_lock(home / "oversight.sqlite3"):
        refused = _run(home, "import", str(catalogue), OVERSIGHT_DATABASE_TIMEOUT="1")

    assert refused.returncode == 1, refused.stderr
    assert "Nothing was imported: 1 problem(s) to fix first." in refused.stderr
    assert "scorecards.csv: another import or change was being saved and did not finish in time" in refused.stderr
    assert "Traceback" not in refused.stderr
    imported = _run(home, "import", str(catalogue))
    assert imported.returncode == 0, imported.stderr
