"""Which target judges a value on the scorecard, and the rating that follows.

A quarter's own target judges its value when it has one. Otherwise the year's target does, when the value is
the year's or the indicator is on the same footing in a part of the year as in the whole (a percentage, a
rate, a snapshot count; not a count of events over the year), and it is called the annual target when it
judges a part of the year. Three cases are not rated before any target is looked at: an annual measure in a
quarter's view (it shows its latest outturn instead), a period whose source gives a note and no value, and a
count with only a whole-year target. Everything else is rated by ``rag_rate``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, Protocol, TypeVar

from oversight.core.rag import RagResult, Rating, RatingBasis, rag_rate
from oversight.core.targets import TargetRule


class Valued(Protocol):
    """A figure as shown: its number, if any, and how it reads."""

    @property
    def value(self) -> Decimal | None: ...

    @property
    def text(self) -> str: ...


class Aimed(Valued, Protocol):
    """A target: how it reads, and its rule (operator and figure) when it has a figure."""

    @property
    def rule(self) -> TargetRule | None: ...


class Observed(Valued, Protocol):
    """A value to be rated: its number, or the source's note when there is none, and its cohort."""

    @property
    def note(self) -> str: ...

    @property
    def cohort(self) -> int | None: ...


@dataclass(frozen=True)
class Goal:
    rule: TargetRule | None
    text: str

    @property
    def value(self) -> Decimal | None:
        return self.rule.value if self.rule is not None else None


@dataclass(frozen=True)
class Actual:
    value: Decimal | None
    text: str
    note: str = ""
    cohort: int | None = None


@dataclass(frozen=True)
class Outturn:
    """The latest year's result of an annual measure, shown when a quarter cannot rate it."""

    text: str
    period_label: str


TargetT = TypeVar("TargetT", bound=Aimed)


@dataclass(frozen=True)
class TargetChoice(Generic[TargetT]):
    target: TargetT | None  # the target that judges the value, if any
    label: str  # what the explanation calls it: 'target' or 'annual target'
    rag: RagResult


def target_choose(
    basis: RatingBasis,
    actual: Observed | None,
    *,
    period_target: TargetT | None,
    annual_target: TargetT | None,
    over_year: bool,
    annual_target_applies: bool,
    annual_in_quarter: bool = False,
    latest: Outturn | None = None,
    period_label: str = "",
    year_label: str = "",
) -> TargetChoice[TargetT]:
    """Choose the target that judges ``actual`` and rate it.

    ``over_year``: the value is the whole year's (a year's view, or an annual measure).
    ``annual_target_applies``: the year's target can judge a part of the year.
    ``annual_in_quarter``: an annual measure in a quarter's view, which is not rated; ``latest`` is its latest
    outturn. ``period_label`` and ``year_label`` name the period viewed and its year in the explanations.
    """
    target, label = (period_target, "target") if period_target is not None else (None, "")
    if target is None or target.value is None:
        if annual_target is not None and (over_year or annual_target_applies):
            target, label = annual_target, "target" if over_year else "annual target"
        else:
            target = None

    if annual_in_quarter:
        since = f" The latest result is {latest.text} for {latest.period_label}." if latest else ""
        rag = RagResult(
            Rating.NOT_RATED,
            f"Not rated this quarter: an annual measure, reported when the year's results are out.{since}",
        )
    elif actual is not None and actual.value is None:
        rag = RagResult(Rating.NOT_RATED, f"Not rated: no value for this period; the source says '{actual.note}'.")
    elif target is None and annual_target is not None and actual is not None:
        rag = RagResult(
            Rating.NOT_RATED,
            f"Not rated: {actual.text} has no {period_label} target, and the {year_label} target of "
            f"{annual_target.text} is for the whole year.",
        )
    else:
        rag = rag_rate(
            basis,
            actual.value if actual is not None else None,
            target.rule if target is not None else None,
            cohort=actual.cohort if actual is not None else None,
            target_label=label or "target",
        )
    return TargetChoice(target, label, rag)
