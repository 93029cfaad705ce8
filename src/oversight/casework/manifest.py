"""What a measure's SQL reads, read off its parsed tree once: its manifest.

A measure is one query (ADR 8) over the stored tables of the returns and the shared views and macros of
``shared_tables.sql``, ``cin_views.sql`` and ``workforce_views.sql``, taking named parameters (``$period_end``).
SQLGlot parses it in DuckDB's dialect; the manifest lists the stored tables it reads, itself or through the
shared views and macros (and those through one another), the shared views and macros it uses, and the
parameters it takes. From the tables
come the returns a measure needs loaded and the files of its lineage, so a card never lists them by hand and
they cannot disagree with the SQL (ADR 16).

The measure files do not change while a process runs: each SQL text, and the shared files, are parsed once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from oversight.casework.issues import CaseworkError
from oversight.casework.readers.annex_a import ANNEX_TABLES
from oversight.casework.readers.cin import CIN_TABLES
from oversight.casework.readers.ssda903 import TABLES as SSDA903_TABLES
from oversight.casework.readers.workforce import WORKFORCE_TABLES

DIALECT = "duckdb"
SHARED_FILES = (
    "shared_tables.sql",
    "cin_views.sql",
    "workforce_views.sql",
)  # the shared views and macros, created on every connection
# Each stored table a return's rows go to, named as the return (and the loads table) names it: 'children' is
# the SSDA903's 'header'.
RETURN_TABLE_NAMES: dict[str, str] = {
    spec.table: spec.name for spec in (*SSDA903_TABLES, *CIN_TABLES, *ANNEX_TABLES, *WORKFORCE_TABLES)
}
# Tables the store fills itself rather than from a return: a measure may read them, and they decide no council.
REFERENCE_TABLES = frozenset({"population", "postcodes", "working_days"})


@dataclass(frozen=True)
class Manifest:
    """What one SQL statement reads: ``tables`` and ``shared`` include what its shared views and macros read."""

    tables: tuple[str, ...]  # stored tables, by their names in the store ('children', 'episodes'), sorted
    shared: tuple[str, ...]  # the shared views and macros it uses, directly or through another, sorted
    parameters: frozenset[str]  # the named parameters its own text takes ('period_end' for $period_end)

    @property
    def source_tables(self) -> tuple[str, ...]:
        """The tables of the returns it reads, named as the returns name them ('episodes', 'header'), sorted."""
        return tuple(sorted(RETURN_TABLE_NAMES[table] for table in self.tables if table in RETURN_TABLE_NAMES))

    @property
    def unheld(self) -> tuple[str, ...]:
        """Tables it reads that no return holds and the store does not fill: a misspelt or invented table."""
        return tuple(t for t in self.tables if t not in RETURN_TABLE_NAMES and t not in REFERENCE_TABLES)

    def bound(self, supplied: Mapping[str, Any], *, measure: str) -> dict[str, Any]:
        """The values of the parameters the SQL takes, from those ``supplied`` (any others are left out: DuckDB
        refuses a value no parameter takes). A parameter the SQL takes and nobody supplies is an error that names
        it, rather than DuckDB's complaint about a prepared statement."""
        missing = sorted(self.parameters - supplied.keys())
        if missing:
            names = ", ".join(f"${name}" for name in missing)
            given = ", ".join(f"${name}" for name in sorted(supplied)) or "none"
            raise CaseworkError(
                f"measure {measure} uses {names}, which {'is' if len(missing) == 1 else 'are'} not supplied "
                f"(supplied: {given})"
            )
        return {name: supplied[name] for name in sorted(self.parameters)}


@dataclass(frozen=True)
class Reads:
    """What one parsed statement names directly: relations (tables or views), functions, and parameters."""

    relations: frozenset[str]
    functions: frozenset[str]
    parameters: frozenset[str]


def _parsed(sql: str, where: str) -> list[exp.Expr]:
    try:
        return [tree for tree in sqlglot.parse(sql, read=DIALECT) if tree is not None]
    except SqlglotError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise CaseworkError(f"{where} cannot be read: {first}") from None


