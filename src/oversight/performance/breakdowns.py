"""Reads of breakdowns: an indicator's figure for a period by ward, age, month …, one table per dimension.

For publication, small numbers are suppressed with ``core.suppression``. A breakdown whose every category has a
numerator and a denominator is a two-way table of counts: the categories by those counted and the rest (the
denominator less the numerator), with each category's denominator as its row total. Suppressing that table hides
a small numerator, a small denominator and a small "rest" (from which the numerator follows), and then, by
secondary suppression, whatever would let a hidden count be worked out from the others and the totals. The
totals are treated as published even where the page does not print them: the indicator's own figure gives them
away when the categories cover everyone. A breakdown of counts without denominators is a one-way table with its
total. Rows with a rate and no counts cannot be checked and are shown as they are, as the published scorecard
export does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from oversight.core.periods import Period, parse_period
from oversight.core.suppression import (
    DEFAULT_THRESHOLD,
    SUPPRESSED,
    Count,
    Reason,
    legend,
    suppress_one_way,
    suppress_rate,
    suppress_two_way,
)
from oversight.core.units import Unit, format_number
from oversight.performance.models import Breakdown, Indicator

# How a dimension's short name reads as a column heading; any other is its words, capitalised.
_LABELS = {"ethnicity": "Ethnicity", "category-of-abuse": "Category of abuse", "age": "Age", "sex": "Sex"}


def dimension_label(dimension: str) -> str:
    return _LABELS.get(dimension, dimension.replace("-", " ").capitalize())


@dataclass(frozen=True)
class Shown:
    """One figure as the table shows it: its text ("c" when suppressed) and, if hidden, why (for officers)."""

    text: str
    reason: Reason | None = None

    @property
    def is_suppressed(self) -> bool:
        return self.reason is not None


@dataclass(frozen=True)
class BreakdownRow:
    category: str
    value: Shown
    numerator: Shown
    denominator: Shown
    note: str  # where the figure came from, for officers; never on a reader's page


@dataclass(frozen=True)
class BreakdownTable:
    indicator: Indicator
    period: Period
    dimension: str
    label: str
    rows: tuple[BreakdownRow, ...]
    publication: bool

    @property
    def caption(self) -> str:
        return f"{self.indicator.title}, {self.period.label}: by {self.label.lower()}"

    @property
    def suppressed(self) -> bool:
        return any(shown.is_suppressed for row in self.rows for shown in (row.value, row.numerator, row.denominator))

    @property
    def legend(self) -> str:
        return legend(DEFAULT_THRESHOLD) if self.suppressed else ""


def breakdown_tables(indicator: Indicator, period: Period | str, *, publication: bool) -> list[BreakdownTable]:
    """The indicator's breakdowns for one period, a table per dimension in order of its short name."""
    period = parse_period(period) if isinstance(period, str) else period
    return breakdown_tables_each([(indicator, period)], publication=publication)[0]


def breakdown_tables_each(
    wanted: Sequence[tuple[Indicator, Period]], *, publication: bool
) -> list[list[BreakdownTable]]:
    """``breakdown_tables`` for each indicator and its period, in one query however many there are."""
    cells: dict[tuple[int, str], list[Breakdown]] = {(indicator.pk, period.code): [] for indicator, period in wanted}
    found = Breakdown.objects.filter(
        indicator__in={indicator.pk for indicator, _ in wanted}, period__in={period.code for _, period in wanted}
    ).order_by("dimension", "order", "category")
    for cell in found:
        cells.get((cell.indicator_id, cell.period), []).append(cell)
    return [
        _tables(indicator, period, cells[indicator.pk, period.code], publication=publication)
        for indicator, period in wanted
    ]


@dataclass(frozen=True)
class PeriodBreakdowns:
    period: Period
    tables: list[BreakdownTable]


def indicator_breakdowns(indicator: Indicator, *, publication: bool) -> list[PeriodBreakdowns]:
    """Every period the indicator has breakdowns for, the latest first, in one query."""
    cells = Breakdown.objects.filter(indicator=indicator).order_by("-period_start", "period", "dimension", "order")
    found = []
    for code, group in groupby(cells, key=lambda cell: cell.period):
        period = parse_period(code)
        found.append(PeriodBreakdowns(period, _tables(indicator, period, list(group), publication=publication)))
    return found


