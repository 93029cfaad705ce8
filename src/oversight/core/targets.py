"""Targets with their operator: "below 5%", "5% or less", "at least 85%", "between 60 and 70".

A target printed as a bare number means what the indicator's polarity says ("5" for a lower-is-better indicator
is "5 or less"); a target whose words say more keeps them, so a value of exactly 5% does not meet "below 5%".
For an indicator where neither higher nor lower is better a bare number states no direction, and is not rated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from oversight.core.polarity import Polarity
from oversight.core.units import Unit, exact_places, format_number, format_value


class Operator(StrEnum):
    BELOW = "<"
    AT_MOST = "<="
    ABOVE = ">"
    AT_LEAST = ">="
    EQUAL = "="
    BETWEEN = "between"

    @property
    def favours(self) -> Polarity:
        """The polarity the operator agrees with: 'below' is only a goal where lower is better."""
        if self in (Operator.BELOW, Operator.AT_MOST):
            return Polarity.LOWER
        if self in (Operator.ABOVE, Operator.AT_LEAST):
            return Polarity.HIGHER
        return Polarity.NEITHER


def implied_operator(polarity: Polarity) -> Operator:
    """What a bare number means as a target."""
    return {Polarity.LOWER: Operator.AT_MOST, Polarity.HIGHER: Operator.AT_LEAST}.get(polarity, Operator.EQUAL)


@dataclass(frozen=True)
class TargetRule:
    """A target: an operator and its figure (and the upper end of a range). ``stated`` is False for a bare number,
    whose operator comes from the indicator's polarity."""

    operator: Operator
    value: Decimal
    upper: Decimal | None = None
    stated: bool = True

    def __post_init__(self) -> None:
        if (self.operator is Operator.BETWEEN) != (self.upper is not None):
            raise ValueError("a range needs both ends, and only a range has an upper end")
        if self.upper is not None and self.upper < self.value:
            raise ValueError(f"a range runs from the lower figure to the higher, not {self.value} to {self.upper}")

    @property
    def top(self) -> Decimal:
        """The upper end of a range; the figure itself otherwise."""
        return self.upper if self.upper is not None else self.value

    def is_met(self, value: Decimal) -> bool:
        match self.operator:
            case Operator.BELOW:
                return value < self.value
            case Operator.AT_MOST:
                return value <= self.value
            case Operator.ABOVE:
                return value > self.value
            case Operator.AT_LEAST:
                return value >= self.value
            case Operator.EQUAL:
                return value == self.value
            case Operator.BETWEEN:
                return self.value <= value <= self.top
        raise AssertionError(self.operator)

    def shortfall(self, value: Decimal) -> Decimal:
        """How far ``value`` is from meeting the target, in the indicator's units: 0 when met, and 0 too at the
        edge of a strict target (5 against 'below 5')."""
        if self.is_met(value):
            return Decimal(0)
        if self.operator is Operator.BETWEEN:
            return self.value - value if value < self.value else value - self.top
        return abs(value - self.value)

    def nearest(self, value: Decimal) -> Decimal:
        """The figure of the target nearest ``value`` (the end of a range it is outside)."""
        return self.top if value > self.top else self.value

    def words(self, unit: Unit, places: int) -> str:
        """'less than 5%', '5% or less', 'more than 10', 'at least 85%', 'exactly 5', 'between 60% and 70%'.
        A target is shown with the indicator's places, or more when it has more (4.95 stays 4.95)."""
        shown = format_value(self.value, unit, exact_places(self.value, places))
        match self.operator:
            case Operator.BELOW:
                return f"less than {shown}"
            case Operator.AT_MOST:
                return f"{shown} or less"
            case Operator.ABOVE:
                return f"more than {shown}"
            case Operator.AT_LEAST:
                return f"at least {shown}"
            case Operator.EQUAL:
                return shown if not self.stated else f"exactly {shown}"
            case Operator.BETWEEN:
                return f"between {shown} and {format_value(self.top, unit, exact_places(self.top, places))}"
        raise AssertionError(self.operator)

    @property
    def code(self) -> str:
        """How the target is written in an import file and an export: '<5', '<=5', '>=85', '=5', '60-70', or the
        bare number when its operator comes from the polarity."""
        number = format_number(self.value, exact_places(self.value, 0)).replace(",", "")
        if not self.stated:
            return number
        if self.operator is Operator.BETWEEN:
            return f"{number}-{format_number(self.top, exact_places(self.top, 0)).replace(',', '')}"
        return f"{self.operator.value}{number}"


