"""What a council's data looks like after the faults of a production machine, on the run's database engine.

A command killed half-way (SIGKILL: the machine losing power, the out-of-memory killer, an operator's ``kill -9``)
leaves the data exactly as it was; a full disk leaves no half-written file where the user asked for one, and says
which file; two imports of one file at once apply it once; the database restarting under ``oversight serve``
answers the requests meanwhile with the page that says to try again, and the servers carry on after it.

Each kill lands at a point the command itself shows, never after a guessed sleep: the command runs with its
standard error on a terminal, as a user's is, so it draws its progress bar, and is killed when the bar says the
first file's rows are written inside the import's transaction (or the casework load's), with a larger file still to
come. A backup and a compute are killed while another connection holds the database, so that neither can have
finished: the backup once its copy of the database has begun, the compute once it has kept its runs in the casework
store and waits to record its figures on the scorecard.

The database-restart test needs a PostgreSQL server of its own to stop and start, which other tests do not share:
it starts one from the machine's binaries with tests/postgres.py (as ``make test-postgres`` does for the suite), so
it runs, on PostgreSQL, in ``make test`` and ``make test-postgres`` alike.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import os
import pty
import re
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.commands import database_fixture, demo_home_fixture, oversight_env
from tests.postgres import USER, server_create, server_down, server_stop, server_up
from tests.processes import oversight_run
from tests.test_serve import PASSWORD, Session, free_port, wait_for

STORE = "casework-demo.duckdb"


database = database_fixture("faults")
home = demo_home_fixture("faults")


def _env(home: Path, database: dict[str, str]) -> dict[str, str]:
    return oversight_env(home, database, OVERSIGHT_CASEWORK_STORE=str(home / STORE))


def _oversight(home: Path, database: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return oversight_run(args, env=_env(home, database))


def _ok(home: Path, database: dict[str, str], *args: str) -> str:
    done = _oversight(home, database, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _query(database: dict[str, str], home: Path, sql: str) -> list[tuple[Any, ...]]:
    """The rows of a query of the application database, read beside the commands as another program would."""
    if database:
        import psycopg

        with psycopg.connect(dbname=database["PGDATABASE"]) as connection:
            return list(connection.execute(sql))  # type: ignore[call-overload]
    connection = sqlite3.connect(f"file:{home / 'oversight.sqlite3'}?mode=ro", uri=True)
    try:
        return list(connection.execute(sql))
    finally:
        connection.close()


def database_rows(database: dict[str, str], home: Path) -> dict[str, list[str]]:
    """Every row of every table of the application database, in order: two equal answers are the same data."""
    tables = _query(
        database,
        home,
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        if database
        else "SELECT name FROM sqlite_master WHERE type = 'table'",
    )
    return {
        table: sorted(repr(row) for row in _query(database, home, f'SELECT * FROM "{table}"'))  # noqa: S608
        for (table,) in tables
    }


def store_rows(store: Path) -> dict[str, int]:
    """Each table of the casework store and its rows, read as a page reads it."""
    import duckdb

    connection = duckdb.connect(str(store), read_only=True)
    try:
        tables = [row[0] for row in connection.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return {
            table: int(connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])  # type: ignore[index]
            for table in tables
        }
    finally:
        connection.close()


def scorecard_export(home: Path, database: dict[str, str], scorecard: str, period: str) -> str:
    """A scorecard's CSV export for a period, as a user makes it."""
    output = home.parent / f"{scorecard}-{period}.csv"
    _ok(home, database, "scorecard", "export", "--scorecard", scorecard, "--period", period, "--format", "csv",
        "--output", str(output))  # fmt: skip
    text = output.read_text(encoding="utf-8")
    output.unlink()
    return text


def casework_results(home: Path, database: dict[str, str]) -> str:
    """Every measure's figures for 2010-11 from the casework store, for each council loaded, as CSV."""
    return _ok(home, database, "casework", "compute", "--period", "2010-11", "--format", "csv")


