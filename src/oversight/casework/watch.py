"""Early warnings: the records a measure does not count yet but will by a known date unless something happens.

A measure card may declare a watch list under its ``watch`` key, with its SQL in a file beside the measure's
(``cla_three_plus_placements.watch.sql``), parsed into a manifest as the measure's SQL is (ADR 16). The SQL takes
``$as_at`` (the day the list is drawn up), ``$period_start`` and ``$period_end`` (the financial year that day is
in: the figure a record would enter) and ``$la``, and returns one row per record:

================  =========  =======================================================================================
column            type       meaning
================  =========  =======================================================================================
``la``            VARCHAR    the council
``child``         UUID       the child's pseudonym
``crosses_on``    DATE       the day the record crosses the line (a review's due date, a plan's second anniversary);
                             where the day is not known, the last day it could and still count, as the card says
``evidence``      VARCHAR    a plain sentence with the dates that put the record on the list
================  =========  =======================================================================================

The SQL may use only what was known on ``$as_at``: an event after it (a placement that started later, an
assessment authorised later) has not happened yet, as at that day.

A list is drawn up as at a day no later than the last day the returns loaded for the council cover: after that
day the store cannot see what happened (a move, an authorisation, a review held), so a later list would keep
records on it that had already been dealt with. By default it is drawn up as at that last day, or today if
earlier (``watch_as_at``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml

from oversight.casework.engine import MeasureCard, measure_card, measure_councils, not_loaded_error
from oversight.casework.issues import CaseworkError
from oversight.casework.manifest import Manifest, sql_manifest
from oversight.casework.store import CaseworkStore
from oversight.core.periods import Period, PeriodKind
from oversight.core.suppression import DEFAULT_THRESHOLD, SUPPRESSED

WATCH_PARAMETERS = frozenset({"as_at", "period_start", "period_end", "la"})
WATCH_COLUMNS = ("la", "child", "crosses_on", "evidence")
_FIELDS: dict[str, type] = {"title": str, "record": str, "records": str, "may": str, "description": str}


@dataclass(frozen=True)
class WatchCard:
    """A measure's watch list, as its card declares it under ``watch``; ``sql`` finds the records on it."""

    measure: str
    title: str  # "Children one placement move from the 3+ placements figure"
    record: str  # what one record is, as a count names it: "child"
    records: str  # and more than one: "children"
    may: str  # what each may do, after the count: "may move into the 3+ placements figure"
    description: str  # what puts a record on the list, and what its date is
    sql: str

    @property
    def manifest(self) -> Manifest:
        return sql_manifest(self.sql, where=f"{self.measure}.watch.sql")

    @property
    def source_tables(self) -> tuple[str, ...]:
        return self.manifest.source_tables


def watch_from_mapping(measure: MeasureCard, data: Any, sql: str | None) -> WatchCard:
    """Check a card's ``watch`` key and the SQL beside it, and build the watch list; every problem in one error."""
    where = f"measure card {measure.id}.yml: 'watch'"
    if not isinstance(data, Mapping):
        raise CaseworkError(f"{where} should be a mapping of {', '.join(_FIELDS)}")
    problems = [f"no '{key}'" for key in _FIELDS if key not in data]
    problems += [f"'{key}' is not a watch field" for key in data if key not in _FIELDS]
    problems += [
        f"'{key}' should be str" for key, kind in _FIELDS.items() if key in data and not isinstance(data[key], kind)
    ]
    problems += [f"there is no {measure.id}.watch.sql beside it"] if sql is None else _sql_problems(measure, sql)
    if problems or sql is None:
        raise CaseworkError(f"{where}: " + "; ".join(problems))
    return WatchCard(
        measure=measure.id,
        title=" ".join(data["title"].split()),
        record=data["record"].strip(),
        records=data["records"].strip(),
        may=" ".join(data["may"].split()),
        description=" ".join(data["description"].split()),
        sql=sql,
    )


def _sql_problems(measure: MeasureCard, sql: str) -> list[str]:
    """SQL that does not parse, takes parameters a watch list is not given, or reads a return the measure does not
    (its councils are the measure's: those with the measure's returns loaded)."""
    try:
        manifest = sql_manifest(sql, where=f"{measure.id}.watch.sql")
    except CaseworkError as error:
        return [str(error)]
    problems = []
    if manifest.unheld:
        problems.append(f"the SQL reads {', '.join(manifest.unheld)}, which no return holds")
    unknown = manifest.parameters - WATCH_PARAMETERS
    if unknown:
        allowed = ", ".join(sorted(WATCH_PARAMETERS))
        problems.append(f"the SQL uses parameters {', '.join(sorted(unknown))}; only {allowed}")
    extra = sorted(set(manifest.source_tables) - set(measure.source_tables))
    if extra:
        problems.append(f"the SQL reads {', '.join(extra)}, which the measure does not")
    return problems


