"""Staging for the readers that read records in Python (XML returns, workbooks) rather than through DuckDB's CSV reader.

A reader collects typed rows per table in a ``RowStager``, which sends them to a temporary DuckDB table in
batches (a national file is never held in Python whole). Once every file has been read without a structural
problem, ``finish`` builds each table's typed staging table in the shape ``CaseworkStore`` writes from: the
stored columns, ``la``, ``child``, ``return_year``, ``source_row`` and ``is_kept`` (the first of rows repeating
a key), and notes the repeats as data-quality issues.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import duckdb

from oversight.casework.issues import field_issue
from oversight.casework.readers.repeats import KEEP_FIRST, marked
from oversight.casework.readers.ssda903 import SQL_TYPES, Kind, ReadResult, StagedFile, TableSpec
from oversight.core.problems import Issue

BATCH_ROWS = 50_000
MAX_ISSUES_PER_FILE = 1_000  # past this a file is reported as having "and N more" problems


def file_sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def sql_type(spec: TableSpec, name: str) -> str:
    for column in spec.columns:
        if column.stored_name == name:
            return "VARCHAR" if column.kind is Kind.SEX else SQL_TYPES.get(column.kind, "VARCHAR")
    raise KeyError(name)


def ensure_stage_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE TEMP TABLE IF NOT EXISTS stage_quality (file VARCHAR, la VARCHAR, table_name VARCHAR, child UUID, "
        "rule VARCHAR, field VARCHAR, value VARCHAR, message VARCHAR, source_row INTEGER)"
    )


@dataclass
class RowStager:
    """Typed rows of one file, by table, on their way to temporary DuckDB tables."""

    con: duckdb.DuckDBPyConnection
    prefix: str  # unique per file: the staging tables are <prefix>_<table>
    specs: Sequence[TableSpec]
    buffers: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    quality: list[tuple[Any, ...]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for spec in self.specs:
            columns = ", ".join(f"{c.stored_name} {sql_type(spec, c.stored_name)}" for c in spec.stored)
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE {self.raw(spec)} (la VARCHAR, child UUID, {columns}, "
                "return_year INTEGER, source_row INTEGER)"
            )
            self.buffers[spec.name] = []
            self.counts[spec.name] = 0

    def raw(self, spec: TableSpec) -> str:
        return f"{self.prefix}_{spec.name}"

    def add(self, spec: TableSpec, row: tuple[Any, ...]) -> None:
        """``row``: la, child, the stored columns in order, return_year, source_row."""
        buffer = self.buffers[spec.name]
        buffer.append(row)
        self.counts[spec.name] += 1
        if len(buffer) >= BATCH_ROWS:
            self._flush(spec)

    def note(self, la: str, table: str, child: UUID | None, rule: str, path: str, value: str | None, message: str,
             row: int) -> None:  # fmt: skip
        self.quality.append((la, table, child, rule, path, value, message, row))

    def _flush(self, spec: TableSpec) -> None:
        rows = self.buffers[spec.name]
        if not rows:
            return
        width = len(rows[0])
        columns = list(zip(*rows, strict=True))
        names = ["la", "child", *(c.stored_name for c in spec.stored), "return_year", "source_row"]
        types = ["VARCHAR", "VARCHAR", *(sql_type(spec, c.stored_name) for c in spec.stored), "INTEGER", "INTEGER"]
        selects = ", ".join(f"CAST(unnest($c{i}) AS {types[i]}) AS {names[i]}" for i in range(width))
        self.con.execute(
            f"INSERT INTO {self.raw(spec)} SELECT {selects}", {f"c{i}": list(columns[i]) for i in range(width)}
        )
        rows.clear()

    def flush(self) -> None:
        for spec in self.specs:
            self._flush(spec)

    def drop(self) -> None:
        for spec in self.specs:
            self.con.execute(f"DROP TABLE IF EXISTS temp.main.{self.raw(spec)}")

    def finish(self, path: Path, sha256: str, year_ending: int | None) -> list[StagedFile]:
        """The staged tables of the file, typed and with repeats marked; data-quality notes go to stage_quality."""
        self.flush()
        ensure_stage_tables(self.con)
        name = path.name
        if self.quality:
            columns = list(zip(*self.quality, strict=True))
            self.con.execute(
                "INSERT INTO stage_quality SELECT $file, unnest($la), unnest($t), unnest($child), unnest($rule), "
                "unnest($field), unnest($value), unnest($message), unnest($row)",
                {
                    "file": name,
                    "la": list(columns[0]),
                    "t": list(columns[1]),
                    "child": list(columns[2]),
                    "rule": list(columns[3]),
                    "field": list(columns[4]),
                    "value": list(columns[5]),
                    "message": list(columns[6]),
                    "row": list(columns[7]),
                },
            )
        staged = []
        for spec in self.specs:
            if not self.counts[spec.name]:
                self.con.execute(f"DROP TABLE IF EXISTS temp.main.{self.raw(spec)}")
                continue
            raw, typed = self.raw(spec), f"typed_{self.raw(spec)}"
            kept = marked(raw, ["la", "child", *spec.key], "source_row", KEEP_FIRST)
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {typed} AS {kept}")
            self.con.execute(f"DROP TABLE {raw}")
            keys = [c.name for c in spec.columns if c.key]
            what = f"the same child and {', '.join(keys)}" if keys else "the same child"
            path_column = "source_path" if any(c.stored_name == "source_path" for c in spec.stored) else "NULL"
            self.con.execute(
                f"INSERT INTO stage_quality SELECT $file, la, $table, child, 'duplicate_row', {path_column}, NULL, "
                f"'repeats an earlier record ({what}); not loaded', source_row FROM {typed} WHERE NOT is_kept",
                {"file": name, "table": spec.table},
            )
            las = tuple(str(r[0]) for r in self.con.execute(f"SELECT DISTINCT la FROM {typed} ORDER BY la").fetchall())
            staged.append(
                StagedFile(path, sha256, spec, "", {}, rows=self.counts[spec.name], year_ending=year_ending,
                           typed=typed, las=las)
            )  # fmt: skip
        return staged


def close_file(
    result: ReadResult,
    stager: RowStager,
    path: Path,
    sha256: str,
    issues: list[Issue],
    *,
    more_issues: int,
    year_ending: int | None,
    progress: Callable[[int], object] | None,
) -> None:
    """End one file's reading: its problems into ``result`` (and its rows dropped), or its staged tables."""
    if more_issues:
        issues.append(field_issue(path.name, None, None, f"and {more_issues:,} more problems; fix those above first"))
    if progress is not None:
        progress(1)
    if issues:
        result.issues.extend(issues)
        stager.drop()
        return
    result.files.extend(stager.finish(path, sha256, year_ending))
