"""``{% load casework %}``: from an observation's source to the casework measure that computed it."""

from __future__ import annotations

from django import template

from oversight.casework.engine import measure_id_from_source
from oversight.casework.issues import CaseworkError
from oversight.casework.selectors import WatchLine, indicator_watch_line
from oversight.performance.models import Indicator

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