@cache
def watch_cards() -> dict[str, WatchCard]:
    """Every watch list the measure cards declare, by measure id."""
    folder = resources.files("oversight.casework.measures")
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yml"):
            continue
        data = yaml.safe_load(entry.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or "watch" not in data:
            continue
        measure = measure_card(entry.name.removesuffix(".yml"))
        sql_file = folder.joinpath(f"{measure.id}.watch.sql")
        sql = sql_file.read_text(encoding="utf-8") if sql_file.is_file() else None
        found[measure.id] = watch_from_mapping(measure, data["watch"], sql)
    return found


def watch_card(measure_id: str) -> WatchCard | None:
    """The watch list a measure declares, or None."""
    return watch_cards().get(measure_id)


@dataclass(frozen=True)
class WatchRecord:
    la: str
    child: str  # the pseudonym, as hex
    crosses_on: date
    evidence: str


@dataclass(frozen=True)
class WatchList:
    """A council's watch list for a measure, drawn up as at a day."""

    watch: WatchCard
    card: MeasureCard
    la: str
    as_at: date
    year: Period  # the financial year ``as_at`` is in: the figure a record would enter
    records: tuple[WatchRecord, ...]

    @property
    def count(self) -> int:
        return len(self.records)

    @property
    def by(self) -> date | None:
        """The last day a record on the list crosses the line."""
        return max((record.crosses_on for record in self.records), default=None)

    def sentence(self, *, publication: bool = False) -> str:
        """The count in words: "4 children may move into the 3+ placements figure by 31 March 2012". For
        publication, a count from 1 to the threshold is shown as DfE's symbol (core.suppression)."""
        if self.by is None:
            return f"No {self.watch.records} {self.watch.may}"
        count = str(self.count)
        if publication and self.count <= DEFAULT_THRESHOLD:
            count = SUPPRESSED
        noun = self.watch.record if self.count == 1 else self.watch.records
        return f"{count} {noun} {self.watch.may} by {long_date(self.by)}"


def long_date(day: date) -> str:
    """A day as a sentence writes it: 31 March 2012."""
    return f"{day.day} {day:%B %Y}"


def financial_year_of(day: date) -> Period:
    return Period(PeriodKind.FINANCIAL_YEAR, day.year if day.month >= 4 else day.year - 1)


def watch_data_end(store: CaseworkStore, card: MeasureCard, la: str) -> date | None:
    """The last day the returns the measure reads, as loaded for the council, cover (the earliest of their 31 Marches);
    None when no load says which year it runs to."""
    covered = measure_councils(store, card)
    if la not in covered:
        raise not_loaded_error(card, la)
    years = [year for year in covered[la].values() if year is not None]
    return date(min(years), 3, 31) if years else None


def watch_as_at(store: CaseworkStore, card: MeasureCard, la: str, *, today: date, as_at: date | None = None) -> date:
    """The day to draw a list up as at: ``as_at`` if given (refused if after the last day the returns cover), else
    that last day or ``today``, whichever is earlier."""
    end = watch_data_end(store, card, la)
    if as_at is None:
        return today if end is None or today < end else end
    if end is not None and as_at > end:
        raise CaseworkError(
            f"the returns loaded for {la} run to {long_date(end)}; a watch list as at {long_date(as_at)} would miss "
            "what happened after that: choose an earlier day or load the return that covers it"
        )
    return as_at


def watch_councils(store: CaseworkStore, card: MeasureCard, la: str | None = None) -> tuple[str, ...]:
    """The councils a measure's watch list can be drawn up for: those the measure reports on (or ``la``)."""
    if la is not None and la not in store.las():
        raise CaseworkError(f"no returns are loaded for the council '{la}'; loaded: {', '.join(store.las()) or 'none'}")
    return tuple(council for council in measure_councils(store, card) if la is None or council == la)


def watch_compute(
    store: CaseworkStore, card: MeasureCard, *, la: str, today: date, as_at: date | None = None
) -> WatchList:
    """A council's watch list for a measure as at a day (``watch_as_at``), earliest to cross first."""
    watch = watch_card(card.id)
    if watch is None:
        raise CaseworkError(f"measure {card.id} declares no watch list")
    if la not in watch_councils(store, card, la):
        raise not_loaded_error(card, la)
    day = watch_as_at(store, card, la, today=today, as_at=as_at)
    year = financial_year_of(day)
    supplied = {"as_at": day, "period_start": year.start, "period_end": year.end, "la": la}
    parameters = watch.manifest.bound(supplied, measure=f"{card.id} (watch list)")
    parameters["la"] = la  # the wrapper below takes it, whether the list's own SQL does or not
    body = watch.sql.strip().rstrip(";")
    with store.shared_tables(watch.source_tables, la=la):
        rows = store.query(
            f"SELECT {', '.join(WATCH_COLUMNS)} FROM (\n{body}\n) AS watch_records\n"
            "WHERE la = CAST($la AS VARCHAR)\n"
            "ORDER BY crosses_on, child, evidence",
            parameters,
        )
    records = tuple(WatchRecord(str(r[0]), r[1].hex, r[2], str(r[3])) for r in rows)
    return WatchList(watch, card, la, day, year, records)
