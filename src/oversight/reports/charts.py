"""Charts as SVG, rendered on the server from Vega-Lite specifications: no JavaScript in the browser.

Every chart has a text alternative, and the page shows its data as a table beside it. Series are told
apart by line style and point shape as well as colour.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
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
    svg: SafeString  # empty when there is too little to draw, and the description says so
    title: str
    description: str
    periods: tuple[str, ...] = ()  # along the x axis, in time order


@dataclass(frozen=True)
class Point:
    period: str  # its label on the axis
    series: str
    value: Decimal
    start: date  # when the period starts: the axis is in time order whatever order the points come in


def axis_title(unit_label: str) -> str:
    """A unit's label as an axis title: 'percentage' reads 'Percentage'."""
    return unit_label[:1].upper() + unit_label[1:]


def line_chart(points: Sequence[Point], *, title: str, description: str, unit_title: str) -> Chart | None:
    """A line per series over the periods in time order. None when there is nothing to draw; with one period
    alone, no drawing but a sentence saying so (a single point in an empty frame tells a reader nothing)."""
    if not points:
        return None
    periods = [label for _, label in sorted({(p.start, p.period) for p in points})]
    if len(periods) == 1:
        only = f"Only {periods[0]} has a figure so far, so there is no line to draw yet; the figures are below."
        return Chart(mark_safe(""), title, only, tuple(periods))  # noqa: S308 - an empty string

    # The council's value and the target keep the same style on every chart.
    named = list(dict.fromkeys(p.series for p in points))
    series = [s for s in ("Value", "Target") if s in named] + [s for s in named if s not in ("Value", "Target")]
    styles = [_SERIES_STYLE[i % len(_SERIES_STYLE)] for i in range(len(series))]
    spec: dict[str, Any] = {
        "$schema": _SCHEMA,
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
    return _svg(spec, title, description, tuple(periods))


def sparkline(points: Sequence[Point], *, title: str, description: str) -> Chart | None:
    """One series as a small line with a point per period, in time order, for a table row: the figures are in
    the row beside it, so it has no axes. None when there is nothing to draw; a sentence for one period alone."""
    if not points:
        return None
    periods = [label for _, label in sorted({(p.start, p.period) for p in points})]
    if len(periods) == 1:
        return Chart(mark_safe(""), title, f"Only {periods[0]} has a figure.", tuple(periods))  # noqa: S308

    spec: dict[str, Any] = {
        "$schema": _SCHEMA,
        "width": 34 * len(periods),
        "height": 36,
        "padding": 4,
        "data": {"values": [{"period": p.period, "value": float(p.value)} for p in points]},
        "mark": {"type": "line", "point": {"size": 30, "filled": True, "aria": False}, "strokeWidth": 2, "aria": False},
        "encoding": {
            "x": {"field": "period", "type": "ordinal", "sort": periods, "axis": None},
            "y": {"field": "value", "type": "quantitative", "axis": None, "scale": {"zero": False}},
            "color": {"value": _SERIES_STYLE[0][0]},
        },
        "config": {"view": {"stroke": None}, "aria": False},
    }
    return _svg(spec, title, description, tuple(periods))


# Benchmarking charts: the statistical-neighbour bar chart and the funnel plot.

_CONFIG: dict[str, Any] = {
    "font": "DejaVu Sans, Arial, sans-serif",
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#0b0c0c", "titleColor": "#0b0c0c"},
    "legend": {"labelColor": "#0b0c0c", "labelFontSize": 12},
    "aria": False,
    "view": {"stroke": None},
}


@functools.lru_cache(maxsize=1024)
def _drawn(spec: str) -> str:
    """A Vega-Lite specification (as JSON) drawn as SVG. Drawing takes Vega's JavaScript engine several
    milliseconds even for a sparkline, and a page of them (a trend page draws one for each indicator) would take
    most of its time drawing the same figures again on every view: the same specification is drawn once per
    process. The SVG depends on the specification alone; its title and description are added after."""
    import vl_convert

    return str(vl_convert.vegalite_to_svg(json.loads(spec)))


def charts_warm() -> None:
    """Start Vega's JavaScript engine, which takes seconds the first time a process draws a chart: an app server's
    worker calls this when it starts, so that no reader's first chart waits for it."""
    _drawn(json.dumps({"$schema": _SCHEMA, "mark": "point", "data": {"values": [{"x": 1}]}}))


def _svg(spec: dict[str, Any], title: str, description: str, periods: tuple[str, ...] = ()) -> Chart:
    """The chart drawn as SVG, the whole of it one image labelled with its title and description."""
    svg = _drawn(json.dumps({"$schema": _SCHEMA, **spec}, sort_keys=True, default=str))
    label = escape(f"{title}. {description}")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" focusable="false" ', 1)
    return Chart(mark_safe(svg), title, description, periods)  # noqa: S308 - SVG from our own spec, label escaped


@dataclass(frozen=True)
class Bar:
    name: str
    value: Decimal
    is_council: bool


def neighbour_bar_chart(
    bars: Sequence[Bar], *, england: Decimal | None, title: str, description: str, unit_title: str
) -> Chart | None:
    """Horizontal bars for the council and its comparator group, the council's bar darker and labelled
    '(this council)', with England as a dashed line. Returns None when there is nothing to draw."""
    if not bars:
        return None
    ordered = sorted(bars, key=lambda bar: -bar.value)
    values = [
        {"name": f"{bar.name} (this council)" if bar.is_council else bar.name, "value": float(bar.value),
         "who": "This council" if bar.is_council else "Comparator"}
        for bar in ordered
    ]  # fmt: skip
    names = [value["name"] for value in values]
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "bar", "aria": False, "stroke": "#0b0c0c", "strokeWidth": 0.5},
            "encoding": {
                "y": {"field": "name", "type": "nominal", "sort": names, "title": None},
                "x": {"field": "value", "type": "quantitative", "title": unit_title},
                "color": {
                    "field": "who",
                    "type": "nominal",
                    "scale": {"domain": ["This council", "Comparator"], "range": ["#0b0c0c", "#56B4E9"]},
                    "legend": {"title": None, "orient": "bottom"},
                },
            },
        },
        {
            "mark": {"type": "text", "align": "left", "dx": 4, "aria": False, "fontSize": 12, "color": "#0b0c0c"},
            "encoding": {
                "y": {"field": "name", "type": "nominal", "sort": names},
                "x": {"field": "value", "type": "quantitative"},
                "text": {"field": "value", "type": "quantitative", "format": ",.4~f"},
            },
        },
    ]
    if england is not None:
        layers.append(
            {
                "data": {"values": [{"england": float(england), "label": f"England {england.normalize():f}"}]},
                "layer": [
                    {
                        "mark": {"type": "rule", "strokeDash": [6, 4], "strokeWidth": 2, "color": "#D55E00",
                                 "aria": False},
                        "encoding": {"x": {"field": "england", "type": "quantitative"}},
                    },
                    {
                        "mark": {"type": "text", "align": "left", "dx": 4, "dy": -6, "baseline": "bottom",
                                 "y": 0, "color": "#0b0c0c", "aria": False, "fontSize": 12},
                        "encoding": {"x": {"field": "england", "type": "quantitative"}, "text": {"field": "label"}},
                    },
                ],
            }
        )  # fmt: skip
    spec = {
        "width": 420,
        "height": {"step": 24},
        "data": {"values": values},
        "layer": layers,
        "config": _CONFIG,
    }
    return _svg(spec, title, description)


