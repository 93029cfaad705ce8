"""Control charts and their rules, against series worked out by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight.core.polarity import Polarity
from oversight.core.spc import (
    MINIMUM_POINTS,
    ChartKind,
    ChartPoint,
    Meaning,
    Rule,
    p_chart,
    signals_find,
    xmr_chart,
)

# Worked by hand: the mean is 138 / 12 = 11.5; the eleven moving ranges are 2 1 2 1 2 1 1 1 2 1 1, 15 in all,
# so their mean is 15 / 11 and the limits are 11.5 ± 2.66 × 15 / 11 = 11.5 ± 3.62727…
HAND = [10, 12, 11, 13, 12, 10, 11, 12, 13, 11, 12, 11]


def _series(values: list[float]) -> list[tuple[str, float]]:
    return [(f"M{index + 1}", value) for index, value in enumerate(values)]


def _points(values: list[float], lower: float = -100, upper: float = 100) -> list[ChartPoint]:
    return [ChartPoint(f"M{index + 1}", value, lower, upper) for index, value in enumerate(values)]


def test_xmr_limits_on_a_series_worked_by_hand() -> None:
    chart = xmr_chart(_series(HAND), polarity=Polarity.HIGHER)
    assert chart.kind is ChartKind.XMR
    assert chart.centre == pytest.approx(11.5)
    assert chart.points[0].lower == pytest.approx(11.5 - 2.66 * 15 / 11)
    assert chart.points[0].upper == pytest.approx(11.5 + 2.66 * 15 / 11)
    assert chart.points[0].upper == pytest.approx(15.12727, abs=1e-5)
    assert chart.signals == ()
    assert "An XmR chart of 12 points" in chart.note


def test_the_lower_limit_stops_at_the_units_floor() -> None:
    values = [0, 5, 0, 6, 1, 0, 7, 0, 1, 5, 0, 2]
    assert xmr_chart(_series(values), polarity=Polarity.LOWER).points[0].lower < 0
    floored = xmr_chart(_series(values), polarity=Polarity.LOWER, floor=0)
    assert floored.points[0].lower == 0


def test_too_few_points_have_no_limits_and_say_why() -> None:
    chart = xmr_chart(_series(HAND[:7]), polarity=Polarity.HIGHER)
    assert not chart.has_limits
    assert chart.signals == ()
    assert all(point.lower is None and point.upper is None for point in chart.points)
    assert chart.note.startswith("12 points are needed for control limits; this series has 7")


def test_eleven_points_are_too_few_and_twelve_are_enough() -> None:
    assert not xmr_chart(_series(HAND[:11]), polarity=Polarity.HIGHER).has_limits
    assert xmr_chart(_series(HAND), polarity=Polarity.HIGHER).has_limits


def test_a_point_above_the_upper_limit_is_a_signal_that_polarity_names() -> None:
    values = [*HAND[:11], 40]
    higher = xmr_chart(_series(values), polarity=Polarity.HIGHER)
    [signal] = [s for s in higher.signals if s.rule is Rule.OUTSIDE]
    assert signal.points == (11,)
    assert signal.up
    assert signal.meaning is Meaning.IMPROVEMENT
    assert signal.sentence.startswith("M12 (40) is above the upper limit")
    assert "a sign of improvement (higher is better)" in signal.sentence
    lower = xmr_chart(_series(values), polarity=Polarity.LOWER)
    assert [s.meaning for s in lower.signals if s.rule is Rule.OUTSIDE] == [Meaning.CONCERN]
    neither = xmr_chart(_series(values), polarity=Polarity.NEITHER)
    assert [s.meaning for s in neither.signals if s.rule is Rule.OUTSIDE] == [Meaning.CHANGE]


def test_a_point_on_the_limit_is_not_outside_it() -> None:
    points = [ChartPoint("A", 5, 0, 5), ChartPoint("B", 0, 0, 5)]
    assert signals_find(points, 2.5, Polarity.HIGHER) == ()


def test_a_point_below_the_lower_limit_is_a_signal() -> None:
    [signal] = signals_find([ChartPoint("A", -1, 0, 5)], 2.5, Polarity.HIGHER)
    assert (signal.rule, signal.up, signal.meaning) == (Rule.OUTSIDE, False, Meaning.CONCERN)
    assert signal.sentence.startswith("A (-1) is below the lower limit (0)")


def test_seven_points_on_one_side_are_not_a_shift_and_eight_are() -> None:
    seven = _points([-1, 1, 2, 1, 2, 1, 2, 1, -1])
    assert [s for s in signals_find(seven, 0, Polarity.HIGHER) if s.rule is Rule.SHIFT] == []
    eight = _points([-1, 1, 2, 1, 2, 1, 2, 1, 2, -1])
    [shift] = signals_find(eight, 0, Polarity.HIGHER)
    assert shift.rule is Rule.SHIFT
    assert shift.points == tuple(range(1, 9))
    assert shift.sentence.startswith("8 points in a row, M2 to M9, are above the centre line (0)")


def test_a_point_on_the_centre_line_ends_a_run() -> None:
    broken = _points([1, 2, 1, 2, 0, 1, 2, 1, 2])
    assert signals_find(broken, 0, Polarity.HIGHER) == ()


def test_a_shift_below_the_centre_is_a_concern_where_higher_is_better() -> None:
    below = _points([-1, -2, -1, -2, -1, -2, -1, -2, -1])
    [shift] = signals_find(below, 0, Polarity.HIGHER)
    assert (shift.rule, shift.up, shift.meaning, len(shift.points)) == (Rule.SHIFT, False, Meaning.CONCERN, 9)


def test_five_rising_points_are_not_a_trend_and_six_are() -> None:
    five = _points([5, -3, -2, -1, 1, 2, -5])
    assert signals_find(five, 0, Polarity.LOWER) == ()
    six = _points([5, -3, -2, -1, 1, 2, 3, -5])
    [trend] = signals_find(six, 0, Polarity.LOWER)
    assert trend.rule is Rule.TREND
    assert trend.points == (1, 2, 3, 4, 5, 6)
    assert trend.up
    assert trend.meaning is Meaning.CONCERN
    assert trend.sentence.startswith("6 points in a row, M2 to M7, are each rising on the one before")


def test_six_falling_points_are_a_trend_and_an_equal_point_ends_one() -> None:
    falling = _points([-5, 3, 2, 1, -1, -2, -3, 5])
    [trend] = signals_find(falling, 0, Polarity.LOWER)
    assert (trend.rule, trend.up, trend.meaning) == (Rule.TREND, False, Meaning.IMPROVEMENT)
    level = _points([-5, 3, 2, 1, 1, -1, -2, 5])
    assert signals_find(level, 0, Polarity.LOWER) == ()


def test_p_chart_limits_worked_by_hand() -> None:
    # 12 quarters of 25 of 100: p̄ = 0.25, limits 0.25 ± 3 √(0.25 × 0.75 / 100) = 0.25 ± 0.1299…
    chart = p_chart([(f"Q{i}", 25, 100) for i in range(12)], polarity=Polarity.HIGHER, scale=100)
    assert chart.kind is ChartKind.P
    assert chart.centre == pytest.approx(25)
    assert chart.points[0].lower == pytest.approx(100 * (0.25 - 3 * math.sqrt(0.25 * 0.75 / 100)))
    assert chart.points[0].upper == pytest.approx(37.99038, abs=1e-5)
    assert chart.signals == ()


def test_p_chart_leaves_out_a_point_with_nothing_counted() -> None:
    chart = p_chart([("A", 0, 0), ("B", 1, 2)], polarity=Polarity.HIGHER)
    assert [point.label for point in chart.points] == ["B"]
    assert chart.note.startswith("12 points are needed for control limits; this series has 1")


values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(st.lists(values, min_size=MINIMUM_POINTS, max_size=40))
def test_xmr_limits_always_contain_the_centre(series: list[float]) -> None:
    chart = xmr_chart(_series(series), polarity=Polarity.HIGHER)
    assert chart.centre is not None
    for point in chart.points:
        assert point.lower is not None
        assert point.upper is not None
        assert point.lower <= chart.centre + 1e-6 * max(1, abs(chart.centre))
        assert chart.centre <= point.upper + 1e-6 * max(1, abs(chart.centre))


@given(st.lists(st.floats(min_value=0, max_value=1e4), min_size=MINIMUM_POINTS, max_size=40))
def test_xmr_with_a_floor_never_draws_below_it(series: list[float]) -> None:
    chart = xmr_chart(_series(series), polarity=Polarity.LOWER, floor=0, ceiling=1e4)
    assert all(point.lower is not None and point.lower >= 0 for point in chart.points)
    assert all(point.upper is not None and point.upper <= 1e4 for point in chart.points)


@given(st.lists(values, max_size=MINIMUM_POINTS - 1))
def test_fewer_than_the_minimum_never_have_limits_or_signals(series: list[float]) -> None:
    chart = xmr_chart(_series(series), polarity=Polarity.HIGHER)
    assert not chart.has_limits
    assert chart.signals == ()
    assert f"this series has {len(series)}" in chart.note


counts = st.integers(min_value=1, max_value=5000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)


@given(st.lists(counts, min_size=MINIMUM_POINTS, max_size=30))
def test_p_chart_limits_lie_in_0_to_1_and_narrow_as_n_grows(series: list[tuple[int, int]]) -> None:
    chart = p_chart([(f"P{i}", num, den) for i, (num, den) in enumerate(series)], polarity=Polarity.HIGHER)
    assert chart.centre is not None
    for point in chart.points:
        assert point.lower is not None
        assert point.upper is not None
        assert 0 <= point.lower <= chart.centre + 1e-12
        assert chart.centre - 1e-12 <= point.upper <= 1
    widths = sorted(
        ((den, point.upper - point.lower) for (_, den), point in zip(series, chart.points, strict=True)
         if point.upper is not None and point.lower is not None),
        key=lambda pair: pair[0],
    )  # fmt: skip
    for (n_small, wide), (n_large, narrow) in zip(widths, widths[1:], strict=False):
        if n_large > n_small:
            assert narrow <= wide + 1e-12


@given(st.lists(values, min_size=MINIMUM_POINTS, max_size=40), st.sampled_from(list(Polarity)))
def test_every_signal_covers_consecutive_points_of_the_chart(series: list[float], polarity: Polarity) -> None:
    chart = xmr_chart(_series(series), polarity=polarity)
    for signal in chart.signals:
        assert list(signal.points) == list(range(signal.points[0], signal.points[-1] + 1))
        assert signal.points[0] >= 0
        assert signal.points[-1] < len(chart.points)
        assert signal.sentence.endswith(f"({polarity.phrase}).")
