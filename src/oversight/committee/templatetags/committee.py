"""``{% overdue_resolutions %}``: the open resolutions past their due meeting, for any page (the home page shows
them) without the page's view reaching up into this app."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from oversight.committee.selectors import resolutions_overdue

register = template.Library()


@register.inclusion_tag("committee/includes/overdue.html")
def overdue_resolutions() -> dict[str, Any]:
    return {"overdue": resolutions_overdue(timezone.localdate()), "show_body": True}
