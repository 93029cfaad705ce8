"""Where the council stands against a comparator (England, region, statistical neighbours)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from oversight.core.rag import Polarity
from oversight.core.units import Unit, format_value


class Position(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    IN_LINE = "in_line"
    ABOVE = "above"  # polarity neither
    BELOW = "below"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {
            Position.BETTER: "better",
            Position.WORSE: "worse",
            Position.IN_LINE: "in line",
            Position.ABOVE: "above",
            Position.BELOW: "below",
            Position.UNKNOWN: "not compared",
        }[self]


@dataclass(frozen=True)
class Standing:
    position: Position
    description: str  # '62.5% is above the SN figure of 58.8% (better; in line means within 1 point)'


def compare(
    value: Decimal | None,
    comparator: Decimal | None,
    *,
    polarity: Polarity,
    unit: Unit,
    places: int,
    comparator_name: str,
    margin: Decimal,
) -> Standing:
    """Compare the council's value with a comparator's; within ``margin`` counts as in line."""
    if comparator is None:
        return Standing(Position.UNKNOWN, f"No {comparator_name} figure to compare with.")
    theirs = format_value(comparator, unit, places)
    if value is None:
        return Standing(Position.UNKNOWN, f"{comparator_name} {theirs}; no council figure for the same period.")
    ours = format_value(value, unit, places)
    difference = value - comparator
    if abs(difference) <= margin:
        return Standing(Position.IN_LINE, f"{ours} is in line with {comparator_name} {theirs}.")
    side = "above" if difference > 0 else "below"
    if polarity is Polarity.NEITHER:
        position = Position.ABOVE if difference > 0 else Position.BELOW
        return Standing(position, f"{ours} is {side} {comparator_name} {theirs}.")
    better = difference > 0 if polarity is Polarity.HIGHER else difference < 0
    position = Position.BETTER if better else Position.WORSE
    return Standing(position, f"{ours} is {side} {comparator_name} {theirs}: {position.label} ({polarity.phrase}).")
