"""The case-level store: one DuckDB file of pseudonymised returns, and the one class that opens it.

The store is attached to an in-memory DuckDB workspace only when something is to be written or read. Files
are read and checked in the workspace's temporary tables (``readers``) and written as soon as they are, in
one transaction per load that is committed only if every file passed: a rejected load leaves the store as
it was, and a store it created is removed (ADR 13).
"""

from __future__ import annotations

import getpass
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar, cast

import duckdb
import sqlglot
from sqlglot import exp

from oversight.casework.issues import CaseworkError, OutdatedStoreError, field_issue
from oversight.casework.manifest import DIALECT, sql_manifest
from oversight.casework.postcodes import PostcodeLookup, read_lookup
from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.readers import Format, detect_format
from oversight.casework.readers.annex_a import ANNEX_TABLES, read_annex_a
from oversight.casework.readers.cin import CIN_TABLES, CensusReader
from oversight.casework.readers.ssda903 import (
    TABLES,
    TABLES_BY_NAME,
    ReadResult,
    StagedBatch,
    StagedFile,
    read_ssda903,
)
from oversight.casework.readers.ssda903_xml import read_ssda903_xml
from oversight.casework.readers.workforce import WORKFORCE_TABLES, read_workforce
from oversight.casework.reference import population_rows, population_text
from oversight.casework.workspace import workspace_give, workspace_take
from oversight.core import workdays
from oversight.core.problems import ImportResult, Issue

MEMORY_LIMIT = "2GB"  # DuckDB's working memory unless OVERSIGHT_CASEWORK_MEMORY says otherwise (as "4GB")
SCHEMA_VERSION = "4"  # 2: tables without primary keys; 3: children as UUIDs, census positions as numbers;
# 4: placement distances and the postcode lookup
# Working days are tabulated for these years; a date outside them has no working-day count.
CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR = 1990, 2045

# The derived tables several measures read, built once for the store as it stands rather than once a measure: the
# view the measures read, the view in shared_tables.sql that holds its rule, and the stored tables the rule reads.
SHARED_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "episode_spells": ("episode_spells_rule", ("episodes",)),
}
# The stored tables a return's rows go to: their row counts are part of the store's state (CaseworkStore.state).
RETURN_TABLES = tuple(sorted({spec.table for spec in (*TABLES, *CIN_TABLES, *ANNEX_TABLES, *WORKFORCE_TABLES)}))

T = TypeVar("T")

QUALITY_RULES = {
    "unknown_code": "a code that is not in the return's code list",
    "duplicate_row": "a row repeated in the same file and return (only the first was loaded)",
    "episode_ends_before_start": "an episode that ends before it starts",
    "episodes_overlap": "an episode that overlaps the child's next episode",
    "episode_before_birth": "an episode that starts before the child was born",
    "episode_end_incomplete": "an episode with an end date but no reason it ceased, or the other way round",
    "child_not_in_header": "a child with episodes but no header row (no date of birth)",
    "missing_ends_before_start": "a missing or away incident that ends before it starts",
    "cin_episode_ends_before_start": "a CIN episode that closes before its referral",
    "cin_assessment_ends_before_start": "an assessment authorised before it started",
    "cin_assessment_open_past_timescale": "an assessment still open at the census date, over 45 working days on",
    "cin_plan_ends_before_start": "a child in need plan that ends before it starts",
    "cp_plan_ends_before_start": "a child protection plan that ends before it starts",
    "s47_icpc_before_start": "an initial child protection conference before its section 47 enquiry started",
    "cp_review_outside_plan": "a child protection review outside the dates of its plan",
    "cin_date_after_census": "a CIN record dated after the census date of its return",
    "postcode_not_in_lookup": "a home or placement postcode not in the postcode lookup (the distance is not known)",
}


def _sql(name: str) -> str:
    return resources.files("oversight.casework").joinpath(name).read_text(encoding="utf-8")


# The macros and views the measures read, created by ``CaseworkStore.open`` beside the working-days table.
DERIVED_SQL = ("shared_tables.sql", "cin_views.sql", "workforce_views.sql")
_TEMP = "CREATE OR REPLACE TEMP "


def _working_days_sql(*, temp: bool) -> str:
    return (
        f"CREATE OR REPLACE {'TEMP ' if temp else ''}TABLE working_days AS "
        "SELECT calendar_day, is_working, "
        "CAST(sum(CAST(is_working AS INTEGER)) OVER (ORDER BY calendar_day) AS INTEGER) AS working_rank "
        "FROM (SELECT CAST(d AS DATE) AS calendar_day, "
        "isodow(d) <= 5 AND NOT list_contains($holidays, CAST(d AS DATE)) AS is_working "
        "FROM range($first, $last, INTERVAL 1 DAY) AS t(d))"
    )


@cache
def _working_days_parameters() -> dict[str, Any]:
    return {
        "holidays": [
            day for year in range(CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR + 1) for day in workdays.bank_holidays(year)
        ],
        "first": date(CALENDAR_FIRST_YEAR, 1, 1),
        "last": date(CALENDAR_LAST_YEAR + 1, 1, 1),
    }


@cache
def derived_definitions() -> tuple[str, tuple[str, ...]]:
    """The stamp of the working-days table and the shared macros and views (a digest of every definition, the
    holidays included), and the files that create them, each statement a ``CREATE OR REPLACE TEMP`` one."""
    statements = tuple(_sql(name) for name in DERIVED_SQL)
    parameters = _working_days_parameters()
    digest = hashlib.sha256()
    for part in (_working_days_sql(temp=True), repr(sorted(parameters.items())), *statements):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest(), statements


