"""Small-number suppression for published tables: no count from 1 to the threshold can be read or worked out.

The rules, in order (DfE convention: 0 is shown, counts of 1 to ``threshold`` are shown as "c"):

1. Primary: every count from 1 to ``threshold`` is suppressed.
2. Secondary: every line (a row or column with its total) that holds a suppressed entry holds at least two,
   counting the total as an entry of the line. The next is the line's smallest non-zero shown count (then the
   first in reading order); the line's total only when no such count is left. Repeated until nothing changes.
3. Audit: a reader knows that a "c" is at least 1 (0 would be shown) and that every line adds up. The second rule
   alone can still leave a suppressed count fixed by the others: [1, 1, 40] with its total 42 says both "c" are 1,
   and in a large table two blocks of suppressed cells joined by one cell pin that cell by differencing. So each
   suppressed count is checked to admit another value consistent with everything shown; a count that does not has
   one more entry of its lines suppressed, and the rules run again. (The audit would catch a line with a single
   hidden entry too; rule 2 runs first because it is the published convention and decides which cells go.)

A percentage or rate built on a suppressed count is suppressed too. A single rate hides its figure and both counts
when the numerator, the denominator or the difference between them (the other group) is from 1 to ``threshold``.

``Reason`` is for the officers who prepare a publication and for the audit trail. A public page shows "c" and the
legend: naming the primary cells would tell a reader that those cells hold 1 to ``threshold``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from oversight.core.units import format_number

DEFAULT_THRESHOLD = 5
SUPPRESSED = "c"


class Reason(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    DERIVED = "derived"

    def explanation(self, threshold: int = DEFAULT_THRESHOLD) -> str:
        return {
            Reason.PRIMARY: f"a count from 1 to {threshold}",
            Reason.SECONDARY: f"hidden so that a count from 1 to {threshold} cannot be worked out from the others",
            Reason.DERIVED: "calculated from a hidden count",
        }[self]


@dataclass(frozen=True)
class Count:
    """One published count. A suppressed count does not carry its value, so no page or export can show it."""

    shown: str
    value: int | None
    reason: Reason | None = None

    @property
    def is_suppressed(self) -> bool:
        return self.reason is not None


@dataclass(frozen=True)
class Figure:
    """A percentage or rate: ``shown`` is the rounded number without its unit ('7.5'), or "c"."""

    shown: str
    value: Decimal | None
    reason: Reason | None = None

    @property
    def is_suppressed(self) -> bool:
        return self.reason is not None


@dataclass(frozen=True)
class Rate:
    numerator: Count
    denominator: Count
    figure: Figure


@dataclass(frozen=True)
class OneWayTable:
    """Counts by category (age band, ward …) and their total, in the order given."""

    cells: tuple[Count, ...]
    total: Count

    @property
    def suppressed(self) -> frozenset[int | None]:
        """Positions of the suppressed entries: a category's index, or None for the total."""
        found: set[int | None] = {index for index, cell in enumerate(self.cells) if cell.is_suppressed}
        if self.total.is_suppressed:
            found.add(None)
        return frozenset(found)


Position = tuple[int | None, int | None]
"""(row, column) in a two-way table; None stands for the total: (2, None) is row 2's total, (None, None) the grand."""


@dataclass(frozen=True)
class TwoWayTable:
    cells: tuple[tuple[Count, ...], ...]
    row_totals: tuple[Count, ...]
    column_totals: tuple[Count, ...]
    grand_total: Count

    def at(self, position: Position) -> Count:
        row, column = position
        if row is None:
            return self.grand_total if column is None else self.column_totals[column]
        return self.row_totals[row] if column is None else self.cells[row][column]

    @property
    def suppressed(self) -> frozenset[Position]:
        every = _positions(len(self.row_totals), len(self.column_totals))
        return frozenset(position for position in every if self.at(position).is_suppressed)