def killed_when(
    home: Path, database: dict[str, str], args: list[str], ready: Callable[[str], bool], *, timeout: float = 120
) -> str:
    """Run ``oversight ARGS`` with its standard streams on a terminal, as a user's are, and kill it (SIGKILL) as soon
    as ``ready`` is true of what it has written there; what it had written. It must not have ended by itself."""
    terminal, command_side = pty.openpty()
    # A terminal of 100 columns: on one of no size, the bars draw nothing.
    fcntl.ioctl(command_side, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    process = subprocess.Popen(  # noqa: S603 - the oversight command, with arguments of the test's own
        [sys.executable, "-m", "oversight", *args],
        env=_env(home, database),
        stdin=subprocess.DEVNULL,
        stdout=command_side,
        stderr=command_side,
    )
    os.close(command_side)
    said = b""
    deadline = time.monotonic() + timeout
    try:
        while not ready(said.decode(errors="replace")):
            assert process.poll() is None, f"oversight {args[0]} ended by itself:\n{said.decode(errors='replace')}"
            assert time.monotonic() < deadline, f"oversight {args[0]} did not get there:\n{said.decode()}"
            if select.select([terminal], [], [], 0.01)[0]:
                with contextlib.suppress(OSError):  # the command has closed the terminal: it is ending
                    said += os.read(terminal, 1 << 16)
        process.kill()
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)
        os.close(terminal)
    assert process.returncode == -signal.SIGKILL, said.decode(errors="replace")
    return said.decode(errors="replace")


def _values_file(path: Path, codes: list[str], years: range) -> Path:
    """A values CSV: each indicator's value for every quarter of ``years`` (financial years by their start)."""
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["indicator", "period", "value", "note"])
        for year in years:
            for quarter in range(1, 5):
                for number, code in enumerate(codes):
                    writer.writerow([code, f"{year}-{(year + 1) % 100:02d}-Q{quarter}", 40 + (year + number) % 9, ""])
    return path


def _quarterly_codes(home: Path, database: dict[str, str]) -> list[str]:
    """The demo's quarterly indicators of financial years, counted in numbers or percentages."""
    sql = (
        "SELECT code FROM performance_indicator WHERE frequency = 'quarterly' AND year_type = 'financial' "
        "AND unit IN ('count', 'percent') ORDER BY code"
    )
    return [code for (code,) in _query(database, home, sql)]


