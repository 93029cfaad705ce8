"""Direction of travel: is an indicator getting better, worse or staying the same?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from oversight.core.benchmark import difference_interval, figure_interval
from oversight.core.comparison import CONFIDENCE, Side
from oversight.core.periods import Period, PeriodKind
from oversight.core.rag import Polarity, RatingBasis
from oversight.core.units import exact_places, format_gap


class Direction(StrEnum):
    IMPROVED = "improved"
    WORSENED = "worsened"
    UP = "up"  # polarity neither: a change that is neither better nor worse
    DOWN = "down"
    UNCHANGED = "unchanged"
    NOT_COMPARABLE = "not_comparable"

    @property
    def arrow(self) -> str:
        return {
            Direction.IMPROVED: "↑",
            Direction.WORSENED: "↓",
            Direction.UP: "↗",
            Direction.DOWN: "↘",
            Direction.UNCHANGED: "→",
            Direction.NOT_COMPARABLE: "–",
        }[self]

    @property
    def label(self) -> str:
        return {
            Direction.IMPROVED: "Improved",
            Direction.WORSENED: "Worsened",
            Direction.UP: "Up",
            Direction.DOWN: "Down",
            Direction.UNCHANGED: "No significant change",
            Direction.NOT_COMPARABLE: "Not comparable",
        }[self]


@dataclass(frozen=True)
class Travel:
    direction: Direction
    description: str  # 'Improved from 70% in 2010-11'

    @property
    def arrow(self) -> str:
        return self.direction.arrow


def direction_of(current: Decimal, earlier: Decimal, polarity: Polarity) -> Direction:
    """The plain direction of a change, before any tolerance or test."""
    if current == earlier:
        return Direction.UNCHANGED
    went_up = current > earlier
    if polarity is Polarity.NEITHER:
        return Direction.UP if went_up else Direction.DOWN
    better = went_up if polarity is Polarity.HIGHER else not went_up
    return Direction.IMPROVED if better else Direction.WORSENED


def travel(
    current: Side, earlier: Side, *, basis: RatingBasis, tolerance: Decimal, confidence: float = CONFIDENCE
) -> Travel:
    """Direction of travel from ``earlier`` to ``current``, like with like.

    Periods of different lengths (a quarter and a year) are not compared. Where both figures have numerators and
    denominators, a change is a change only when it is significant (Newcombe's interval for the difference
    excludes nought); otherwise a change within ``tolerance`` (the indicator's units) is no significant change.
    """
    if current.value is None:
        return Travel(Direction.NOT_COMPARABLE, "No value for this period.")
    when = earlier.period.short_label
    if earlier.value is None:
        return Travel(Direction.NOT_COMPARABLE, f"No value for {when} to compare with.")
    if period_months(current.period) != period_months(earlier.period):
        return Travel(
            Direction.NOT_COMPARABLE,
            f"Not compared: {current.period.short_label} covers {_months(current.period)} and {when} "
            f"{_months(earlier.period)}.",
        )
    then = basis.show(earlier.value)
    direction = direction_of(current.value, earlier.value, basis.polarity)
    if direction is Direction.UNCHANGED:
        return Travel(direction, f"No change from {then} in {when}.")
    later_interval = figure_interval(basis.unit, current.numerator, current.denominator, confidence)
    earlier_interval = figure_interval(basis.unit, earlier.numerator, earlier.denominator, confidence)
    if later_interval is not None and earlier_interval is not None:
        if difference_interval(later_interval, earlier_interval).contains(0.0):
            level = f"{confidence * 100:g}% confidence"
            return Travel(Direction.UNCHANGED, f"No significant change from {then} in {when} at {level}.")
    elif abs(current.value - earlier.value) <= tolerance:
        within = format_gap(tolerance, basis.unit, exact_places(tolerance, basis.decimal_places))
        return Travel(Direction.UNCHANGED, f"No significant change from {then} in {when} (within {within}).")
    return Travel(direction, f"{direction.label} from {then} in {when}.")


def period_months(period: Period) -> int:
    """How many months a period covers: a year of any kind 12, a quarter 3, a month 1, a rolling window its own."""
    if period.is_year:
        return 12
    return {PeriodKind.FINANCIAL_QUARTER: 3, PeriodKind.MONTH: 1}.get(period.kind, period.months)


def _months(period: Period) -> str:
    months = period_months(period)
    return "a whole year" if months == 12 else "a month" if months == 1 else f"{months} months"


def trend(values: Sequence[Decimal | None], polarity: Polarity) -> list[Direction]:
    """The plain direction between each pair of consecutive values (n values give n-1 directions)."""
    directions = []
    for earlier, current in zip(values, values[1:], strict=False):
        if earlier is None or current is None:
            directions.append(Direction.NOT_COMPARABLE)
        else:
            directions.append(direction_of(current, earlier, polarity))
    return directions


@dataclass(frozen=True)
class TrendSummary:
    latest: Travel  # the last step
    overall: Travel  # first to last
    label: str  # 'Improved', or 'Improved over the years; worsened in 2011-12' when the two differ


def trend_summary(points: Sequence[Side], *, basis: RatingBasis, tolerance: Decimal) -> TrendSummary:
    """The latest movement and the overall one, worded so that the label contradicts neither."""
    present = [point for point in points if point.value is not None]
    nothing = Travel(Direction.NOT_COMPARABLE, "Fewer than two years with a value.")
    if len(present) < 2 or points[-1].value is None:
        return TrendSummary(nothing, nothing, Direction.NOT_COMPARABLE.label)
    latest = travel(present[-1], present[-2], basis=basis, tolerance=tolerance)
    overall = travel(present[-1], present[0], basis=basis, tolerance=tolerance)
    if len(present) == 2 or latest.direction is overall.direction:
        return TrendSummary(latest, overall, overall.direction.label)
    first, last = present[0].period.short_label, present[-1].period.short_label
    label = (
        f"{overall.direction.label} from {first} to {last}; "
        f"{latest.direction.label.lower()} since {present[-2].period.short_label}"
    )
    return TrendSummary(latest, overall, label)