@dataclass(frozen=True)
class FunnelDot:
    name: str
    denominator: float
    percent: float
    is_council: bool


def funnel_chart(
    dots: Sequence[FunnelDot],
    limits: Sequence[tuple[int, float, float, float, float]],
    *,
    target_pct: float,
    title: str,
    description: str,
    y_title: str,
    x_title: str,
) -> Chart | None:
    """A funnel plot: each council's percentage against its denominator, England's figure as the centre line,
    and the 95% (dashed) and 99.8% (dotted) control limits. The council is a large black diamond."""
    if not dots:
        return None
    lines = []
    for n, low95, high95, low998, high998 in limits:
        lines += [
            {"n": n, "pct": low95, "limit": "95% limits", "side": "low"},
            {"n": n, "pct": high95, "limit": "95% limits", "side": "high"},
            {"n": n, "pct": low998, "limit": "99.8% limits", "side": "low"},
            {"n": n, "pct": high998, "limit": "99.8% limits", "side": "high"},
        ]
    points = [
        {"name": dot.name, "n": dot.denominator, "pct": dot.percent,
         "who": "This council" if dot.is_council else "Other councils"}
        for dot in dots
    ]  # fmt: skip
    x = {"field": "n", "type": "quantitative", "title": x_title, "scale": {"type": "log"}}
    spec = {
        "width": 520,
        "height": 320,
        "layer": [
            {
                "data": {"values": lines},
                "mark": {"type": "line", "aria": False, "color": "#6f777b", "strokeWidth": 1.5},
                "encoding": {
                    "x": x,
                    "y": {"field": "pct", "type": "quantitative", "title": y_title},
                    "detail": [{"field": "limit"}, {"field": "side"}],
                    "strokeDash": {
                        "field": "limit",
                        "type": "nominal",
                        "scale": {"domain": ["95% limits", "99.8% limits"], "range": [[6, 4], [2, 2]]},
                        "legend": {"title": None, "orient": "bottom", "symbolStrokeColor": "#6f777b"},
                    },
                },
            },
            {
                "data": {"values": [{"pct": target_pct}]},
                "mark": {"type": "rule", "color": "#D55E00", "strokeWidth": 2, "aria": False},
                "encoding": {"y": {"field": "pct", "type": "quantitative"}},
            },
            {
                "data": {"values": points},
                "mark": {"type": "point", "filled": True, "aria": False, "stroke": "#0b0c0c", "strokeWidth": 0.5},
                "encoding": {
                    "x": x,
                    "y": {"field": "pct", "type": "quantitative"},
                    "shape": {
                        "field": "who",
                        "type": "nominal",
                        "scale": {"domain": ["This council", "Other councils"], "range": ["diamond", "circle"]},
                        "legend": {"title": None, "orient": "bottom"},
                    },
                    "color": {
                        "field": "who",
                        "type": "nominal",
                        "scale": {"domain": ["This council", "Other councils"], "range": ["#0b0c0c", "#56B4E9"]},
                        "legend": None,
                    },
                    "size": {
                        "field": "who",
                        "type": "nominal",
                        "scale": {"domain": ["This council", "Other councils"], "range": [220, 40]},
                        "legend": None,
                    },
                },
            },
        ],
        "resolve": {"scale": {"strokeDash": "independent"}},
        "config": _CONFIG,
    }
    return _svg(spec, title, description)


