from __future__ import annotations

from collections.abc import Sequence, Set
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.core.suppression import (
    SUPPRESSED,
    Count,
    OneWayTable,
    Position,
    Reason,
    TwoWayTable,
    legend,
    rate_of,
    suppress_one_way,
    suppress_rate,
    suppress_two_way,
)
from tests.properties import examples

# A line of a published table: its cells and its total, by position. Cells must add up to the total.
Line = tuple[tuple[Position, ...], Position]


# --- Named examples ----------------------------------------------------------------------------------------------


def test_a_row_of_3_12_40_hides_the_3_as_primary_and_the_12_as_secondary() -> None:
    table = suppress_one_way([3, 12, 40])
    assert [cell.shown for cell in table.cells] == ["c", "c", "40"]
    assert [cell.reason for cell in table.cells] == [Reason.PRIMARY, Reason.SECONDARY, None]
    assert table.total == Count("55", 55)


def test_a_zero_is_shown_and_never_chosen_to_hide_a_small_count() -> None:
    table = suppress_one_way([0, 4, 0, 30, 9])
    assert [cell.shown for cell in table.cells] == ["0", "c", "0", "30", "c"]
    assert table.cells[0] == Count("0", 0)


def test_a_row_total_is_hidden_when_its_row_has_no_other_count_to_hide() -> None:
    # Column 0 hides the 10 to protect the 3; row 1 then has nothing else non-zero, so its total goes.
    table = suppress_two_way([[3, 20], [10, 0]])
    assert [[cell.shown for cell in row] for row in table.cells] == [["c", "c"], ["c", "0"]]
    assert table.row_totals[1].reason is Reason.SECONDARY
    assert table.column_totals[1].reason is Reason.SECONDARY  # column 1 is 20 and 0: the same story
    assert table.grand_total == Count("33", 33)


def test_a_one_way_total_is_itself_primary_when_only_one_category_is_non_zero() -> None:
    table = suppress_one_way([0, 4, 0])
    assert table.total.reason is Reason.PRIMARY
    assert table.suppressed == {1, None}


def test_a_percentage_of_3_out_of_40_is_hidden_with_both_counts() -> None:
    rate = suppress_rate(3, 40)
    assert (rate.numerator.shown, rate.denominator.shown, rate.figure.shown) == ("c", "c", "c")
    assert (rate.numerator.reason, rate.denominator.reason, rate.figure.reason) == (
        Reason.PRIMARY,
        Reason.SECONDARY,
        Reason.DERIVED,
    )
    assert rate.numerator.value is None
    assert rate.figure.value is None


def test_a_small_other_group_hides_the_percentage_too() -> None:
    rate = suppress_rate(38, 40)  # 2 children are not in the numerator: 40 − 38 would say so
    assert (rate.numerator.reason, rate.denominator.reason, rate.figure.reason) == (
        Reason.SECONDARY,
        Reason.SECONDARY,
        Reason.DERIVED,
    )


def test_a_small_denominator_hides_a_zero_numerator_and_its_rate() -> None:
    rate = suppress_rate(0, 4)
    assert (rate.numerator.shown, rate.denominator.shown, rate.figure.shown) == ("c", "c", "c")
    assert rate.denominator.reason is Reason.PRIMARY


def test_a_rate_with_no_small_count_is_shown_rounded_half_up() -> None:
    rate = suppress_rate(21, 80)
    assert (rate.numerator.shown, rate.denominator.shown, rate.figure.shown) == ("21", "80", "26.3")
    assert rate.figure.value == Decimal("26.25")
    per_thousand = suppress_rate(12, 9_000, per=1000, places=2)
    assert (per_thousand.denominator.shown, per_thousand.figure.shown) == ("9,000", "1.33")


def test_a_percentage_of_a_hidden_table_count_is_hidden_as_derived() -> None:
    table = suppress_one_way([3, 12, 40])
    assert rate_of(table.cells[0], table.total).shown == SUPPRESSED
    assert rate_of(table.cells[0], table.total).reason is Reason.DERIVED
    assert rate_of(table.cells[2], table.total).shown == "72.7"
    hidden_total = suppress_one_way([7, 30], also_suppress={None})
    # The total is hidden here (as if hidden in a linked table); 30 as 81.1% of it would give it away.
    assert hidden_total.cells[0].is_suppressed
    assert rate_of(hidden_total.cells[1], hidden_total.total).shown == SUPPRESSED


