"""Benchmarking against England, regions and statistical neighbours: ranks, quartile bands, significance.

Published figures come in and go out as ``Decimal``; the interval statistics work in ``float`` inside,
which is ample for confidence limits. Normal quantiles come from ``statistics.NormalDist``.

Missing values (suppressed, not applicable, not published) are never treated as zero: they are left out
of ranks, bands and group summaries, and the number left out is kept so every page can say so.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from statistics import NormalDist

from oversight.core.rag import Polarity
from oversight.core.units import Unit


def ordinal(number: int) -> str:
    """1 → '1st', 2 → '2nd', 11 → '11th', 22 → '22nd', 113 → '113th'."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _present(values: Mapping[str, Decimal | None]) -> dict[str, Decimal]:
    return {code: value for code, value in values.items() if value is not None}


def _better_first(value: Decimal, polarity: Polarity) -> Decimal:
    # Polarity "neither" ranks highest first, like "higher", but is never worded as best.
    return value if polarity is Polarity.LOWER else -value


def competition_ranks(values: Mapping[str, Decimal | None], polarity: Polarity) -> dict[str, int]:
    """Standard competition ranks ('1224'): a member's rank is one more than the number strictly ahead of it.

    Members without a value are not ranked and do not appear in the result.
    """
    present = _present(values)
    keys = sorted(_better_first(value, polarity) for value in present.values())
    ranks: dict[str, int] = {}
    for code, value in present.items():
        key = _better_first(value, polarity)
        ranks[code] = 1 + sum(1 for other in keys if other < key)
    return ranks


@dataclass(frozen=True)
class Rank:
    subject: str
    position: int | None  # competition rank, 1 = best (highest for polarity "neither"); None without a value
    tied: int  # members sharing the position, the subject included (1 = not tied)
    ranked: int  # members with a value
    excluded: int  # members without a value (suppressed or missing), left out of the ranking
    polarity: Polarity
    of_what: str = ""  # what the ranked members are, when the words must say: 'areas with a published figure'

    @property
    def is_joint(self) -> bool:
        return self.tied > 1

    @property
    def words(self) -> str:
        """'joint 4th of 152', '1st of 10', '7th of 11 areas with a published figure', or 'not ranked' when the
        subject has no value."""
        if self.position is None:
            return "not ranked"
        joint = "joint " if self.is_joint else ""
        return f"{joint}{ordinal(self.position)} of {self.ranked}" + (f" {self.of_what}" if self.of_what else "")

    @property
    def sentence(self) -> str:
        if self.position is None:
            head = f"Not ranked: no value for {self.subject}"
        else:
            order = "1st is highest" if self.polarity is Polarity.NEITHER else "1st is best"
            head = f"{self.words[0].upper()}{self.words[1:]} ({order})"
        if self.excluded:
            noun = "member" if self.excluded == 1 else "members"
            head += f"; {self.excluded} {noun} without a published value left out"
        return head + "."


def rank(values: Mapping[str, Decimal | None], subject: str, polarity: Polarity, *, of_what: str = "") -> Rank:
    """Where ``subject`` stands among ``values`` (which include it), by the indicator's polarity."""
    ranks = competition_ranks(values, polarity)
    excluded = len(values) - len(ranks)
    position = ranks.get(subject)
    tied = 0 if position is None else sum(1 for other in ranks.values() if other == position)
    return Rank(subject, position, tied, len(ranks), excluded, polarity, of_what)


# What a national rank is among when some English councils of the time are not in the figures.
PARTIAL = "areas with a published figure"


