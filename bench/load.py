"""Signed-in readers and officers against ``oversight serve`` on PostgreSQL, as a council runs it. Prints figures only.

A throwaway PostgreSQL server (tests/postgres.py starts it from the machine's binaries, in a temporary folder) gets
the demo (``oversight manage migrate``, ``oversight demo --no-serve``) and a 400-indicator scorecard
(bench/scorecard.py's files, through ``oversight import``); ``oversight serve`` then serves it on 127.0.0.1 with one
worker for each core (``BENCH_WORKERS``) of four threads. Each user signs in first. Then, for ``BENCH_SECONDS`` (60),
locust, headless, runs ``BENCH_READERS`` (50) signed-in readers browsing the scorecards (32 and 400 indicators),
indicator, trend and benchmark pages, each asking for its next page as soon as the last has come
(``BENCH_THINK_SECONDS``, 0 unless set, pauses between pages for that long on average), while ``BENCH_OFFICERS`` (5)
officers import a values file for their share of the 400 indicators and edit one of them, again and again
(bench/_load_users.py). It prints the machine (cores, memory, load average before and after), each page kind's count
and latency (median, 95th and 99th percentile), the throughput and every error: the goal is none, and each page's 95th
percentile under 200 ms.

Traffic goes to 127.0.0.1 only. The server and the database stop, and their folder goes, when the run ends, fails or
is interrupted.
"""

from __future__ import annotations

import csv
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from tests.postgres import server_start, server_stop
from tests.test_serve import Session, free_port, wait_for

from bench.scorecard import INDICATORS, build_files

SECONDS = int(os.environ.get("BENCH_SECONDS", "60"))
READERS = int(os.environ.get("BENCH_READERS", "50"))
OFFICERS = int(os.environ.get("BENCH_OFFICERS", "5"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 1)))
THREADS = 4
DEMO = {
    "scorecard_32": ["/scorecards/strategic/2011-12-Q1/"],
    "scorecard_400": ["/scorecards/bench/2011-12-Q1/"],
    "indicator": [f"/indicators/{code}/" for code in ("CSC-CORE-35WD", "NEET-16-18", "KS2-L4-ENG-MATHS", "CP-REPEAT")],
    "trend": ["/scorecards/strategic/2011-12/trend/", "/scorecards/school-summary/AY2010-11/trend/"],
    "benchmark": ["/benchmarks/", "/benchmarks/indicators/NEET-16-18/"],
}
KINDS = ["scorecard 32", "scorecard 400", "indicator", "trend", "benchmark"]
GOAL_MS = 200


