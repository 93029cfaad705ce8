"""Run measures: each is an SQL file and a YAML card in ``casework/measures``, computed for a period.

The convention every measure follows: its SQL takes the window's first and last days as named parameters
(``$period_start``, ``$period_end``) and returns **the records it counts, one row each**, never a total:

=================  ===========  ================================================================================
column             type         meaning
=================  ===========  ================================================================================
``la``             VARCHAR      the council
``child``          UUID         the child's pseudonym
``in_numerator``   BOOLEAN      the record counts in the numerator
``in_denominator`` BOOLEAN      the record counts in the denominator; always NULL in a count measure (a card
                                with no denominator), whose every row is a record counted (``in_numerator``
                                true)
``evidence``       VARCHAR      a plain sentence with the dates that decided the record, e.g. "Review 2 due
                                10/09/2011, held 14/09/2011: late" (``uk_date`` in shared_tables.sql writes them)
=================  ===========  ================================================================================

An average measure (unit ``days``, such as the adoption scorecard's A1) adds a sixth column, ``days`` INTEGER:
the record's days. Its numerator is the days of the records in it, added up; its value their mean.

A summed measure (card ``summed: true``, such as the workforce census's rates, which DfE works out from
full-time equivalents) adds two columns, ``numerator_amount`` and ``denominator_amount`` (DECIMAL(18, 6)):
what the record adds to each (a worker's FTE, the council's vacancies, a worker's cases). Its numerator and
denominator are those amounts added up over the records in each, and its value a percentage or a ratio of them.

A record is what the measure counts: a child for a cohort (in the denominator, and in the numerator too if the
rule is met) or a child counted once, an event for an event count (one row per missing incident). A percentage
measure may not put a record in its numerator that is not in its denominator.

The engine does the rest: it keeps one council's records (``$la``, or every council it reports on), counts them
per council (``count(*) FILTER (WHERE in_numerator)``, and ``… in_denominator``), gives a council with no records
a row of zeros, and works the value out from the card's unit, in ``Decimal``. The same records are what a
drill-through shows (``measure_records``).

The councils a measure reports on are those with every return whose tables its SQL reads loaded (its manifest's
``source_tables``, read off the parsed SQL by ``manifest.py``; ``RETURNS``: the SSDA903, the CIN census, Annex A;
``measure_councils``): a council with only a CIN census loaded
gets CIN figures and no SSDA903 ones, and one with only an SSDA903 return gets no CIN figures rather than zeros.
A return counts as loaded even when the table a measure reads is empty in it (a census with no child protection
plans gives a count of 0). A period ending after the 31 March to which those returns' loads run is refused.

A rate per 10,000 children is a card with ``denominator_source: population_0_17``: its SQL returns records as a
count's does (``in_denominator`` NULL), and the engine divides their number by the council's ONS mid-year
estimate of children aged 0 to 17 for the period's last day (``child_population_estimates`` in cin_views.sql: the
estimate DfE uses, mid-(Y-1) for the year ending 31 March Y). The result says which estimate it used
(``denominator_basis``); a council without one gets no value and the reason (``no_value_reason``), never a
division by zero. The drill-through shows the numerator's records.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

from oversight.casework.breakdown import (
    BreakdownCell,
    Dimension,
    MeasureBreakdown,
    breakdown_dimensions,
    breakdown_problems,
    breakdown_sql,
)
from oversight.casework.issues import CaseworkError
from oversight.casework.manifest import Manifest, sql_manifest
from oversight.casework.readers.annex_a import ANNEX_TABLES
from oversight.casework.readers.cin import CIN_TABLES
from oversight.casework.readers.ssda903 import TABLES as SSDA903_TABLES
from oversight.casework.readers.workforce import WORKFORCE_TABLES
from oversight.casework.store import CaseworkStore, InputFile, RunRow
from oversight.core.periods import Period
from oversight.core.rag import Polarity
from oversight.core.units import Unit, value_from_parts
from oversight.core.workdays import WorkingDayConvention

PARAMETERS = frozenset({"period_start", "period_end", "la"})
RECORD_COLUMNS = ("la", "child", "in_numerator", "in_denominator", "evidence")
UNITS = frozenset({Unit.PERCENT, Unit.COUNT, Unit.RATE_PER_10000, Unit.DAYS, Unit.RATIO})
# The return that holds each table a measure can read (its manifest's source_tables): a council is reported on
# for a measure when every return its tables come from is loaded for it.
RETURNS: dict[str, str] = {
    **{spec.name: "SSDA903" for spec in SSDA903_TABLES},
    **{spec.name: "CIN census" for spec in CIN_TABLES},
    **{spec.name: "Annex A" for spec in ANNEX_TABLES},
    **{spec.name: "workforce census" for spec in WORKFORCE_TABLES},
}
# How a page names each return in a sentence.
RETURN_TITLES: dict[str, str] = {
    "SSDA903": "children looked after return (SSDA903)",
    "CIN census": "children in need census",
    "Annex A": "Ofsted's Annex A lists",
    "workforce census": "children's social work workforce census",
}


class TimeBasis(StrEnum):
    SNAPSHOT = "snapshot"  # counted on the last day of the period
    EVENTS = "events_in_period"  # events dated in the period
    COHORT_AT_END = "cohort_at_end"  # a cohort on the last day, judged on what happened in the period or before
    THREE_YEARS = "three_years_to_end"  # events in the three years to the last day, pooled (adoption scorecard)

    @property
    def description(self) -> str:
        return {
            TimeBasis.SNAPSHOT: "a snapshot on the last day of the period",
            TimeBasis.EVENTS: "events dated from the first to the last day of the period, both included",
            TimeBasis.COHORT_AT_END: (
                "children in the cohort on the last day of the period, judged on what happened during it (or before)"
            ),
            TimeBasis.THREE_YEARS: (
                "events in the three years ending on the last day of the period, pooled: one average over all of "
                "them, not the average of three yearly figures"
            ),
        }[self]


class DenominatorSource(StrEnum):
    """Where a rate's denominator comes from when it is not counted from the measure's records."""

    POPULATION_0_17 = "population_0_17"  # the council's children aged 0 to 17, from the ONS estimates

    @property
    def description(self) -> str:
        return {
            DenominatorSource.POPULATION_0_17: (
                "the ONS mid-year estimate of children aged 0 to 17 in the council, as DfE divides by it: for a "
                "period in the year ending 31 March Y, the mid-(Y-1) estimate (mid-2022 for 2022-23), or the latest "
                "estimate before it where that is not yet published"
            ),
        }[self]


@dataclass(frozen=True)
class MeasureCard:
    """What a measure counts and how, as the cards state it; ``sql`` is the query that counts it."""

    id: str
    version: int
    title: str
    definition: str
    numerator: str
    denominator: str | None
    inclusions: tuple[str, ...]
    exclusions: tuple[str, ...]
    time_basis: TimeBasis
    working_day_convention: WorkingDayConvention | None
    polarity: Polarity
    unit: Unit
    decimal_places: int
    legacy_ni: str | None
    dfe_measure_id: str | None
    published_as: str | None
    year_end_only: bool  # the return records it once a year, at 31 March
    rules_unverified: tuple[str, ...]
    sql: str
    denominator_source: DenominatorSource | None = None  # None: the denominator is counted from the records
    # why there is no value when the denominator is empty, where the card can say more than "nothing in it"
    empty_denominator: str | None = None
    breakdown: tuple[Dimension, ...] = ()  # the dimensions its figure is also counted by (breakdown.py)
    summed: bool = False  # its records carry amounts (numerator_amount, denominator_amount) that are added up

    @property
    def label(self) -> str:
        return f"{self.id} v{self.version}"

    @property
    def manifest(self) -> Manifest:
        """What its SQL reads: tables, shared views and macros, parameters (parsed once per process)."""
        return sql_manifest(self.sql)

    @property
    def source_tables(self) -> tuple[str, ...]:
        """The tables of the returns its SQL reads, itself or through the shared views and macros: ('episodes',)."""
        return self.manifest.source_tables

    @property
    def returns(self) -> tuple[str, ...]:
        """The returns its source tables come from: ('SSDA903',), ('CIN census',)."""
        return tuple(sorted({RETURNS[table] for table in self.source_tables}))

    @property
    def counts_denominator(self) -> bool:
        """The denominator is counted from the records (a percentage or a mean), not taken from elsewhere."""
        return self.denominator is not None and self.denominator_source is None


_FIELDS: dict[str, tuple[type, ...]] = {
    "id": (str,),
    "version": (int,),
    "title": (str,),
    "definition": (str,),
    "numerator": (str,),
    "denominator": (str, type(None)),
    "inclusions": (list,),
    "exclusions": (list,),
    "time_basis": (str,),
    "working_day_convention": (str, type(None)),
    "polarity": (str,),
    "unit": (str,),
    "decimal_places": (int,),
    "legacy_ni": (str, type(None)),
    "dfe_measure_id": (str, type(None)),
    "published_as": (str, type(None)),
    "year_end_only": (bool,),
    "rules_unverified": (list,),
}
_OPTIONAL_FIELDS: dict[str, tuple[type, ...]] = {
    "denominator_source": (str, type(None)),
    "empty_denominator": (str, type(None)),
    "watch": (dict,),  # an early-warning list, read by casework/watch.py
    "breakdown": (list, dict, type(None)),
    "summed": (bool,),
}


def card_from_mapping(data: Mapping[str, Any], sql: str, *, name: str) -> MeasureCard:
    """Check a card's fields and build it; every problem is listed in one CaseworkError."""
    problems = _field_problems(data)
    if not problems:
        problems = [*_value_problems(data, name=name), *_sql_problems(sql), *breakdown_problems(data)]
    if problems:
        raise CaseworkError(f"measure card {name}.yml: " + "; ".join(problems))
    return _card(data, sql)


