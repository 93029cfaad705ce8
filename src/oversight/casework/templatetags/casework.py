"""``{% load casework %}``: from an observation's source to the casework measure that computed it."""

from __future__ import annotations

from django import template

from oversight.casework.engine import measure_id_from_source

register = template.Library()


@register.filter
def casework_measure(source: str | None) -> str:
    """The id of the measure a figure was computed by ('' if it was not computed by casework)."""
    return measure_id_from_source(source or "") or ""
