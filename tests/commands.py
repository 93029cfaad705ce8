"""Running the real ``oversight`` command in a data directory of its own, on the run's database engine.

In ``make test`` a command's data is the SQLite file in its data directory; in ``make test-postgres`` it is a database
of its own on the run's PostgreSQL server (``separate_database``), so that it never meets the suite's own.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests import processes
from tests.processes import DemoHome

ON_POSTGRES = os.environ.get("OVERSIGHT_TEST_DATABASE") == "postgres"
# One key for every server of a service: a session signed by one server is checked by the others.
SECRET_KEY = secrets.token_urlsafe(64)


def oversight_env(home: Path, database: dict[str, str], **extra: str) -> dict[str, str]:
    """The environment of a production command: its data directory, its database and its secrets."""
    env = {
        **os.environ,
        "OVERSIGHT_HOME": str(home),
        "OVERSIGHT_SECRET_KEY": SECRET_KEY,
        "OVERSIGHT_ALLOWED_HOSTS": "127.0.0.1",
        **database,
        **extra,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if not database:
        env.pop("OVERSIGHT_DATABASE", None)
    return env


def oversight_run(
    home: Path, database: dict[str, str], *args: str, stdin: str = "", **extra: str
) -> subprocess.CompletedProcess[str]:
    """``oversight ARGS`` in a process of its own (forked from one that has imported the libraries already)."""
    return processes.oversight_run(args, env=oversight_env(home, database, **extra), input=stdin)


@contextmanager
def separate_database(purpose: str) -> Iterator[dict[str, str]]:
    """The environment that points a command at a new, empty database: nothing on SQLite (each data directory has
    its own file), a new database on the run's PostgreSQL server, dropped afterwards."""
    if not ON_POSTGRES:
        yield {}
        return
    import psycopg

    name = f"{purpose}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    with psycopg.connect(dbname="postgres", autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {"OVERSIGHT_DATABASE": "postgres", "PGDATABASE": name}
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_fixture(purpose: str) -> Any:
    """A module's ``database`` fixture: a separate database (``separate_database``) for the module's commands."""

    @pytest.fixture(scope="module")
    def database() -> Iterator[dict[str, str]]:
        with separate_database(purpose) as database:
            yield database

    return database


def demo_home_fixture(purpose: str) -> Any:
    """A module's ``home`` fixture: a data directory of its own with the demo loaded, on the module's ``database``."""

    @pytest.fixture(scope="module")
    def home(
        request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, database: dict[str, str]
    ) -> Path:
        return demo_home(request, tmp_path_factory, database, purpose)

    return home


def demo_home(request: pytest.FixtureRequest, tmp_path_factory: Any, database: dict[str, str], purpose: str) -> Path:
    """A new data directory with the demo loaded, as `oversight demo --no-serve` loads it. On SQLite the demo's data
    is all in the data directory, so this is a copy of the run's own (the session's ``demo_home``, made by the same
    command); on PostgreSQL the command loads it afresh into the module's database."""
    home = Path(tmp_path_factory.mktemp(purpose)) / "data"
    if database:
        loaded = oversight_run(home, database, "demo", "--no-serve")
    else:
        shared: DemoHome = request.getfixturevalue("demo_home")
        home, loaded = shared.copy(home)
    assert loaded.returncode == 0, loaded.stderr
    return home


def database_wipe(home: Path, database: dict[str, str]) -> None:
    """Lose the database, as a failed disk would: the SQLite file, or every table of the PostgreSQL database."""
    if not database:
        for file in home.glob("oversight.sqlite3*"):
            file.unlink()
        return
    import psycopg

    with psycopg.connect(dbname=database["PGDATABASE"], autocommit=True) as server:
        server.execute("DROP SCHEMA public CASCADE")
        server.execute("CREATE SCHEMA public")