def legend(threshold: int = DEFAULT_THRESHOLD) -> str:
    """The DfE symbol, as printed beneath a published table."""
    return (
        f"{SUPPRESSED}: suppressed to protect confidentiality (counts from 1 to {threshold}, and any figure from "
        "which one could be worked out, are not shown; 0 is shown)"
    )


def suppress_rate(
    numerator: int, denominator: int, *, per: int = 100, places: int = 1, threshold: int = DEFAULT_THRESHOLD
) -> Rate:
    """A percentage (``per=100``) or rate (``per=1000`` …) with its two counts.

    The other group (denominator − numerator) is not published but follows from the two counts, so a small
    other group hides the rate as surely as a small numerator does.
    """
    _check_threshold(threshold)
    if numerator < 0 or denominator < 1:
        raise ValueError(
            f"a rate needs a numerator of 0 or more and a denominator of 1 or more, not {numerator}/{denominator}"
        )
    numerator_small = _is_small(numerator, threshold)
    denominator_small = _is_small(denominator, threshold)
    other_small = numerator <= denominator and _is_small(denominator - numerator, threshold)
    if not (numerator_small or denominator_small or other_small):
        shown_numerator, shown_denominator = _shown(numerator), _shown(denominator)
        figure = rate_of(shown_numerator, shown_denominator, per=per, places=places)
        return Rate(shown_numerator, shown_denominator, figure)

    def hidden(small: bool) -> Count:
        return _hidden(Reason.PRIMARY if small else Reason.SECONDARY)

    return Rate(hidden(numerator_small), hidden(denominator_small), _hidden_figure())


def rate_of(numerator: Count, denominator: Count, *, per: int = 100, places: int = 1) -> Figure:
    """A percentage or rate of two published counts, hidden if either count is: it would give the other away."""
    if numerator.value is None or denominator.value is None:
        return _hidden_figure()
    if denominator.value == 0:
        raise ValueError("a rate needs a denominator of 1 or more")
    value = Decimal(numerator.value) * per / Decimal(denominator.value)
    return Figure(format_number(value, places), value)


def suppress_one_way(
    counts: Sequence[int], *, threshold: int = DEFAULT_THRESHOLD, also_suppress: Collection[int | None] = ()
) -> OneWayTable:
    """Suppress counts by category and their total (the sum of the counts).

    ``also_suppress`` names positions (a category's index, None for the total) to hide whatever their value,
    for instance because the same figure is hidden in another published table; a 0 is still shown.
    """
    _check_threshold(threshold)
    values = [*counts, sum(counts)]
    total = len(counts)
    # One line; for the audit it is written twice, once negated, so that every entry joins two nodes (0 and 1).
    network = _Network(
        values=tuple(values),
        heads=tuple([0] * total + [1]),
        tails=tuple([1] * total + [0]),
        lines=((tuple(range(total)), total),),
        lines_of=tuple(((0,),) * (total + 1)),
    )
    marked = {total if position is None else _index(position, total) for position in also_suppress}
    reasons = network.suppress(threshold, marked)
    shown = [_count(value, reason) for value, reason in zip(values, reasons, strict=True)]
    return OneWayTable(tuple(shown[:total]), shown[total])


def suppress_two_way(
    rows: Sequence[Sequence[int]],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    also_suppress: Collection[Position] = (),
) -> TwoWayTable:
    """Suppress a table of counts with its row totals, column totals and grand total (all computed here)."""
    _check_threshold(threshold)
    if not rows or not rows[0]:
        raise ValueError("a two-way table needs at least one row and one column")
    row_count, column_count = len(rows), len(rows[0])
    if any(len(row) != column_count for row in rows):
        raise ValueError("every row of a two-way table needs the same number of columns")
    network = _two_way_network(rows)
    positions = _positions(row_count, column_count)
    index_of = {position: index for index, position in enumerate(positions)}
    try:
        marked = {index_of[position] for position in also_suppress}
    except KeyError as error:
        raise ValueError(f"{error.args[0]} is not a position in a {row_count}×{column_count} table") from None
    reasons = network.suppress(threshold, marked)
    shown = {
        position: _count(value, reason)
        for position, value, reason in zip(positions, network.values, reasons, strict=True)
    }
    return TwoWayTable(
        cells=tuple(tuple(shown[(i, j)] for j in range(column_count)) for i in range(row_count)),
        row_totals=tuple(shown[(i, None)] for i in range(row_count)),
        column_totals=tuple(shown[(None, j)] for j in range(column_count)),
        grand_total=shown[(None, None)],
    )


