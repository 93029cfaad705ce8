"""Charts as SVG, rendered on the server from Vega-Lite specifications: no JavaScript in the browser.

Every chart has a text alternative, and the page shows its data as a table beside it. Series are told
apart by line style and point shape as well as colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from oversight.performance.selectors import IndicatorDetail, TrendView

# Colour-blind-safe (Okabe–Ito), each with its own dash and shape.
_SERIES_STYLE = [
    ("#0072B2", [1, 0], "circle"),
    ("#D55E00", [6, 4], "square"),
    ("#009E73", [2, 2], "triangle-up"),
    ("#CC79A7", [8, 3, 2, 3], "diamond"),
    ("#56B4E9", [4, 2], "cross"),
    ("#E69F00", [1, 3], "triangle-down"),
]


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    title: str
    description: str


@dataclass(frozen=True)
class Point:
    period: str
    series: str
    value: Decimal


def line_chart(points: Sequence[Point], *, title: str, description: str, unit_title: str) -> Chart | None:
    """A line per series over ordered periods. Returns None when there is nothing to draw."""
    if not points:
        return None
    import vl_convert

    periods = list(dict.fromkeys(p.period for p in points))
    # The council's value and the target keep the same style on every chart.
    named = list(dict.fromkeys(p.series for p in points))
    series = [s for s in ("Value", "Target") if s in named] + [s for s in named if s not in ("Value", "Target")]
    styles = [_SERIES_STYLE[i % len(_SERIES_STYLE)] for i in range(len(series))]
    spec: dict[str, Any] = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": max(260, 70 * len(periods)),
        "height": 220,
        "data": {"values": [{"period": p.period, "series": p.series, "value": float(p.value)} for p in points]},
        # The SVG as a whole is the image (role="img" with a label); its marks carry no roles of their own.
        "mark": {
            "type": "line",
            "point": {"size": 70, "filled": True, "aria": False},
            "strokeWidth": 2.5,
            "aria": False,
        },
        "encoding": {
            "x": {"field": "period", "type": "ordinal", "sort": periods, "title": None, "axis": {"labelAngle": 0}},
            "y": {"field": "value", "type": "quantitative", "title": unit_title},
            "color": {
                "field": "series",
                "type": "nominal",
                "sort": series,
                "scale": {"domain": series, "range": [s[0] for s in styles]},
                "legend": {"title": None, "orient": "bottom", "labelFontSize": 13, "symbolStrokeWidth": 2.5},
            },
            "strokeDash": {
                "field": "series",
                "type": "nominal",
                "sort": series,
                "scale": {"domain": series, "range": [s[1] for s in styles]},
                "legend": None,
            },
            "shape": {
                "field": "series",
                "type": "nominal",
                "sort": series,
                "scale": {"domain": series, "range": [s[2] for s in styles]},
                "legend": None,
            },
        },
        "config": {
            "font": "DejaVu Sans, Arial, sans-serif",
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#0b0c0c", "titleColor": "#0b0c0c"},
            "legend": {"labelColor": "#0b0c0c"},
            "aria": False,
        },
    }
    svg = vl_convert.vegalite_to_svg(spec)
    label = escape(f"{title}. {description}")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" focusable="false" ', 1)
    return Chart(mark_safe(svg), title, description)  # noqa: S308 - SVG from our own spec, label escaped


def _unit_title(unit_label: str) -> str:
    return unit_label[:1].upper() + unit_label[1:]


def history_charts(detail: IndicatorDetail) -> dict[str, Chart]:
    """One chart per kind of period (years, quarters …): the value, the target and each comparator."""
    charts: dict[str, Chart] = {}
    indicator = detail.indicator
    for group, rows in detail.history.items():
        points: list[Point] = []
        for row in rows:
            label = row.period.short_label
            if row.actual is not None and row.actual.value is not None:
                points.append(Point(label, "Value", row.actual.value))
            if row.target is not None and row.target.value is not None:
                points.append(Point(label, "Target", row.target.value))
            for comparator in row.comparators:
                if comparator.value is not None:
                    points.append(Point(label, comparator.name, comparator.value))
        summary = _summary(points)
        chart = line_chart(
            points,
            title=f"{indicator.title}: {group.lower()}",
            description=f"Line chart of the value, target and comparators by period. {summary} "
            "The same figures are in the table below.",
            unit_title=_unit_title(indicator.get_unit_display()),
        )
        if chart is not None:
            charts[group] = chart
    return charts


def _summary(points: Sequence[Point]) -> str:
    values = [p for p in points if p.series == "Value"]
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
            Point(view.years[index].short_label, row.indicator.title, figure.value)
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