def test_two_hidden_ones_that_the_total_gives_away_are_protected_by_a_third() -> None:
    # 42 − 40 = 2 and a "c" is at least 1 (0 is shown), so hiding only the two 1s would reveal them.
    table = suppress_one_way([1, 1, 40])
    assert [cell.reason for cell in table.cells] == [Reason.PRIMARY, Reason.PRIMARY, Reason.SECONDARY]
    assert table.total.shown == "42"


def test_a_cell_joining_two_hidden_blocks_is_not_left_to_be_worked_out() -> None:
    # Line by line this needs only nine hidden cells, two blocks joined by the 3 at (1, 2); but then the 3 is
    # rows 0–1's hidden sum minus columns 0–1's. One more cell must go.
    rows = [[1, 10, 50, 50], [11, 2, 3, 50], [50, 50, 4, 12], [50, 50, 13, 5]]
    table = suppress_two_way(rows)
    blocks = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)}
    assert blocks < table.suppressed
    assert table.suppressed - blocks == {(0, 2)}  # the smaller of the 50s in its lines, first in reading order
    assert _determined(_two_way_values(rows), _two_way_lines(4, 4), table.suppressed) == set()


def test_ties_are_broken_by_the_smallest_value_then_the_first_position() -> None:
    table = suppress_one_way([40, 12, 3, 12, 11])
    assert table.suppressed == {2, 4}
    tied = suppress_one_way([40, 12, 3, 12])
    assert tied.suppressed == {1, 2}


def test_the_threshold_is_configurable() -> None:
    assert suppress_one_way([7, 30, 40]).suppressed == set()
    assert suppress_one_way([7, 30, 40], threshold=10).suppressed == {0, 1}
    assert suppress_one_way([7, 30, 40], threshold=0).suppressed == set()
    assert suppress_rate(7, 40, threshold=10).figure.shown == SUPPRESSED


def test_large_counts_are_shown_with_thousands_separators() -> None:
    assert suppress_one_way([1200, 3400]).total == Count("4,600", 4600)


def test_the_legend_explains_the_symbol_and_the_threshold() -> None:
    assert legend() == (
        "c: suppressed to protect confidentiality (counts from 1 to 5, and any figure from which one could be "
        "worked out, are not shown; 0 is shown)"
    )
    assert "from 1 to 10" in legend(10)
    assert Reason.SECONDARY.explanation(10) == (
        "hidden so that a count from 1 to 10 cannot be worked out from the others"
    )


def test_impossible_inputs_are_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        suppress_one_way([3, -1])
    with pytest.raises(ValueError, match="same number of columns"):
        suppress_two_way([[1, 2], [3]])
    with pytest.raises(ValueError, match="denominator of 1 or more"):
        suppress_rate(0, 0)
    with pytest.raises(ValueError, match="threshold"):
        suppress_one_way([1], threshold=-1)
    with pytest.raises(ValueError, match=r"\(5, 0\) is not a position"):
        suppress_two_way([[1, 2]], also_suppress={(5, 0)})


# --- Independent checks of what a reader can work out -----------------------------------------------------------


def _two_way_values(rows: Sequence[Sequence[int]]) -> dict[Position, int]:
    values: dict[Position, int] = {}
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            values[(i, j)] = value
        values[(i, None)] = sum(row)
    for j in range(len(rows[0])):
        values[(None, j)] = sum(row[j] for row in rows)
    values[(None, None)] = sum(map(sum, rows))
    return values


def _two_way_lines(row_count: int, column_count: int) -> list[Line]:
    return [
        *((tuple((i, j) for j in range(column_count)), (i, None)) for i in range(row_count)),
        *((tuple((i, j) for i in range(row_count)), (None, j)) for j in range(column_count)),
        (tuple((None, j) for j in range(column_count)), (None, None)),
        (tuple((i, None) for i in range(row_count)), (None, None)),
    ]


def _one_way_values(counts: Sequence[int]) -> dict[Position, int]:
    return {**{(0, j): value for j, value in enumerate(counts)}, (0, None): sum(counts)}


def _one_way_lines(size: int) -> list[Line]:
    return [(tuple((0, j) for j in range(size)), (0, None))]


def _one_way_hidden(table: OneWayTable) -> set[Position]:
    return {(0, position) for position in table.suppressed}