def _field_problems(data: Mapping[str, Any]) -> list[str]:
    """Fields missing, unknown, or of the wrong type."""
    problems = [f"no '{key}'" for key in _FIELDS if key not in data]
    problems += [f"'{key}' is not a card field" for key in data if key not in _FIELDS and key not in _OPTIONAL_FIELDS]
    for key, kinds in (_FIELDS | _OPTIONAL_FIELDS).items():
        if key in data and not isinstance(data[key], kinds):
            problems.append(f"'{key}' should be {' or '.join(k.__name__ for k in kinds)}")
    return problems


def _value_problems(data: Mapping[str, Any], *, name: str) -> list[str]:
    """Values outside their vocabularies, and fields that do not fit together."""
    problems = []
    for key, enum in (("time_basis", TimeBasis), ("polarity", Polarity), ("unit", Unit)):
        if data[key] not in {member.value for member in enum}:
            problems.append(f"'{key}' is '{data[key]}'; use one of {', '.join(m.value for m in enum)}")
    if data["unit"] not in UNITS:
        problems.append(f"unit '{data['unit']}' is not one the engine computes")
    convention = data["working_day_convention"]
    if convention is not None and convention not in {c.value for c in WorkingDayConvention}:
        problems.append(f"'working_day_convention' is '{convention}'")
    if data["unit"] in (Unit.PERCENT, Unit.DAYS, Unit.RATIO) and data["denominator"] is None:
        kind = {Unit.PERCENT: "percentage", Unit.DAYS: "mean", Unit.RATIO: "ratio"}[Unit(data["unit"])]
        problems.append(f"a {kind} needs a denominator")
    if data.get("summed") and data["unit"] not in (Unit.PERCENT, Unit.RATIO):
        problems.append("a summed measure is a percentage or a ratio of its amounts")
    if data.get("summed") and data.get("breakdown"):
        problems.append("a summed measure has no breakdowns: they count records")
    if data["unit"] == Unit.RATIO and not data.get("summed"):
        problems.append("a ratio is of amounts: give the card summed: true and its SQL the amounts")
    source = data.get("denominator_source")
    if source is not None and source not in {s.value for s in DenominatorSource}:
        problems.append(
            f"'denominator_source' is '{source}'; use one of {', '.join(s.value for s in DenominatorSource)}"
        )
    elif source is not None and (data["unit"] != Unit.RATE_PER_10000 or data["denominator"] is None):
        problems.append("a denominator_source needs unit rate_per_10000 and a denominator saying what it is")
    if data["id"] != name:
        problems.append(f"'id' is '{data['id']}' but the file is {name}.yml")
    return problems