def _positions(row_count: int, column_count: int) -> tuple[Position, ...]:
    """Reading order, which breaks ties: cells row by row, then row totals, column totals, the grand total."""
    return (
        *((i, j) for i in range(row_count) for j in range(column_count)),
        *((i, None) for i in range(row_count)),
        *((None, j) for j in range(column_count)),
        (None, None),
    )


def _two_way_network(rows: Sequence[Sequence[int]]) -> _Network:
    row_count, column_count = len(rows), len(rows[0])
    row_totals = [sum(row) for row in rows]
    column_totals = [sum(row[j] for row in rows) for j in range(column_count)]
    values = [*(value for row in rows for value in row), *row_totals, *column_totals, sum(row_totals)]

    # Nodes: rows 0..r-1, columns r..r+c-1, then the totals column and the totals row. An entry counts +1 at
    # its head and −1 at its tail, which writes each line's "cells add up to the total" with opposite signs
    # at its two ends, as the audit needs.
    def row(i: int) -> int:
        return i

    def column(j: int) -> int:
        return row_count + j

    totals_column, totals_row = row_count + column_count, row_count + column_count + 1
    cells = [(i, j) for i in range(row_count) for j in range(column_count)]
    heads = [
        *(row(i) for i, _ in cells),
        *([totals_column] * row_count),
        *(column(j) for j in range(column_count)),
        totals_row,
    ]
    tails = [
        *(column(j) for _, j in cells),
        *(row(i) for i in range(row_count)),
        *([totals_row] * column_count),
        totals_column,
    ]
    cell_count = row_count * column_count
    row_total = [cell_count + i for i in range(row_count)]
    column_total = [cell_count + row_count + j for j in range(column_count)]
    grand = cell_count + row_count + column_count
    # Lines are indexed like the nodes.
    lines = (
        *((tuple(i * column_count + j for j in range(column_count)), row_total[i]) for i in range(row_count)),
        *((tuple(i * column_count + j for i in range(row_count)), column_total[j]) for j in range(column_count)),
        (tuple(row_total), grand),
        (tuple(column_total), grand),
    )
    return _Network(
        values=tuple(values),
        heads=tuple(heads),
        tails=tuple(tails),
        lines=lines,
        lines_of=tuple((head, tail) for head, tail in zip(heads, tails, strict=True)),
    )