def _pg_dumps(folder: Path) -> list[int]:
    """The processes (pg_dump) writing into ``folder``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and str(folder).encode() in (proc / "cmdline").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@contextmanager
def database_held(database: dict[str, str], home: Path) -> Iterator[None]:
    """The database held by another connection so that nothing else can read it meanwhile: SQLite's file locked
    exclusively, or on PostgreSQL a table locked as a schema change locks it."""
    if database:
        import psycopg

        with psycopg.connect(dbname=database["PGDATABASE"]) as connection:
            connection.execute("LOCK TABLE performance_observation IN ACCESS EXCLUSIVE MODE")
            yield
            connection.rollback()
        return
    connection = sqlite3.connect(home / "oversight.sqlite3", isolation_level=None)
    try:
        connection.execute("PRAGMA locking_mode = EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("CREATE TEMP TABLE held (x)")
        yield
        connection.execute("ROLLBACK")
    finally:
        connection.close()


# Killed half-way -------------------------------------------------------------------------------------------------


def test_an_import_killed_half_way_changes_nothing(home: Path, database: dict[str, str], tmp_path: Path) -> None:
    codes = _quarterly_codes(home, database)
    assert len(codes) >= 10
    first = _values_file(tmp_path / "first.csv", codes, range(1991, 2006))
    second = _values_file(tmp_path / "second.csv", codes, range(1931, 1991))
    before, export = database_rows(database, home), scorecard_export(home, database, "strategic", "2011-12-Q1")

    # The bar counts the rows written: the first file's are, in the import's transaction; the second's are not yet.
    said = killed_when(
        home, database, ["import", str(first), str(second)], lambda said: bool(re.search(r"Importing: [1-9]", said))
    )

    assert f"Importing: {len(codes) * 15 * 4} rows" in said.replace(",", "")
    assert database_rows(database, home) == before
    assert scorecard_export(home, database, "strategic", "2011-12-Q1") == export


def test_a_casework_load_killed_half_way_changes_nothing(home: Path, database: dict[str, str], tmp_path: Path) -> None:
    from oversight.casework.synthetic import synthetic_council, synthetic_returns
    from oversight.casework.synthetic_cin import synthetic_cin_census, synthetic_cin_council

    la = "E09000001"
    council = synthetic_council(la, seed=23, first_year_ending=2011, last_year_ending=2012, starts_per_year=800)
    returns = list(synthetic_returns(council, tmp_path))
    in_need = synthetic_cin_council(la, seed=23, first_year_ending=2010, last_year_ending=2012, referrals_per_year=800)
    census = list(synthetic_cin_census(in_need, tmp_path))
    results = casework_results(home, database)
    before = store_rows(home / STORE)  # after the results, which the compute keeps in the store's runs

    # The bar counts the files read: the SSDA903 tables first, then written into the load's transaction, then each
    # census; the first census counted, the tables are written and the censuses still to come.
    total = len(returns) + len(census)
    killed_when(
        home,
        database,
        ["casework", "load", *map(str, returns + census), "--la", la, "--development-key"],
        lambda said: f"{len(returns) + 1}/{total} [" in said,
    )

    assert store_rows(home / STORE) == before
    assert casework_results(home, database) == results


def test_a_compute_killed_while_recording_changes_nothing(home: Path, database: dict[str, str]) -> None:
    """Killed once it has kept its figures in the casework store's runs, while it records them on the scorecard."""
    measures = {"cla_count_at_end": "SYN-CLA-COUNT", "cla_starts": "SYN-CLA-STARTS", "cla_missing": "SYN-CLA-MISSING"}
    compute = ["casework", "compute", "--period", "2011-12-Q2", "--la", "Z99000001", "--measure", *measures,
               "--indicator-map", *(f"{measure}={code}" for measure, code in measures.items())]  # fmt: skip
    export, before = scorecard_export(home, database, "synthetic-council", "2011-12-Q2"), database_rows(database, home)
    kept = store_rows(home / STORE)["runs"]

    # Held, the database lets the compute record nothing on the scorecard: it keeps its runs in the store, prints its
    # figures, waits for the database, and is killed.
    with database_held(database, home):
        killed_when(home, database, compute, lambda said: "cla_missing " in said)

    assert store_rows(home / STORE)["runs"] == kept + len(measures)  # the store's runs were kept before it printed
    assert database_rows(database, home) == before
    assert scorecard_export(home, database, "synthetic-council", "2011-12-Q2") == export
    assert "Recorded SYN-CLA-COUNT 2011-12-Q2: " in _ok(home, database, *compute)
    assert scorecard_export(home, database, "synthetic-council", "2011-12-Q2") != export


def test_a_backup_killed_half_way_leaves_no_backup(home: Path, database: dict[str, str], tmp_path: Path) -> None:
    target, partial = tmp_path / "backup", tmp_path / "backup.part"
    copy = partial / ("database.pgdump" if database else "database.sqlite3")

    # The backup has begun its copy of the database, and waits for the connection holding it.
    with database_held(database, home):
        killed_when(home, database, ["backup", str(target)], lambda said: copy.exists())
    assert not target.exists()
    for _ in range(600):  # pg_dump, left behind, finishes its copy into the partial folder once the table is free
        if not _pg_dumps(partial):
            break
        time.sleep(0.1)

    made = _oversight(home, database, "backup", str(target))
    assert made.returncode == 0, made.stderr
    assert sorted(file.name for file in target.iterdir()) == sorted(["casework.duckdb", copy.name, "manifest.json"])
    assert not partial.exists()


# Two at once -----------------------------------------------------------------------------------------------------


