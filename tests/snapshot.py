"""Every row of the test database, taken once and written back per test.

A snapshot holds each table's rows as the driver returns them; writing it back empties each table and inserts the
rows with their own keys, inside the test's transaction (or, for a browser test, committed), so foreign keys, which
Django's SQLite tables check at commit, hold as they did. Over the in-memory SQLite database the tests run on by
default, whole images of the database (``Images``) are faster still: SQLite's backup copies its pages in about a
millisecond, where inserting the demo's eight thousand rows takes about fifty.
"""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Callable
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

    def result_copy(self) -> LoadResult:
        """What the load reported, for a test whose database already holds the rows (an image written back)."""
        return copy.deepcopy(self.result)

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
        return self.result_copy()


class Images:
    """Whole copies of the in-memory SQLite test database, by name, written back by SQLite's backup.

    A copy can be taken or written back only outside a transaction: before a test's transaction begins and after
    it is rolled back, or around a transactional (browser) test.
    """

    def __init__(self) -> None:
        self.taken: dict[str, sqlite3.Connection] = {}

    @staticmethod
    def apply() -> bool:
        """Whether the tests run on in-memory SQLite, whose whole database an image can hold."""
        return connection.vendor == "sqlite" and connection.is_in_memory_db()

    @staticmethod
    def copy() -> sqlite3.Connection:
        """An image of the database as it is now."""
        connection.ensure_connection()
        image = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(image)
        return image

    @staticmethod
    def write(image: sqlite3.Connection) -> None:
        """Replace the whole database with the image."""
        connection.ensure_connection()
        image.backup(connection.connection)
        ContentType.objects.clear_cache()  # the content types' keys are the image's

    def take(self, name: str) -> None:
        self.taken[name] = self.copy()

    def restore(self, name: str) -> None:
        self.write(self.taken[name])

    def put(self, name: str, make: Callable[[], object]) -> None:
        """Write the image ``name`` into the database; the first time, ``make`` writes it (committed) and it is kept."""
        if name in self.taken:
            self.restore(name)
        else:
            make()
            self.take(name)


IMAGES = Images()  # one set for each test worker, whose database it images
