from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight.core.comparison import Position, Side, compare
from oversight.core.periods import parse_period
from oversight.core.rag import Polarity, RagPolicy, RatingBasis
from oversight.core.trends import Direction, period_months, travel, trend, trend_summary
from oversight.core.units import Unit, format_gap, format_number, format_value, round_half_up


def test_rounding_is_half_up_as_published_statistics_are() -> None:
    assert round_half_up(Decimal("0.05"), 1) == Decimal("0.1")
    assert round_half_up(Decimal("2.5"), 0) == Decimal(3)
    assert round_half_up(Decimal("-2.5"), 0) == Decimal(-3)


@pytest.mark.parametrize(
    ("value", "unit", "places", "text"),
    [
        (Decimal("63.10"), Unit.PERCENT, 1, "63.1%"),
        (Decimal("85.00"), Unit.PERCENT, 1, "85%"),
        (Decimal("31.4"), Unit.RATE_PER_1000, 1, "31.4 per 1,000"),
        (Decimal("1"), Unit.RATIO, 2, "1.00"),
        (Decimal("1234"), Unit.COUNT, 0, "1,234"),
        (Decimal("-0.01"), Unit.PERCENT, 1, "0%"),
        (Decimal("12"), Unit.DAYS, 0, "12 days"),
    ],
)
def test_values_are_written_with_their_unit(value: Decimal, unit: Unit, places: int, text: str) -> None:
    assert format_value(value, unit, places) == text


def test_gaps_use_points_for_percentages() -> None:
    assert format_gap(Decimal("-21.9"), Unit.PERCENT, 1) == "21.9 points"
    assert format_gap(Decimal("1"), Unit.PERCENT, 1) == "1 point"
    assert format_gap(Decimal("0.31"), Unit.RATIO, 2) == "0.31"
    assert format_number(Decimal("7.00"), 2) == "7"


Y2010 = parse_period("2010-11")
Y2011 = parse_period("2011-12")
Q1 = parse_period("2011-12-Q1")


def basis(polarity: Polarity = Polarity.HIGHER, unit: Unit = Unit.PERCENT, places: int = 1) -> RatingBasis:
    return RatingBasis(unit, places, polarity, RagPolicy(Decimal(5)))


def test_lower_is_better_a_fall_is_an_improvement() -> None:
    result = travel(Side(Y2011, Decimal(0)), Side(Y2010, Decimal(2)), basis=basis(Polarity.LOWER), tolerance=Decimal(1))
    assert result.direction is Direction.IMPROVED
    assert result.description == "Improved from 2% in 2010-11."
    assert result.arrow == "↑"


def test_higher_is_better_a_fall_is_worse() -> None:
    earlier = Side(parse_period("2010-11-Q1"), Decimal(70))
    result = travel(Side(Q1, Decimal(67)), earlier, basis=basis(places=0), tolerance=Decimal(1))
    assert result.direction is Direction.WORSENED
    assert result.description == "Worsened from 70% in 2010-11 Q1."


def test_a_quarter_is_not_compared_with_a_whole_year() -> None:
    """Observation 4: the synthetic council's 'Improved from 13.4%' set a quarter against a year."""
    result = travel(Side(Q1, Decimal(12)), Side(Y2010, Decimal("13.4")), basis=basis(), tolerance=Decimal(1))
    assert result.direction is Direction.NOT_COMPARABLE
    assert result.description == "Not compared: 2011-12 Q1 covers 3 months and 2010-11 a whole year."


def test_a_change_within_the_tolerance_is_no_significant_change() -> None:
    """Observation 4: core assessments 63% → 63.1% was 'Improved'."""
    result = travel(Side(Y2011, Decimal("63.1")), Side(Y2010, Decimal(63)), basis=basis(), tolerance=Decimal(1))
    assert result.direction is Direction.UNCHANGED
    assert result.description == "No significant change from 63% in 2010-11 (within 1 point)."


def test_with_numerators_and_denominators_a_change_must_be_significant() -> None:
    small = travel(
        Side(Y2011, Decimal(60), numerator=Decimal(30), denominator=Decimal(50)),
        Side(Y2010, Decimal(50), numerator=Decimal(25), denominator=Decimal(50)),
        basis=basis(),
        tolerance=Decimal(1),
    )
    assert small.direction is Direction.UNCHANGED
    assert small.description == "No significant change from 50% in 2010-11 at 95% confidence."
    large = travel(
        Side(Y2011, Decimal(60), numerator=Decimal(600), denominator=Decimal(1000)),
        Side(Y2010, Decimal(50), numerator=Decimal(500), denominator=Decimal(1000)),
        basis=basis(),
        tolerance=Decimal(1),
    )
    assert large.direction is Direction.IMPROVED


def test_polarity_neither_says_up_or_down_not_better_or_worse() -> None:
    result = travel(
        Side(Y2011, Decimal(221)), Side(Y2010, Decimal(171)), basis=basis(Polarity.NEITHER, Unit.COUNT, 0),
        tolerance=Decimal(1),
    )  # fmt: skip
    assert result.direction is Direction.UP


def test_no_earlier_value_is_not_comparable() -> None:
    q4 = parse_period("2010-11-Q4")
    result = travel(Side(Q1, Decimal(5)), Side(q4, None), basis=basis(unit=Unit.COUNT), tolerance=Decimal(1))
    assert result.direction is Direction.NOT_COMPARABLE
    assert result.description == "No value for 2010-11 Q4 to compare with."


def test_three_year_trend_gives_two_directions() -> None:
    values = [Decimal("60.7"), Decimal("59.4"), Decimal("68.0")]
    assert trend(values, Polarity.HIGHER) == [Direction.WORSENED, Direction.IMPROVED]
    assert trend([None, Decimal(1), Decimal(1)], Polarity.HIGHER) == [Direction.NOT_COMPARABLE, Direction.UNCHANGED]