def test_two_imports_of_one_file_at_once_apply_it_once(home: Path, database: dict[str, str], tmp_path: Path) -> None:
    codes = _quarterly_codes(home, database)
    values = _values_file(tmp_path / "values.csv", codes, range(2012, 2020))
    rows = len(codes) * 8 * 4
    count = "SELECT count(*) FROM performance_observation"
    [(before,)] = _query(database, home, count)

    env = _env(home, database)
    processes = [
        subprocess.Popen(  # noqa: S603 - the oversight command, with arguments of the test's own
            [sys.executable, "-m", "oversight", "import", str(values)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    said = [process.communicate(timeout=300) for process in processes]

    outcomes = sorted(
        (process.returncode, out.strip(), err.strip()) for process, (out, err) in zip(processes, said, strict=True)
    )
    assert all("Traceback" not in err for _, _, err in outcomes), outcomes
    applied = f"Imported {rows} rows from 1 file(s): {rows} new, 0 updated, 0 unchanged."
    again = f"Imported {rows} rows from 1 file(s): 0 new, 0 updated, {rows} unchanged."
    assert [outcome[:2] for outcome in outcomes] in (
        sorted([(0, applied), (0, again)]),  # one after the other
        [(0, applied), (1, "")],  # the other refused, having said why
    ), outcomes
    if outcomes[1][0] == 1:
        assert "another import or change was being saved" in outcomes[1][2]
    [(after,)] = _query(database, home, count)
    assert after == before + rows
    assert _ok(home, database, "import", str(values)).strip() == again


# A full disk -----------------------------------------------------------------------------------------------------


def _disk_full(home: Path, database: dict[str, str], *args: str, limit: int) -> subprocess.CompletedProcess[str]:
    """``oversight ARGS`` with files larger than ``limit`` bytes refused to it (RLIMIT_FSIZE), as a full disk refuses
    them: a write past the limit fails (EFBIG) as one on a full disk does (ENOSPC)."""
    return oversight_run(args, env=_env(home, database), file_size_limit=limit)


def test_an_export_onto_a_full_disk_says_so_and_leaves_no_file(
    home: Path, database: dict[str, str], tmp_path: Path
) -> None:
    output = tmp_path / "scorecard.pdf"  # larger than the limit; the database's own files (SQLite's) are smaller
    refused = _disk_full(home, database, "scorecard", "export", "--scorecard", "strategic", "--period", "2011-12-Q1",
                         "--format", "pdf", "--output", str(output), limit=64 * 1024)  # fmt: skip
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert f"Nothing was written: {output} could not be written" in refused.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_backup_onto_a_full_disk_says_so_and_leaves_no_backup(
    home: Path, database: dict[str, str], tmp_path: Path
) -> None:
    target = tmp_path / "backup"
    refused = _disk_full(home, database, "backup", str(target), limit=256 * 1024)
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert f"Nothing was backed up: {target}" in refused.stderr
    assert list(tmp_path.iterdir()) == []


# The database restarted ------------------------------------------------------------------------------------------


@pytest.fixture
def postgres_server() -> Iterator[tuple[Path, dict[str, str]]]:
    """A PostgreSQL server of the test's own, which it may stop and start, and the environment that points at it."""
    folder, port = server_create()
    try:
        yield folder, {"OVERSIGHT_DATABASE": "postgres", "PGHOST": "127.0.0.1", "PGPORT": str(port),
                       "PGUSER": USER, "PGDATABASE": "postgres"}  # fmt: skip
    finally:
        server_stop(folder)


def test_the_database_restarted_under_a_running_server(
    postgres_server: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    folder, database = postgres_server
    home = tmp_path / "data"
    env = oversight_env(home, database)
    reader = ["user", "create", "reader", "--role", "reader", "--password-stdin"]
    for command, stdin in ((["manage", "migrate", "--verbosity", "0"], ""), (reader, PASSWORD)):
        done = oversight_run(command, env=env, input=stdin)
        assert done.returncode == 0, done.stderr
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with (home / "serve.log").open("w") as log:
        server = subprocess.Popen(  # noqa: S603 - the oversight command, with arguments of the test's own
            [sys.executable, "-m", "oversight", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(url)
            session = Session()
            assert session.sign_in(url, "reader", PASSWORD)[0] == 302
            assert session.get(url, "/glossary/")[0] == 200

            server_down(folder)
            for path in ("/glossary/", "/", "/accounts/sign-in/"):
                status, headers, page = session.get(url, path)
                assert (status, headers.get("Retry-After")) == (503, "5"), page
                assert b"Try again in a moment" in page
                assert b"Traceback" not in page

            server_up(folder, int(database["PGPORT"]))
            status, _, page = session.get(url, "/glossary/")
            assert status == 200
            assert b"What the terms mean" in page
            assert server.poll() is None
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert "answered 503: the database failed" in (home / "serve.log").read_text()