def _stopped(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # a TERM ends the run as Ctrl+C does: through the clean-up below


def _machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{figure:.2f}" for figure in os.getloadavg())
    return f"{os.cpu_count()} cores, {memory:.0f} GB RAM, load average {load}; Python {platform.python_version()}"


def _run(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-m", "oversight", *args], env=env, input=stdin, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"oversight {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def _percentiles(stats: Path) -> dict[str, dict[str, str]]:
    with stats.open(newline="") as rows:
        return {row["Name"]: row for row in csv.DictReader(rows)}


def _prepare(folder: Path, env: dict[str, str]) -> dict[str, str]:
    """The database migrated, the demo and the large scorecard loaded, the officers' accounts made: the passwords
    of the readers' account and of each officer's."""
    with psycopg.connect(dbname="postgres", autocommit=True) as server:
        server.execute("CREATE DATABASE oversight")
    started = time.perf_counter()
    _run(env, "manage", "migrate", "--verbosity", "0")
    _run(env, "demo", "--no-serve")
    files = build_files(folder)
    _run(env, "import", *map(str, files))
    officers = {}
    for number in range(1, OFFICERS + 1):
        officers[f"officer{number}"] = secrets.token_urlsafe(16)
        _run(env, "user", "create", f"officer{number}", "--role", "performance-officer", "--password-stdin",
             stdin=officers[f"officer{number}"])  # fmt: skip
    print(f"Prepared in {time.perf_counter() - started:.0f} s: the demo and a {INDICATORS}-indicator scorecard")
    demo = (Path(env["OVERSIGHT_HOME"]) / "demo-accounts.txt").read_text().splitlines()
    return {"councillor": dict(line.split(" ", 1) for line in demo)["councillor"], **officers}


def _sessions(url: str, username: str, password: str, count: int) -> str:
    """``count`` sessions of one account, each signed in through the sign-in page: the cookies of each as
    ``name=value;name=value``, the sessions separated by spaces."""

    def signed_in(_: int) -> str:
        session = Session()
        status, headers, _page = session.sign_in(url, username, password)
        if status != 302 or "sign-in" in headers["Location"]:
            raise SystemExit(f"{username} could not sign in: HTTP {status}")
        return ";".join(f"{name}={value}" for name, value in session.cookies.items())

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return " ".join(pool.map(signed_in, range(count)))


def _report(stats: dict[str, dict[str, str]], took: float, tracebacks: int) -> None:
    heading = f"{'page':<14} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    print(f"{heading}  goal: p95 under {GOAL_MS} ms")
    for name in [*KINDS, "import form", "import", "edit form", "edit"]:
        row = stats.get(name)
        if row is None:
            continue
        met = "" if name not in KINDS else ("met" if float(row["95%"]) < GOAL_MS else "not met")
        print(f"{name:<14} {row['Request Count']:>8} {row['Failure Count']:>6} {row['50%']:>7} {row['95%']:>7} "
              f"{row['99%']:>7}  {met}")  # fmt: skip
    total = stats["Aggregated"]
    pages = sum(int(stats[name]["Request Count"]) for name in KINDS if name in stats)
    print(
        f"Throughput: {int(total['Request Count']) / took:.1f} requests/s, of them {pages / took:.1f} readers' pages/s"
    )
    errors = int(total["Failure Count"])
    print(f"Errors: {errors}; tracebacks in the server's log: {tracebacks}")


def main() -> None:
    signal.signal(signal.SIGTERM, _stopped)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with interrupts ignored
    folder = Path(tempfile.mkdtemp(prefix="oversight-load-"))
    database: Path | None = None
    server: subprocess.Popen[bytes] | None = None
    log = folder / "serve.log"
    try:
        database = server_start()  # PGHOST, PGPORT and PGUSER now name it
        env = {
            **os.environ,
            "OVERSIGHT_HOME": str(folder / "data"),
            "OVERSIGHT_DATABASE": "postgres",
            "PGDATABASE": "oversight",
            "OVERSIGHT_SECRET_KEY": secrets.token_urlsafe(64),
            "OVERSIGHT_ALLOWED_HOSTS": "127.0.0.1",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        passwords = _prepare(folder, env)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        with log.open("wb") as out:
            server = subprocess.Popen(
                [sys.executable, "-m", "oversight", "serve", "--bind", f"127.0.0.1:{port}",
                 "--workers", str(WORKERS), "--threads", str(THREADS)],
                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        try:
            wait_for(url)
        except AssertionError:
            raise SystemExit(f"oversight serve did not answer at {url}:\n{log.read_text()}") from None
        users = {
            "BENCH_READER_SESSIONS": _sessions(url, "councillor", passwords.pop("councillor"), READERS),
            "BENCH_OFFICER_SESSIONS": " ".join(_sessions(url, name, word, 1) for name, word in passwords.items()),
            "BENCH_OFFICER_INDICATORS": " ".join(f"BENCH-{n:04d}" for n in range(INDICATORS)),
            **{f"BENCH_PAGES_{kind.upper()}": " ".join(paths) for kind, paths in DEMO.items()},
        }
        print(f"Machine before the run: {_machine()}")
        think = os.environ.get("BENCH_THINK_SECONDS", "0")
        print(f"oversight serve on PostgreSQL: {WORKERS} workers x {THREADS} threads; {READERS} readers and "
              f"{OFFICERS} officers for {SECONDS} s, {think} s between pages on average")  # fmt: skip
        users_file = Path(__file__).with_name("_load_users.py")
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(users_file), "--headless", "--host", url,
             "--users", str(READERS + OFFICERS), "--spawn-rate", str(READERS + OFFICERS), "--run-time", f"{SECONDS}s",
             "--stop-timeout", "30", "--csv", str(folder / "locust"), "--only-summary", "--loglevel", "ERROR"],
            env={**env, **users, "BENCH_READERS": str(READERS), "BENCH_OFFICERS": str(OFFICERS)},
            stdout=subprocess.DEVNULL, check=False,
        )  # fmt: skip
        took = time.perf_counter() - began
        print(f"Machine after the run: {_machine()}")
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        _report(_percentiles(folder / "locust_stats.csv"), took, log.read_bytes().count(b"Traceback"))
        for line in (folder / "locust_failures.csv").read_text().splitlines()[1:21]:
            print(f"  {line}")
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            server.wait(timeout=60)
        if database is not None:
            server_stop(database)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("Interrupted: the server and the database have stopped.", file=sys.stderr)
        sys.exit(130)