def _sql_problems(sql: str) -> list[str]:
    """SQL that does not parse, reads tables no return holds, or takes parameters the engine does not give."""
    try:
        manifest = sql_manifest(sql)
    except CaseworkError as error:
        return [str(error)]
    problems = []
    if manifest.unheld:
        problems.append(f"the SQL reads {', '.join(manifest.unheld)}, which no return holds")
    unknown = manifest.parameters - PARAMETERS
    if unknown:
        problems.append(f"the SQL uses parameters {', '.join(sorted(unknown))}; only {', '.join(sorted(PARAMETERS))}")
    return problems


def _words(text: str) -> str:
    """Text from a card with its line breaks and runs of spaces made single spaces."""
    return " ".join(text.split())


def _card(data: Mapping[str, Any], sql: str) -> MeasureCard:
    """The card of checked fields."""
    convention = data["working_day_convention"]
    return MeasureCard(
        id=data["id"],
        version=data["version"],
        title=data["title"].strip(),
        definition=_words(data["definition"]),
        numerator=_words(data["numerator"]),
        denominator=_words(data["denominator"]) if data["denominator"] else None,
        inclusions=tuple(_words(str(i)) for i in data["inclusions"]),
        exclusions=tuple(_words(str(i)) for i in data["exclusions"]),
        time_basis=TimeBasis(data["time_basis"]),
        working_day_convention=WorkingDayConvention(convention) if convention else None,
        polarity=Polarity(data["polarity"]),
        unit=Unit(data["unit"]),
        decimal_places=data["decimal_places"],
        legacy_ni=data["legacy_ni"],
        dfe_measure_id=data["dfe_measure_id"],
        published_as=_words(data["published_as"]) if data["published_as"] else None,
        year_end_only=data["year_end_only"],
        rules_unverified=tuple(_words(str(r)) for r in data["rules_unverified"]),
        sql=sql,
        denominator_source=DenominatorSource(data["denominator_source"]) if data.get("denominator_source") else None,
        empty_denominator=_words(data["empty_denominator"]) if data.get("empty_denominator") else None,
        breakdown=breakdown_dimensions(data),
        summed=bool(data.get("summed")),
    )


