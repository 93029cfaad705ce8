"""Slippage: when a recommendation in an improvement plan is falling behind, and why, in words.

Four rules, each a pure function of what has been recorded and of today's date:

* **past due**: the due date has passed and the recommendation is not signed off;
* **no update**: the last progress update is older than the reporting schedule allows;
* **RAG worsened**: the latest rated checkpoint is worse than the one before it;
* **perpetual limbo**: open long past due, with the board asking for more evidence again and again, the
  danger an improvement board warned of (seed 004): nothing ever quite gets signed off.

A signed-off recommendation never slips. A recommendation whose due date was revised (with a reason, by whoever
may agree it) is past due only once the revised date has passed; until then the plan says "Revised to …", never
"On track" (seed 004, 6.1–6.2). ``status_word`` is the one rule that words it, for every page and export.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from oversight.core.rag import Rating

# Days between updates that a schedule allows, by the word that names its frequency.
SCHEDULE_DAYS = {"weekly": 7, "fortnightly": 14, "monthly": 31, "bi-monthly": 62, "quarterly": 92, "annual": 366}
DEFAULT_UPDATE_DAYS = 92
LIMBO_DAYS_PAST_DUE = 180
LIMBO_MORE_EVIDENCE = 2
_SEVERITY = {Rating.GREEN: 0, Rating.AMBER: 1, Rating.RED: 2}


class SlipKind(StrEnum):
    PAST_DUE = "past_due"
    NO_UPDATE = "no_update"
    RAG_WORSENED = "rag_worsened"
    LIMBO = "limbo"

    @property
    def label(self) -> str:
        return {
            SlipKind.PAST_DUE: "Past due",
            SlipKind.NO_UPDATE: "No recent update",
            SlipKind.RAG_WORSENED: "RAG worsened",
            SlipKind.LIMBO: "Perpetual limbo",
        }[self]


@dataclass(frozen=True)
class Slip:
    kind: SlipKind
    reason: str

    def __str__(self) -> str:
        return f"{self.kind.label}: {self.reason}"


@dataclass(frozen=True)
class Update:
    """A progress update: when, which checkpoint, and the RAG it gave."""

    on: date
    label: str
    rating: Rating = Rating.NOT_RATED


@dataclass(frozen=True)
class RecommendationFacts:
    due_on: date | None
    started_on: date | None  # the plan's start (the source's publication), before any update
    signed_off: bool = False
    updates: Sequence[Update] = field(default_factory=tuple)
    more_evidence_decisions: int = 0
    update_every_days: int = DEFAULT_UPDATE_DAYS
    revised_due_on: date | None = None  # the latest agreed revision of the due date, if any


def update_interval_days(schedule: str) -> int:
    """How often a reporting schedule ("Quarterly report to LSCB …") asks for an update, in days."""
    lowered = schedule.lower()
    for word, days in SCHEDULE_DAYS.items():
        if word in lowered:
            return days
    return DEFAULT_UPDATE_DAYS


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def past_due(facts: RecommendationFacts, today: date) -> Slip | None:
    due = facts.revised_due_on or facts.due_on
    if facts.signed_off or due is None or due >= today:
        return None
    days = (today - due).days
    if facts.revised_due_on is not None:
        first = f" (first due {_day(facts.due_on)})" if facts.due_on else ""
        return Slip(
            SlipKind.PAST_DUE, f"revised to {_day(due)}{first}, {_plural(days, 'day')} ago, and not signed off."
        )
    return Slip(SlipKind.PAST_DUE, f"due {_day(due)}, {_plural(days, 'day')} ago, and not signed off.")


def no_update(facts: RecommendationFacts, today: date) -> Slip | None:
    if facts.signed_off:
        return None
    dates = [update.on for update in facts.updates if update.on <= today]
    last = max(dates, default=facts.started_on)
    if last is None:
        return None
    days = (today - last).days
    if days <= facts.update_every_days:
        return None
    since = "the last update" if dates else "the plan started"
    return Slip(
        SlipKind.NO_UPDATE,
        f"{_plural(days, 'day')} since {since} ({_day(last)}); the reporting schedule asks for one every "
        f"{_plural(facts.update_every_days, 'day')}.",
    )


def rag_worsened(facts: RecommendationFacts, today: date) -> Slip | None:
    if facts.signed_off:
        return None
    rated = sorted((u for u in facts.updates if u.rating in _SEVERITY and u.on <= today), key=lambda u: u.on)
    if len(rated) < 2:
        return None
    before, latest = rated[-2], rated[-1]
    if _SEVERITY[latest.rating] <= _SEVERITY[before.rating]:
        return None
    return Slip(
        SlipKind.RAG_WORSENED,
        f"{before.rating.label} at {before.label}, {latest.rating.label} at {latest.label}.",
    )


def limbo(facts: RecommendationFacts, today: date) -> Slip | None:
    if facts.signed_off or facts.due_on is None:
        return None
    days = (today - facts.due_on).days
    if days < LIMBO_DAYS_PAST_DUE or facts.more_evidence_decisions < LIMBO_MORE_EVIDENCE:
        return None
    return Slip(
        SlipKind.LIMBO,
        f"open {_plural(days, 'day')} past due, and the board has asked for more evidence "
        f"{_plural(facts.more_evidence_decisions, 'time')}; agree what evidence would let it be signed off.",
    )


RULES = (past_due, no_update, rag_worsened, limbo)


def slippage(facts: RecommendationFacts, today: date) -> list[Slip]:
    """Every rule that fires, in a fixed order."""
    return [slip for rule in RULES if (slip := rule(facts, today)) is not None]


def _short_day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def status_word(
    *, signed_off: bool, signed_off_on: date | None, revised_due_on: date | None, slips: Sequence[Slip]
) -> str:
    """What a plan says of a recommendation's progress, in a few words: signed off, else its revised due date and
    every slip, else on track. A revised date is always said, so that an item that slipped never reads as on
    track; its reason is on the recommendation's own page."""
    if signed_off:
        return f"Signed off {_short_day(signed_off_on)}" if signed_off_on else "Signed off"
    words = [f"Revised to {_short_day(revised_due_on)}"] if revised_due_on else []
    words += [slip.kind.label for slip in slips]
    return "; ".join(words) if words else "On track"
