"""Signing off a scorecard's period: draft → submitted → approved → published, and the lock approval puts on it.

A performance officer submits a period once every red or amber indicator has its commentary; an approver approves
it (with an optional note), which locks the period's figures, targets, comparators, breakdowns and commentary, and
keeps its rows as approved; an approver may publish it, or reopen it with a reason. Every step is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from oversight.accounts.roles import Capability
from oversight.accounts.services import audit_record, user_can
from oversight.core.periods import Period, YearType, parse_period
from oversight.core.problems import ApplicationError
from oversight.core.rag import Rating
from oversight.performance.models import Commentary, Indicator, PeriodSignoff, Scorecard, signed_on
from oversight.performance.selectors import ScorecardRow, ScorecardView, scorecard_view

LOCKED_ENTITIES = frozenset({"value", "target", "comparator", "commentary", "breakdown"})


class SignoffError(ApplicationError):
    """A sign-off step that cannot be taken now; the message says why and what to do."""


class PeriodLockedError(ApplicationError):
    """An edit to a period that has been approved."""


def signoff_of(scorecard: Scorecard, period: Period) -> PeriodSignoff | None:
    return PeriodSignoff.objects.filter(scorecard=scorecard, period=period.code).first()


def _refusal(signoff: PeriodSignoff) -> str:
    return (
        f"{parse_period(signoff.period).short_label} on the scorecard “{signoff.scorecard.title}” was approved by "
        f"{signoff.approved_by_name} on {signed_on(signoff.approved_at)}, so its figures, targets and commentary are "
        "locked; an approver can reopen it, giving a reason"
    )


@dataclass
class Locks:
    """The approved periods, read once for a run of writes: an import checks thousands of rows against them."""

    approved: dict[int, list[PeriodSignoff]] = field(default_factory=dict)  # scorecard id → its locked periods
    indicators: dict[int, tuple[int, str]] = field(default_factory=dict)  # indicator id → (scorecard id, year type)

    @classmethod
    def load(cls) -> Locks:
        locks = cls()
        for signoff in PeriodSignoff.objects.filter(
            state__in=[PeriodSignoff.State.APPROVED, PeriodSignoff.State.PUBLISHED]
        ).select_related("scorecard"):
            locks.approved.setdefault(signoff.scorecard_id, []).append(signoff)
        return locks

    def refusal(self, indicator: Indicator, period: str, entity: str) -> str | None:
        """Why an edit of ``entity`` for ``indicator`` in ``period`` is refused, or None when it may go ahead.

        The period's own rows are locked; so is the year's target when it judged an approved quarter."""
        if entity not in LOCKED_ENTITIES or not self.approved:
            return None
        if indicator.pk not in self.indicators:
            found = Indicator.objects.filter(pk=indicator.pk).values_list("priority__scorecard_id", flat=True).first()
            self.indicators[indicator.pk] = (found or 0, indicator.year_type)
        scorecard_id, year_type = self.indicators[indicator.pk]
        for signoff in self.approved.get(scorecard_id, []):
            locked = parse_period(signoff.period)
            if signoff.period == period:
                return _refusal(signoff)
            if entity == "target" and locked.year_of_type(YearType(year_type)).code == period:
                return _refusal(signoff)
        return None


def missing_commentary(view: ScorecardView) -> list[ScorecardRow]:
    """The red and amber rows with no commentary written for the period itself: what blocks a submission."""
    written = set(
        Commentary.objects.filter(indicator__priority__scorecard=view.scorecard, period=view.period.code)
        .exclude(text="")
        .values_list("indicator_id", flat=True)
    )
    return [
        row for row in view.rows if row.rag.rating in (Rating.RED, Rating.AMBER) and row.indicator.pk not in written
    ]


def _require(user: Any, capability: Capability, what: str) -> None:
    if not user_can(user, capability):
        raise SignoffError(f"Only {what} can do this.")


def _signoff_for_update(scorecard: Scorecard, period: Period) -> PeriodSignoff:
    signoff, _ = PeriodSignoff.objects.select_for_update().get_or_create(scorecard=scorecard, period=period.code)
    return signoff


def _audit(user: Any, signoff: PeriodSignoff, before: str, reason: str = "") -> None:
    audit_record(
        actor=user,
        action="update",
        object_type="period sign-off",
        object_id=signoff.pk,
        object_repr=f"{signoff.scorecard.title}, {parse_period(signoff.period).label}",
        before={"state": before},
        after={"state": signoff.state},
        reason=reason,
    )


@transaction.atomic
def signoff_submit(*, scorecard: Scorecard, period: Period, user: Any) -> PeriodSignoff:
    _require(user, Capability.EDIT_DATA, "a performance officer")
    signoff = _signoff_for_update(scorecard, period)
    if signoff.state != PeriodSignoff.State.DRAFT:
        raise SignoffError(f"{period.label} is already {signoff.get_state_display().lower()}.")
    missing = missing_commentary(scorecard_view(scorecard, period))
    if missing:
        names = "; ".join(
            f"{row.indicator.code} ({row.rag.rating.label.lower()}, owner: {row.indicator.owner or 'not assigned'})"
            for row in missing
        )
        raise SignoffError(f"Every red or amber indicator needs commentary for {period.label} first: {names}.")
    before = signoff.state
    signoff.state = PeriodSignoff.State.SUBMITTED
    signoff.submitted_by_name, signoff.submitted_at = user.get_username(), timezone.now()
    signoff.save()
    _audit(user, signoff, before)
    return signoff


def _snapshot(view: ScorecardView) -> dict[str, dict[str, str]]:
    from oversight.performance.export_records import row_record  # the export's own words, as approved

    return {row.indicator.code: row_record(view, row) for row in view.rows}


def _approved(signoff: PeriodSignoff, user: Any, note: str, *, reason: str) -> PeriodSignoff:
    """Approve: lock the period and keep its rows as they are now."""
    before = signoff.state
    signoff.state = PeriodSignoff.State.APPROVED
    signoff.approved_by_name, signoff.approved_at = user.get_username(), timezone.now()
    signoff.approval_note = note.strip()
    signoff.approved_rows = _snapshot(scorecard_view(signoff.scorecard, signoff.period_obj))
    signoff.reopened_by_name, signoff.reopened_at, signoff.reopen_reason = "", None, ""
    signoff.save()
    _audit(user, signoff, before, reason)
    return signoff


@transaction.atomic
def signoff_approve(*, scorecard: Scorecard, period: Period, user: Any, note: str = "") -> PeriodSignoff:
    _require(user, Capability.APPROVE, "an approver")
    signoff = _signoff_for_update(scorecard, period)
    if signoff.state != PeriodSignoff.State.SUBMITTED:
        raise SignoffError(f"{period.label} must be submitted by a performance officer before it is approved.")
    return _approved(signoff, user, note, reason=note.strip())


@transaction.atomic
def signoff_record_approval(
    *, scorecard: Scorecard, period: Period, user: Any, note: str, approved_on: date, published_on: date | None = None
) -> PeriodSignoff:
    """Record that a period was approved (and perhaps published) before the council kept its sign-off in oversight
    — at a senior management team meeting minuted elsewhere, say — on the days given. It is locked and kept as
    approved, like an approval here; the note says where it was approved, the audit trail who recorded it."""
    _require(user, Capability.APPROVE, "an approver")
    if not note.strip():
        raise SignoffError("Say where the period was approved, for the record.")
    if published_on is not None and published_on < approved_on:
        raise SignoffError("A period is published on or after the day it is approved.")
    signoff = _signoff_for_update(scorecard, period)
    if signoff.is_locked:
        return signoff
    _approved(signoff, user, note, reason=f"recorded: {note.strip()}")
    signoff.approved_at = _noon(approved_on)
    if published_on is not None:
        signoff.state = PeriodSignoff.State.PUBLISHED
        signoff.published_by_name, signoff.published_at = user.get_username(), _noon(published_on)
    signoff.save()
    return signoff


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


@transaction.atomic
def signoff_publish(*, scorecard: Scorecard, period: Period, user: Any) -> PeriodSignoff:
    _require(user, Capability.APPROVE, "an approver")
    signoff = _signoff_for_update(scorecard, period)
    if signoff.state != PeriodSignoff.State.APPROVED:
        raise SignoffError(f"{period.label} must be approved before it is published.")
    signoff.state = PeriodSignoff.State.PUBLISHED
    signoff.published_by_name, signoff.published_at = user.get_username(), timezone.now()
    signoff.save()
    _audit(user, signoff, PeriodSignoff.State.APPROVED)
    return signoff


@transaction.atomic
def signoff_reopen(*, scorecard: Scorecard, period: Period, user: Any, reason: str) -> PeriodSignoff:
    """Unlock an approved period. The approved rows are kept, so pages can show both versions."""
    _require(user, Capability.APPROVE, "an approver")
    if not reason.strip():
        raise SignoffError("Give the reason for reopening an approved period; it is kept in the audit trail.")
    signoff = _signoff_for_update(scorecard, period)
    if not signoff.is_locked:
        raise SignoffError(f"{period.label} is not approved, so there is nothing to reopen.")
    before = signoff.state
    signoff.state = PeriodSignoff.State.DRAFT
    signoff.reopened_by_name, signoff.reopened_at = user.get_username(), timezone.now()
    signoff.reopen_reason = reason.strip()
    signoff.save()
    _audit(user, signoff, before, reason.strip())
    return signoff
