"""Signed-in readers browsing the embedded default while imports write. Prints figures only.

The embedded default as `make demo` runs it (SQLite in WAL mode, Django's threaded server on 127.0.0.1), in a
fresh data directory with the demo loaded: ``BENCH_READERS`` readers (50 unless set), each signed in with its own
session, browse the scorecard, indicator, trend, plan and benchmarking pages for ``BENCH_SECONDS`` seconds (60
unless set) while an officer imports a values file of about 12,000 rows again and again, each import changing
every value. It prints each page's count and latency (median, 95th and 99th percentile), the throughput, how
many imports finished, and every error: the goal is none.

Traffic goes to 127.0.0.1 only, and stops by itself when the time is up.
"""

from __future__ import annotations

import http.cookiejar
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

READERS = int(os.environ.get("BENCH_READERS", "50"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
PAGES = {
    "scorecard": "/scorecards/strategic/2011-12-Q1/",
    "indicator": "/indicators/CSC-CORE-35WD/",
    "trend": "/scorecards/school-summary/AY2010-11/trend/",
    "plan": "/plans/cheshire-east-2011/",
    "benchmark": "/benchmarks/",
}


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ, "OVERSIGHT_HOME": str(home)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _oversight(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "oversight", *args], env=_env(home), capture_output=True, text=True, check=False
    )


def _values_file(path: Path, indicators: list[str], shift: int) -> Path:
    """Monthly values for every indicator from 1990 to 2020: about 12,000 rows, each different from last time."""
    lines = ["indicator,period,value"]
    for number, code in enumerate(indicators):
        for year in range(1990, 2021):
            for month in range(1, 13):
                lines.append(f"{code},{year}-M{month:02d},{(number * 7 + year + month + shift) % 100}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _sign_in(url: str, username: str, password: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{url}/accounts/sign-in/", timeout=60) as page:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
    assert token is not None
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password, "next": "/"}
    ).encode()
    with opener.open(f"{url}/accounts/sign-in/", data=data, timeout=60) as signed_in:
        assert not signed_in.url.endswith("/sign-in/"), "sign-in failed"
    return opener


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "var"
        demo = _oversight(home, "demo", "--no-serve")
        assert demo.returncode == 0, demo.stderr
        accounts = dict(line.split(" ", 1) for line in (home / "demo-accounts.txt").read_text().splitlines())
        indicators = _oversight(home, "manage", "shell", "-c", "from oversight.performance.models import Indicator; "
                                "print(' '.join(Indicator.objects.values_list('code', flat=True)))")  # fmt: skip
        codes = indicators.stdout.strip().splitlines()[-1].split()  # after the shell's own notice
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        log = (Path(folder) / "server.log").open("w")
        server = subprocess.Popen(
            [sys.executable, "-m", "oversight", "manage", "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=_env(home),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    with urllib.request.urlopen(f"{url}/accounts/sign-in/", timeout=1):  # noqa: S310
                        break
                except (urllib.error.URLError, ConnectionError):
                    time.sleep(0.1)
            readers = [_sign_in(url, "councillor", accounts["councillor"]) for _ in range(READERS)]
            timings: dict[str, list[float]] = defaultdict(list)
            errors: list[str] = []
            imports: list[float] = []
            lock = threading.Lock()
            stop = time.monotonic() + SECONDS

            def browse(index: int, opener: urllib.request.OpenerDirector) -> None:
                names = list(PAGES)
                turn = index
                while time.monotonic() < stop:
                    name = names[turn % len(names)]
                    turn += 1
                    started = time.perf_counter()
                    try:
                        with opener.open(url + PAGES[name], timeout=60) as page:
                            page.read()
                            status = page.status
                    except urllib.error.HTTPError as error:
                        status = error.code
                        error.close()
                    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                        status = 0
                        with lock:
                            errors.append(f"{name}: {error}")
                    elapsed = time.perf_counter() - started
                    with lock:
                        timings[name].append(elapsed)
                        if status not in (0, 200):
                            errors.append(f"{name}: HTTP {status}")

            def write() -> None:
                shift = 0
                while time.monotonic() < stop:
                    shift += 1
                    path = _values_file(Path(folder) / f"values-{shift % 2}.csv", codes, shift)
                    started = time.perf_counter()
                    result = _oversight(home, "import", str(path))
                    if result.returncode != 0:
                        with lock:
                            errors.append(f"import: {result.stderr.strip()[:300]}")
                    else:
                        imports.append(time.perf_counter() - started)

            threads = [threading.Thread(target=browse, args=(i, r)) for i, r in enumerate(readers)]
            threads.append(threading.Thread(target=write))
            began = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            took = time.perf_counter() - began
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        tracebacks = (Path(folder) / "server.log").read_text().count("Traceback")

    requests = sum(len(times) for times in timings.values())
    print(f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{READERS} signed-in readers for {took:.0f} s against the embedded default (SQLite WAL, runserver)")
    print(f"{'page':<10} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, times in timings.items():
        cuts = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
        print(f"{name:<10} {len(times):>8} {cuts[49] * 1000:>8.0f} {cuts[94] * 1000:>8.0f} {cuts[98] * 1000:>8.0f}")
    print(f"Throughput: {requests / took:.1f} requests/s; {len(imports)} imports of about {len(codes) * 372:,} rows "
          f"finished meanwhile (each {statistics.mean(imports) if imports else 0:.1f} s on average)")  # fmt: skip
    print(f"Errors: {len(errors)}; tracebacks in the server's log: {tracebacks}")
    for error in errors[:20]:
        print(f"  {error}")
    print(f"Goal (zero errors while imports write): {'met' if not errors and not tracebacks else 'not met'}")


if __name__ == "__main__":
    main()