@cache
def measure_cards() -> tuple[MeasureCard, ...]:
    """Every measure in the catalogue, by id."""
    folder = resources.files("oversight.casework.measures")
    cards = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yml"):
            continue
        name = entry.name.removesuffix(".yml")
        sql_file = folder.joinpath(f"{name}.sql")
        if not sql_file.is_file():
            raise CaseworkError(f"measure card {entry.name} has no {name}.sql beside it")
        data = yaml.safe_load(entry.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise CaseworkError(f"measure card {entry.name} is not a YAML mapping")
        cards.append(card_from_mapping(data, sql_file.read_text(encoding="utf-8"), name=name))
    return tuple(cards)


def measure_card(measure_id: str) -> MeasureCard:
    for card in measure_cards():
        if card.id == measure_id:
            return card
    known = ", ".join(card.id for card in measure_cards())
    raise CaseworkError(f"there is no measure '{measure_id}'; the measures are: {known}")


@dataclass(frozen=True)
class MeasureResult:
    card: MeasureCard
    la: str
    period: Period
    window_start: date
    window_end: date
    numerator: int | Decimal  # a summed measure's are amounts (FTE), others' whole numbers
    denominator: int | Decimal | None
    value: Decimal | None
    inputs: tuple[InputFile, ...]
    denominator_basis: str | None = None  # where a denominator not counted from records came from, in words
    no_value_reason: str | None = None  # why there is no value, when there is none
    left_out: int = 0  # records the measure gave but left out of its denominator (a distance not known, say)
    breakdowns: tuple[MeasureBreakdown, ...] = ()  # its numerator and denominator by each dimension the card names
    # A summed measure's records in its numerator and in its denominator (its numerator and denominator are amounts)
    summed_records: tuple[int, int] | None = None

    def records_in(self, part: str) -> int:
        """How many records a drill-through lists for ``part`` (numerator, denominator or left_out)."""
        if part == "left_out":
            return self.left_out
        if self.summed_records is not None:
            return self.summed_records[0 if part == "numerator" else 1]
        return int(self.numerator if part == "numerator" else self.denominator or 0)

    @property
    def source(self) -> str:
        return f"{measure_source(self.card.id)}{self.card.version}"


# How an observation computed by a measure names it, before the measure's version: 'casework measure cla_starts v1'.
SOURCE_PREFIX = "casework measure "


def measure_source(measure: str) -> str:
    """The start of the source of every observation ``measure`` computed, whatever its version."""
    return f"{SOURCE_PREFIX}{measure} v"


def measure_id_from_source(source: str) -> str | None:
    """The measure an observation was computed by, from its source ('casework measure cla_starts v1'), if any."""
    prefix, _, rest = source.strip().partition(SOURCE_PREFIX)
    measure, _, version = rest.partition(" v")
    if prefix or not (version.isascii() and version.isdigit()) or measure not in {c.id for c in measure_cards()}:
        return None
    return measure


def measure_window(period: Period, *, to_date: bool = False, years: int = 1) -> tuple[date, date]:
    """The days a figure for ``period`` covers: the period, or with ``to_date`` its financial year so far, or
    the ``years`` (more than one) to its last day."""
    if years > 1:
        following = period.end + timedelta(days=1)
        if (following.month, following.day) == (2, 29):
            following += timedelta(days=1)  # three years back from 29 February is a year without one
        return following.replace(year=following.year - years), period.end
    start = period.fiscal_year.start if to_date else period.start
    return start, period.end


def measure_value(card: MeasureCard, numerator: int | Decimal, denominator: int | Decimal | None) -> Decimal | None:
    """The figure from its parts, by the card's unit (``core.units.value_from_parts``)."""
    return value_from_parts(card.unit, numerator, denominator)


@dataclass(frozen=True)
class MeasureRecord:
    """One record a measure counted: a child (or an event) and the sentence that says why."""

    la: str
    child: str
    in_numerator: bool
    in_denominator: bool | None  # None in a count measure
    evidence: str
    days: int | None = None  # an average measure's days for the record


@dataclass(frozen=True)
class RecordPage:
    records: list[MeasureRecord]
    total: int  # records matching, on every page


RecordPart = Literal["numerator", "denominator", "left_out"]


def measure_councils(store: CaseworkStore, card: MeasureCard) -> dict[str, dict[str, int | None]]:
    """The councils a measure reports on: those with every return its source tables come from loaded, each with
    the year (ending 31 March) to which its loads of each of those returns run, or None where no load says."""
    loaded: dict[str, dict[str, int | None]] = {}
    returns = card.returns
    for la, tables in store.loaded_years().items():
        for table, latest in tables.items():
            held_in = RETURNS.get(table)
            if held_in not in returns:
                continue
            years = loaded.setdefault(la, {})
            known = years.setdefault(held_in, None)
            if latest is not None and (known is None or latest > known):
                years[held_in] = latest
    return {la: dict(sorted(years.items())) for la, years in loaded.items() if len(years) == len(returns)}


def not_loaded_error(card: MeasureCard, la: str) -> CaseworkError:
    """The error for a council whose returns lack those a measure reads."""
    return CaseworkError(
        f"measure {card.id} reads the {' and the '.join(card.returns)} ({', '.join(card.source_tables)}), and none is "
        f"loaded for {la}"
    )


def _checked_window(
    store: CaseworkStore, card: MeasureCard, period: Period, la: str | None, to_date: bool
) -> tuple[date, date, tuple[str, ...]]:
    """The window and the councils to report on (none, if ``la`` lacks the measure's returns), after the checks
    that stop a wrong figure."""
    start, end = measure_window(period, to_date=to_date, years=3 if card.time_basis is TimeBasis.THREE_YEARS else 1)
    if card.year_end_only and (end.month, end.day) != (3, 31):
        raise CaseworkError(
            f"{card.id} is recorded once a year, at 31 March; choose a period that ends on 31 March "
            f"(such as {period.fiscal_year.code}), not {period.code}"
        )
    if la is not None and la not in (las := store.las()):
        raise CaseworkError(f"no returns are loaded for the council '{la}'; loaded: {', '.join(las) or 'none'}")
    covered = measure_councils(store, card)
    councils = tuple(c for c in covered if la is None or c == la)
    for council in councils:
        for held_in, latest in covered[council].items():
            if latest is not None and end > date(latest, 3, 31):
                raise CaseworkError(
                    f"the {held_in} returns loaded for {council} run to 31 March {latest}; {period.code} ends on "
                    f"{end:%d %B %Y}: load the return that covers it"
                )
    return start, end, councils


def _records_query(card: MeasureCard, start: date, end: date, la: str | None) -> tuple[str, dict[str, Any]]:
    """The measure's records for one council (or every one): its SQL, wrapped, and the parameters it takes."""
    parameters = card.manifest.bound({"period_start": start, "period_end": end, "la": la}, measure=card.id)
    parameters["la"] = la  # the wrapper below takes it, whether the measure's own SQL does or not
    body = card.sql.strip().rstrip(";")
    days = "days" if card.unit is Unit.DAYS else "CAST(NULL AS INTEGER) AS days"
    amounts = ", ".join(
        f"CAST({name if card.summed else 'NULL'} AS DECIMAL(18, 6)) AS {name}"
        for name in ("numerator_amount", "denominator_amount")
    )
    sql = (
        f"SELECT {', '.join(RECORD_COLUMNS)}, {days}, {amounts} FROM (\n{body}\n) AS measure_records "
        "WHERE CAST($la AS VARCHAR) IS NULL OR la = CAST($la AS VARCHAR)"
    )
    return sql, parameters


def population_mid_year(day: date) -> int:
    """The year of the ONS mid-year estimate DfE divides by for a period ending on ``day``: the year before the
    31 March that ends its reporting year (2022 for any day of 2022-23). ``child_population_estimates`` agrees."""
    return day.year if day.month >= 4 else day.year - 1


def measure_compute(
    store: CaseworkStore, card: MeasureCard, period: Period, *, la: str | None = None, to_date: bool = False
) -> list[MeasureResult]:
    """Compute a measure for a period, for one council or each council loaded, by counting its records (and, for a
    rate of the child population, dividing by the council's ONS estimate).

    The shared derived tables it reads (``episode_spells``) are built once and kept while the store is unchanged,
    so computing every measure in turn derives them once (``CaseworkStore.shared_tables``)."""
    with store.shared_tables(card.source_tables, la=la):
        return _computed(store, card, period, la, to_date)


def catalogue_compute(
    store: CaseworkStore, cards: Iterable[MeasureCard], period: Period, *, la: str | None = None, to_date: bool = False
) -> Iterator[tuple[MeasureCard, list[MeasureResult]]]:
    """Each card with its results, in turn, as ``measure_compute`` gives them: the store's state is checked and
    the shared tables any of them read are built once for the whole run, not once a measure."""
    cards = list(cards)
    with store.shared_tables(sorted({table for card in cards for table in card.source_tables}), la=la):
        for card in cards:
            yield card, _computed(store, card, period, la, to_date)


def periods_compute(
    store: CaseworkStore,
    wanted: Sequence[tuple[MeasureCard, Sequence[Period]]],
    *,
    la: str | None = None,
    progress: Callable[[], object] | None = None,
) -> dict[tuple[str, str], list[MeasureResult]]:
    """Each card's results for each of its periods, keyed by measure id and period code: the results
    ``measure_compute`` gives a period at a time, with each card's periods counted in one query (the card's SQL
    run for each period in turn inside it), so that a card is planned once rather than once a period."""
    found: dict[tuple[str, str], list[MeasureResult]] = {}
    with store.shared_tables(sorted({table for card, _ in wanted for table in card.source_tables}), la=la):
        for card, periods in wanted:
            for period, results in zip(periods, _computed_periods(store, card, periods, la), strict=True):
                found[(card.id, period.code)] = results
            if progress is not None:
                progress()
    return found


def _aggregates(card: MeasureCard) -> str:
    """What the engine counts of a measure's records for each council, the SELECT list of its query."""
    if card.summed:
        numerator = "coalesce(sum(records.numerator_amount) FILTER (WHERE records.in_numerator), 0)"
        denominator = "coalesce(sum(records.denominator_amount) FILTER (WHERE records.in_denominator), 0)"
    else:
        numerator = (
            "coalesce(sum(records.days) FILTER (WHERE records.in_numerator), 0)"
            if card.unit is Unit.DAYS
            else "count(records.la) FILTER (WHERE records.in_numerator)"
        )
        denominator = "count(records.la) FILTER (WHERE records.in_denominator)"
    return (
        f"    {numerator} AS numerator,\n"
        f"    {denominator} AS denominator,\n"
        "    count(records.la) FILTER (WHERE records.in_denominator IS NOT NULL) AS with_denominator,\n"
        "    count(records.la) FILTER (WHERE records.in_numerator) AS numerator_records,\n"
        "    count(records.la) FILTER (WHERE records.in_denominator) AS denominator_records,\n"
        "    count(records.la) FILTER (WHERE NOT records.in_denominator) AS left_out,\n"
        "    count(records.la) FILTER (\n"
        "        WHERE records.in_numerator AND NOT coalesce(records.in_denominator, false)\n"
        "    ) AS numerator_only,\n"
        "    any_value(population.population_0_17) AS population,\n"
        "    any_value(population.mid_year) AS mid_year,\n"
        "    any_value(population.la_name) AS la_name\n"
    )


def _computed(
    store: CaseworkStore, card: MeasureCard, period: Period, la: str | None, to_date: bool
) -> list[MeasureResult]:
    start, end, councils = _checked_window(store, card, period, la, to_date)
    if not councils:
        return []
    records, parameters = _records_query(card, start, end, la)
    rows = store.query(
        f"WITH records AS ({records})\n"
        "SELECT councils.la,\n"
        f"{_aggregates(card)}"
        "FROM (SELECT unnest($councils) AS la) AS councils\n"
        "LEFT JOIN records ON records.la = councils.la\n"
        "LEFT JOIN child_population_estimates(CAST($population_day AS DATE)) AS population\n"
        "    ON population.la = councils.la\n"
        "GROUP BY councils.la\n"
        "ORDER BY councils.la",
        {**parameters, "councils": list(councils), "population_day": end},
    )
    inputs = store.inputs_by_council(card.source_tables, la=la)
    results = [_result(card, period, start, end, row, inputs) for row in rows]
    return _with_breakdowns(store, card, records, {**parameters, "period_end": end}, results)


def _computed_periods(
    store: CaseworkStore, card: MeasureCard, periods: Sequence[Period], la: str | None
) -> list[list[MeasureResult]]:
    """``_computed`` for each of the periods, in one query: the card's records for each period are those of its
    SQL with the period's window in place of ``$period_start`` and ``$period_end``."""
    windows = [_checked_window(store, card, period, la, False) for period in periods]
    councils = windows[0][2] if windows else ()
    if not councils:
        return [[] for _ in periods]
    records, parameters = _records_query(card, windows[0][0], windows[0][1], la)
    per_period = re.sub(r"\$(period_start|period_end)\b", r"measure_periods.\1", records)
    parameters = {name: value for name, value in parameters.items() if name not in ("period_start", "period_end")}
    parameters.update(starts=[start for start, _, _ in windows], ends=[end for _, end, _ in windows])
    measure_periods = (
        "(SELECT unnest(range(len($starts))) AS n, unnest($starts) AS period_start, unnest($ends) AS period_end) "
        "AS measure_periods"
    )
    records = (
        "SELECT measure_periods.n AS measure_period, measure_periods.period_end AS measure_period_end, "
        f"measure_records.* FROM {measure_periods}, LATERAL ({per_period}) AS measure_records"
    )
    rows = store.query(
        f"WITH records AS ({records}),\n"
        f"population AS (SELECT measure_periods.n, estimates.* FROM {measure_periods}, "
        "LATERAL child_population_estimates(CAST(measure_periods.period_end AS DATE)) AS estimates)\n"
        "SELECT measure_periods.n, councils.la,\n"
        f"{_aggregates(card)}"
        f"FROM {measure_periods} CROSS JOIN (SELECT unnest($councils) AS la) AS councils\n"
        "LEFT JOIN records ON records.measure_period = measure_periods.n AND records.la = councils.la\n"
        "LEFT JOIN population ON population.n = measure_periods.n AND population.la = councils.la\n"
        "GROUP BY measure_periods.n, councils.la\n"
        "ORDER BY measure_periods.n, councils.la",
        {**parameters, "councils": list(councils)},
    )
    inputs = store.inputs_by_council(card.source_tables, la=la)
    found: list[list[MeasureResult]] = [[] for _ in periods]
    for row in rows:
        n = int(row[0])
        found[n].append(_result(card, periods[n], windows[n][0], windows[n][1], row[1:], inputs))
    if not card.breakdown:
        return found
    breakdowns = _breakdowns_counted(store, card, records, parameters, by_period=True)
    return [
        [replace(result, breakdowns=tuple(breakdowns.get((n, result.la), ()))) for result in results]
        for n, results in enumerate(found)
    ]


def _result(
    card: MeasureCard,
    period: Period,
    start: date,
    end: date,
    row: Sequence[Any],
    inputs: Mapping[str, Sequence[InputFile]],
) -> MeasureResult:
    """A council's result from its row of the counts ``_aggregates`` takes, after the checks that stop a wrong
    figure."""
    council, numerator, denominator, with_denominator, counted, denominator_records = row[:6]
    left_out, numerator_only, population, mid_year, name = row[6:]
    if not card.counts_denominator and with_denominator:
        kind = "a count" if card.denominator is None else "a rate of the population, not of its records"
        raise CaseworkError(f"measure {card.id} is {kind}, but its SQL gives records an in_denominator")
    if card.counts_denominator and numerator_only:
        raise CaseworkError(
            f"measure {card.id} counted {numerator_only} record(s) for {council} in its numerator "
            "but not its denominator"
        )
    number: int | Decimal = Decimal(numerator) if card.summed else int(numerator)
    whole: int | Decimal | None = None
    basis = reason = None
    if card.denominator_source is DenominatorSource.POPULATION_0_17:
        if population is None:
            reason = (
                f"there is no ONS estimate of children aged 0 to 17 for {council} for mid-"
                f"{population_mid_year(end)} or earlier, so no rate per 10,000 can be worked out"
            )
        else:
            whole = int(population)
            basis = f"ONS mid-year estimate of children aged 0-17, mid-{mid_year}, for {name}"
    elif card.denominator is not None:
        whole = Decimal(denominator) if card.summed else int(denominator)
    value = measure_value(card, number, whole)
    if value is None and reason is None:
        reason = (card.empty_denominator or "nothing in the denominator") if whole == 0 else "no denominator"
    return MeasureResult(
        card=card,
        la=str(council),
        period=period,
        window_start=start,
        window_end=end,
        numerator=number,
        denominator=whole,
        value=value,
        inputs=tuple(inputs.get(str(council), [])),
        denominator_basis=basis,
        no_value_reason=reason,
        left_out=int(left_out),
        summed_records=(int(counted), int(denominator_records)) if card.summed else None,
    )


def _with_breakdowns(
    store: CaseworkStore, card: MeasureCard, records: str, parameters: dict[str, Any], results: list[MeasureResult]
) -> list[MeasureResult]:
    """The results with their breakdowns, counted from the same records, one query a dimension."""
    if not card.breakdown:
        return results
    found = _breakdowns_counted(store, card, records, parameters, by_period=False)
    return [replace(result, breakdowns=tuple(found.get((0, result.la), ()))) for result in results]


def _breakdowns_counted(
    store: CaseworkStore, card: MeasureCard, records: str, parameters: dict[str, Any], *, by_period: bool
) -> dict[tuple[int, str], list[MeasureBreakdown]]:
    """Each council's breakdowns by period number (0 for records of one period), one query a dimension."""
    found: dict[tuple[int, str], list[MeasureBreakdown]] = {}
    for dimension in card.breakdown:
        cells: dict[tuple[int, str], list[BreakdownCell]] = {}
        for row in store.query(breakdown_sql(records, dimension, by_period=by_period), parameters):
            n, (council, category, numerator, denominator) = (int(row[0]), row[1:]) if by_period else (0, row)
            whole = int(denominator) if card.counts_denominator else None
            cells.setdefault((n, str(council)), []).append(BreakdownCell(str(category), int(numerator), whole))
        for key, rows in cells.items():
            found.setdefault(key, []).append(MeasureBreakdown(dimension, tuple(rows)))
    return found


def measure_records(
    store: CaseworkStore,
    card: MeasureCard,
    period: Period,
    *,
    la: str,
    to_date: bool = False,
    part: RecordPart | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> RecordPage:
    """The records a council's figure counted: all of them, or those in its numerator or its denominator.

    Numerator records first, then by pseudonym. ``limit`` and ``offset`` take one page; ``total`` counts them all.
    """
    with store.shared_tables(card.source_tables, la=la):
        start, end, councils = _checked_window(store, card, period, la, to_date)
        if not councils:
            raise not_loaded_error(card, la)
        records, parameters = _records_query(card, start, end, la)
        wanted = {
            None: "true",
            "numerator": "in_numerator",
            "denominator": "in_denominator",
            "left_out": "NOT in_denominator",
        }[part]
        rows = store.query(
            f"WITH records AS ({records})\n"
            f"SELECT *, count(*) OVER () AS total FROM records WHERE coalesce({wanted}, false)\n"
            "ORDER BY in_numerator DESC, child, evidence\n"
            "LIMIT $limit OFFSET $offset",
            {**parameters, "limit": limit, "offset": offset},
        )
    total = int(rows[0][-1]) if rows else 0
    if not rows and offset:
        total = measure_records(store, card, period, la=la, to_date=to_date, part=part, limit=1).total
    return RecordPage(
        records=[
            MeasureRecord(
                str(r[0]),
                r[1].hex,
                bool(r[2]),
                None if r[3] is None else bool(r[3]),
                str(r[4]),
                None if r[5] is None else int(r[5]),
            )
            for r in rows
        ],
        total=total,
    )


def measure_results_record(
    store: CaseworkStore, results: Sequence[MeasureResult], *, run_at: datetime, run_by: str
) -> list[int]:
    """Keep each result, with the files it was computed from, in the store's runs table, in one insert; returns the
    run ids, in the order of the results."""
    return store.runs_record(
        [
            RunRow(
                measure=r.card.id,
                measure_version=r.card.version,
                period=r.period.code,
                window=(r.window_start, r.window_end),
                la=r.la,
                numerator=r.numerator,
                denominator=r.denominator,
                value=r.value,
                load_ids=tuple(i.load_id for i in r.inputs),
            )
            for r in results
        ],
        run_at=run_at,
        run_by=run_by,
    )
