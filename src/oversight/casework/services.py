"""What the casework pages write: the audit trail of every view of child-level records."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from oversight.accounts.models import AuditEvent
from oversight.accounts.services import audit_record
from oversight.casework.selectors import QualityRecordsView, RecordsView, WatchView

RECORDS_OBJECT_TYPE = "case_record"  # the audit page's "child-level record views"


@transaction.atomic
def case_records_view_record(
    *, viewer: AbstractBaseUser | AnonymousUser, view: RecordsView, ip_address: str | None
) -> AuditEvent:
    """Write who saw which records: the measure, period, council, list and page, and how many records it showed."""
    return audit_record(
        actor=viewer,
        action=AuditEvent.Action.VIEW,
        object_type=RECORDS_OBJECT_TYPE,
        object_id=f"{view.card.id} {view.period.code} {view.la}",
        object_repr=f"{view.card.title}, {view.period.label}, {view.la}",
        after={
            "measure": view.card.id,
            "measure_version": view.card.version,
            "period": view.period.code,
            "to_date": view.to_date,
            "la": view.la,
            "list": view.part,
            "page": view.page,
            "records_shown": len(view.records),
            "records_in_list": view.total,
        },
        ip_address=ip_address,
    )


@transaction.atomic
def quality_records_view_record(
    *, viewer: AbstractBaseUser | AnonymousUser, view: QualityRecordsView, ip_address: str | None
) -> AuditEvent:
    """Write who saw which data-quality issues: they name children's records, file by file and row by row."""
    return audit_record(
        actor=viewer,
        action=AuditEvent.Action.VIEW,
        object_type=RECORDS_OBJECT_TYPE,
        object_id=f"quality {view.rule.rule} {view.la}",
        object_repr=f"Data quality: {view.rule.explanation}, {view.la}",
        after={"rule": view.rule.rule, "la": view.la, "page": view.page, "records_shown": len(view.issues),
               "records_in_list": view.rule.count},
        ip_address=ip_address,
    )  # fmt: skip


@transaction.atomic
def watch_list_view_record(
    *, viewer: AbstractBaseUser | AnonymousUser, view: WatchView, ip_address: str | None
) -> AuditEvent:
    """Write who saw a watch list: it names children as the drill-through does, and is audited the same way."""
    found = view.found
    return audit_record(
        actor=viewer,
        action=AuditEvent.Action.VIEW,
        object_type=RECORDS_OBJECT_TYPE,
        object_id=f"{view.card.id} watch {found.as_at.isoformat()} {found.la}",
        object_repr=f"Watch list: {view.watch.title}, as at {found.as_at:%d/%m/%Y}, {found.la}",
        after={
            "measure": view.card.id,
            "measure_version": view.card.version,
            "as_at": found.as_at.isoformat(),
            "la": found.la,
            "list": "watch",
            "records_shown": found.count,
            "records_in_list": found.count,
        },
        ip_address=ip_address,
    )
