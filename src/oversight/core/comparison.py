"""Where the council stands against a comparator (England, region, statistical neighbours), in one sentence that
says which figure of the council's was compared with which of the comparator's.

Where the council's numerator and denominator are known, the verdict is a significance test: the comparator's
figure against the council's confidence interval (Wilson for a percentage, Byar for a rate), at a stated level.
Otherwise the verdict is a band stated per indicator: within the margin counts as in line. Where the two figures
are for different periods the sentence says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from oversight.core.benchmark import figure_interval, significance_against
from oversight.core.periods import Period
from oversight.core.rag import Polarity, RatingBasis
from oversight.core.units import exact_places, format_gap

CONFIDENCE = 0.95


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


class Method(StrEnum):
    SIGNIFICANCE = "significance"
    BAND = "band"
    NONE = "none"


@dataclass(frozen=True)
class Side:
    """One figure in a comparison: whose (blank for the council), for which period, and what it is made of."""

    period: Period
    value: Decimal | None
    name: str = ""
    numerator: Decimal | None = None
    denominator: Decimal | None = None

    def words(self, basis: RatingBasis) -> str:
        shown = basis.show(self.value) if self.value is not None else "no figure"
        return f"{self.name} {self.period.short_label} {shown}".strip()


@dataclass(frozen=True)
class Standing:
    position: Position
    description: str  # 'Q1 2011-12 0% vs England 2009-10 6.6%: lower (better); the periods differ.'
    same_period: bool = True
    method: Method = Method.NONE


def _side_word(higher: bool) -> str:
    return "higher" if higher else "lower"


def compare(
    ours: Side, theirs: Side, *, basis: RatingBasis, margin: Decimal, confidence: float = CONFIDENCE
) -> Standing:
    """Compare the council's figure with a comparator's, by significance where the council's numerator and
    denominator allow it, otherwise by ``margin`` (in the indicator's units)."""
    same = ours.period == theirs.period
    differ = "" if same else "; the periods differ"
    if theirs.value is None:
        return Standing(Position.UNKNOWN, f"No {theirs.name} figure for {theirs.period.short_label}.", same)
    if ours.value is None:
        return Standing(Position.UNKNOWN, f"{theirs.words(basis)}: no council figure to compare with.", same)
    head = f"{ours.words(basis)} vs {theirs.words(basis)}"
    interval = figure_interval(basis.unit, ours.numerator, ours.denominator, confidence)
    level = f"{confidence * 100:g}% confidence"
    if interval is not None:
        # The same test as the benchmark page's "against England" column, so the two can never disagree.
        significance = significance_against(interval, theirs.value, basis.polarity).significance
        if not significance.is_different:
            return Standing(
                Position.IN_LINE, f"{head}: not significantly different at {level}{differ}.", same, Method.SIGNIFICANCE
            )
        higher = interval.lower > float(theirs.value)
        position = _position(higher, basis.polarity)
        return Standing(
            position, f"{head}: significantly {_judged(position, higher)} at {level}{differ}.", same,
            Method.SIGNIFICANCE,
        )  # fmt: skip
    difference = ours.value - theirs.value
    if abs(difference) <= margin:
        within = format_gap(margin, basis.unit, exact_places(margin, basis.decimal_places))
        return Standing(Position.IN_LINE, f"{head}: in line (within {within}){differ}.", same, Method.BAND)
    position = _position(difference > 0, basis.polarity)
    return Standing(position, f"{head}: {_judged(position, difference > 0)}{differ}.", same, Method.BAND)


def _position(higher: bool, polarity: Polarity) -> Position:
    if polarity is Polarity.NEITHER:
        return Position.ABOVE if higher else Position.BELOW
    better = higher if polarity is Polarity.HIGHER else not higher
    return Position.BETTER if better else Position.WORSE


def _judged(position: Position, higher: bool) -> str:
    """'lower (better)', 'higher (worse)', or 'higher' where neither is better."""
    word = _side_word(higher)
    return word if position in (Position.ABOVE, Position.BELOW) else f"{word} ({position.label})"
