"""The scorecard's charts: an indicator's history and the three-year trends, drawn by ``reports.charts``."""

from __future__ import annotations

from collections.abc import Sequence

from oversight.performance.selectors import IndicatorDetail, TrendView
from oversight.reports.charts import Chart, Point, axis_title, line_chart


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
            for comparator in row.comparators:
                if comparator.value is not None:
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
    """One chart per section of the trend view: each indicator's three outturns."""
    charts: dict[int, Chart] = {}
    for priority, rows in view.groups:
        points = [
            Point(view.years[index].short_label, row.indicator.title, figure.value, view.years[index].start)
            for row in rows
            for index, figure in enumerate(row.figures)
            if figure is not None and figure.value is not None and row.indicator.unit == "percent"
        ]
        chart = line_chart(
            points,
            title=f"{priority.title}: three-year trends",
            description="Line chart of each percentage indicator's outturn over three years; "
            "the figures and directions of travel are in the table below.",
            unit_title="Percentage",
        )
        if chart is not None:
            charts[priority.pk] = chart
    return charts