def _names_a_cte(table: exp.Table) -> bool:
    """Whether a table reference names a common table expression in scope rather than a stored table or view.

    A reference in the main body of a query sees all its CTEs; one in a CTE's body sees the CTEs before it (and
    itself, in a WITH RECURSIVE), so ``WITH episodes AS (SELECT … FROM episodes)`` reads the stored table."""
    name = table.name.lower()
    child: exp.Expr = table
    node = table.parent
    while node is not None:
        if isinstance(node, exp.With):
            at = next(i for i, cte in enumerate(node.expressions) if cte is child)
            seen = node.expressions[: at + 1 if node.args.get("recursive") else at]
            if name in {cte.alias_or_name.lower() for cte in seen}:
                return True
            owner = node.parent  # the query this WITH belongs to: its CTEs were the ones just looked at
            if owner is None:
                return False
            child, node = owner, owner.parent
            continue
        if isinstance(node, exp.Query) and name in {cte.alias_or_name.lower() for cte in node.ctes}:
            return True
        child, node = node, node.parent
    return False


def _function_names(function: exp.Func) -> set[str]:
    """The names a call may have been written with: a macro is a function SQLGlot does not know (its name as
    written), or one it knows under its SQL names (``add_months``)."""
    if isinstance(function, exp.Anonymous):
        return {function.name.lower()}
    return {name.lower() for name in type(function).sql_names()}


def _reads(tree: exp.Expr) -> Reads:
    relations = {
        table.name.lower()
        for table in tree.find_all(exp.Table)
        if isinstance(table.this, exp.Identifier) and not _names_a_cte(table)
    }
    functions = {name for function in tree.find_all(exp.Func) for name in _function_names(function)}
    parameters = {placeholder.name for placeholder in tree.find_all(exp.Placeholder) if placeholder.name}
    return Reads(frozenset(relations), frozenset(functions), frozenset(parameters))


@cache
def shared_objects() -> dict[str, Reads]:
    """Each shared view and macro of the SHARED_FILES, by name, with what its body names."""
    objects: dict[str, Reads] = {}
    for file in SHARED_FILES:
        text = resources.files("oversight.casework").joinpath(file).read_text(encoding="utf-8")
        for tree in _parsed(text, file):
            target = tree.this.find(exp.Table) if isinstance(tree, exp.Create) else None
            if target is None or not isinstance(tree.expression, exp.Expr):
                raise CaseworkError(f"{file}: every statement should create a view or a macro: {tree.sql()[:80]}")
            objects[target.name.lower()] = _reads(tree.expression)
    return objects


def _resolved(reads: Iterable[Reads], parameters: frozenset[str]) -> Manifest:
    """The manifest of what ``reads`` name, following the shared views and macros to the tables they read."""
    objects = shared_objects()
    tables: set[str] = set()
    shared: set[str] = set()
    pending = list(reads)
    while pending:
        found = pending.pop()
        tables.update(found.relations - objects.keys())
        for name in sorted(((found.relations | found.functions) & objects.keys()) - shared):
            shared.add(name)
            pending.append(objects[name])
    return Manifest(tables=tuple(sorted(tables)), shared=tuple(sorted(shared)), parameters=parameters)


def shared_manifest(name: str) -> Manifest:
    """The manifest of a shared view or macro: what its body reads, itself or through the others."""
    objects = shared_objects()
    if name not in objects:
        raise CaseworkError(f"there is no shared view or macro '{name}' in {' or '.join(SHARED_FILES)}")
    return _resolved([objects[name]], objects[name].parameters)


@cache
def sql_manifest(sql: str, *, where: str = "the SQL") -> Manifest:
    """The manifest of an SQL text (a measure's query, or a check of quality.sql), parsed once per process."""
    trees = [_reads(tree) for tree in _parsed(sql, where)]
    return _resolved(trees, frozenset(name for tree in trees for name in tree.parameters))