def _determined(values: dict[Position, int], lines: list[Line], hidden: Set[Position]) -> set[Position]:
    """Hidden entries fixed by the lines' sums alone (linear algebra over the rationals, bounds ignored)."""
    unknowns = sorted(hidden, key=repr)
    column_of = {position: index for index, position in enumerate(unknowns)}
    matrix: list[list[Fraction]] = []
    for cells, total in lines:
        row = [Fraction(0)] * (len(unknowns) + 1)
        for position, sign in [*((cell, 1) for cell in cells), (total, -1)]:
            if position in column_of:
                row[column_of[position]] += sign
            else:
                row[-1] -= sign * values[position]
        matrix.append(row)
    pivots: list[int] = []
    rank = 0
    for column in range(len(unknowns)):
        found = next((r for r in range(rank, len(matrix)) if matrix[r][column] != 0), None)
        if found is None:
            continue
        matrix[rank], matrix[found] = matrix[found], matrix[rank]
        lead = matrix[rank][column]
        matrix[rank] = [entry / lead for entry in matrix[rank]]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column] != 0:
                factor = matrix[r][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        pivots.append(column)
        rank += 1
    free = set(range(len(unknowns))) - set(pivots)
    determined = set()
    for row_index, column in enumerate(pivots):
        if all(matrix[row_index][f] == 0 for f in free):
            determined.add(unknowns[column])
    return determined


def _another_value_exists(
    values: dict[Position, int], lines: list[Line], hidden: set[Position], target: Position
) -> bool:
    """Whether the published table is consistent with ``target`` holding a value other than its own.

    A reader knows every shown entry, that each line adds up, and that a "c" is at least 1 (0 is shown).
    The search moves each hidden entry by at most 1: if any other value is consistent, one is within that window
    (hidden entries can only trade along cycles of the lines), and whatever this finds is a real alternative.
    """
    order = [target, *sorted(hidden - {target}, key=repr)]
    domains = {p: [v for v in (values[p], values[p] + 1, values[p] - 1) if v >= 1] for p in order}
    domains[target] = [v for v in domains[target] if v != values[target]]
    equations = [[*((cell, 1) for cell in cells), (total, -1)] for cells, total in lines if hidden & {*cells, total}]
    assignment: dict[Position, int] = {}

    def feasible() -> bool:
        for equation in equations:
            low = high = 0
            for position, sign in equation:
                if position not in hidden:
                    low += sign * values[position]
                    high += sign * values[position]
                elif position in assignment:
                    low += sign * assignment[position]
                    high += sign * assignment[position]
                else:
                    ends = (sign * min(domains[position]), sign * max(domains[position]))
                    low += min(ends)
                    high += max(ends)
            if not low <= 0 <= high:
                return False
        return True

    def search(depth: int) -> bool:
        if depth == len(order):
            return True
        position = order[depth]
        for value in domains[position]:
            assignment[position] = value
            if feasible() and search(depth + 1):
                return True
        del assignment[position]
        return False

    return bool(domains[target]) and search(0)


# --- Properties ---------------------------------------------------------------------------------------------------

counts = st.one_of(st.integers(0, 8), st.integers(0, 60))
thresholds = st.sampled_from([5, 5, 5, 1, 3, 10])


@st.composite
def grids(draw: st.DrawFn, *, most: int = 6, values: st.SearchStrategy[int] = counts) -> list[list[int]]:
    row_count = draw(st.integers(1, most))
    column_count = draw(st.integers(1, most))
    return [draw(st.lists(values, min_size=column_count, max_size=column_count)) for _ in range(row_count)]


def _entries(table: TwoWayTable) -> list[Count]:
    return [
        *(cell for row in table.cells for cell in row),
        *table.row_totals,
        *table.column_totals,
        table.grand_total,
    ]


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(counts, max_size=8), thresholds)
def test_one_way_shows_no_small_count_and_shows_every_other_count_as_given(values: list[int], threshold: int) -> None:
    table = suppress_one_way(values, threshold=threshold)
    for value, cell in zip([*values, sum(values)], [*table.cells, table.total], strict=True):
        assert not (cell.value is not None and 1 <= cell.value <= threshold)
        if cell.is_suppressed:
            assert (cell.shown, cell.value) == (SUPPRESSED, None)
            assert cell.reason is (Reason.PRIMARY if 1 <= value <= threshold else Reason.SECONDARY)
        else:
            assert (cell.shown, cell.value) == (f"{value:,}", value)
    hidden = len(table.suppressed)
    assert hidden == 0 or hidden >= 2


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(counts, max_size=7), thresholds)
def test_one_way_no_hidden_count_can_be_worked_out(values: list[int], threshold: int) -> None:
    table = suppress_one_way(values, threshold=threshold)
    hidden = _one_way_hidden(table)
    shape = _one_way_values(values), _one_way_lines(len(values))
    for position in hidden:
        assert _another_value_exists(*shape, hidden, position), (values, position)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(counts, max_size=8), thresholds)
