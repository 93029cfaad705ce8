"""A measure broken down: its numerator and denominator by the child's age band, sex or any SQL expression.

A card declares it with ``breakdown``: a list of the dimensions named here (``[age_band, sex]``), or a mapping
from a dimension's name to an SQL expression (``{legal_status_group: "..."}``), or both in a mapping whose value
is null for a named one. The expression is evaluated once per record the measure counts, over the record's own
columns and three of the child's from the SSDA903 header: ``age`` (whole years on the last day of the period),
``sex`` (M, F or U, as the readers store it) and ``ethnic``. The engine counts each category's records as it
counts the whole figure's, so the categories of a dimension add up to the figure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from oversight.core.units import Unit

# The dimensions a card may name without writing their SQL: (the category, the order of the categories).
NAMED_DIMENSIONS: dict[str, tuple[str, str]] = {
    "age_band": (
        "CASE WHEN age IS NULL THEN 'Not recorded' WHEN age < 1 THEN 'Under 1' WHEN age < 5 THEN '1 to 4' "
        "WHEN age < 10 THEN '5 to 9' WHEN age < 16 THEN '10 to 15' ELSE '16 and over' END",
        "coalesce(age, 999)",
    ),
    "sex": (  # the readers store the returns' 1 and 2 as M and F, and 0 or 9 as U
        "CASE sex WHEN 'M' THEN 'Male' WHEN 'F' THEN 'Female' ELSE 'Not recorded' END",
        "CASE sex WHEN 'M' THEN 1 WHEN 'F' THEN 2 ELSE 3 END",
    ),
}
# Breakdowns count records, so they serve measures whose figure is a count or a percentage of counted records.
BREAKDOWN_UNITS = frozenset({Unit.COUNT, Unit.PERCENT})
_NAME = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Dimension:
    name: str  # as the card names it: age_band
    category_sql: str
    order_sql: str

    @property
    def slug(self) -> str:
        """The dimension as the scorecard stores it: age-band."""
        return self.name.replace("_", "-")


@dataclass(frozen=True)
class BreakdownCell:
    category: str
    numerator: int
    denominator: int | None


@dataclass(frozen=True)
class MeasureBreakdown:
    dimension: Dimension
    cells: tuple[BreakdownCell, ...]


def breakdown_problems(data: Mapping[str, Any]) -> list[str]:
    """What is wrong with a card's ``breakdown``, if it has one."""
    declared = data.get("breakdown")
    if declared is None:
        return []
    entries = dict.fromkeys(declared) if isinstance(declared, list) else declared
    problems = []
    if data.get("unit") not in BREAKDOWN_UNITS or data.get("denominator_source") is not None:
        problems.append("a breakdown counts records, so it needs a count or a percentage of counted records")
    for name, sql in entries.items():
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            problems.append(f"breakdown '{name}' is not a name of lower-case letters, digits and underscores")
        elif sql is None and name not in NAMED_DIMENSIONS:
            known = ", ".join(NAMED_DIMENSIONS)
            problems.append(f"breakdown '{name}' needs its SQL expression; the dimensions known by name are {known}")
        elif sql is not None and not (isinstance(sql, str) and sql.strip()):
            problems.append(f"breakdown '{name}' should be an SQL expression")
    return problems


def breakdown_dimensions(data: Mapping[str, Any]) -> tuple[Dimension, ...]:
    """The checked ``breakdown`` of a card as dimensions, in the card's order."""
    declared = data.get("breakdown") or []
    entries = dict.fromkeys(declared) if isinstance(declared, list) else declared
    dimensions = []
    for name, sql in entries.items():
        if sql is None:
            dimensions.append(Dimension(name, *NAMED_DIMENSIONS[name]))
        else:
            expression = " ".join(str(sql).split())
            dimensions.append(Dimension(name, expression, expression))
    return tuple(dimensions)


def breakdown_sql(records: str, dimension: Dimension, *, by_period: bool = False) -> str:
    """Each council's records counted by the dimension's categories, in their order.

    ``records`` is the measure's records query, which takes ``$period_end`` (the day ages are worked out on). With
    ``by_period`` it holds the records of several periods instead, each with its period's number
    (``measure_period``) and last day (``measure_period_end``), and they are counted a period at a time.
    """
    period = "measure_period, " if by_period else ""
    on_day = "records.measure_period_end" if by_period else "$period_end"
    return (
        f"WITH records AS ({records}),\n"
        "described AS (\n"
        "    SELECT records.*, child_record.sex, child_record.ethnic,\n"
        f"        date_sub('year', child_record.dob, CAST({on_day} AS DATE)) AS age\n"
        "    FROM records LEFT JOIN children AS child_record\n"
        "        ON child_record.la = records.la AND child_record.child = records.child\n"
        ")\n"
        f"SELECT {period}la, CAST({dimension.category_sql} AS VARCHAR) AS category,\n"
        "    count(*) FILTER (WHERE in_numerator) AS numerator,\n"
        "    count(*) FILTER (WHERE in_denominator) AS denominator\n"
        "FROM described\n"
        "GROUP BY ALL\n"
        f"ORDER BY {period}la, min({dimension.order_sql}), category"
    )
