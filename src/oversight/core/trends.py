"""Direction of travel: is an indicator getting better, worse or staying the same?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from oversight.core.rag import Polarity
from oversight.core.units import Unit, format_value


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
            Direction.UNCHANGED: "No change",
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
    if current == earlier:
        return Direction.UNCHANGED
    went_up = current > earlier
    if polarity is Polarity.NEITHER:
        return Direction.UP if went_up else Direction.DOWN
    better = went_up if polarity is Polarity.HIGHER else not went_up
    return Direction.IMPROVED if better else Direction.WORSENED


def travel(
    current: Decimal | None,
    earlier: Decimal | None,
    *,
    polarity: Polarity,
    unit: Unit,
    places: int,
    earlier_label: str,
    current_label: str = "",
) -> Travel:
    """Direction of travel from ``earlier`` (the value for ``earlier_label``) to ``current``."""
    if current is None:
        return Travel(Direction.NOT_COMPARABLE, "No value for this period.")
    if earlier is None:
        return Travel(Direction.NOT_COMPARABLE, f"No value for {earlier_label} to compare with.")
    direction = direction_of(current, earlier, polarity)
    then = format_value(earlier, unit, places)
    now = f" to {format_value(current, unit, places)} in {current_label}" if current_label else ""
    if direction is Direction.UNCHANGED:
        return Travel(direction, f"No change from {then} in {earlier_label}{now}.")
    return Travel(direction, f"{direction.label} from {then} in {earlier_label}{now}.")


def trend(values: Sequence[Decimal | None], polarity: Polarity) -> list[Direction]:
    """The direction between each pair of consecutive values (n values give n-1 directions)."""
    directions = []
    for earlier, current in zip(values, values[1:], strict=False):
        if earlier is None or current is None:
            directions.append(Direction.NOT_COMPARABLE)
        else:
            directions.append(direction_of(current, earlier, polarity))
    return directions