@dataclass(frozen=True)
class _Network:
    """Entries (counts and totals) joined by lines that add up; the same engine serves one- and two-way tables."""

    values: tuple[int, ...]
    heads: tuple[int, ...]
    tails: tuple[int, ...]
    lines: tuple[tuple[tuple[int, ...], int], ...]  # (the line's cells, its total)
    lines_of: tuple[tuple[int, ...], ...]  # the lines each entry belongs to

    def suppress(self, threshold: int, marked: Iterable[int]) -> list[Reason | None]:
        if any(value < 0 for value in self.values):
            raise ValueError("counts cannot be negative")
        reasons: list[Reason | None] = [
            Reason.PRIMARY if _is_small(value, threshold) else None for value in self.values
        ]
        for index in sorted(marked):
            if reasons[index] is None and self.values[index] > 0:
                reasons[index] = Reason.SECONDARY
        while True:
            self._complete_lines(reasons)
            pinned = next((index for index in range(len(self.values)) if self._is_pinned(index, reasons)), None)
            if pinned is None:
                return reasons
            choice = self._candidate(self.lines_of[pinned], reasons)
            if choice is None:  # the lines are used up: hide the smallest count anywhere
                choice = min(self._shown_nonzero(range(len(self.values)), reasons), key=self._order)
            reasons[choice] = Reason.SECONDARY

    def _complete_lines(self, reasons: list[Reason | None]) -> None:
        changed = True
        while changed:
            changed = False
            for line_index, (cells, total) in enumerate(self.lines):
                if sum(reasons[index] is not None for index in (*cells, total)) == 1:
                    choice = self._candidate((line_index,), reasons)
                    if choice is None:
                        raise AssertionError("a line with one hidden entry has a non-zero shown entry")
                    reasons[choice] = Reason.SECONDARY
                    changed = True

    def _candidate(self, line_indexes: Iterable[int], reasons: list[Reason | None]) -> int | None:
        """The smallest non-zero shown cell of the lines, then the first in reading order; else a shown total."""
        lines = [self.lines[index] for index in line_indexes]
        cells = list(self._shown_nonzero((index for cells, _ in lines for index in cells), reasons))
        if cells:
            return min(cells, key=self._order)
        totals = list(self._shown_nonzero((total for _, total in lines), reasons))
        return min(totals, key=self._order) if totals else None

    def _shown_nonzero(self, indexes: Iterable[int], reasons: list[Reason | None]) -> Iterable[int]:
        return (index for index in indexes if reasons[index] is None and self.values[index] > 0)

    def _order(self, index: int) -> tuple[int, int]:
        return self.values[index], index

    def _is_pinned(self, entry: int, reasons: list[Reason | None]) -> bool:
        """Whether a suppressed entry has only one value consistent with what is shown and with being 1 or more.

        The hidden entries can change together only around a cycle: +1 on some, −1 on others, so that every
        line still adds up. Moving +1 along an entry goes from its tail to its head; −1 goes back and needs the
        entry to be 2 or more. The entry can take another value exactly when such a cycle runs through it.
        """
        if reasons[entry] is None:
            return False
        arcs: dict[int, list[int]] = {}
        for index, reason in enumerate(reasons):
            if reason is None or index == entry:
                continue
            arcs.setdefault(self.tails[index], []).append(self.heads[index])
            if self.values[index] >= 2:
                arcs.setdefault(self.heads[index], []).append(self.tails[index])
        head, tail = self.heads[entry], self.tails[entry]
        can_rise = _reaches(arcs, head, tail)
        can_fall = self.values[entry] >= 2 and _reaches(arcs, tail, head)
        return not (can_rise or can_fall)


def _reaches(arcs: dict[int, list[int]], start: int, goal: int) -> bool:
    seen = {start}
    frontier = [start]
    while frontier:
        node = frontier.pop()
        if node == goal:
            return True
        for following in arcs.get(node, ()):
            if following not in seen:
                seen.add(following)
                frontier.append(following)
    return False


def _is_small(value: int, threshold: int) -> bool:
    return 1 <= value <= threshold


def _check_threshold(threshold: int) -> None:
    if threshold < 0:
        raise ValueError(f"the suppression threshold is a count of 0 or more, not {threshold}")


def _index(position: int, size: int) -> int:
    if not 0 <= position < size:
        raise ValueError(f"{position} is not a category of a table of {size}")
    return position


def _shown(value: int) -> Count:
    return Count(f"{value:,}", value)


def _hidden(reason: Reason) -> Count:
    return Count(SUPPRESSED, None, reason)


def _hidden_figure() -> Figure:
    return Figure(SUPPRESSED, None, Reason.DERIVED)


def _count(value: int, reason: Reason | None) -> Count:
    return _shown(value) if reason is None else _hidden(reason)
