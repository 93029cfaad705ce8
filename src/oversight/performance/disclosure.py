"""Disclosure control for published exports: what a scorecard row may show outside the council."""

from __future__ import annotations

from dataclasses import dataclass

from oversight.core.suppression import DEFAULT_THRESHOLD, SUPPRESSED, legend, suppress_rate
from oversight.core.units import Unit
from oversight.performance.selectors import Figure, ScorecardRow

WITHHELD = f"Not shown: {legend(DEFAULT_THRESHOLD)}"


@dataclass(frozen=True)
class Verdict:
    suppressed: bool
    text: str


def figure_for_publication(row: ScorecardRow, figure: Figure | None, threshold: int = DEFAULT_THRESHOLD) -> Verdict:
    """A value is withheld when it is a count from 1 to the threshold, when its cohort is that small, or when it
    is a percentage or rate whose numerator, denominator or other group is (see core.suppression)."""
    if figure is None or figure.value is None:
        return Verdict(False, figure.text if figure else "")
    small = range(1, threshold + 1)
    unit = Unit(row.indicator.unit)
    if unit is Unit.COUNT and figure.value == figure.value.to_integral_value() and int(figure.value) in small:
        return Verdict(True, SUPPRESSED)
    if figure.cohort is not None and figure.cohort in small:
        return Verdict(True, SUPPRESSED)
    numerator, denominator = figure.numerator, figure.denominator
    if numerator is not None and denominator is not None and denominator >= 1:
        rate = suppress_rate(int(numerator), int(denominator), threshold=threshold)
        if rate.figure.is_suppressed:
            return Verdict(True, SUPPRESSED)
    return Verdict(False, figure.text)
