"""The suite on PostgreSQL: ``pytest -p tests.postgres`` (``make test-postgres``).

The plugin starts a throwaway PostgreSQL server from the machine's binaries in a temporary folder before Django's
settings are read, and stops it and removes the folder when the run ends. The test settings then use it instead of
SQLite in memory; pytest-django creates each worker's database on it (``test_oversight_gw0`` …). xdist's workers
inherit the server's address from the environment, so one server serves the whole run.

PostgreSQL refuses to run as root: a root run (CI) starts it as the ``postgres`` account that Debian's package makes.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Set by the run that started the server; a worker (or a nested run) finds it and starts none.
STARTED = "OVERSIGHT_TEST_POSTGRES_DIR"
USER = "oversight"
# A throwaway server: durability buys nothing, and the suite writes a great deal.
SERVER_OPTIONS = ["fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=200"]


def postgres_binaries() -> Path:
    """The newest PostgreSQL on the machine (OVERSIGHT_POSTGRES_BIN names another)."""
    if "OVERSIGHT_POSTGRES_BIN" in os.environ:
        return Path(os.environ["OVERSIGHT_POSTGRES_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda path: int(path.parent.parent.name))
    if not found:
        raise pytest.UsageError(
            "PostgreSQL's binaries are not in /usr/lib/postgresql (apt-get install postgresql), "
            "or set OVERSIGHT_POSTGRES_BIN to the folder holding initdb and pg_ctl."
        )
    return found[-1].parent


def _as_server_account(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(command: list[str], folder: Path) -> None:
    # Run from the server's own folder: the postgres account may not enter the checkout's.
    done = subprocess.run(_as_server_account(command), cwd=folder, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise pytest.UsageError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")


def server_create() -> tuple[Path, int]:
    """Start a server in a new temporary folder, listening on 127.0.0.1; its folder and port."""
    binaries = postgres_binaries()
    folder = Path(tempfile.mkdtemp(prefix="oversight-postgres-"))
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
    port = _free_port()
    _run(
        [str(binaries / "initdb"), "-D", str(folder / "data"), "-U", USER, "--auth=trust", "-E", "UTF8"]
        + ["--locale=C.UTF-8"],
        folder,
    )
    server_up(folder, port)
    return folder, port


def server_up(folder: Path, port: int) -> None:
    """Start the server of ``folder`` (again) on ``port``, and wait until it answers."""
    options = " ".join(
        [f"-p {port}", "-c listen_addresses=127.0.0.1", f"-k {folder}", *(f"-c {option}" for option in SERVER_OPTIONS)]
    )
    command = [str(postgres_binaries() / "pg_ctl"), "start", "-w", "-D", str(folder / "data")]
    _run([*command, "-l", str(folder / "server.log"), "-o", options], folder)


def server_down(folder: Path) -> None:
    """Stop the server of ``folder``, as a restart does: its connections are ended, what they committed is kept."""
    _run([str(postgres_binaries() / "pg_ctl"), "stop", "-w", "-D", str(folder / "data"), "-m", "fast"], folder)


def server_start() -> Path:
    """Start a server in a new temporary folder; its address goes into the environment (PGHOST, PGPORT, PGUSER)."""
    folder, port = server_create()
    os.environ.update({STARTED: str(folder), "PGHOST": "127.0.0.1", "PGPORT": str(port), "PGUSER": USER})
    return folder


def server_stop(folder: Path) -> None:
    subprocess.run(
        _as_server_account([str(postgres_binaries() / "pg_ctl"), "stop", "-D", str(folder / "data"), "-m", "fast"]),
        cwd=folder,
        capture_output=True,
        check=False,
    )
    shutil.rmtree(folder, ignore_errors=True)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    """Before pytest-django reads the settings: the test settings choose PostgreSQL when this variable is set."""
    os.environ["OVERSIGHT_TEST_DATABASE"] = "postgres"
    if STARTED in os.environ:
        return
    folder = server_start()
    early_config.add_cleanup(lambda: server_stop(folder))


def sequences_reset() -> None:
    """Move every table's key sequence to just past its largest key, in one statement.

    SQLite's sequences are rows of a table, so a test's rollback takes them back with everything else, but a flush
    (a browser test's) empties the tables and leaves the sequences where they were; PostgreSQL's stand outside
    transactions, and rows written with their own keys (the demo written back) leave them behind.
    """
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_sequence")
            for (table,) in cursor.fetchall():
                cursor.execute(
                    f'UPDATE sqlite_sequence SET seq = (SELECT COALESCE(MAX(rowid), 0) FROM "{table}") '  # noqa: S608
                    "WHERE name = %s",
                    [table],
                )
        return
    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True))
    if statements:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(statement.rstrip(";") for statement in statements))


@pytest.fixture(autouse=True)
def _postgres_test_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that uses the database starts with the sequences where its rows leave them, as on SQLite.

    A test that runs in a transaction keeps its connection to the end: a response the test closes itself would have
    Django close a connection left in a transaction, which ends the test's transaction. The test client keeps Django
    from doing that for the responses it closes, and SQLite in memory never closes, so neither does this.
    """
    transactional = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    if request.node.get_closest_marker("django_db") is None and not transactional and "db" not in request.fixturenames:
        yield
        return
    from django.db import connections

    request.getfixturevalue("_django_db_helper")
    sequences_reset()
    if transactional:
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        for connection in connections.all():
            patch.setattr(connection, "close_if_unusable_or_obsolete", lambda: None)
        yield