def test_one_way_is_deterministic_and_idempotent(values: list[int], threshold: int) -> None:
    table = suppress_one_way(values, threshold=threshold)
    assert suppress_one_way(list(values), threshold=threshold) == table
    assert suppress_one_way(values, threshold=threshold, also_suppress=table.suppressed) == table


@settings(max_examples=examples(300), deadline=None)
@given(grids(), thresholds)
def test_two_way_shows_no_small_count_and_shows_every_other_count_as_given(
    rows: list[list[int]], threshold: int
) -> None:
    table = suppress_two_way(rows, threshold=threshold)
    values = _two_way_values(rows)
    for position in values:
        cell, value = table.at(position), values[position]
        if cell.is_suppressed:
            assert (cell.shown, cell.value) == (SUPPRESSED, None)
            assert cell.reason is (Reason.PRIMARY if 1 <= value <= threshold else Reason.SECONDARY)
            assert value > 0
        else:
            assert (cell.shown, cell.value) == (f"{value:,}", value)
            assert not 1 <= value <= threshold
    for cells, total in _two_way_lines(len(rows), len(rows[0])):
        hidden = sum(table.at(position).is_suppressed for position in (*cells, total))
        assert hidden == 0 or hidden >= 2, (cells, total)


@settings(max_examples=examples(200), deadline=None)
@given(grids(), thresholds)
def test_two_way_no_hidden_count_follows_from_the_totals_by_differencing(rows: list[list[int]], threshold: int) -> None:
    table = suppress_two_way(rows, threshold=threshold)
    lines = _two_way_lines(len(rows), len(rows[0]))
    assert _determined(_two_way_values(rows), lines, set(table.suppressed)) == set()


@settings(max_examples=examples(250), deadline=None)
@given(grids(most=3, values=st.integers(0, 10)), thresholds)
def test_small_two_way_tables_leave_every_hidden_count_at_least_two_possible_values(
    rows: list[list[int]], threshold: int
) -> None:
    table = suppress_two_way(rows, threshold=threshold)
    values, lines, hidden = _two_way_values(rows), _two_way_lines(len(rows), len(rows[0])), set(table.suppressed)
    for position in sorted(hidden, key=repr):
        assert _another_value_exists(values, lines, hidden, position), (rows, position)


@settings(max_examples=examples(100), deadline=None)
@given(grids(most=4, values=st.one_of(st.integers(0, 6), st.integers(10, 60))), thresholds)
def test_four_by_four_tables_leave_every_hidden_count_at_least_two_possible_values(
    rows: list[list[int]], threshold: int
) -> None:
    table = suppress_two_way(rows, threshold=threshold)
    values, lines, hidden = _two_way_values(rows), _two_way_lines(len(rows), len(rows[0])), set(table.suppressed)
    for position in sorted(hidden, key=repr):
        assert _another_value_exists(values, lines, hidden, position), (rows, position)


@settings(max_examples=examples(150), deadline=None)
@given(grids(), thresholds)
def test_two_way_is_deterministic_and_idempotent(rows: list[list[int]], threshold: int) -> None:
    table = suppress_two_way(rows, threshold=threshold)
    assert suppress_two_way([list(row) for row in rows], threshold=threshold) == table
    assert suppress_two_way(rows, threshold=threshold, also_suppress=table.suppressed) == table
    assert all(entry.value is None for entry in _entries(table) if entry.is_suppressed)


@settings(max_examples=examples(300), deadline=None)
@given(st.integers(0, 60), st.integers(1, 60), thresholds)
def test_a_rate_is_shown_only_when_no_count_behind_it_is_small(
    numerator: int, denominator: int, threshold: int
) -> None:
    rate = suppress_rate(numerator, denominator, threshold=threshold)
    behind = [numerator, denominator] + ([denominator - numerator] if numerator <= denominator else [])
    if any(1 <= count <= threshold for count in behind):
        assert (rate.numerator.shown, rate.denominator.shown, rate.figure.shown) == (SUPPRESSED,) * 3
        assert rate.figure.reason is Reason.DERIVED
    else:
        assert (rate.numerator.value, rate.denominator.value) == (numerator, denominator)
        assert rate.figure.value == Decimal(numerator) * 100 / Decimal(denominator)
