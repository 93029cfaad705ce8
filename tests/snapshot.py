"""Every row of the test database, taken once and written back per test.

The test database is SQLite in memory. A snapshot holds each table's rows as the driver returns them; writing
it back empties each table and inserts the rows with their own keys, inside the test's transaction (or, for a
browser test, committed), so foreign keys, which Django's SQLite tables check at commit, hold as they did.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from oversight.performance.services import LoadResult
from tests.postgres import sequences_reset

_NOT_DATA = {"django_migrations", "sqlite_sequence"}


def _tables() -> list[str]:
    return [name for name in connection.introspection.table_names() if name not in _NOT_DATA]


def database_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, in key order."""
    with connection.cursor() as cursor:
        rows = {}
        for table in _tables():
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')  # noqa: S608 - table names from the schema
            rows[table] = cursor.fetchall()
        return rows


@dataclass(frozen=True)
class DatabaseSnapshot:
    result: LoadResult
    rows: dict[str, list[tuple[Any, ...]]]

    @classmethod
    def take(cls, result: LoadResult) -> DatabaseSnapshot:
        return cls(copy.deepcopy(result), database_rows())

    def restore(self) -> LoadResult:
        with transaction.atomic(), connection.cursor() as cursor:
            for table, rows in self.rows.items():
                cursor.execute(f'DELETE FROM "{table}"')  # noqa: S608
                if rows:
                    marks = ", ".join("%s" for _ in rows[0])
                    cursor.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)  # noqa: S608
        if connection.vendor == "postgresql":  # rows written with their own keys leave the sequences behind
            sequences_reset()
        ContentType.objects.clear_cache()  # a browser test's flush may have made content types with other keys
        return copy.deepcopy(self.result)