@dataclass(frozen=True)
class QualityCheck:
    """One check of ``quality.sql``: its rule, the stored tables it reads, and its statement."""

    rule: str
    reads: frozenset[str]
    sql: str


@cache
def quality_checks() -> tuple[QualityCheck, ...]:
    """The checks of ``quality.sql``, each an ``INSERT INTO data_quality SELECT 'check', la, table, child, 'rule'``.

    A load reruns only the checks that read a table it wrote: at national scale a census load need not
    recheck every looked-after child's episodes.
    """
    checks = []
    for statement in _sql("quality.sql").split(";"):
        if "INSERT INTO data_quality" not in statement:
            continue
        # The rule is the fifth value a check inserts; the tables are those its manifest says it reads.
        inserted = sqlglot.parse_one(statement, read=DIALECT).expression
        rule = inserted.selects[4] if isinstance(inserted, exp.Select) and len(inserted.selects) > 4 else None
        reads = frozenset(sql_manifest(statement, where="quality.sql").tables) - {"data_quality"}
        if not isinstance(rule, exp.Literal) or not rule.is_string or not reads:
            raise CaseworkError(f"quality.sql: cannot tell the rule or the tables of: {statement.strip()[:80]}")
        checks.append(QualityCheck(rule.name, reads, statement))
    return tuple(checks)


def current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name, e.g. in a container without a passwd entry
        return "unknown"


@dataclass
class TableLoad:
    table: str
    rows: int = 0  # rows read from the files
    new: int = 0  # rows whose key the store did not hold before


@dataclass
class LoadResult(ImportResult):
    skipped: list[str] = field(default_factory=list)  # files already loaded, byte for byte
    tables: dict[str, TableLoad] = field(default_factory=dict)  # the rows read, by table
    notices: list[Issue] = field(default_factory=list)  # warnings: worth saying, not worth rejecting the load for
    quality: dict[str, int] = field(default_factory=dict)  # data-quality issues by rule, for the councils loaded
    las: tuple[str, ...] = ()


@dataclass(frozen=True)
class QualityIssue:
    la: str
    table: str
    rule: str
    field: str | None
    message: str
    file: str | None
    row: int | None

    def __str__(self) -> str:  # said as a problem in the file, or where it has none the table
        return str(field_issue(self.file or self.table, self.row, self.field, self.message))


@dataclass(frozen=True)
class InputFile:
    load_id: int
    file_name: str
    sha256: str


@dataclass(frozen=True)
class RunRow:
    """One computed figure as the runs table keeps it, with the loads it was computed from."""

    measure: str
    measure_version: int
    period: str
    window: tuple[date, date]
    la: str
    numerator: int | Decimal
    denominator: int | Decimal | None
    value: Decimal | None
    load_ids: tuple[int, ...]


def _threads() -> int | None:
    """The threads DuckDB works with for each store, as OVERSIGHT_CASEWORK_THREADS says; None, DuckDB's own choice
    of one for each core. Fewer leave cores to other work (another process's pages, or loads running side by side)."""
    text = os.environ.get("OVERSIGHT_CASEWORK_THREADS", "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise CaseworkError(
            f"OVERSIGHT_CASEWORK_THREADS is '{text}', which is not a number of threads; write it as 1, 2 or 4, "
            "or leave it unset for one for each core"
        )
    return int(text)


