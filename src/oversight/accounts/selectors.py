from __future__ import annotations

from django.db.models import QuerySet

from oversight.accounts.models import AuditEvent


def audit_events(*, object_type: str = "") -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.order_by("-at", "-id")
    return events.filter(object_type=object_type) if object_type else events
