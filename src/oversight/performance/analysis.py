"""Is a change real, and where is the year heading? An indicator's control chart and year-end projection.

Read-only, in one query: the indicator's observations (one query too for the signals of many indicators). The charts
and projections themselves are ``core.spc`` and ``core.projection``; this module chooses the series and says why when
there is none.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from oversight.core.periods import Period, PeriodKind, YearType
from oversight.core.polarity import Polarity
from oversight.core.projection import Projection, count_project, rate_project
from oversight.core.spc import ControlChart, p_chart, xmr_chart
from oversight.core.units import Unit, format_value
from oversight.performance.models import Indicator, Observation
from oversight.reports.charts import ControlPoint, axis_title, control_chart

# The kinds of period a control chart is drawn over, in the order one is preferred when an indicator has several.
SERIES_KINDS = (PeriodKind.MONTH, PeriodKind.FINANCIAL_QUARTER, PeriodKind.ROLLING)
SERIES_NAMES = {PeriodKind.MONTH: "months", PeriodKind.FINANCIAL_QUARTER: "quarters", PeriodKind.ROLLING: "rolling"}
PROJECTION_FROM_QUARTER = 3  # seed 001, Appendix C: projected year-end data expected by Quarter 3
_SCALE = {Unit.PERCENT: Decimal(100)}


@dataclass(frozen=True)
class Analysis:
    indicator: Indicator
    kind: PeriodKind | None  # the series charted; None when the indicator has none to chart
    chart: ControlChart | None
    why_no_chart: str  # when chart is None
    year: Period | None  # the financial year projected, or the one a projection waits for
    projection: Projection | None
    why_no_projection: str  # when projection is None

    @property
    def series_name(self) -> str:
        return SERIES_NAMES[self.kind] if self.kind else ""


def _series(indicators: Sequence[Indicator]) -> dict[int, list[Observation]]:
    """The figures a control chart may be drawn over, for each of the indicators, in one query."""
    found: dict[int, list[Observation]] = {indicator.pk: [] for indicator in indicators}
    for observation in Observation.objects.filter(
        indicator__in=indicators, value__isnull=False, period_kind__in=SERIES_KINDS
    ):
        found[observation.indicator_id].append(observation)
    return found


def _figures(observations: list[Observation]) -> list[tuple[Period, Observation]]:
    return sorted(((o.period_obj, o) for o in observations), key=lambda pair: pair[0].start)


def _fmt(indicator: Indicator) -> tuple[Unit, int]:
    # Limits and centre lines are worked out to one place more than the figures, so 7.9 is not shown as 8.
    return Unit(indicator.unit), indicator.decimal_places + 1


def indicator_analysis(indicator: Indicator, observations: list[Observation] | None = None) -> Analysis:
    """The indicator's control chart over its months (or else quarters, or rolling periods) and its projection
    for the latest financial year in that series; from ``observations`` when they are given (its figures of those
    periods, as ``_series`` reads them for many indicators at once)."""
    figures = _figures(_series([indicator])[indicator.pk] if observations is None else observations)
    kinds = Counter(period.kind for period, _ in figures)
    if not kinds:
        why = "There are no monthly or quarterly figures to chart: a control chart needs a series over time."
        return Analysis(indicator, None, None, why, None, None, "There are no figures in the year to project from.")
    kind = max(SERIES_KINDS, key=lambda k: (kinds[k], -SERIES_KINDS.index(k)))
    series = [(period, observation) for period, observation in figures if period.kind is kind]
    chart, why_chart = _chart(indicator, series)
    year, projection, why_projection = _projection(indicator, kind, series)
    return Analysis(indicator, kind, chart, why_chart, year, projection, why_projection)


def _chart(indicator: Indicator, series: list[tuple[Period, Observation]]) -> tuple[ControlChart | None, str]:
    if indicator.aggregation == Indicator.Aggregation.YEAR_TO_DATE:
        return None, (
            "Its figures are for the year to date, which grow through each year and start again in April, so a "
            "control chart of them would show the shape of the year rather than any real change."
        )
    unit, places = _fmt(indicator)
    polarity = Polarity(indicator.polarity)

    def fmt(value: float) -> str:
        return format_value(Decimal(str(value)), unit, places)

    counted = [(p.short_label, o.numerator, o.denominator) for p, o in series]
    if unit is Unit.PERCENT and all(
        num is not None and den is not None and den > 0 and 0 <= num <= den for _, num, den in counted
    ):
        rows = [(label, float(num or 0), float(den or 0)) for label, num, den in counted]
        return p_chart(rows, polarity=polarity, scale=100, fmt=fmt), ""
    floor = None if indicator.may_be_negative else 0.0
    ceiling = 100.0 if unit is Unit.PERCENT and not indicator.may_exceed_100 else None
    points = [(p.short_label, float(o.value or 0)) for p, o in series]
    return xmr_chart(points, polarity=polarity, floor=floor, ceiling=ceiling, fmt=fmt), ""


def _months_into(period: Period, year: Period) -> int:
    end = period.end
    return (end.year - year.start.year) * 12 + end.month - year.start.month + 1


def _projection(
    indicator: Indicator, kind: PeriodKind, series: list[tuple[Period, Observation]]
) -> tuple[Period | None, Projection | None, str]:
    if indicator.year_type != YearType.FINANCIAL:
        return None, None, "A year-end projection is given for indicators reported by financial year."
    if kind is PeriodKind.ROLLING:
        return None, None, "A rolling figure already covers a whole year, so it is not projected to a year end."
    if indicator.aggregation == Indicator.Aggregation.SNAPSHOT:
        return None, None, (
            "Its figure is a snapshot at the end of each period, not a total or rate over the year, so it is not "
            "projected: the year-end figure is the one on 31 March."
        )  # fmt: skip
    latest = series[-1][0]
    year = latest.fiscal_year
    months = _months_into(latest, year)
    if months < 3 * (PROJECTION_FROM_QUARTER - 1) + 1:
        quarter = Period(PeriodKind.FINANCIAL_QUARTER, year.year, PROJECTION_FROM_QUARTER)
        return year, None, (
            f"A projection of {year.code} to its year end will be given from Quarter 3 ({quarter.label}), as the "
            f"reporting timetable expects; the figures so far reach {latest.label}."
        )  # fmt: skip
    this_year = _in_year(series, year)
    if len(this_year) != _expected(kind, months):
        return year, None, (
            f"{year.code} so far is missing some {SERIES_NAMES[kind]}, so there is no sound year to date to project "
            "from."
        )  # fmt: skip
    unit, places = _fmt(indicator)

    def fmt(value: Decimal) -> str:
        return format_value(value, unit, places)

    last_year = year.shifted(-1)
    earlier = _in_year(series, last_year)
    full = len(earlier) == _expected(kind, 12)
    until = latest.same_period_last_year().end
    same = [o for p, o in series if p.fiscal_year == last_year and p.end <= until]
    same = same if len(same) == len(this_year) else []
    if indicator.aggregation == Indicator.Aggregation.YEAR_TO_DATE:
        ytd = this_year[-1].value or Decimal(0)
        last_total = (earlier[-1].value if full else None) if earlier else None
        last_same = same[-1].value if same else None
        if unit is Unit.COUNT:
            made = count_project(ytd, months, last_year_total=last_total, last_year_same_period=last_same, fmt=fmt)
        else:
            made = rate_project(ytd, months, last_year_rate=last_total, last_year_same_period=last_same, fmt=fmt)
        return year, made, ""
    if unit is Unit.COUNT:
        made = count_project(
            _total(this_year),
            months,
            last_year_total=_total(earlier) if full else None,
            last_year_same_period=_total(same) if same else None,
            fmt=fmt,
        )
        return year, made, ""
    rate, denominator = _rate(this_year, unit)
    made = rate_project(
        rate,
        months,
        last_year_rate=_rate(earlier, unit)[0] if full else None,
        last_year_same_period=_rate(same, unit)[0] if same else None,
        denominator=denominator,
        scale=_SCALE.get(unit) if denominator else None,
        fmt=fmt,
    )
    return year, made, ""


def _in_year(series: list[tuple[Period, Observation]], year: Period) -> list[Observation]:
    return [observation for period, observation in series if period.fiscal_year == year]


def _expected(kind: PeriodKind, months: int) -> int:
    return months if kind is PeriodKind.MONTH else months // 3


def _total(observations: list[Observation]) -> Decimal:
    return sum((o.value or Decimal(0) for o in observations), Decimal(0))


def _rate(observations: list[Observation], unit: Unit) -> tuple[Decimal, Decimal | None]:
    """The year so far's rate: every numerator over every denominator for a percentage where both are known,
    otherwise the mean of the periods' figures (with no denominator to say how sure it is)."""
    if unit in _SCALE and observations and all(o.numerator is not None and o.denominator for o in observations):
        numerator = sum((o.numerator or Decimal(0) for o in observations), Decimal(0))
        denominator = sum((o.denominator or Decimal(0) for o in observations), Decimal(0))
        return numerator / denominator * _SCALE[unit], denominator
    if not observations:
        return Decimal(0), None
    return _total(observations) / len(observations), None


