"""Red–amber–green ratings that explain themselves.

A rating is decided in a fixed order, so that it can never contradict the target:

1. no value → not rated; 2. cohort below the indicator's minimum → not rated, with a caution (or rated with the
caution, where the indicator says so); 3. no target → not rated; 4. polarity "neither" and a bare number as the
target → not rated; 5. target met by its operator ("less than 5%", "at least 85%") → green, whatever the
tolerance; 6. missed by no more than the amber tolerance → amber; 7. otherwise red.

Every figure in a reason is written to the indicator's display precision; a target keeps the places it was set
with.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from oversight.core.polarity import Polarity as Polarity
from oversight.core.targets import Operator, TargetRule
from oversight.core.units import Unit, exact_places, format_gap, format_number, format_value


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
        return f"amber within {format_gap(self.amber_tolerance, unit, exact_places(self.amber_tolerance, places))}"


def default_policy(unit: Unit) -> RagPolicy:
    """Five percentage points for percentages; five per cent of the target for everything else."""
    if unit is Unit.PERCENT:
        return RagPolicy(Decimal(5), ToleranceKind.ABSOLUTE)
    return RagPolicy(Decimal(5), ToleranceKind.RELATIVE)


def default_minimum_cohort(unit: Unit) -> int | None:
    """30 children for a percentage, rate or ratio, as the scorecard's own guidance sets; a count has no cohort."""
    return 30 if unit in (Unit.PERCENT, Unit.RATE_PER_1000, Unit.RATE_PER_10000, Unit.RATIO) else None


@dataclass(frozen=True)
class RatingBasis:
    """What the rating needs to know about the indicator."""

    unit: Unit
    decimal_places: int
    polarity: Polarity
    policy: RagPolicy
    minimum_cohort: int | None = None
    rate_small_cohorts: bool = False  # rate a figure below the minimum cohort (with its caution) instead of not

    def show(self, value: Decimal) -> str:
        return format_value(value, self.unit, self.decimal_places)


@dataclass(frozen=True)
class RagResult:
    rating: Rating
    reason: str
    shortfall: Decimal | None = None  # how far the value misses the target, in the indicator's units; 0 when met
    caution: str = ""  # said wherever the figure appears: a cohort below the minimum

    @property
    def is_rated(self) -> bool:
        return self.rating is not Rating.NOT_RATED


def small_cohort_caution(basis: RatingBasis, cohort: int | None) -> str:
    """'Caution: a cohort of 6, below the minimum of 30 for a reliable figure.', or '' when the cohort is enough."""
    if basis.minimum_cohort is None or cohort is None or cohort >= basis.minimum_cohort:
        return ""
    return f"Caution: a cohort of {cohort}, below the minimum of {basis.minimum_cohort} for a reliable figure."


def _met_words(rule: TargetRule, value: Decimal) -> str:
    if rule.operator is Operator.BETWEEN:
        return "is within"
    if value == rule.value:
        return "meets"
    return "is below" if value < rule.value else "is above"


def rag_rate(
    basis: RatingBasis,
    value: Decimal | None,
    target: TargetRule | None,
    *,
    cohort: int | None = None,
    target_label: str = "target",
) -> RagResult:
    """Rate ``value`` against ``target`` and say why in a sentence a councillor can read."""
    if value is None:
        return RagResult(Rating.NOT_RATED, "Not rated: there is no value for this period yet.")
    shown = basis.show(value)
    caution = small_cohort_caution(basis, cohort)
    if caution and not basis.rate_small_cohorts:
        return RagResult(
            Rating.NOT_RATED,
            f"Not rated: the cohort of {cohort} is below the minimum of {basis.minimum_cohort} needed "
            f"for a reliable rating, so {shown} should be read with caution.",
            caution=caution,
        )
    result = _rated(basis, value, shown, target, target_label)
    if caution:
        return RagResult(result.rating, f"{result.reason} {caution}", result.shortfall, caution)
    return result


def _rated(basis: RatingBasis, value: Decimal, shown: str, target: TargetRule | None, label: str) -> RagResult:
    if target is None:
        return RagResult(Rating.NOT_RATED, f"Not rated: {shown} has no {label} to be measured against.")
    goal = target.words(basis.unit, basis.decimal_places)
    if basis.polarity is Polarity.NEITHER and not target.stated:
        return RagResult(
            Rating.NOT_RATED,
            f"Not rated: {shown} against the {label} of {goal}, but neither higher nor lower is better for this "
            "indicator.",
        )
    if target.is_met(value):
        return RagResult(Rating.GREEN, f"Green: {shown} {_met_words(target, value)} the {label} of {goal}.", Decimal(0))
    shortfall = target.shortfall(value)
    rating = Rating.AMBER if shortfall <= basis.policy.band(target.nearest(value)) else Rating.RED
    direction = "below" if value < target.nearest(value) else "above"
    if shortfall == 0:
        miss = f"{shown} is not {'below' if target.operator is Operator.BELOW else 'above'}"
    elif format_number(shortfall, basis.decimal_places) == "0":
        miss = f"{shown} is just {direction}"
    else:
        miss = f"{shown} is {format_gap(shortfall, basis.unit, basis.decimal_places)} {direction}"
    tolerance = basis.policy.describe(basis.unit, basis.decimal_places)
    return RagResult(rating, f"{rating.label}: {miss} the {label} of {goal} ({tolerance}).", shortfall)
