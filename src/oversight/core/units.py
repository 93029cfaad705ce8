"""Units of measure, and how a figure is written in words on a page."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class Unit(StrEnum):
    PERCENT = "percent"
    RATE_PER_1000 = "rate_per_1000"
    RATE_PER_10000 = "rate_per_10000"
    COUNT = "count"
    DAYS = "days"
    SCORE = "score"
    RATIO = "ratio"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def gap_word(self) -> str:
        """The word for a difference between two figures: '21.9 points', '3 days'."""
        return {Unit.PERCENT: "points", Unit.DAYS: "days"}.get(self, "")


_LABELS = {
    Unit.PERCENT: "percentage",
    Unit.RATE_PER_1000: "rate per 1,000",
    Unit.RATE_PER_10000: "rate per 10,000",
    Unit.COUNT: "count",
    Unit.DAYS: "days",
    Unit.SCORE: "score",
    Unit.RATIO: "ratio",
}


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Round as published statistics are rounded (0.05 → 0.1), not banker's rounding."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_number(value: Decimal, places: int, *, strip: bool = True) -> str:
    """Round half up to ``places`` and drop trailing zeros: 63.10 → '63.1', 85.0 → '85', 1234 → '1,234'."""
    rounded = round_half_up(value, places)
    text = f"{rounded:,f}"
    if strip and "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_value(value: Decimal, unit: Unit, places: int) -> str:
    """A figure with its unit: '63.1%', '31.4 per 1,000', '1.31', '12 days'."""
    # A ratio keeps its places: 1.00 is the convention for re-offending frequency rates.
    number = format_number(value, places, strip=unit is not Unit.RATIO)
    match unit:
        case Unit.PERCENT:
            return f"{number}%"
        case Unit.RATE_PER_1000:
            return f"{number} per 1,000"
        case Unit.RATE_PER_10000:
            return f"{number} per 10,000"
        case Unit.DAYS:
            return f"{number} days"
        case _:
            return number


def format_gap(gap: Decimal, unit: Unit, places: int) -> str:
    """A difference: '21.9 points', '0.31', '3 days'."""
    number = format_number(abs(gap), places)
    word = unit.gap_word
    if word and number == "1":
        word = word.removesuffix("s")
    return f"{number} {word}" if word else number


def exact_places(value: Decimal, places: int, most: int = 4) -> int:
    """The places needed to show ``value`` without changing it, at least ``places``: a target of 4.95 on an
    indicator shown to one place is still written 4.95."""
    needed = max(0, -value.normalize().as_tuple().exponent)  # type: ignore[operator]
    return max(places, min(needed, most))


STORED_PLACES = Decimal("0.0001")  # figures are kept to four decimal places; pages round to the indicator's own
_SCALES = {
    Unit.PERCENT: Decimal(100),
    Unit.RATE_PER_1000: Decimal(1_000),
    Unit.RATE_PER_10000: Decimal(10_000),
    Unit.DAYS: Decimal(1),
    Unit.RATIO: Decimal(1),
    Unit.SCORE: Decimal(1),
}


def value_from_parts(unit: Unit, numerator: int | Decimal, denominator: int | Decimal | None) -> Decimal | None:
    """A figure from its parts: a percentage or rate of the denominator, a mean (days over records), a ratio of
    amounts, or a count itself. None when the denominator is 0 or missing."""
    if unit is Unit.COUNT:
        return Decimal(numerator)
    if not denominator:
        return None
    return (Decimal(numerator) * _SCALES[unit] / Decimal(denominator)).quantize(STORED_PLACES, rounding=ROUND_HALF_UP)
