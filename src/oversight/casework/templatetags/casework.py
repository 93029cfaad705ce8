"""``{% load casework %}``: from an observation's source to the casework measure that computed it."""

from __future__ import annotations

from django import template

from oversight.casework.alliance import alliance_lines
from oversight.casework.engine import measure_id_from_source
from oversight.casework.issues import CaseworkError
from oversight.casework.selectors import WatchLine, indicator_watch_line
from oversight.core.comparison import Side
from oversight.performance.models import Indicator
from oversight.performance.selectors import IndicatorDetail, ScorecardRow

register = template.Library()


@register.filter
def casework_measure(source: str | None) -> str:
    """The id of the measure a figure was computed by ('' if it was not computed by casework)."""
    return measure_id_from_source(source or "") or ""


@register.filter
def casework_watch(indicator: Indicator) -> WatchLine | None:
    """The count on the watch list of the measure the indicator's latest figure was computed by, if it has one.
    A store that cannot answer leaves the line out rather than the indicator page."""
    try:
        return indicator_watch_line(indicator)
    except CaseworkError:
        return None


@register.simple_tag
def alliance_comparators(detail: IndicatorDetail) -> dict[str, str]:
    """The alliance's line for each period of a member's indicator page, by period code, worked out once for the page
    (the same few queries however many periods it shows) from the figures its rows show."""
    rows = [row for rows in detail.history.values() for row in rows]
    figures = {row.period: row.actual.side if row.actual is not None else Side(row.period, None) for row in rows}
    sources = {row.period.code: row.actual.source for row in rows if row.actual is not None}
    return alliance_lines(detail.indicator, figures, sources)


@register.filter
def period_line(lines: dict[str, str], row: ScorecardRow) -> str:
    """The line of ``lines`` for the period of ``row`` ('' where there is none)."""
    return lines.get(row.period.code, "")
