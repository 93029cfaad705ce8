"""``{% load casework %}``: from an observation's source to the casework measure that computed it."""

from __future__ import annotations

from django import template

from oversight.casework.alliance import alliance_comparators
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
def alliance_comparator(detail: IndicatorDetail, row: ScorecardRow) -> str:
    """The alliance's line for a row of a member's indicator page ('' where there is none): worked out for every row
    of the page at its first row, so the page asks the same few queries however many periods it shows."""
    lines: dict[str, str] | None = getattr(detail, "_alliance_lines", None)
    if lines is None:
        figures = {
            history_row.period: history_row.actual.side
            if history_row.actual is not None
            else Side(history_row.period, None)
            for rows in detail.history.values()
            for history_row in rows
        }
        lines = alliance_comparators(detail.indicator, figures)
        detail._alliance_lines = lines  # type: ignore[attr-defined]
    return lines.get(row.period.code, "")