def spc_signals(indicators: Sequence[Indicator]) -> dict[int, list[str]]:
    """Each indicator's current signals in words, by its key, for the exception report: those that reach its
    latest figure. Empty when there are none, or too few points for limits. One query for all of them."""
    series = _series(indicators)
    found: dict[int, list[str]] = {}
    for indicator in indicators:
        chart = indicator_analysis(indicator, series[indicator.pk]).chart
        if chart is None or not chart.points:
            found[indicator.pk] = []
            continue
        last = len(chart.points) - 1
        found[indicator.pk] = [signal.sentence for signal in chart.signals if last in signal.points]
    return found


@dataclass(frozen=True)
class ChartRow:
    period: str
    value: str
    lower: str
    centre: str
    upper: str
    signal: bool


def indicator_spc_context(indicator: Indicator) -> dict[str, Any]:
    """What the indicator page's "Is this a real change?" section shows: the analysis, its chart drawn, and the
    chart's figures as table rows written in the indicator's unit."""
    analysis = indicator_analysis(indicator)
    chart, drawn, rows = analysis.chart, None, []
    if chart is not None:
        unit, places = _fmt(indicator)

        def text(value: float | None) -> str:
            return "–" if value is None else format_value(Decimal(str(value)), unit, places)

        covered = {index for signal in chart.signals for index in signal.points}
        rows = [
            ChartRow(p.label, text(p.value), text(p.lower), text(chart.centre), text(p.upper), i in covered)
            for i, p in enumerate(chart.points)
        ]
        limits = "with its centre line and control limits" if chart.has_limits else "without limits (too few points)"
        drawn = control_chart(
            [ControlPoint(p.label, p.value, p.lower, p.upper, i in covered) for i, p in enumerate(chart.points)],
            centre=chart.centre,
            title=f"{indicator.title}: control chart of its {analysis.series_name}",
            description=f"Line chart of the {analysis.series_name} {limits}; {len(chart.signals)} signal"
            f"{'' if len(chart.signals) == 1 else 's'}. The same figures are in the table below.",
            unit_title=axis_title(indicator.get_unit_display()),
        )
    return {"spc": analysis, "spc_chart": drawn, "spc_rows": rows}
