"""The DuckDB databases stores are opened in, kept between stores: each store starts as if in a new one, and no
store file stays locked once its store is closed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from oversight.casework import workspace
from oversight.casework.store import CaseworkStore


@pytest.fixture
def kept(empty_store: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the empty store, and no database kept from earlier tests."""
    path = tmp_path / "casework.duckdb"
    shutil.copyfile(empty_store, path)
    workspace.workspaces_close()
    yield path
    workspace.workspaces_close()


def _database(store: CaseworkStore) -> duckdb.DuckDBPyConnection:
    database = store._database
    assert database is not None
    return database


def test_a_store_is_opened_in_the_database_the_last_one_gave_back_and_finds_none_of_its_work(kept: Path) -> None:
    with CaseworkStore(kept) as first:
        first.open()
        first.connection.execute("CREATE TEMP TABLE scratch AS SELECT 42 AS answer")
        first.connection.execute("CREATE TEMP MACRO doubled(x) AS x * 2")
        used = _database(first)
    with CaseworkStore(kept, read_only=True) as second:
        assert _database(second) is used  # kept, not made again
        assert second.connection.execute("SELECT current_database()").fetchone() == ("memory",)
        with pytest.raises(duckdb.CatalogException):
            second.connection.execute("SELECT * FROM scratch")
        with pytest.raises(duckdb.CatalogException):
            second.connection.execute("SELECT doubled(2)")
        second.open()
        assert second.query("SELECT value FROM meta WHERE name = 'schema_version'") != []


def test_two_stores_open_at_once_each_have_a_database_of_their_own(kept: Path) -> None:
    with CaseworkStore(kept, read_only=True) as one, CaseworkStore(kept, read_only=True) as other:
        one.open()
        other.open()
        assert _database(one) is not _database(other)
        assert one.query("SELECT count(*) FROM meta") == other.query("SELECT count(*) FROM meta")


def test_a_closed_store_leaves_its_file_free_for_another_process_to_write(kept: Path) -> None:
    with CaseworkStore(kept, read_only=True) as reader:
        reader.open()
    assert workspace._idle  # the database was kept ...
    writer = f"import duckdb; duckdb.connect({str(kept)!r}).execute('CHECKPOINT'); print('written')"
    done = subprocess.run([sys.executable, "-c", writer], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout.strip()) == (0, "written"), done.stderr  # ... with the file let go


def test_a_database_left_with_something_in_it_is_closed_not_kept(kept: Path) -> None:
    store = CaseworkStore(kept)
    database = _database(store)
    store.connection.execute("CREATE TABLE memory.main.left_behind AS SELECT 1 AS x")
    store.close()
    assert workspace._idle.get(store._workspace, []) == []
    with pytest.raises(duckdb.ConnectionException):
        database.execute("SELECT 1")
    with CaseworkStore(kept, read_only=True) as fresh:
        assert fresh.connection.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'left_behind'"
        ).fetchone() == (0,)


def test_a_store_closed_twice_gives_its_database_back_once(kept: Path) -> None:
    store = CaseworkStore(kept, read_only=True)
    store.close()
    store.close()
    assert len(workspace._idle[store._workspace]) == 1
