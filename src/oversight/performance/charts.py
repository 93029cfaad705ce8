"""The scorecard's charts: an indicator's history and the three-year trends, drawn by ``reports.charts``."""

from __future__ import annotations

from collections.abc import Sequence

from oversight.performance.selectors import IndicatorDetail, TrendView
from oversight.reports.charts import Chart, Point, axis_title, line_chart, sparkline


def history_charts(detail: IndicatorDetail) -> dict[str, Chart]:
    """One chart per kind of period (years, quarters …): the value, the target and each comparator."""
    charts: dict[str, Chart] = {}
    indicator = detail.indicator
    for group, rows in detail.history.items():
        points: list[Point] = []
        for row in rows:
            label, start = row.period.short_label, row.period.start
            if row.actual is not None and row.actual.value is not None:
                points.append(Point(label, "Value", row.actual.value, start))
            if row.target is not None and row.target.value is not None:
                points.append(Point(label, "Target", row.target.value, start))
            for comparator in row.comparators:  # each comparator at its own period, not carried forward
                if comparator.value is not None and comparator.period == row.period:
                    points.append(Point(label, comparator.name, comparator.value, start))
        summary = _summary(points)
        chart = line_chart(
            points,
            title=f"{indicator.title}: {group.lower()}",
            description=f"Line chart of the value, target and comparators by period. {summary} "
            "The same figures are in the table below.",
            unit_title=axis_title(indicator.get_unit_display()),
        )
        if chart is not None:
            charts[group] = chart
    return charts


def _summary(points: Sequence[Point]) -> str:
    values = sorted((p for p in points if p.series == "Value"), key=lambda p: p.start)
    if len(values) < 2:
        return ""
    first, last = values[0], values[-1]
    start, end = f"{first.value.normalize():f}", f"{last.value.normalize():f}"
    return f"The value went from {start} in {first.period} to {end} in {last.period}."


def trend_charts(view: TrendView) -> dict[int, Chart]:
    """A small line for each indicator of the trend view, by the indicator's key: its outturns in time order,
    with its figures said in the text alternative (the table row beside it shows them too)."""
    charts: dict[int, Chart] = {}
    for _, rows in view.groups:
        for row in rows:
            points = [
                Point(view.years[index].short_label, "Value", figure.value, view.years[index].start)
                for index, figure in enumerate(row.figures)
                if figure is not None and figure.value is not None
            ]
            said = ", ".join(
                f"{view.years[index].short_label} {figure.text}"
                for index, figure in enumerate(row.figures)
                if figure is not None and figure.value is not None
            )
            chart = sparkline(points, title=f"{row.indicator.title}: three-year trend", description=f"{said}.")
            if chart is not None:
                charts[row.indicator.pk] = chart
    return charts
