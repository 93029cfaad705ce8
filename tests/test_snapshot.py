from __future__ import annotations

from datetime import datetime
from typing import Any

from oversight.demo.loader import demo_load
from oversight.performance.services import LoadResult
from tests.postgres import sequences_reset
from tests.snapshot import DatabaseSnapshot, database_rows


def _masked(table: str, value: Any) -> Any:
    if isinstance(value, datetime):
        return "a moment"
    if table == "auth_user" and isinstance(value, str) and (value.startswith("!") or "$" in value):
        return "a salted password"  # the demo approver's password is made anew, salted, on every load
    return value


# Django's catalogue of models, which migrate makes and a browser test's flush makes again with new keys; the demo
# writes none of it.
_CATALOGUE = {"django_content_type", "auth_permission"}


def _without_times(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """The rows with each moment (and salted password) replaced, since two loads of the demo differ in those."""
    return {
        table: [tuple(_masked(table, value) for value in row) for row in table_rows]
        for table, table_rows in rows.items()
        if table not in _CATALOGUE
    }


def test_the_demo_snapshot_is_what_the_importer_writes(db: None, demo_snapshot: DatabaseSnapshot) -> None:
    sequences_reset()  # the keys the snapshot was taken with
    result = demo_load()

    assert result.ok
    assert (result.rows, result.created) == (demo_snapshot.result.rows, demo_snapshot.result.created)
    written = database_rows()
    assert sum(len(rows) for rows in written.values()) > 1000
    assert _without_times(written) == _without_times(demo_snapshot.rows)


def test_writing_the_snapshot_back_gives_the_same_rows(db: None, demo_snapshot: DatabaseSnapshot) -> None:
    demo_snapshot.restore()
    demo_snapshot.restore()  # over itself, as over an empty database

    assert database_rows() == demo_snapshot.rows


def test_a_test_given_the_demo_finds_the_snapshots_rows(demo: LoadResult, demo_snapshot: DatabaseSnapshot) -> None:
    """Over in-memory SQLite the demo fixture writes an image of the database, not the rows: the same rows."""
    assert database_rows() == demo_snapshot.rows
    assert (demo.rows, demo.created) == (demo_snapshot.result.rows, demo_snapshot.result.created)