class CaseworkStore:
    """The DuckDB file of case-level records. Use as a context manager, or call ``close``."""

    def __init__(self, path: Path, *, read_only: bool = False, share: bool = True) -> None:
        self.path = Path(path)
        self.read_only = read_only  # for readers such as the web app: many processes may read at once
        self.share = share  # build shared tables and read summaries once (shared_tables); False: every query does
        # DuckDB's working memory is bounded (beyond it, it spills to ``<store>.tmp``): by default it would take
        # most of the machine's, beside the web app and its database.
        memory = os.environ.get("OVERSIGHT_CASEWORK_MEMORY") or MEMORY_LIMIT
        self._workspace = (memory, f"{self.path}.tmp", _threads())
        try:
            self._database: duckdb.DuckDBPyConnection | None = workspace_take(*self._workspace)
        except duckdb.ParserException:  # what DuckDB raises for a memory limit it cannot read
            raise CaseworkError(
                f"OVERSIGHT_CASEWORK_MEMORY is '{memory}', which is not an amount of memory; write it as 2GB or 500MB"
            ) from None
        # This store's own connection: its temporary tables, macros and current database are no other store's.
        self.connection = self._database.cursor()
        self._attached = False
        self._loads_written = 0  # loads this object has written: part of the state, so a load is always seen
        self._scope: tuple[int, ...] | None = None  # the state checked on entering shared_tables, while inside
        self._memo_state: tuple[int, ...] | None = None  # the state the memo and the built tables belong to
        self._memo: dict[tuple[Any, ...], Any] = {}
        self._built: dict[str, str | None] = {}  # shared table -> the council it holds, or None for every council

    def __enter__(self) -> CaseworkStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """End this store's connection (a transaction still open is rolled back) and give back its workspace, the
        store file detached."""
        database, self._database = self._database, None
        if database is None:
            return
        self.connection.close()
        self._attached = False
        workspace_give(*self._workspace, database)

    @property
    def exists(self) -> bool:
        return self.path.exists()

    def open(self, *, create: bool = False) -> None:
        """Attach the store file (creating it and its tables if ``create``) and build the shared views."""
        if self._attached:
            return
        if (self.read_only or not create) and not self.exists:
            raise CaseworkError(f"there is no casework store at {self.path}; load returns into it first")
        if not self.read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        con = self.connection
        try:
            con.execute(f"ATTACH '{_literal(str(self.path))}' AS store{' (READ_ONLY)' if self.read_only else ''}")
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                raise CaseworkError(
                    f"{self.path} is in use by another oversight command; try again when it has finished"
                ) from None
            raise CaseworkError(f"{self.path} cannot be opened: {error}") from None
        con.execute("USE store")
        if not self.read_only:
            con.execute(_sql("schema.sql"))
        stored = con.execute("SELECT value FROM meta WHERE name = 'schema_version'").fetchone()
        if stored is None and not self.read_only:
            con.execute("INSERT INTO meta VALUES ('schema_version', $v)", {"v": SCHEMA_VERSION})
        elif stored is None or stored[0] != SCHEMA_VERSION:
            raise OutdatedStoreError(
                f"{self.path} has schema version {stored[0] if stored else 'none'}; this version of oversight "
                f"reads {SCHEMA_VERSION}: move the file aside and load the returns again"
            )
        self._refresh_population()
        self._provide_derived()
        self._attached = True

    def _provide_derived(self) -> None:
        """Make the working-days table and the shared macros and views readable: kept in the store file, stamped
        with the version of their definitions, so that opening a store only checks the stamp. A store opened for
        writing whose stamp is missing or another has them written afresh; one opened for reading, created in the
        workspace (TEMP, before anything in the file), as every open did before they were kept."""
        con = self.connection
        stamp, _ = derived_definitions()
        row = con.execute("SELECT value FROM meta WHERE name = 'derived_sha256'").fetchone()
        if row is not None and row[0] == stamp:
            return
        if self.read_only:
            self._create_derived(temp=True)
            return
        con.execute("BEGIN TRANSACTION")
        try:
            if row is not None:  # a store without a stamp keeps none: versions before it made them per open
                self._drop_kept()
            self._create_derived(temp=False)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('derived_sha256', $stamp)", {"stamp": stamp})
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def _drop_kept(self) -> None:
        """Drop the macros and views an earlier version kept, so one since renamed or removed is not left."""
        con = self.connection
        views = con.execute(
            "SELECT DISTINCT view_name FROM duckdb_views() WHERE database_name = 'store' AND NOT internal"
        ).fetchall()
        for (name,) in views:
            con.execute(f'DROP VIEW store.main."{name}"')
        macros = con.execute(
            "SELECT DISTINCT function_name, function_type FROM duckdb_functions() "
            "WHERE database_name = 'store' AND function_type IN ('macro', 'table_macro')"
        ).fetchall()
        for name, kind in macros:
            con.execute(f'DROP {"MACRO TABLE" if kind == "table_macro" else "MACRO"} store.main."{name}"')

    def _create_derived(self, *, temp: bool) -> None:
        _, statements = derived_definitions()
        con = self.connection
        con.execute(_working_days_sql(temp=temp), _working_days_parameters())
        for statement in statements:
            con.execute(statement if temp else statement.replace(_TEMP, "CREATE OR REPLACE "))

    def compact(self) -> tuple[int, int]:
        """Write the store afresh, leaving out the space that deleted rows and undone loads (a load killed part way,
        say) left in the file, which DuckDB does not give back; (bytes before, bytes after). The fresh file replaces
        the old one only once it is complete."""
        if self.read_only:
            raise CaseworkError("a store opened for reading cannot be compacted")
        self.open()
        before = self.path.stat().st_size
        fresh = self.path.with_name(self.path.name + ".compacting")
        fresh.unlink(missing_ok=True)
        con = self.connection
        con.execute(f"ATTACH '{_literal(str(fresh))}' AS fresh")
        try:
            con.execute("COPY FROM DATABASE store TO fresh")
        finally:
            con.execute("DETACH fresh")
        self.detach()
        os.replace(fresh, self.path)
        return before, self.path.stat().st_size

    def detach(self) -> None:
        """Let go of the store file, keeping this object usable: the next ``open`` attaches it again."""
        if not self._attached:
            return
        self._forget()
        self.connection.execute("USE memory")
        self.connection.execute("DETACH store")
        self._attached = False

    def _refresh_population(self) -> None:
        """Keep the population table equal to the package's ONS estimates (a new release replaces it whole)."""
        text = population_text()
        digest = hashlib.sha256(text.encode()).hexdigest()
        con = self.connection
        row = con.execute("SELECT value FROM meta WHERE name = 'population_sha256'").fetchone()
        if row is not None and row[0] == digest:
            return
        rows = population_rows()
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM population")
            con.execute(
                "INSERT INTO population SELECT unnest($la), unnest($year), unnest($old), unnest($name), unnest($count)",
                {
                    "la": [r.new_la_code for r in rows],
                    "year": [r.mid_year for r in rows],
                    "old": [r.old_la_code for r in rows],
                    "name": [r.la_name for r in rows],
                    "count": [r.population for r in rows],
                },
            )
            con.execute("INSERT OR REPLACE INTO meta VALUES ('population_sha256', $digest)", {"digest": digest})
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    # The postcode lookup --------------------------------------------------------------------------------

    def load_postcodes(self, path: Path, *, user: str | None = None) -> PostcodeLookup:
        """Replace the postcode lookup with the one in ``path`` (a CSV of the ONS Postcode Directory or an extract
        of it), and say what is now held. A file that is not a lookup changes nothing.

        Episodes already loaded keep the distances worked out when they were: their returns, loaded again, are
        read again with this lookup (``_already_loaded``)."""
        path = Path(path)
        con = self.connection
        digest = read_lookup(con, path)  # read before the store is opened: a file refused creates nothing
        try:
            counted = con.execute("SELECT count(*), count(easting) FROM postcode_rows").fetchone()
            postcodes, with_grid = (int(counted[0]), int(counted[1])) if counted else (0, 0)
            if postcodes == 0:
                raise CaseworkError(f"{path.name} has a header row but no postcodes")
            self.open(create=True)
            with self.transaction():
                con.execute("DELETE FROM postcodes")
                con.execute("INSERT INTO postcodes SELECT postcode, la, easting, northing FROM postcode_rows")
                values = {
                    "file": path.name,
                    "sha256": digest,
                    "rows": str(postcodes),
                    "with_grid": str(with_grid),
                    "loaded_at": datetime.now(UTC).isoformat(),
                    "loaded_by": user or current_user(),
                }
                con.execute(
                    "INSERT OR REPLACE INTO meta SELECT 'postcodes_' || unnest($names), unnest($values)",
                    {"names": list(values), "values": list(values.values())},
                )
        finally:
            con.execute("DROP TABLE IF EXISTS postcode_rows")
        lookup = self.postcode_lookup()
        if lookup is None:
            raise AssertionError("lookup is not None")
        return lookup

    def files_before_lookup(self) -> int:
        """How many episodes files with postcodes were loaded with another postcode lookup than the one held, or
        with none: loaded again, their distances are worked out with it."""
        lookup = self.postcode_lookup()
        rows = self.query(
            "SELECT count(DISTINCT sha256) FROM loads WHERE table_name = 'episodes' AND postcode_lookup <> $sha",
            {"sha": lookup.sha256 if lookup is not None else ""},
        )
        return int(rows[0][0])

    def postcode_lookup(self) -> PostcodeLookup | None:
        """The postcode lookup the store holds, or None."""
        meta = {
            str(name): str(value)
            for name, value in self.query("SELECT name, value FROM meta WHERE starts_with(name, 'postcodes_')")
        }
        if "postcodes_sha256" not in meta:
            return None
        return PostcodeLookup(
            file_name=meta["postcodes_file"],
            sha256=meta["postcodes_sha256"],
            postcodes=int(meta["postcodes_rows"]),
            with_grid=int(meta["postcodes_with_grid"]),
            loaded_at=datetime.fromisoformat(meta["postcodes_loaded_at"]),
        )

    # Loading --------------------------------------------------------------------------------------------

    def load(
        self,
        paths: Iterable[Path],
        *,
        pseudonymiser: Pseudonymiser,
        la: str | None = None,
        year_ending: int | None = None,
        user: str | None = None,
        progress: Callable[[int], object] | None = None,
        validate: bool = False,
    ) -> LoadResult:
        """Load returns (SSDA903 CSV tables or XML, CIN census XML, Annex A workbooks, workforce census XML), told
        apart by their content: all of them, or, if any has a structural problem, none.

        A file already loaded (the same bytes, for the same council) is skipped, unless it is an episodes file with
        postcodes loaded before the store's postcode lookup was (its distances are then worked out again). A row
        already held (the same council, child and natural key) is replaced by the row from a later return, or by a
        later load of the same return; an earlier return loaded later does not replace it. With ``validate`` CIN
        census files must also match their year's XSD.
        """
        paths = list(paths)
        result = LoadResult(files=len(paths))
        formats = {path: detect_format(path) for path in paths}
        census = [p for p in paths if formats[p] is Format.CIN_XML]
        held = self.postcode_lookup() if self.exists else None
        lookup = held.sha256 if held is not None else None
        # The census is flattened in the background from here, while the other returns are read.
        with CensusReader(census, first_index=len(paths), progress=progress) as cin:
            read = read_ssda903(
                [p for p in paths if formats[p] is Format.SSDA903_CSV],
                pseudonymiser=pseudonymiser,
                la=la,
                year_ending=year_ending,
                connection=self.connection,
                progress=progress,
                postcode_lookup=lookup,
            )
            common: dict[str, Any] = {
                "pseudonymiser": pseudonymiser,
                "la": la,
                "year_ending": year_ending,
                "connection": self.connection,
                "result": read,
            }
            others = {"first_index": len(paths), "progress": progress, **common}
            read_ssda903_xml([p for p in paths if formats[p] is Format.SSDA903_XML], **others)
            read_annex_a([p for p in paths if formats[p] is Format.WORKBOOK], **others)
            read_workforce([p for p in paths if formats[p] is Format.WORKFORCE_XML], validate=validate, **others)
            for path in paths:
                if formats[path] is Format.UNKNOWN_XML:
                    read.issues.append(
                        field_issue(
                            path.name,
                            None,
                            None,
                            "this XML is not a CIN census, an SSDA903 return or a social work workforce census",
                        )
                    )
            write = _Writing(self, read, result, pseudonymiser, user or current_user())
            try:
                write.staged()
                for _ in cin.read(validate=validate, **common):
                    write.staged()
                write.finish()
            except BaseException:
                write.abandon()
                raise
            finally:
                _drop_staging(self.connection, read)
        result.issues, result.notices = read.issues, read.notices
        return result

    def _check_key(self, pseudonymiser: Pseudonymiser) -> None:
        """Remember the key's fingerprint on first load; refuse a load made with another key."""
        row = self.connection.execute("SELECT value FROM meta WHERE name = 'pseudonym_key'").fetchone()
        if row is None:
            self.connection.execute(
                "INSERT INTO meta VALUES ('pseudonym_key', $fingerprint)", {"fingerprint": pseudonymiser.fingerprint}
            )
        elif row[0] != pseudonymiser.fingerprint:
            raise CaseworkError(
                f"this store was loaded with a different pseudonymisation key (fingerprint {row[0]}, this key's is "
                f"{pseudonymiser.fingerprint}); load with the same key, or into a new store: with two keys every "
                "child would appear twice"
            )

    def _already_loaded(self, staged: StagedFile) -> bool:
        if not staged.las:
            return False
        row = self.connection.execute(
            "SELECT count(DISTINCT la) FROM loads WHERE sha256 = $sha AND table_name = $table "
            "AND la IN (SELECT unnest($las)) AND postcode_lookup IS NOT DISTINCT FROM $lookup",
            {"sha": staged.sha256, "table": staged.spec.name, "las": list(staged.las), "lookup": staged.lookup},
        ).fetchone()
        return row is not None and row[0] == len(staged.las)

    def _write(self, staged: StagedFile, result: LoadResult, user: str) -> None:
        """Write one checked file: a ``loads`` row per council in it, then its rows (``_replace``), a whole file at
        a time."""
        con, spec, typed = self.connection, staged.spec, staged.typed
        if typed is None:
            raise AssertionError("typed is not None")
        columns = ["la", "child", *(["year_ending"] if spec.per_year else []), *spec.stored_names]
        columns += ["return_year", "load_id", "source_row"]
        key = ["la", "child", *spec.key]
        # For episodes the collection year is that of the latest start in the file (all start by its 31 March).
        year_sql = (
            "CAST(year(max(decom)) + CASE WHEN month(max(decom)) >= 4 THEN 1 ELSE 0 END AS INTEGER)"
            if spec.name == "episodes"
            else "CAST(NULL AS INTEGER)"
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE load_ids_{typed} AS SELECT *, CAST(nextval('load_ids') AS INTEGER) "
            f"AS load_id FROM (SELECT la, count(*) AS rows, "
            f"coalesce({year_sql}, $year) AS year_ending FROM {typed} GROUP BY la ORDER BY la)",
            {"year": staged.year_ending},
        )
        con.execute(
            "INSERT INTO loads (load_id, file_name, sha256, table_name, la, year_ending, rows, loaded_at, loaded_by, "
            "postcode_lookup) SELECT load_id, $file, $sha, $table, la, year_ending, rows, $at, $by, $lookup "
            f"FROM load_ids_{typed} ORDER BY la",
            {
                "file": staged.name,
                "sha": staged.sha256,
                "table": spec.name,
                "at": datetime.now(UTC),
                "by": user,
                "lookup": staged.lookup,
            },
        )
        totals = con.execute(f"SELECT sum(rows) FROM load_ids_{typed}").fetchone()
        counts = result.tables.setdefault(spec.table, TableLoad(spec.table))
        found = int(totals[0] or 0) if totals else 0
        counts.rows += found
        result.rows += found
        selected = ", ".join("ids.load_id" if c == "load_id" else f"new.{c}" for c in columns)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE file_rows AS SELECT {selected} FROM {typed} new "
            f"JOIN load_ids_{typed} ids USING (la) WHERE new.is_kept"
        )
        counts.new += self._replace(spec.table, key, "file_rows", columns)
        con.execute("DROP TABLE file_rows")
        con.execute(
            "INSERT INTO data_quality SELECT 'load', q.la, q.table_name, q.child, q.rule, q.field, q.value, "
            f"q.message, ids.load_id, q.source_row FROM stage_quality q JOIN load_ids_{typed} ids USING (la) "
            "WHERE q.file = $file AND q.table_name = $table",
            {"file": staged.name, "table": spec.table},
        )
        con.execute(f"DROP TABLE load_ids_{typed}")

    def _replace(self, table: str, key: Sequence[str], rows: str, columns: Sequence[str]) -> int:
        """Write the rows of the temporary table ``rows`` (one per key) into ``table``; how many were new to it.

        The tables have no primary key (indexes make bulk loads many times slower), so the key is kept unique
        here. A row replaces the held row with its key when its return is the same or later (a later load of
        the same return counts as newer), and is left out when the held row comes from a later return. One
        join of the rows with the held ones finds both; the held rows replaced are deleted by their row ids.
        Not INSERT … ON CONFLICT: besides needing the key as an index, in DuckDB 2.0 a conflict inside a
        transaction can corrupt a string column ("Corrupted uncompressed string segment").
        """
        con = self.connection
        con.execute(
            "CREATE OR REPLACE TEMP TABLE rows_met AS SELECT held.rowid AS held_row, coalesce(new.return_year, -1) "
            f">= coalesce(held.return_year, -1) AS replaces, {', '.join(f'new.{c}' for c in key)} FROM {table} held "
            f"JOIN {rows} new ON {' AND '.join(f'held.{c} = new.{c}' for c in key)}"
        )
        replaced = con.execute(
            f"DELETE FROM {table} WHERE rowid IN (SELECT held_row FROM rows_met WHERE replaces)"
        ).fetchone()
        added = con.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(f'new.{c}' for c in columns)} "
            f"FROM {rows} new ANTI JOIN (SELECT * FROM rows_met WHERE NOT replaces) newer "
            f"ON {' AND '.join(f'newer.{c} = new.{c}' for c in key)}"
        ).fetchone()
        con.execute("DROP TABLE rows_met")
        # A row added either replaced the held row with its key (deleted first, one for one: keys are unique on
        # both sides) or is new to the store.
        return (int(added[0]) if added else 0) - (int(replaced[0]) if replaced else 0)

    def _recheck_quality(self, tables: set[str]) -> None:
        """Rerun the data-quality checks that read any of ``tables``, replacing what they found before."""
        for check in quality_checks():
            if check.reads & tables:
                self.connection.execute(
                    "DELETE FROM data_quality WHERE origin = 'check' AND rule = $rule", {"rule": check.rule}
                )
                self.connection.execute(check.sql)

    def _write_batch(self, batch: StagedBatch, result: LoadResult, user: str) -> bool:
        """Write one table's rows from several files at once, as ``_write`` would one file after another; whether
        any file was written.

        A file already loaded for its council is skipped. Of the rows with one key, the kept row of the latest
        return wins (of the same return, the file given later), and replaces a held row as ``_write`` does.
        """
        con, spec, typed = self.connection, batch.spec, batch.typed
        columns = ["la", "child", *(c.stored_name for c in spec.stored), "return_year", "load_id", "source_row"]
        key = ["la", "child", *spec.key]
        skipped = con.execute(
            f"SELECT DISTINCT f.file_index, f.file_name FROM {batch.files} f JOIN loads l ON l.sha256 = f.sha256 "
            "AND l.la = f.la AND l.table_name = $table ORDER BY f.file_index",
            {"table": spec.name},
        ).fetchall()
        for _, name in skipped:
            if name not in result.skipped:
                result.skipped.append(name)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE batch_ids AS SELECT *, CAST(nextval('load_ids') AS INTEGER) AS load_id "
            f"FROM (SELECT t.file_index, t.la, any_value(f.file_name) AS file_name, any_value(f.sha256) AS sha256, "
            "any_value(f.year_ending) AS year_ending, count(*) AS rows "
            f"FROM {typed} t JOIN {batch.files} f USING (file_index) WHERE t.file_index NOT IN "
            "(SELECT unnest($skipped)) GROUP BY t.file_index, t.la ORDER BY t.file_index, t.la)",
            {"skipped": [index for index, _ in skipped]},
        )
        con.execute(
            "INSERT INTO loads (load_id, file_name, sha256, table_name, la, year_ending, rows, loaded_at, loaded_by) "
            "SELECT load_id, file_name, sha256, $table, la, year_ending, rows, $at, $by FROM batch_ids "
            "ORDER BY load_id",
            {"table": spec.name, "at": datetime.now(UTC), "by": user},
        )
        rows = f"SELECT t.*, ids.load_id FROM {typed} t JOIN batch_ids ids USING (file_index, la)"
        if skipped:  # the latest row may be in a file already loaded: take the latest of the files written
            partition = ", ".join(f"t.{c}" for c in key)
            rows += (
                f" WHERE t.is_kept QUALIFY row_number() OVER (PARTITION BY {partition} ORDER BY "
                "coalesce(t.return_year, -1) DESC, t.file_index DESC) = 1"
            )
        else:
            rows += " WHERE t.is_latest"
        con.execute(f"CREATE OR REPLACE TEMP TABLE batch_rows AS {rows}")
        totals = con.execute("SELECT sum(rows), count(*) FROM batch_ids").fetchone()
        counts = result.tables.setdefault(spec.table, TableLoad(spec.table))
        found = int(totals[0] or 0) if totals else 0
        counts.rows += found
        result.rows += found
        counts.new += self._replace(spec.table, key, "batch_rows", columns)
        con.execute(
            "INSERT INTO data_quality SELECT 'load', q.la, q.table_name, q.child, q.rule, q.field, q.value, "
            f"q.message, ids.load_id, q.source_row FROM {batch.quality} q JOIN batch_ids ids USING (file_index, la) "
            "WHERE q.table_name = $table",
            {"table": spec.table},
        )
        con.execute("DROP TABLE batch_ids")
        con.execute("DROP TABLE batch_rows")
        return bool(totals and totals[1])  # whether any file was written

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Inside, the store's writes are one transaction: all of them or, on an error or the process killed, none."""
        self.open()
        con = self.connection
        con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")

    def runs_record(self, runs: Sequence[RunRow], *, run_at: datetime, run_by: str) -> list[int]:
        """Record computed figures and the loads each was computed from, in one statement; returns their run ids,
        in the order given."""
        if not runs:
            return []
        ids = sorted(int(row[0]) for row in self.query("SELECT nextval('run_ids') FROM range($n)", {"n": len(runs)}))
        parameters: dict[str, Any] = {"at": run_at, "by": run_by}
        values = []
        for n, (run_id, run) in enumerate(zip(ids, runs, strict=True)):
            parameters.update(
                {
                    f"id{n}": run_id,
                    f"measure{n}": run.measure,
                    f"version{n}": run.measure_version,
                    f"period{n}": run.period,
                    f"start{n}": run.window[0],
                    f"end{n}": run.window[1],
                    f"la{n}": run.la,
                    f"numerator{n}": run.numerator,
                    f"denominator{n}": run.denominator,
                    f"value{n}": run.value,
                    f"loads{n}": list(run.load_ids),
                }
            )
            values.append(
                f"($id{n}, $at, $by, $measure{n}, $version{n}, $period{n}, $start{n}, $end{n}, $la{n}, "
                f"CAST($numerator{n} AS DECIMAL(18, 4)), CAST($denominator{n} AS DECIMAL(18, 4)), "
                f"CAST($value{n} AS DECIMAL(18, 4)), CAST($loads{n} AS INTEGER[]))"
            )
        self.query(
            "INSERT INTO runs (run_id, run_at, run_by, measure, measure_version, period, period_start, period_end, "
            "la, numerator, denominator, value, load_ids) VALUES " + ", ".join(values),
            parameters,
        )
        return ids

    # Reading --------------------------------------------------------------------------------------------

    def query(self, sql: str, parameters: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        self.open()
        return self.connection.execute(sql, parameters or {}).fetchall()

    def las(self) -> tuple[str, ...]:
        return self._remembered(
            ("las",), lambda: tuple(str(row[0]) for row in self.query("SELECT DISTINCT la FROM loads ORDER BY la"))
        )

    def loaded_years(self) -> dict[str, dict[str, int | None]]:
        """For each council, the tables loaded for it (as ``loads`` names them: 'header', 'cin_episodes') and the
        year (ending 31 March) to which those loads run, or None where no load says."""

        def read() -> dict[str, dict[str, int | None]]:
            found: dict[str, dict[str, int | None]] = {}
            for la, table, latest in self.query(
                "SELECT la, table_name, max(year_ending) FROM loads GROUP BY la, table_name ORDER BY la, table_name"
            ):
                found.setdefault(str(la), {})[str(table)] = None if latest is None else int(latest)
            return found

        return self._remembered(("loaded_years",), read)

    def quality_counts(self, las: Sequence[str] | None = None) -> dict[str, int]:
        """Data-quality issues by rule, most frequent first, for the given councils (default: all)."""
        rows = self.query(
            "SELECT rule, count(*) FROM data_quality WHERE $las IS NULL OR la IN (SELECT unnest($las)) "
            "GROUP BY rule ORDER BY count(*) DESC, rule",
            {"las": list(las) if las is not None else None},
        )
        return {str(rule): int(count) for rule, count in rows}

    def quality_issues(
        self, la: str | None = None, *, rule: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[QualityIssue]:
        """The issues themselves, by council, file and row: for a council and a rule (default: all), a page of them."""
        rows = self.query(
            "SELECT q.la, q.table_name, q.rule, q.field, q.message, l.file_name, q.source_row "
            "FROM data_quality q LEFT JOIN loads l USING (load_id) WHERE ($la IS NULL OR q.la = $la) "
            "AND ($rule IS NULL OR q.rule = $rule) ORDER BY q.la, l.file_name, q.source_row, q.rule "
            "LIMIT $limit OFFSET $offset",
            {"la": la, "rule": rule, "limit": limit, "offset": offset},
        )
        return [QualityIssue(*row) for row in rows]

    def quality_summary(self) -> list[tuple[str, str, str, int]]:
        """Issues counted by council, table and rule: (la, table, rule, count), in that order."""
        rows = self.query(
            "SELECT la, table_name, rule, count(*) FROM data_quality GROUP BY la, table_name, rule "
            "ORDER BY la, table_name, rule"
        )
        return [(str(la), str(table), str(rule), int(count)) for la, table, rule, count in rows]

    def run_latest(self, measure: str, period: str) -> tuple[str, date, date] | None:
        """The council and window of the latest figure computed for a measure and period: (la, start, end)."""
        rows = self.query(
            "SELECT la, period_start, period_end FROM runs WHERE measure = $measure AND period = $period "
            "ORDER BY run_id DESC LIMIT 1",
            {"measure": measure, "period": period},
        )
        return (str(rows[0][0]), rows[0][1], rows[0][2]) if rows else None

    def inputs_by_council(self, tables: Sequence[str], *, la: str | None = None) -> dict[str, list[InputFile]]:
        """The loaded files whose rows a measure over ``tables`` reads, by council (every council, or ``la``): its
        lineage. One pass over each table, not one per council; inside ``shared_tables`` each table is read once
        for as long as the store is unchanged."""
        used: dict[str, set[InputFile]] = {}
        for table in tables:
            for council, files in self._table_inputs(table, la).items():
                used.setdefault(council, set()).update(files)
        return {
            council: sorted(files, key=lambda f: (f.file_name, f.load_id)) for council, files in sorted(used.items())
        }

    def _table_inputs(self, table: str, la: str | None) -> dict[str, tuple[InputFile, ...]]:
        """The loaded files with rows in one table (named as a card names it), by council."""

        def read() -> dict[str, tuple[InputFile, ...]]:
            stored = TABLES_BY_NAME[table].table if table in TABLES_BY_NAME else table
            rows = self.query(
                f"SELECT used.la, loads.load_id, loads.file_name, loads.sha256 FROM (SELECT DISTINCT la, load_id "
                f"FROM {stored} WHERE $la IS NULL OR la = $la) AS used JOIN loads USING (load_id) ORDER BY used.la",
                {"la": la},
            )
            found: dict[str, list[InputFile]] = {}
            for council, load_id, name, sha in rows:
                found.setdefault(str(council), []).append(InputFile(int(load_id), str(name), str(sha)))
            return {council: tuple(files) for council, files in found.items()}

        return self._remembered(("inputs", table, la), read)

    # Sharing work between measures ------------------------------------------------------------------------

    def state(self) -> tuple[int, ...]:
        """A mark that changes whenever the store's rows change: the loads written through this object, the
        loads recorded (how many, the latest), and the rows in each table a return is loaded into. Every load
        records itself in ``loads``; rows added or removed by hand change a count."""
        counts = " UNION ALL ".join(
            f"SELECT '{table}', count(*) FROM {table}" for table in ("loads", *RETURN_TABLES)
        )  # a whole table's count(*) is quick: from its metadata, or a scan of no columns where rows were deleted
        rows = sorted(self.query(f"{counts} UNION ALL SELECT '', coalesce(max(load_id), 0) FROM loads"))
        return (self._loads_written, *(int(count) for _, count in rows))

    @contextmanager
    def shared_tables(self, tables: Sequence[str] = (), *, la: str | None = None) -> Iterator[None]:
        """Inside, the shared derived tables (SHARED_TABLES) that a measure over ``tables`` may read are TEMP tables
        built for the store as it stands, for every council or ``la`` alone, and the summaries the engine asks
        for (councils, loaded years, lineage) are each read once.

        Both last as long as the store is unchanged (``state``), so a run of many measures builds the shared
        tables and reads the summaries once; a changed store, or a run for councils they were not built for,
        rebuilds them. They live in the in-memory workspace and end with it, never in the store file. Outside,
        the views derive everything from the stored tables, as every query did before.
        """
        if self._scope is not None or not self.share:  # inside already (the state was checked), or not sharing
            yield
            return
        self._scope = state = self.state()
        if state != self._memo_state:
            self._forget()
            self._memo_state = state
        pointed: list[str] = []
        try:
            for name, (rule, reads) in SHARED_TABLES.items():
                if not set(reads) <= set(tables):
                    continue
                if name not in self._built or self._built[name] not in (None, la):
                    self.connection.execute(
                        f"CREATE OR REPLACE TEMP TABLE shared_{name} AS SELECT * FROM {rule} "
                        "WHERE CAST($la AS VARCHAR) IS NULL OR la = CAST($la AS VARCHAR)",
                        {"la": la},
                    )
                    self._built[name] = la
                self.connection.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM shared_{name}")
                pointed.append(name)
            yield
        finally:
            for name in pointed:
                self.connection.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {SHARED_TABLES[name][0]}")
            self._scope = None

    def _forget(self) -> None:
        """Drop the shared tables and the remembered summaries: the store has changed since they were made."""
        for name in self._built:
            self.connection.execute(f"DROP TABLE IF EXISTS temp.main.shared_{name}")
        self._built.clear()
        self._memo.clear()
        self._memo_state = None

    def _remembered(self, key: tuple[Any, ...], read: Callable[[], T]) -> T:
        """``read()``, once for as long as the store is unchanged when inside ``shared_tables``; else every time."""
        if self._scope is None:
            return read()
        if key not in self._memo:
            self._memo[key] = read()
        return cast(T, self._memo[key])


class _Writing:
    """One load's writes, in one transaction: what is staged is written as soon as it is read, while there are
    no problems, and committed only once every file has been read without one. The store is opened (and
    created) by the first write; a store this load created is removed again if the load is abandoned."""

    def __init__(
        self, store: CaseworkStore, read: ReadResult, result: LoadResult, pseudonymiser: Pseudonymiser, user: str
    ) -> None:
        self.store, self.read, self.result, self.pseudonymiser, self.user = store, read, result, pseudonymiser, user
        self.begun = self.created = False
        self.tables: set[str] = set()  # tables written to
        self.las: set[str] = set()

    def staged(self) -> None:
        """Write what is staged, if nothing read so far has a problem, then drop it."""
        read, store = self.read, self.store
        if read.ok and (read.files or read.batches) and (self.begun or self._begin()):
            self.las.update(la for staged in read.files for la in staged.las)
            self.las.update(la for batch in read.batches for la in batch.las)
            for staged in read.files:
                if store._already_loaded(staged):
                    if staged.name not in self.result.skipped:
                        self.result.skipped.append(staged.name)
                    continue
                store._write(staged, self.result, self.user)
                self.tables.add(staged.spec.table)
            for batch in read.batches:
                if store._write_batch(batch, self.result, self.user):
                    self.tables.add(batch.spec.table)
        _drop_staging(store.connection, read)
        read.files.clear()
        read.batches.clear()

    def _begin(self) -> bool:
        store = self.store
        self.created = not store.exists
        store.open(create=True)
        store.connection.execute("BEGIN TRANSACTION")
        self.begun = True
        try:
            store._check_key(self.pseudonymiser)
        except CaseworkError as error:
            self.read.issues.append(field_issue(store.path.name, None, None, str(error)))
            return False
        store._loads_written += 1
        return True

    def finish(self) -> None:
        """Commit, with the data-quality checks rerun, if every file was read without a problem; else undo."""
        if not self.begun:
            return
        if not self.read.ok:
            self.abandon()
            return
        store = self.store
        store._recheck_quality(self.tables)
        store.connection.execute("COMMIT")
        self.begun = False
        self.result.las = tuple(sorted(self.las))
        self.result.quality = store.quality_counts(self.result.las)

    def abandon(self) -> None:
        if not self.begun:
            return
        store = self.store
        store.connection.execute("ROLLBACK")
        self.begun = False
        if self.created:
            store.detach()
            for path in (store.path, store.path.with_name(store.path.name + ".wal")):
                path.unlink(missing_ok=True)


def _drop_staging(con: duckdb.DuckDBPyConnection, read: ReadResult) -> None:
    """The workspace keeps no child's identifier, raw or not, once a load is written."""
    for staged in read.files:
        for table in (staged.raw, staged.typed, f"lines_{staged.raw}", f"councils_{staged.raw}"):
            if table:
                con.execute(f"DROP TABLE IF EXISTS temp.main.{table}")
    for batch in read.batches:
        for table in (batch.typed, batch.files, batch.quality):
            con.execute(f"DROP TABLE IF EXISTS temp.main.{table}")
    con.execute("DROP TABLE IF EXISTS temp.main.pseudonyms")


def _literal(text: str) -> str:
    return text.replace("'", "''")