def _years(*values: str) -> list[Side]:
    return [Side(parse_period(f"AY{2009 + i}-{10 + i}"), Decimal(v)) for i, v in enumerate(values)]


def test_the_three_year_label_names_both_movements_when_they_differ() -> None:
    """Observation 4: cared-for children's KS2 maths 25 → 72 → 62% was labelled 'Improved'."""
    summary = trend_summary(_years("25", "72", "62"), basis=basis(places=0), tolerance=Decimal(1))
    assert summary.overall.direction is Direction.IMPROVED
    assert summary.latest.direction is Direction.WORSENED
    assert summary.label == "Improved from 2009/10 to 2011/12; worsened since 2010/11"


def test_a_small_fall_over_three_years_is_no_significant_change() -> None:
    """Observation 4: A*–E 98.9 → 98.6 was labelled 'Improved'."""
    summary = trend_summary(_years("98.9", "98.7", "98.6"), basis=basis(), tolerance=Decimal(1))
    assert summary.label == "No significant change"


def test_comparator_verdict_names_both_figures_and_their_periods() -> None:
    """Observation 2: the council's Q1 figure against England's figure of two years before."""
    lower = basis(Polarity.LOWER)
    result = compare(Side(Q1, Decimal(0)), Side(parse_period("2009-10"), Decimal("6.6"), "England"), basis=lower,
                     margin=Decimal(1))  # fmt: skip
    assert result.position is Position.BETTER
    assert result.same_period is False
    assert result.description == "2011-12 Q1 0% vs England 2009-10 6.6%: lower (better); the periods differ."


def test_comparator_position_follows_polarity() -> None:
    kwargs = {"basis": basis(), "margin": Decimal(1)}
    better = compare(Side(Y2010, Decimal("62.5")), Side(Y2010, Decimal("58.8"), "SN"), **kwargs)
    assert better.position is Position.BETTER
    assert better.description == "2010-11 62.5% vs SN 2010-11 58.8%: higher (better)."
    worse = compare(Side(Y2010, Decimal("9.8")), Side(Y2010, Decimal("6.6"), "N"), basis=basis(Polarity.LOWER),
                    margin=Decimal(1))  # fmt: skip
    assert worse.position is Position.WORSE
    in_line = compare(Side(Y2010, Decimal("59.3")), Side(Y2010, Decimal("59.3"), "SN"), **kwargs)
    assert in_line.description == "2010-11 59.3% vs SN 2010-11 59.3%: in line (within 1 point)."
    assert compare(Side(Y2010, None), Side(Y2010, Decimal(5), "SN"), **kwargs).position is Position.UNKNOWN


def test_comparator_verdict_tests_significance_when_the_numbers_are_known() -> None:
    """Observation 2: 67% of 6 children 'better' than 67% nationally; 5.5 vs a neighbours' mean."""
    few = compare(
        Side(Y2010, Decimal(50), numerator=Decimal(3), denominator=Decimal(6)), Side(Y2010, Decimal(67), "N"),
        basis=basis(), margin=Decimal(1),
    )  # fmt: skip
    assert few.position is Position.IN_LINE
    assert few.description == "2010-11 50% vs N 2010-11 67%: not significantly different at 95% confidence."
    many = compare(
        Side(Y2010, Decimal(50), numerator=Decimal(500), denominator=Decimal(1000)), Side(Y2010, Decimal(67), "N"),
        basis=basis(), margin=Decimal(1),
    )  # fmt: skip
    assert many.position is Position.WORSE
    assert many.description == "2010-11 50% vs N 2010-11 67%: significantly lower (worse) at 95% confidence."


# Properties ---------------------------------------------------------------------------------------

figures = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False)
periods = st.sampled_from([Y2010, Y2011, Q1, parse_period("2010-11-Q4"), parse_period("AY2009-10")])
polarities = st.sampled_from(Polarity)


@st.composite
def sides(draw: st.DrawFn, name: str = "") -> Side:
    counted = draw(st.booleans())
    if counted:
        denominator = draw(st.integers(1, 2000))
        numerator = draw(st.integers(0, denominator))
        value = Decimal(numerator * 100) / Decimal(denominator)
        return Side(draw(periods), value, name, Decimal(numerator), Decimal(denominator))
    return Side(draw(periods), draw(figures), name)


@given(sides(), sides(), polarities, st.decimals(min_value=0, max_value=10, places=1))
def test_a_direction_never_says_improved_when_the_value_moved_against_polarity_beyond_tolerance(
    current: Side, earlier: Side, polarity: Polarity, tolerance: Decimal
) -> None:
    result = travel(current, earlier, basis=basis(polarity), tolerance=tolerance)
    assert current.value is not None
    assert earlier.value is not None
    change = current.value - earlier.value
    against = (change < 0) if polarity is Polarity.HIGHER else (change > 0) if polarity is Polarity.LOWER else False
    if against:
        assert result.direction is not Direction.IMPROVED
    if result.direction in (Direction.IMPROVED, Direction.WORSENED):
        assert abs(change) > tolerance or current.numerator is not None
    if period_months(current.period) != period_months(earlier.period):
        assert result.direction is Direction.NOT_COMPARABLE


@given(sides(), sides("England"), polarities)
def test_a_verdict_never_compares_different_periods_without_saying_so(
    ours: Side, theirs: Side, polarity: Polarity
) -> None:
    result = compare(ours, theirs, basis=basis(polarity), margin=Decimal(1))
    assert result.same_period == (ours.period == theirs.period)
    assert ("the periods differ" in result.description) == (ours.period != theirs.period)
    assert ours.period.short_label in result.description
    assert theirs.period.short_label in result.description
