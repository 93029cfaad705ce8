from decimal import Decimal

import pytest

from oversight.core.comparison import Position, compare
from oversight.core.rag import Polarity
from oversight.core.trends import Direction, travel, trend
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


def test_lower_is_better_a_fall_is_an_improvement() -> None:
    result = travel(
        Decimal(0), Decimal(2), polarity=Polarity.LOWER, unit=Unit.PERCENT, places=1, earlier_label="2010-11"
    )
    assert result.direction is Direction.IMPROVED
    assert result.description == "Improved from 2% in 2010-11."
    assert result.arrow == "↑"


def test_higher_is_better_a_fall_is_worse() -> None:
    result = travel(
        Decimal(67),
        Decimal(70),
        polarity=Polarity.HIGHER,
        unit=Unit.PERCENT,
        places=0,
        earlier_label="2010-11",
        current_label="2011-12 Q1",
    )
    assert result.direction is Direction.WORSENED
    assert result.description == "Worsened from 70% in 2010-11 to 67% in 2011-12 Q1."


def test_polarity_neither_says_up_or_down_not_better_or_worse() -> None:
    result = travel(Decimal(221), Decimal(171), polarity=Polarity.NEITHER, unit=Unit.COUNT, places=0, earlier_label="x")
    assert result.direction is Direction.UP


def test_no_earlier_value_is_not_comparable() -> None:
    result = travel(Decimal(5), None, polarity=Polarity.HIGHER, unit=Unit.COUNT, places=0, earlier_label="2010-11 Q4")
    assert result.direction is Direction.NOT_COMPARABLE
    assert result.description == "No value for 2010-11 Q4 to compare with."


def test_three_year_trend_gives_two_directions() -> None:
    values = [Decimal("60.7"), Decimal("59.4"), Decimal("68.0")]
    assert trend(values, Polarity.HIGHER) == [Direction.WORSENED, Direction.IMPROVED]
    assert trend([None, Decimal(1), Decimal(1)], Polarity.HIGHER) == [Direction.NOT_COMPARABLE, Direction.UNCHANGED]


def test_comparator_position_follows_polarity() -> None:
    kwargs = {"unit": Unit.PERCENT, "places": 1, "comparator_name": "SN", "margin": Decimal(1)}
    better = compare(Decimal("62.5"), Decimal("58.8"), polarity=Polarity.HIGHER, **kwargs)
    assert better.position is Position.BETTER
    assert better.description == "62.5% is above SN 58.8%: better (higher is better)."
    worse = compare(Decimal("9.8"), Decimal("6.6"), polarity=Polarity.LOWER, **kwargs)
    assert worse.position is Position.WORSE
    assert compare(Decimal("59.3"), Decimal("59.3"), polarity=Polarity.HIGHER, **kwargs).position is Position.IN_LINE
    assert compare(None, Decimal(5), polarity=Polarity.HIGHER, **kwargs).position is Position.UNKNOWN
