"""Statistical process control: is a change in an indicator a real change, or the noise every series has?

Two charts, as NHS England's *Making Data Count* draws them:

- an **XmR chart** (individuals) for any series of figures: the centre line is the mean, the limits are the mean
  ± 2.66 × the mean moving range (the mean difference between one point and the next), the lower limit never
  below the unit's floor (no count or percentage is below 0) nor the upper above its ceiling (100%);
- a **p-chart** where each point's numerator and denominator are known: the centre line is p̄ = Σ numerators ÷
  Σ denominators, and each point has its own limits p̄ ± 3 √(p̄ (1 − p̄) ÷ nᵢ), clamped to [0, 1], narrower where
  the denominator is larger.

Three rules, each a ``Signal`` with the points it covers and a sentence in words:

- a point outside the limits;
- a shift: a run of 8 or more points on one side of the centre line (a point on the line ends a run, which
  errs towards fewer signals);
- a trend: 6 or more points in a row each rising on the one before (or each falling; an equal point ends it).

Limits are drawn only from ``MINIMUM_POINTS`` (12) points: fewer give limits that change with every new point
("trial" limits, as the NHS-R Community's *plot the dots*, which implements Making Data Count, calls them, and
which it fixes only from 12 points). Below that a chart has no limits and no signals, and says why. The limits
are worked out from every point given, not from a fixed baseline period.

Whether a signal is an improvement or a concern is the indicator's polarity; a signal never sets a rating.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from oversight.core.polarity import Polarity

MINIMUM_POINTS = 12
XMR_SCALE = 2.66  # 3 ÷ d2, where d2 = 1.128 for moving ranges of two points
P_SIGMAS = 3
SHIFT_LENGTH = 8
TREND_LENGTH = 6


class ChartKind(StrEnum):
    XMR = "xmr"
    P = "p"

    @property
    def label(self) -> str:
        return {ChartKind.XMR: "XmR (individuals) chart", ChartKind.P: "p-chart"}[self]


class Rule(StrEnum):
    OUTSIDE = "outside"
    SHIFT = "shift"
    TREND = "trend"


class Meaning(StrEnum):
    IMPROVEMENT = "improvement"
    CONCERN = "concern"
    CHANGE = "change"  # polarity neither: a real change that is neither better nor worse


@dataclass(frozen=True)
class ChartPoint:
    label: str  # the period, as the axis and the table write it
    value: float
    lower: float | None = None  # None when the chart has too few points for limits
    upper: float | None = None


@dataclass(frozen=True)
class Signal:
    rule: Rule
    points: tuple[int, ...]  # indexes into the chart's points, in time order
    up: bool  # above the centre (or the upper limit), or rising
    meaning: Meaning
    sentence: str


@dataclass(frozen=True)
class ControlChart:
    kind: ChartKind
    points: tuple[ChartPoint, ...]
    centre: float | None  # None with too few points
    signals: tuple[Signal, ...]
    note: str  # what the chart is, or why it has no limits

    @property
    def has_limits(self) -> bool:
        return self.centre is not None


Format = Callable[[float], str]


def _plain(value: float) -> str:
    return f"{value:,.4g}"


def _too_few(kind: ChartKind, labels: Sequence[str], values: Sequence[float]) -> ControlChart:
    points = tuple(ChartPoint(label, value) for label, value in zip(labels, values, strict=True))
    count = len(points)
    note = (
        f"{MINIMUM_POINTS} points are needed for control limits; this series has {count}, so it cannot yet tell "
        "a real change from ordinary variation."
    )
    return ControlChart(kind, points, None, (), note)


def xmr_chart(
    series: Sequence[tuple[str, float]],
    *,
    polarity: Polarity,
    floor: float | None = None,
    ceiling: float | None = None,
    fmt: Format = _plain,
) -> ControlChart:
    """An XmR chart of ``series`` (label and figure, in time order), with its signals in words."""
    labels = [label for label, _ in series]
    values = [float(value) for _, value in series]
    if len(values) < MINIMUM_POINTS:
        return _too_few(ChartKind.XMR, labels, values)
    centre = math.fsum(values) / len(values)
    moving_range = math.fsum(abs(b - a) for a, b in zip(values, values[1:], strict=False)) / (len(values) - 1)
    lower, upper = centre - XMR_SCALE * moving_range, centre + XMR_SCALE * moving_range
    if floor is not None:
        lower = max(lower, min(floor, centre))
    if ceiling is not None:
        upper = min(upper, max(ceiling, centre))
    points = tuple(ChartPoint(label, value, lower, upper) for label, value in zip(labels, values, strict=True))
    note = (
        f"An XmR chart of {len(points)} points: the centre line is their mean ({fmt(centre)}) and the limits "
        f"({fmt(lower)} to {fmt(upper)}) are the mean ± 2.66 times the mean change from one point to the next "
        f"({fmt(moving_range)})."
    )
    return ControlChart(ChartKind.XMR, points, centre, signals_find(points, centre, polarity, fmt), note)


def p_chart(
    series: Sequence[tuple[str, float, float]],
    *,
    polarity: Polarity,
    scale: float = 1,
    fmt: Format = _plain,
) -> ControlChart:
    """A p-chart of ``series`` (label, numerator, denominator, in time order). Figures and limits are proportions
    times ``scale`` (100 for a percentage); a point with a denominator of 0 cannot be charted and is left out."""
    kept = [(label, float(num), float(den)) for label, num, den in series if den > 0]
    labels = [label for label, _, _ in kept]
    values = [num / den * scale for _, num, den in kept]
    if len(kept) < MINIMUM_POINTS:
        return _too_few(ChartKind.P, labels, values)
    p_bar = math.fsum(num for _, num, _ in kept) / math.fsum(den for _, _, den in kept)
    points = []
    for label, num, den in kept:
        spread = P_SIGMAS * math.sqrt(max(p_bar * (1 - p_bar), 0) / den)
        lower, upper = max(p_bar - spread, 0.0), min(p_bar + spread, 1.0)
        points.append(ChartPoint(label, num / den * scale, lower * scale, upper * scale))
    centre = p_bar * scale
    note = (
        f"A p-chart of {len(points)} points: the centre line is the overall proportion ({fmt(centre)}, every "
        "numerator over every denominator) and each point has its own limits, three standard errors either side, "
        "narrower where more are counted."
    )
    return ControlChart(ChartKind.P, tuple(points), centre, signals_find(points, centre, polarity, fmt), note)


def _meaning(up: bool, polarity: Polarity) -> Meaning:
    if polarity is Polarity.NEITHER:
        return Meaning.CHANGE
    return Meaning.IMPROVEMENT if up == (polarity is Polarity.HIGHER) else Meaning.CONCERN


def _verdict(meaning: Meaning, polarity: Polarity) -> str:
    return {
        Meaning.IMPROVEMENT: f"a sign of improvement ({polarity.phrase})",
        Meaning.CONCERN: f"a cause for concern ({polarity.phrase})",
        Meaning.CHANGE: f"a real change, neither better nor worse ({polarity.phrase})",
    }[meaning]


def _span(points: Sequence[ChartPoint], indexes: Sequence[int]) -> str:
    return f"{points[indexes[0]].label} to {points[indexes[-1]].label}"


def signals_find(
    points: Sequence[ChartPoint], centre: float, polarity: Polarity, fmt: Format = _plain
) -> tuple[Signal, ...]:
    """Every signal in a chart with limits, in the order of the points they start at."""
    found: list[tuple[int, int, Signal]] = []
    order = {Rule.OUTSIDE: 0, Rule.SHIFT: 1, Rule.TREND: 2}

    def add(rule: Rule, indexes: list[int], up: bool, words: str) -> None:
        meaning = _meaning(up, polarity)
        sentence = f"{words}: {_verdict(meaning, polarity)}."
        found.append((indexes[0], order[rule], Signal(rule, tuple(indexes), up, meaning, sentence)))

    for index, point in enumerate(points):
        if point.upper is not None and point.value > point.upper:
            add(Rule.OUTSIDE, [index], True, f"{point.label} ({fmt(point.value)}) is above the upper limit "
                f"({fmt(point.upper)})")  # fmt: skip
        elif point.lower is not None and point.value < point.lower:
            add(Rule.OUTSIDE, [index], False, f"{point.label} ({fmt(point.value)}) is below the lower limit "
                f"({fmt(point.lower)})")  # fmt: skip

    for run, up in _runs(points, lambda i: _side(points[i].value, centre)):
        if len(run) >= SHIFT_LENGTH:
            where = "above" if up else "below"
            add(Rule.SHIFT, run, up, f"{len(run)} points in a row, {_span(points, run)}, are {where} the centre line "
                f"({fmt(centre)})")  # fmt: skip

    for run, up in _runs(points, lambda i: None if i == 0 else _side(points[i].value, points[i - 1].value)):
        steps = [run[0] - 1, *run]  # a run of rises starts at the point before the first rise
        if len(steps) >= TREND_LENGTH:
            how = "rising" if up else "falling"
            add(Rule.TREND, steps, up, f"{len(steps)} points in a row, {_span(points, steps)}, are each {how} on "
                "the one before")  # fmt: skip
    return tuple(signal for _, _, signal in sorted(found, key=lambda item: (item[0], item[1])))


def _side(value: float, reference: float) -> bool | None:
    """True above, False below, None level (which ends a run)."""
    if value == reference:
        return None
    return value > reference


def _runs(points: Sequence[ChartPoint], side: Callable[[int], bool | None]) -> list[tuple[list[int], bool]]:
    """Maximal runs of consecutive indexes on the same side, each with its side."""
    runs: list[tuple[list[int], bool]] = []
    current: list[int] = []
    current_side: bool | None = None
    for index in range(len(points)):
        this = side(index)
        if this is not None and this == current_side:
            current.append(index)
            continue
        if current and current_side is not None:
            runs.append((current, current_side))
        current, current_side = ([index], this) if this is not None else ([], None)
    if current and current_side is not None:
        runs.append((current, current_side))
    return runs