class TargetError(ValueError):
    """A target's words could not be read; the message says what is accepted."""


_NUMBER = r"(-?\d+(?:\.\d+)?)"
_WORDS: tuple[tuple[str, Operator], ...] = (
    (r"(?:<=|≤|=<|at most|no more than|not more than|up to|maximum of|max)\s*" + _NUMBER, Operator.AT_MOST),
    (_NUMBER + r"\s*%?\s*or (?:less|lower|below|fewer|under)", Operator.AT_MOST),
    (r"(?:>=|≥|=>|at least|no less than|not less than|minimum of|min)\s*" + _NUMBER, Operator.AT_LEAST),
    (_NUMBER + r"\s*%?\s*or (?:more|higher|above|over|greater)", Operator.AT_LEAST),
    (r"(?:<|below|less than|under|lower than|fewer than)\s*" + _NUMBER, Operator.BELOW),
    (r"(?:>|above|more than|over|greater than|higher than)\s*" + _NUMBER, Operator.ABOVE),
    (r"(?:=|exactly|equal to)\s*" + _NUMBER, Operator.EQUAL),
)
_RANGE = re.compile(r"(?:between\s*)?" + _NUMBER + r"\s*%?\s*(?:-|–|to|and)\s*" + _NUMBER)
ACCEPTED = "a number (5), or one with its operator: '<5', 'below 5%', '5 or less', '>=85', 'at least 85%', '60-70'"


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation as error:  # pragma: no cover - the patterns only capture numbers
        raise TargetError(f"'{text}' is not a number") from error


def target_parse(text: str, polarity: Polarity) -> TargetRule:
    """Read a target as a council writes it. Raises ``TargetError`` saying what is accepted, or when the operator
    runs against the indicator's polarity ('at least 5' where lower is better)."""
    cleaned = " ".join(text.strip().lower().replace(",", "").split())
    cleaned = re.sub(r"(\d)\s*%", r"\1", cleaned)
    if not cleaned:
        raise TargetError(f"a target is needed: {ACCEPTED}")
    if re.fullmatch(_NUMBER, cleaned):
        return TargetRule(implied_operator(polarity), _decimal(cleaned), stated=False)
    rule: TargetRule | None = None
    for pattern, operator in _WORDS:
        match = re.fullmatch(pattern, cleaned)
        if match:
            rule = TargetRule(operator, _decimal(match[1]))
            break
    if rule is None and (found := _RANGE.fullmatch(cleaned)):
        low, high = sorted((_decimal(found[1]), _decimal(found[2])))
        rule = TargetRule(Operator.BETWEEN, low, high)
    if rule is None:
        raise TargetError(f"'{text.strip()}' is not a target oversight can read; write {ACCEPTED}")
    favours = rule.operator.favours
    if favours is not Polarity.NEITHER and polarity is not Polarity.NEITHER and favours is not polarity:
        raise TargetError(
            f"'{text.strip()}' asks for a {'lower' if favours is Polarity.LOWER else 'higher'} figure, but for this "
            f"indicator {polarity.phrase}; check the target or the indicator's polarity"
        )
    return rule


def target_rule(value: Decimal, operator: str, upper: Decimal | None, polarity: Polarity) -> TargetRule:
    """The rule for a stored target: ``operator`` blank means a bare number."""
    if not operator:
        return TargetRule(implied_operator(polarity), value, stated=False)
    return TargetRule(Operator(operator), value, upper)
