from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from oversight.accounts.models import AuditEvent


def audit_events(*, object_type: str = "") -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.order_by("-at", "-id")
    return events.filter(object_type=object_type) if object_type else events


# How the audit trail names the fields its events record.
_FIELD_NAMES = {
    "is_active": "Active",
    "is_staff": "May use the admin site",
    "is_superuser": "Superuser",
    "permissions": "Single permissions",
    "email": "E-mail",
    "failures_cleared": "Failed sign-ins cleared",
}


@dataclass(frozen=True)
class FieldChange:
    """One field of an audit event, as a reader sees it: its name and its value before and after."""

    name: str
    before: str | None  # None: the field was not recorded before (a creation, a view)
    after: str | None


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_shown(item) for item in value) or "none"
    if value in (None, ""):
        return "none"
    return str(value)


def audit_changes(event: AuditEvent) -> list[FieldChange]:
    """The fields an event records, in words: changed fields with before and after, the rest as they were set."""
    before: dict[str, Any] = event.before or {}
    after: dict[str, Any] = event.after or {}
    changes = []
    for key in dict.fromkeys([*before, *after]):
        if key in before and key in after and before[key] == after[key]:
            continue  # unchanged: say nothing
        name = _FIELD_NAMES.get(key, key.replace("_", " ").capitalize())
        changes.append(FieldChange(name, _shown(before[key]) if key in before else None,
                                   _shown(after[key]) if key in after else None))  # fmt: skip
    return changes


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    changes: list[FieldChange]


def audit_rows(events: Iterable[AuditEvent]) -> list[AuditRow]:
    return [AuditRow(event, audit_changes(event)) for event in events]
