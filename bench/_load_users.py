"""The users of ``bench/load.py``, for locust: signed-in readers browsing and officers importing and editing.

``bench/load.py`` runs this file with locust, headless, against the ``oversight serve`` it started, and hands it
the accounts and what to browse in the environment (``BENCH_*``). Every request says it came through the reverse
proxy's HTTPS, as the production settings expect, and the session's cookies (marked Secure) go back over the
proxy's plain HTTP as a browser's would go back over HTTPS.

Each user has a session of its own, signed in before the run. A request fails when it answers anything but 200
after its redirects, lands on the sign-in page, or (an import or an edit) does not say it saved: locust counts each
under its page kind.
"""

from __future__ import annotations

import http.cookiejar
import itertools
import os
import re
from collections.abc import Iterator
from typing import Any

from locust import HttpUser, between, task
from requests.cookies import RequestsCookieJar

THINK = float(os.environ.get("BENCH_THINK_SECONDS", "0"))
PAGES: dict[str, list[str]] = {
    kind: os.environ[f"BENCH_PAGES_{kind.upper()}"].split()
    for kind in ("scorecard_32", "scorecard_400", "indicator", "trend", "benchmark")
}
EDIT_PERIOD = "2011-12-Q1"


class _ThroughTheProxy(RequestsCookieJar):
    """Secure cookies go back to the app server: the reverse proxy's HTTPS ends before it."""

    def set_cookie(self, cookie: http.cookiejar.Cookie, *args: Any, **kwargs: Any) -> None:
        cookie.secure = False
        super().set_cookie(cookie, *args, **kwargs)


def _token(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None, "no form token on the page"
    return found.group(1)


class _SignedIn(HttpUser):
    """A user with a session of its own, signed in before the run (bench/load.py), so that the figures are of
    browsing and writing alone."""

    abstract = True
    wait_time = between(0, 2 * THINK)
    sessions: list[str] = []
    taken: Iterator[int] = itertools.count()

    def on_start(self) -> None:
        self.number = next(self.taken)
        self.client.cookies = _ThroughTheProxy()
        for cookie in self.sessions[self.number % len(self.sessions)].split(";"):
            name, value = cookie.split("=", 1)
            self.client.cookies.set(name, value)
        self.client.headers.update({"X-Forwarded-Proto": "https", "Origin": self.host.replace("http:", "https:")})
        if THINK:
            # Users who pause between pages come at different moments, not all in the run's first second: each
            # arrives within a pause of the start, so that the figures are of a steady state, not of one burst.
            self.wait()

    def page(self, kind: str, path: str) -> str:
        with self.client.get(path, name=kind, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{path}: HTTP {response.status_code}")
            elif "/accounts/sign-in/" in response.url:
                response.failure(f"{path}: sent to sign in")
            return str(response.text)


class Reader(_SignedIn):
    """A councillor reading: the scorecards, an indicator, a trend, a benchmark, in turn."""

    fixed_count = int(os.environ.get("BENCH_READERS", "50"))
    sessions = os.environ["BENCH_READER_SESSIONS"].split()
    taken = itertools.count()

    def on_start(self) -> None:
        super().on_start()
        self.turns = itertools.count(self.number)  # readers start on different pages

    @task
    def browse(self) -> None:
        turn = next(self.turns)
        kind = list(PAGES)[turn % len(PAGES)]
        paths = PAGES[kind]
        self.page(kind.replace("_", " "), paths[(turn // len(PAGES)) % len(paths)])


class Officer(_SignedIn):
    """A performance officer: imports a values file for the indicators they own, then edits one of them, again and
    again, every import and edit changing the figures the readers of the large scorecard see."""

    fixed_count = int(os.environ.get("BENCH_OFFICERS", "5"))
    sessions = os.environ["BENCH_OFFICER_SESSIONS"].split()
    taken = itertools.count()

    def on_start(self) -> None:
        super().on_start()
        self.codes = os.environ["BENCH_OFFICER_INDICATORS"].split()[self.number :: len(self.sessions)]
        self.shift = itertools.count(1)

    @task
    def import_and_edit(self) -> None:
        shift = next(self.shift)
        lines = ["indicator,period,value"] + [
            f"{code},{year}-{(year + 1) % 100:02d}-Q{quarter},{(number * 7 + year + quarter + shift) % 100}"
            for number, code in enumerate(self.codes)
            for year in (2009, 2010, 2011)
            for quarter in (1, 2, 3, 4)
        ]
        token = _token(self.page("import form", "/import/"))
        upload = {"upload": (f"values-{self.number}.csv", "\n".join(lines) + "\n", "text/csv")}
        with self.client.post(
            "/import/", data={"csrfmiddlewaretoken": token}, files=upload, name="import", catch_response=True
        ) as imported:
            if imported.status_code != 200 or "<h2>Imported</h2>" not in imported.text:
                imported.failure(f"import not saved: HTTP {imported.status_code}")

        code = self.codes[shift % len(self.codes)]
        path = f"/indicators/{code}/{EDIT_PERIOD}/edit/"
        token = _token(self.page("edit form", path))
        fields = {
            "csrfmiddlewaretoken": token,
            "value": str((shift * 3) % 100),
            "status": "validated",
            "target": "60",
            "commentary": f"Checked by officer {self.number} on pass {shift}.",
            "reason": "load benchmark",
        }
        with self.client.post(path, data=fields, name="edit", catch_response=True) as edited:
            if edited.status_code != 200 or f"/indicators/{code}/" not in edited.url or "saved" not in edited.text:
                edited.failure(f"{path} not saved: HTTP {edited.status_code}")
