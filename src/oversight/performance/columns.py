"""The import format: one table per kind of record, each column with its type and a plain explanation.

The same specification drives the importer's checks, the downloadable template and the how-to guide.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from oversight.core.periods import YearType
from oversight.core.rag import Polarity, ToleranceKind
from oversight.core.units import Unit
from oversight.performance.limits import LONG_TEXT, NOTE_TEXT


class ColumnType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    WHOLE = "whole number"
    PERIOD = "period"
    CHOICE = "choice"
    SLUG = "short name"  # letters, digits and hyphens; 'Category of abuse' is read as category-of-abuse


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = ColumnType.TEXT
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    minimum: int | None = None  # the least number allowed (0 for a count)


@dataclass(frozen=True)
class TableSpec:
    kind: str
    title: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # the columns that identify a row: importing the same key again updates it

    @property
    def required(self) -> frozenset[str]:
        return frozenset(c.name for c in self.columns if c.required)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


INDICATOR = Column("indicator", required=True, help="An indicator code from the catalogue", max_length=24)
PERIOD = Column(
    "period",
    ColumnType.PERIOD,
    required=True,
    help="2011-12, 2011-12-Q1, AY2011-12, CY2011, 2011-M06 or R12-2011-M06",
)
NOTE = Column(
    "note", help="Anything a reader should know; source text that is not a number goes here", max_length=NOTE_TEXT
)

SCORECARDS = TableSpec(
    "scorecards",
    "Scorecards",
    (
        Column("scorecard", required=True, help="Short name used in web addresses, e.g. strategic", max_length=50),
        Column("title", required=True, max_length=200),
        Column("description", max_length=LONG_TEXT),
    ),
    ("scorecard",),
)
PRIORITIES = TableSpec(
    "priorities",
    "Priorities and sections",
    (
        Column("scorecard", required=True, help="A scorecard's short name"),
        Column("code", required=True, help="e.g. DCHI002", max_length=30),
        Column("title", required=True, max_length=400),
        Column("order", ColumnType.WHOLE, help="Position on the scorecard"),
    ),
    ("scorecard", "code"),
)
INDICATORS = TableSpec(
    "indicators",
    "Indicator catalogue",
    (
        Column("code", required=True, help="Unique code, e.g. CSC-CORE-35WD", max_length=24),
        Column("scorecard", required=True),
        Column("priority", required=True, help="The priority or section code it sits under"),
        Column("order", ColumnType.WHOLE),
        Column("title", required=True, max_length=200),
        Column("description", help="As worded on the scorecard", max_length=LONG_TEXT),
        Column("definition", help="What is counted", max_length=LONG_TEXT),
        Column("unit", ColumnType.CHOICE, required=True, choices=_values(Unit)),
        Column("decimal_places", ColumnType.WHOLE, help="Places shown; default 1"),
        Column("polarity", ColumnType.CHOICE, required=True, choices=_values(Polarity), help="What is better"),
        Column("frequency", ColumnType.CHOICE, choices=("monthly", "quarterly", "annual")),
        Column("aggregation", ColumnType.CHOICE, choices=("in_period", "year_to_date", "snapshot")),
        Column("year_type", ColumnType.CHOICE, choices=_values(YearType)),
        Column("legacy_ni_ref", help="Previous National Indicator, e.g. NI 60", max_length=40),
        Column("service_plan_code", max_length=60),
        Column("owner", max_length=200),
        Column(
            "minimum_cohort",
            ColumnType.WHOLE,
            help="Below this cohort a value is shown with a caution, not rated",
        ),
        Column("amber_tolerance", ColumnType.NUMBER, help="How far a value may miss the target and be amber"),
        Column("tolerance_kind", ColumnType.CHOICE, choices=_values(ToleranceKind)),
        Column("may_be_negative", ColumnType.CHOICE, choices=("yes", "no"), help="yes if a value may be below 0"),
        Column("may_exceed_100", ColumnType.CHOICE, choices=("yes", "no"), help="yes if a percentage may be over 100"),
        Column("source", max_length=300),
        Column("notes", max_length=LONG_TEXT),
    ),
    ("code",),
)
VALUES = TableSpec(
    "values",
    "Values (actuals and outturns)",
    (
        INDICATOR,
        PERIOD,
        Column("value", ColumnType.NUMBER, help="Percentages as 63.1, not 0.631; blank with a note if not known"),
        Column("numerator", ColumnType.NUMBER, minimum=0),
        Column("denominator", ColumnType.NUMBER, minimum=0),
        Column("cohort", ColumnType.WHOLE, help="Number of children the value is based on"),
        Column("status", ColumnType.CHOICE, choices=("provisional", "validated"), help="Default provisional"),
        Column("source", max_length=300),
        NOTE,
        Column(
            "confirmed",
            ColumnType.CHOICE,
            choices=("yes", "no"),
            help="yes to accept a value the checks query, e.g. a percentage below 1 that is not a fraction",
        ),
    ),
    ("indicator", "period"),
)
TARGETS = TableSpec(
    "targets",
    "Targets",
    (
        INDICATOR,
        PERIOD,
        Column(
            "target",
            help="5, or with its operator: <5, below 5%, 5 or less, >=85, at least 85%, 60-70. "
            "A bare number means at or better than it",
            max_length=60,
        ),
        NOTE,
    ),
    ("indicator", "period"),
)
COMPARATORS = TableSpec(
    "comparators",
    "Comparators",
    (
        INDICATOR,
        PERIOD,
        Column(
            "kind",
            ColumnType.CHOICE,
            required=True,
            choices=("england", "region", "statistical_neighbours", "la", "external", "other"),
        ),
        Column("label", help="As printed, e.g. SN, N, NW, FFT B", max_length=40),
        Column("value", ColumnType.NUMBER),
        Column("stated_position", help="The source's own word (above, below, inline)", max_length=20),
        Column("source", max_length=300),
        NOTE,
    ),
    ("indicator", "period", "kind", "label"),
)
COMMENTARY = TableSpec(
    "commentary",
    "Commentary",
    (INDICATOR, PERIOD, Column("text", required=True, max_length=LONG_TEXT), Column("author", max_length=200)),
    ("indicator", "period"),
)
BREAKDOWNS = TableSpec(
    "breakdowns",
    "Breakdowns (a figure by ward, age, month …)",
    (
        INDICATOR,
        PERIOD,
        Column(
            "dimension",
            ColumnType.SLUG,
            required=True,
            help="What the figure is broken down by: ward, age, sex, ethnicity, month, team, category-of-abuse "
            "or another short name",
            max_length=40,
        ),
        Column(
            "category", required=True, help="One group of the dimension, e.g. Crewe North, 16, Female", max_length=100
        ),
        Column(
            "order", ColumnType.WHOLE, help="Position in the dimension's table; default the row's place in the file"
        ),
        Column("value", ColumnType.NUMBER, help="As for values: percentages as 63.1; blank with a note if not known"),
        Column("numerator", ColumnType.NUMBER, minimum=0),
        Column("denominator", ColumnType.NUMBER, minimum=0),
        NOTE,
    ),
    ("indicator", "period", "dimension", "category"),
)
GLOSSARY = TableSpec(
    "glossary",
    "Glossary",
    (
        Column("term", required=True, max_length=60),
        Column("kind", ColumnType.CHOICE, required=True, choices=("column", "acronym", "rag")),
        Column("title", max_length=200),
        Column("explanation", required=True, max_length=LONG_TEXT),
    ),
    ("term",),
)

# In the order they are applied, so that a file may refer to what another file in the same import creates.
TABLES: tuple[TableSpec, ...] = (
    SCORECARDS,
    PRIORITIES,
    INDICATORS,
    GLOSSARY,
    TARGETS,
    VALUES,
    COMPARATORS,
    COMMENTARY,
    BREAKDOWNS,
)
TABLES_BY_KIND = {table.kind: table for table in TABLES}


def table_for_header(header: set[str]) -> TableSpec | None:
    """The table whose required columns a header holds; the most specific wins."""
    matches = [table for table in TABLES if table.required <= header and header <= set(table.names)]
    if not matches:
        return None
    return max(matches, key=lambda table: len(table.required))