def indicator_breakdowns_context(indicator: Indicator, publication: bool) -> dict[str, object]:
    """What the indicator page's breakdowns need; ``?for=publication`` shows them as they would be published."""
    return {
        "breakdowns": indicator_breakdowns(indicator, publication=publication),
        "breakdowns_for_publication": publication,
    }


def _tables(indicator: Indicator, period: Period, cells: list[Breakdown], *, publication: bool) -> list[BreakdownTable]:
    tables = []
    for dimension, group in groupby(cells, key=lambda cell: cell.dimension):
        members = sorted(group, key=lambda cell: (cell.order, cell.category))
        rows = _published_rows(indicator, members) if publication else _internal_rows(indicator, members)
        tables.append(BreakdownTable(indicator, period, dimension, dimension_label(dimension), rows, publication))
    return tables


def _count_text(value: Decimal | None) -> str:
    return "–" if value is None else format_number(value, 4)


def _internal_rows(indicator: Indicator, cells: Sequence[Breakdown]) -> tuple[BreakdownRow, ...]:
    return tuple(
        BreakdownRow(
            cell.category,
            Shown(indicator.show(cell.value) or "–"),
            Shown(_count_text(cell.numerator)),
            Shown(_count_text(cell.denominator)),
            cell.note,
        )
        for cell in cells
    )


def _whole(value: Decimal | None) -> int | None:
    return int(value) if value is not None and value >= 0 and value == value.to_integral_value() else None


def _published_rows(indicator: Indicator, cells: Sequence[Breakdown]) -> tuple[BreakdownRow, ...]:
    pairs = [(_whole(cell.numerator), _whole(cell.denominator)) for cell in cells]
    if pairs and all(n is not None and d is not None and d >= 1 and n <= d for n, d in pairs):
        counts = [(n, d) for n, d in pairs if n is not None and d is not None]
        table = suppress_two_way([[n, d - n] for n, d in counts])
        return tuple(
            _published(indicator, cell, table.cells[i][0], table.row_totals[i]) for i, cell in enumerate(cells)
        )
    values = [_whole(cell.value) for cell in cells]
    only_counts = all(n is None and d is None for n, d in pairs) and all(value is not None for value in values)
    if Unit(indicator.unit) is Unit.COUNT and pairs and only_counts:
        one_way = suppress_one_way([value for value in values if value is not None])
        return tuple(_published_count(cell, count) for cell, count in zip(cells, one_way.cells, strict=True))
    return tuple(_published_alone(indicator, cell) for cell in cells)


def _published(indicator: Indicator, cell: Breakdown, numerator: Count, denominator: Count) -> BreakdownRow:
    hidden = numerator.is_suppressed or denominator.is_suppressed
    value = Shown(SUPPRESSED, Reason.DERIVED) if hidden else Shown(indicator.show(cell.value) or "–")
    return BreakdownRow(cell.category, value, Shown(numerator.shown, numerator.reason),
                        Shown(denominator.shown, denominator.reason), "")  # fmt: skip


def _published_count(cell: Breakdown, count: Count) -> BreakdownRow:
    return BreakdownRow(cell.category, Shown(count.shown, count.reason), Shown("–"), Shown("–"), "")


def _published_alone(indicator: Indicator, cell: Breakdown) -> BreakdownRow:
    """A row that cannot be checked against the others: a single rate (see ``suppress_rate``) or as it is."""
    numerator, denominator = _whole(cell.numerator), _whole(cell.denominator)
    if numerator is not None and denominator is not None and denominator >= 1 and numerator <= denominator:
        rate = suppress_rate(numerator, denominator)
        return _published(indicator, cell, rate.numerator, rate.denominator)
    small = range(1, DEFAULT_THRESHOLD + 1)
    if Unit(indicator.unit) is Unit.COUNT and _whole(cell.value) in small:
        value = Shown(SUPPRESSED, Reason.PRIMARY)
    else:
        value = Shown(indicator.show(cell.value) or "–")
    return BreakdownRow(
        cell.category, value, Shown(_count_text(cell.numerator)), Shown(_count_text(cell.denominator)), ""
    )
