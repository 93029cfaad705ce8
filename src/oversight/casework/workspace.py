"""The in-memory DuckDB databases that stores are opened in, kept between stores of one process.

Starting a DuckDB database takes longer than anything a casework page asks of it (about 16 ms, beside a few for
attaching a store file and reading a figure), and every page opens a store. So a database let go by one store
is kept for the next with the same settings: each store works through a connection of its own (whose temporary
tables, macros and current database end with it), and gives the database back only once the store file is
detached again, so no file stays locked between uses, and only as empty as it was made. A database found
otherwise is closed, not kept.
"""

from __future__ import annotations

import os
import threading

import duckdb

KEPT = 2  # idle databases kept for each setting: a page at a time per server thread needs few

_idle: dict[tuple[str, str, int | None], list[duckdb.DuckDBPyConnection]] = {}
_lock = threading.Lock()
_abandoned: list[object] = []  # a forked child's inherited databases: never used, never closed (see _forget)


def workspace_take(memory: str, temp_directory: str, threads: int | None) -> duckdb.DuckDBPyConnection:
    """An empty in-memory database with this working memory, spill folder and number of threads (None: DuckDB's
    own, one for each core): one kept, or a new one.

    Raises what ``duckdb.connect`` raises for settings it cannot read (``duckdb.ParserException``)."""
    with _lock:
        kept = _idle.get((memory, temp_directory, threads))
        if kept:
            return kept.pop()
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": memory,
        "temp_directory": temp_directory,
        # A file read again must be read afresh: a kept database would otherwise answer from its cache.
        "enable_external_file_cache": False,
    }
    if threads is not None:
        config["threads"] = threads
    return duckdb.connect(config=config)


def workspace_give(memory: str, temp_directory: str, threads: int | None, database: duckdb.DuckDBPyConnection) -> None:
    """Take back a database whose stores' connections are closed: kept if it is as empty as it was made (only
    its own in-memory database attached, no table, view or sequence in that), otherwise closed. (Macros are not
    looked for: listing them takes as long as a new database. Oversight makes its macros temporary, or in the store.)"""
    try:
        with database.cursor() as cursor:
            for (name,) in cursor.execute(
                "SELECT database_name FROM duckdb_databases() WHERE NOT internal AND database_name <> 'memory'"
            ).fetchall():
                cursor.execute(f'DETACH "{name}"')
            made = cursor.execute(
                "SELECT (SELECT count(*) FROM duckdb_tables() WHERE database_name = 'memory')"
                " + (SELECT count(*) FROM duckdb_views() WHERE database_name = 'memory' AND NOT internal)"
                " + (SELECT count(*) FROM duckdb_sequences() WHERE database_name = 'memory')"
            ).fetchone()
    except duckdb.Error:
        made = None
    if made != (0,):
        database.close()
        return
    with _lock:
        kept = _idle.setdefault((memory, temp_directory, threads), [])
        if len(kept) < KEPT:
            kept.append(database)
            return
    database.close()


def workspaces_close() -> None:
    """Close every kept database (at exit, or to let go of their memory)."""
    with _lock:
        kept = [database for databases in _idle.values() for database in databases]
        _idle.clear()
    for database in kept:
        database.close()


def _forget() -> None:
    """In a forked child: start with no kept databases. The parent's are left alone, unclosed: closing a copy of
    a database whose threads did not come across the fork could wait on them for ever."""
    global _lock
    _abandoned.extend(_idle.values())
    _idle.clear()
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_forget)