def national_rank_sentence(found: Rank, *, councils: int, missing: Sequence[str]) -> str:
    """Say among what a national rank is: 'Among all English councils: 7th of 150 (1st is best).' when none of
    the ``councils`` English councils of the time is ``missing`` from the figures (a council with a row but no
    value is there, left out of the rank as the sentence says); otherwise 'Nationally: 7th of 11 areas with a
    published figure', how many councils are not in the figures, and their names when there are few. A rank
    made with ``of_what`` set says what it is among itself; one made without gets ``PARTIAL`` here."""
    if not missing:
        return f"Among all English councils: {found.sentence}"
    partial = found if found.of_what else replace(found, of_what=PARTIAL)
    named = f" ({', '.join(missing)})" if len(missing) <= 3 else ""
    verb = "is" if len(missing) == 1 else "are"
    return (
        f"Nationally: {partial.sentence[:-1]}; {len(missing)} of the {councils} English "
        f"councils of the time{named} {verb} not in the published figures, so this is not a rank among all "
        "English councils."
    )


class Band(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"

    @property
    def label(self) -> str:
        return {
            Band.A: "A (best quarter)",
            Band.B: "B (second quarter)",
            Band.C: "C (third quarter)",
            Band.D: "D (worst quarter)",
        }[self]


def band_for_position(position: int, ranked: int) -> Band:
    """The quarter of a ranked list that a competition rank falls in: positions 1..n split into four runs.

    Position p (1-based) of n goes to band ⌊4(p − 1) / n⌋, so without ties the four bands differ in size
    by at most one, and the extra places go to the better bands. Tied members share their competition
    rank, so they share a band: the band of the best place they jointly hold.
    """
    if not 1 <= position <= ranked:
        raise ValueError(f"position {position} is outside 1..{ranked}")
    return (Band.A, Band.B, Band.C, Band.D)[4 * (position - 1) // ranked]


def quartile_bands(values: Mapping[str, Decimal | None], polarity: Polarity) -> dict[str, Band]:
    """Bands A (best quarter) to D (worst) for every member with a value, following LAIT's practice of
    splitting the ranked list into quarters. For polarity "neither", A is the highest quarter."""
    ranks = competition_ranks(values, polarity)
    return {code: band_for_position(position, len(ranks)) for code, position in ranks.items()}


def quartile_band(values: Mapping[str, Decimal | None], subject: str, polarity: Polarity) -> Band | None:
    """The subject's band, or None when it has no value."""
    return quartile_bands(values, polarity).get(subject)


@dataclass(frozen=True)
class GroupSummary:
    members: int  # size of the group as defined (e.g. 10 statistical neighbours)
    used: int  # members with a value, which the mean and median are taken over
    suppressed: int  # members present in the data with no value (suppression symbol or blank)
    absent: int  # members with no row at all
    mean: Decimal | None
    median: Decimal | None

    @property
    def note(self) -> str:
        """'Mean of 9 of 10 (1 suppressed).'"""
        return self.note_for("mean")

    def note_for(self, statistic: str) -> str:
        """What one statistic of the group is taken over: note_for("median") → 'Median of 9 of 10 (1 suppressed).'"""
        text = f"{statistic.capitalize()} of {self.used} of {self.members}"
        gaps = []
        if self.suppressed:
            gaps.append(f"{self.suppressed} suppressed")
        if self.absent:
            gaps.append(f"{self.absent} not in the data")
        return text + (f" ({', '.join(gaps)})." if gaps else ".")


def group_summary(values: Mapping[str, Decimal | None], members: Iterable[str]) -> GroupSummary:
    """Mean and median of a comparator group, leaving out members without a value.

    A suppressed neighbour is excluded — never counted as zero — and the summary keeps the group size
    and how many were left out, so the page can say 'mean of 9 of 10'. The mean is unweighted, as DfE
    and LAIT publish statistical-neighbour averages; rounding is left to the caller.
    """
    group = list(dict.fromkeys(members))
    absent = sum(1 for code in group if code not in values)
    present = sorted(value for code in group if (value := values.get(code)) is not None)
    suppressed = len(group) - absent - len(present)
    if not present:
        return GroupSummary(len(group), 0, suppressed, absent, None, None)
    mean = sum(present, Decimal(0)) / len(present)
    middle = len(present) // 2
    median = present[middle] if len(present) % 2 else (present[middle - 1] + present[middle]) / 2
    return GroupSummary(len(group), len(present), suppressed, absent, mean, median)


def z_value(confidence: float) -> float:
    """Two-sided normal quantile: 0.95 → 1.95996…, 0.998 → 3.0902…"""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


@dataclass(frozen=True)
class Interval:
    estimate: float
    lower: float
    upper: float
    confidence: float

    def contains(self, value: float) -> bool:
        return self.lower <= value <= self.upper

    def scaled(self, factor: float) -> Interval:
        """The same interval in other units: ``scaled(100)`` for a percentage, ``scaled(10_000)`` per 10,000."""
        return Interval(self.estimate * factor, self.lower * factor, self.upper * factor, self.confidence)


def wilson_interval(numerator: int, denominator: int, confidence: float = 0.95) -> Interval:
    """Wilson score interval for a proportion (as a fraction of 1), the method PHE recommends for proportions."""
    if denominator <= 0 or not 0 <= numerator <= denominator:
        raise ValueError(f"need 0 ≤ numerator ≤ denominator and denominator > 0, not {numerator}/{denominator}")
    z = z_value(confidence)
    p = numerator / denominator
    z2n = z * z / denominator
    centre = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * math.sqrt(p * (1 - p) / denominator + z2n / (4 * denominator))
    # Clamp float noise at the ends: the exact interval is within [0, 1] and contains p.
    return Interval(p, max(0.0, min(centre - half, p)), min(1.0, max(centre + half, p)), confidence)


def byar_interval(count: int, confidence: float = 0.95) -> Interval:
    """Confidence interval for a count of events (the numerator of a rate) by Byar's approximation to the
    exact Poisson limits. Divide by the population (and multiply by 10,000, say) for a rate's interval."""
    if count < 0:
        raise ValueError(f"a count cannot be negative ({count})")
    z = z_value(confidence)
    # Byar's lower limit is 0 for no events (the formula would divide by zero).
    lower = 0.0 if count == 0 else count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    above = count + 1
    upper = above * (1 - 1 / (9 * above) + z / (3 * math.sqrt(above))) ** 3
    return Interval(float(count), max(0.0, lower), upper, confidence)


def figure_interval(
    unit: Unit, numerator: Decimal | None, denominator: Decimal | None, confidence: float = 0.95
) -> Interval | None:
    """The confidence interval of a figure in its own units, when its numerator and denominator are known: Wilson
    for a percentage, Byar for a rate per 1,000 or 10,000 (the numerator a count of events). None otherwise."""
    if numerator is None or denominator is None or denominator <= 0 or numerator < 0:
        return None
    if numerator != numerator.to_integral_value() or denominator != denominator.to_integral_value():
        return None
    count, base = int(numerator), int(denominator)
    if unit is Unit.PERCENT:
        return wilson_interval(count, base, confidence).scaled(100) if count <= base else None
    per = {Unit.RATE_PER_1000: 1_000, Unit.RATE_PER_10000: 10_000}.get(unit)
    if per is None:
        return None
    return byar_interval(count, confidence).scaled(per / base)


def difference_interval(later: Interval, earlier: Interval) -> Interval:
    """Interval for the difference of two independent estimates (later − earlier) from their own intervals, by
    Newcombe's square-and-add method (method 10 of Newcombe, 1998, for proportions); both at the same level."""
    difference = later.estimate - earlier.estimate
    lower = difference - math.hypot(later.estimate - later.lower, earlier.upper - earlier.estimate)
    upper = difference + math.hypot(later.upper - later.estimate, earlier.estimate - earlier.lower)
    return Interval(difference, lower, upper, later.confidence)


class Significance(StrEnum):
    BETTER = "significantly_better"
    SIMILAR = "similar"
    WORSE = "significantly_worse"
    HIGHER = "significantly_higher"  # polarity "neither"
    LOWER = "significantly_lower"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def is_different(self) -> bool:
        return self is not Significance.SIMILAR


@dataclass(frozen=True)
class Verdict:
    significance: Significance
    sentence: str


def significance_against(
    interval: Interval, comparator: Decimal, polarity: Polarity, *, comparator_name: str = "England"
) -> Verdict:
    """Compare a value's confidence interval with a comparator's figure in the same units.

    The difference is significant when the comparator lies outside the interval.
    """
    level = f"{interval.confidence * 100:g}%"
    theirs = float(comparator)
    if interval.contains(theirs):
        return Verdict(
            Significance.SIMILAR,
            f"Similar to {comparator_name}: its figure of {comparator} is within the {level} confidence interval "
            f"({interval.lower:.4g} to {interval.upper:.4g}).",
        )
    higher = interval.lower > theirs
    if polarity is Polarity.NEITHER:
        significance = Significance.HIGHER if higher else Significance.LOWER
    elif higher == (polarity is Polarity.HIGHER):
        significance = Significance.BETTER
    else:
        significance = Significance.WORSE
    side = "above" if higher else "below"
    return Verdict(
        significance,
        f"{significance.label.capitalize()} than {comparator_name}: the {level} confidence interval "
        f"({interval.lower:.4g} to {interval.upper:.4g}) lies wholly {side} its figure of {comparator}.",
    )


@dataclass(frozen=True)
class FunnelLimits:
    denominator: int
    limits: Mapping[float, tuple[float, float]]  # confidence level → (lower, upper), as fractions of 1


def funnel_limits(
    denominators: Sequence[int], target: float, levels: Sequence[float] = (0.95, 0.998)
) -> list[FunnelLimits]:
    """Control limits of a funnel plot for a proportion: target ± z·√(target(1 − target)/n), kept within [0, 1].

    This is the normal approximation to the binomial (Spiegelhalter, 2005); 95% and 99.8% are the usual
    'warning' and 'control' limits. ``target`` is a fraction of 1 (e.g. England's 0.245).
    """
    if not 0 <= target <= 1:
        raise ValueError(f"target must be a proportion between 0 and 1, not {target}")
    result = []
    for n in denominators:
        if n <= 0:
            raise ValueError(f"a denominator must be positive, not {n}")
        spread = math.sqrt(target * (1 - target) / n)
        limits = {
            level: (max(0.0, target - z_value(level) * spread), min(1.0, target + z_value(level) * spread))
            for level in levels
        }
        result.append(FunnelLimits(n, limits))
    return result


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"
    SAME = "same"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Movement:
    direction: Direction
    change: Decimal | None  # current − previous, in the indicator's own units
    against_polarity: bool  # moving the wrong way for the intended direction
    sentence: str


def movement(current: Decimal | None, previous: Decimal | None, polarity: Polarity) -> Movement:
    """Change over 12 months and whether it runs against the indicator's polarity."""
    if current is None or previous is None:
        return Movement(Direction.UNKNOWN, None, False, "No change can be given: a figure is missing.")
    change = current - previous
    if change == 0:
        return Movement(Direction.SAME, change, False, f"No change from {previous}.")
    direction = Direction.UP if change > 0 else Direction.DOWN
    verb = "Up" if change > 0 else "Down"
    sentence = f"{verb} {abs(change)} from {previous}"
    if polarity is Polarity.NEITHER:
        return Movement(direction, change, False, sentence + ".")
    against = (change > 0) != (polarity is Polarity.HIGHER)
    judgement = "the wrong direction" if against else "the right direction"
    return Movement(direction, change, against, f"{sentence}: {judgement} ({polarity.phrase}).")


@dataclass(frozen=True)
class Bold:
    is_bold: bool
    reason: str


def is_bold(verdict: Verdict | None, change: Movement | None) -> Bold:
    """The bolding rule: a figure is bolded when it is significantly different from the average, or when it
    is moving in a direction contrary to the intended target. The reason names every condition met."""
    reasons = []
    if verdict is not None and verdict.significance.is_different:
        reasons.append(verdict.significance.label + " than the average")
    if change is not None and change.against_polarity:
        reasons.append("moving against the intended direction")
    if not reasons:
        return Bold(False, "Not bold: not significantly different from the average and not moving the wrong way.")
    return Bold(True, "Bold: " + " and ".join(reasons) + ".")
