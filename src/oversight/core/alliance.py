"""A regional alliance's own figure for a measure: its members pooled, and where each member stands among them.

The alliance's figure is not an average of its members' rates: their numerators are summed and their denominators
summed, and the figure is worked out from the two sums as each member's is from its own (``units.value_from_parts``),
so a large council weighs as much as its children do. Only members' approved figures are pooled (ADR 27).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from oversight.core.benchmark import competition_ranks
from oversight.core.rag import Polarity
from oversight.core.units import Unit, value_from_parts


@dataclass(frozen=True)
class Part:
    """One member's approved figure, as its parts: ``denominator`` None for a count."""

    council: str
    numerator: Decimal
    denominator: Decimal | None


@dataclass(frozen=True)
class Pooled:
    """The alliance's figure: its members' numerators and denominators summed, and the figure they give."""

    councils: tuple[str, ...]  # the members pooled, in order
    numerator: Decimal
    denominator: Decimal | None
    value: Decimal | None

    @property
    def members(self) -> int:
        return len(self.councils)


def pool(parts: Iterable[Part], unit: Unit) -> Pooled | None:
    """The members' figures pooled (None when there are none): numerators summed, denominators summed, the figure
    from the sums. A count's members have no denominator and the alliance's figure is their total; a member without
    a denominator among members with one is a mistake in the figures, refused rather than counted."""
    members = sorted(parts, key=lambda part: part.council)
    if not members:
        return None
    counts = [part.denominator is None for part in members]
    if any(counts) and not all(counts):
        missing = ", ".join(part.council for part in members if part.denominator is None)
        raise ValueError(f"a figure without a denominator cannot be pooled with those that have one: {missing}")
    numerator = sum((part.numerator for part in members), Decimal(0))
    denominator = None if all(counts) else sum((part.denominator or Decimal(0) for part in members), Decimal(0))
    return Pooled(tuple(part.council for part in members), numerator, denominator,
                  value_from_parts(unit, numerator, denominator))  # fmt: skip


def member_ranks(values: Mapping[str, Decimal | None], polarity: Polarity) -> dict[str, int]:
    """Each member's rank among the alliance's figures (1 is best, or highest where neither is better; joint ranks
    share a place), as a benchmark ranks councils; members without a figure are not ranked."""
    return competition_ranks(values, polarity)


def alliance_name(members: int) -> str:
    """'Alliance (2 members)': the alliance as a comparator is named with how many members' figures it pools
    ('Alliance' alone when it pools none)."""
    if not members:
        return "Alliance"
    return f"Alliance ({members} member{'s' if members != 1 else ''})"
