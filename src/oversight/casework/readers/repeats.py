"""Rows that repeat a key: which of them a load keeps, as SQL, ordering only the rows that need it.

A return may hold a record twice (the same child and natural key), and a load of several returns holds the
records they share; the readers mark the row to keep with a window over each key's rows. Nearly every key
comes once, and a window sorts every row: here the keys that come more than once are found first (a hash
aggregate), a row whose key comes once gets every mark true, and only the rows of repeated keys are ordered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

KEEP_FIRST = {"is_kept": "row_number() OVER rows = 1"}  # the mark that keeps each key's first row


def _same(key: Sequence[str]) -> str:
    return " AND ".join(f"r.{column} IS NOT DISTINCT FROM d.{column}" for column in key)


def marked(table: str, key: Sequence[str], order: str, marks: Mapping[str, str]) -> str:
    """A query of every row of ``table`` with each of ``marks`` added as a column: true where no other row
    has the row's ``key``, else the mark's SQL over the window ``rows`` (the key's rows in ``order``). So a
    mark must be true of a row that is alone in its window, as "the first row" and "the first of its file" are.

    ``marked("t", ["la", "child"], "source_row", KEEP_FIRST)`` keeps the first row of each child. The rows
    come in no particular order.
    """
    columns = ", ".join(key)
    once = ", ".join(f"true AS {name}" for name in marks)
    many = ", ".join(f"{sql} AS {name}" for name, sql in marks.items())
    partition = ", ".join(f"r.{column}" for column in key)
    return (
        f"WITH repeated AS (SELECT {columns} FROM {table} GROUP BY ALL HAVING count(*) > 1) "
        f"SELECT r.*, {once} FROM {table} r ANTI JOIN repeated d ON {_same(key)} "
        f"UNION ALL SELECT r.*, {many} FROM {table} r SEMI JOIN repeated d ON {_same(key)} "
        f"WINDOW rows AS (PARTITION BY {partition} ORDER BY {order})"
    )


def repeated_rows(table: str, key: Sequence[str], *, where: str) -> str:
    """The rows of ``table`` whose ``key`` is shared by a row meeting ``where`` (e.g. ``NOT is_kept``): a
    small table to run a further window over, rather than every row."""
    return (
        f"(SELECT r.* FROM {table} r SEMI JOIN (SELECT DISTINCT {', '.join(key)} FROM {table} WHERE {where}) d "
        f"ON {_same(key)})"
    )
