"""Red–amber–green ratings that explain themselves.

A rating is decided in a fixed order, so that it can never contradict the target:

1. no value → not rated; 2. cohort below the indicator's minimum → not rated, with a caution;
3. no target → not rated; 4. polarity "neither" → not rated;
5. target met (value at or better than the target, by polarity) → green, whatever the tolerance;
6. missed by no more than the amber tolerance → amber; 7. otherwise red.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from oversight.core.units import Unit, format_gap, format_number, format_value


class Polarity(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    NEITHER = "neither"

    @property
    def phrase(self) -> str:
        return {
            Polarity.HIGHER: "higher is better",
            Polarity.LOWER: "lower is better",
            Polarity.NEITHER: "neither higher nor lower is better",
        }[self]


class Rating(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NOT_RATED = "not_rated"

    @property
    def label(self) -> str:
        return "Not rated" if self is Rating.NOT_RATED else self.value.capitalize()


class ToleranceKind(StrEnum):
    ABSOLUTE = "absolute"  # in the indicator's own units (percentage points for percentages)
    RELATIVE = "relative"  # per cent of the target


@dataclass(frozen=True)
class RagPolicy:
    """How far a value may miss its target and still be amber."""

    amber_tolerance: Decimal
    tolerance_kind: ToleranceKind = ToleranceKind.ABSOLUTE

    def band(self, target: Decimal) -> Decimal:
        if self.tolerance_kind is ToleranceKind.RELATIVE:
            return abs(target) * self.amber_tolerance / Decimal(100)
        return self.amber_tolerance

    def describe(self, unit: Unit, places: int) -> str:
        if self.tolerance_kind is ToleranceKind.RELATIVE:
            return f"amber within {format_number(self.amber_tolerance, 2)}% of the target"
        return f"amber within {format_gap(self.amber_tolerance, unit, max(places, 2))}"


def default_policy(unit: Unit) -> RagPolicy:
    """Five percentage points for percentages; five per cent of the target for everything else."""
    if unit is Unit.PERCENT:
        return RagPolicy(Decimal(5), ToleranceKind.ABSOLUTE)
    return RagPolicy(Decimal(5), ToleranceKind.RELATIVE)


@dataclass(frozen=True)
class RatingBasis:
    """What the rating needs to know about the indicator."""

    unit: Unit
    decimal_places: int
    polarity: Polarity
    policy: RagPolicy
    minimum_cohort: int | None = None


@dataclass(frozen=True)
class RagResult:
    rating: Rating
    reason: str
    shortfall: Decimal | None = None  # how far the value misses the target, in the indicator's units; 0 when met

    @property
    def is_rated(self) -> bool:
        return self.rating is not Rating.NOT_RATED


def target_is_met(value: Decimal, target: Decimal, polarity: Polarity) -> bool:
    if polarity is Polarity.HIGHER:
        return value >= target
    if polarity is Polarity.LOWER:
        return value <= target
    raise ValueError("an indicator with polarity 'neither' has no met or missed target")


def rag_rate(
    basis: RatingBasis,
    value: Decimal | None,
    target: Decimal | None,
    *,
    cohort: int | None = None,
    target_label: str = "target",
) -> RagResult:
    """Rate ``value`` against ``target`` and say why in a sentence a councillor can read."""
    if value is None:
        return RagResult(Rating.NOT_RATED, "Not rated: there is no value for this period yet.")
    shown = format_value(value, basis.unit, basis.decimal_places)
    if basis.minimum_cohort is not None and cohort is not None and cohort < basis.minimum_cohort:
        return RagResult(
            Rating.NOT_RATED,
            f"Not rated: the cohort of {cohort} is below the minimum of {basis.minimum_cohort} needed "
            f"for a reliable rating, so {shown} should be read with caution.",
        )
    if target is None:
        return RagResult(Rating.NOT_RATED, f"Not rated: {shown} has no {target_label} to be measured against.")
    goal = format_value(target, basis.unit, max(basis.decimal_places, 2))
    if basis.polarity is Polarity.NEITHER:
        return RagResult(
            Rating.NOT_RATED,
            f"Not rated: {shown} against the {goal} {target_label}, but neither higher nor lower is "
            "better for this indicator.",
        )
    if target_is_met(value, target, basis.polarity):
        relation = "equals" if value == target else "meets"
        return RagResult(
            Rating.GREEN,
            f"Green: {shown} {relation} the {goal} {target_label} ({basis.polarity.phrase}).",
            Decimal(0),
        )
    shortfall = abs(value - target)
    direction = "below" if value < target else "above"
    gap = format_gap(shortfall, basis.unit, max(basis.decimal_places, 2))
    rating = Rating.AMBER if shortfall <= basis.policy.band(target) else Rating.RED
    tolerance = basis.policy.describe(basis.unit, basis.decimal_places)
    return RagResult(
        rating,
        f"{rating.label}: {shown} is {gap} {direction} the {goal} {target_label} "
        f"({basis.polarity.phrase}; {tolerance}).",
        shortfall,
    )