@dataclass(frozen=True)
class ControlPoint:
    period: str
    value: float
    lower: float | None
    upper: float | None
    signal: bool  # covered by a signal: drawn as a larger, darker point


def control_chart(
    points: Sequence[ControlPoint], *, centre: float | None, title: str, description: str, unit_title: str
) -> Chart | None:
    """A control chart: the figures as a line, the centre line solid grey, the limits dashed (stepped where each
    point has its own, as a p-chart's do), and a point covered by a signal as a larger orange diamond. Without
    limits, the line alone. None when there is nothing to draw."""
    if len(points) < 2:
        return None
    periods = [p.period for p in points]
    x = {"field": "period", "type": "ordinal", "sort": periods, "title": None, "axis": {"labelAngle": -45}}
    rows = [
        {"period": p.period, "value": p.value, "lower": p.lower, "upper": p.upper, "centre": centre,
         "kind": "Signal" if p.signal else "Figure"}
        for p in points
    ]  # fmt: skip
    layers: list[dict[str, Any]] = []
    if centre is not None:
        for field, dash in (("upper", [6, 4]), ("lower", [6, 4]), ("centre", [1, 0])):
            layers.append(
                {
                    "mark": {"type": "line", "interpolate": "step", "strokeDash": dash, "strokeWidth": 1.5,
                             "color": "#505a5f", "aria": False},
                    "encoding": {"x": x, "y": {"field": field, "type": "quantitative"}},
                }
            )  # fmt: skip
    layers.append(
        {
            "mark": {"type": "line", "strokeWidth": 2.5, "color": _SERIES_STYLE[0][0], "aria": False},
            "encoding": {"x": x, "y": {"field": "value", "type": "quantitative", "title": unit_title}},
        }
    )
    layers.append(
        {
            "mark": {"type": "point", "filled": True, "aria": False},
            "encoding": {
                "x": x,
                "y": {"field": "value", "type": "quantitative"},
                "shape": {"field": "kind", "type": "nominal", "scale": {"domain": ["Figure", "Signal"],
                          "range": ["circle", "diamond"]}, "legend": {"title": None, "orient": "bottom"}},
                "color": {"field": "kind", "type": "nominal", "scale": {"domain": ["Figure", "Signal"],
                          "range": [_SERIES_STYLE[0][0], "#D55E00"]}, "legend": None},
                "size": {"field": "kind", "type": "nominal", "scale": {"domain": ["Figure", "Signal"],
                         "range": [50, 160]}, "legend": None},
            },
        }
    )  # fmt: skip
    spec = {
        "width": max(300, 34 * len(periods)),
        "height": 240,
        "data": {"values": rows},
        "layer": layers,
        "config": _CONFIG,
    }
    return _svg(spec, title, description, tuple(periods))
