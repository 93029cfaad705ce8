"""A regional alliance's members side by side: one casework measure, computed by one rule from each member's returns,
each member's approved figure for a period in a row, and the alliance's own figure, its members pooled (ADR 27).

The members are the councils the service's scorecards belong to (ADR 26). A member's figure is the observation its
scorecard holds for the period that the measure computed (its source names the measure). Approved figures are for
every reader; a figure not yet approved shows to the members of its council alone (``core.councils``), and is never
pooled or ranked.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from django.conf import settings

from oversight.casework.engine import (
    SOURCE_PREFIX,
    MeasureCard,
    measure_card,
    measure_cards,
    measure_id_from_source,
    measure_source,
)
from oversight.casework.issues import CaseworkError
from oversight.casework.reference import la_label
from oversight.core.alliance import Part, Pooled, alliance_name, member_ranks, pool
from oversight.core.benchmark import ordinal
from oversight.core.comparison import Side, Standing, compare
from oversight.core.councils import CouncilScope
from oversight.core.periods import Period, parse_period
from oversight.core.rag import Polarity
from oversight.core.units import Unit, format_value
from oversight.performance.models import LOCKED_STATES, Indicator, Observation, PeriodSignoff, Scorecard
from oversight.reports.cells import safe_cell


class MemberState(StrEnum):
    """Whether a member's figure can be set beside the others."""

    APPROVED = "approved"
    NOT_APPROVED = "not approved yet"
    NOT_LOADED = "not loaded"


@dataclass(frozen=True)
class MemberRow:
    council: str
    scorecard: Scorecard | None
    indicator: Indicator | None  # linked only for the council's own members, whose page it is
    state: MemberState
    value: Decimal | None  # shown only where the one rule lets the user see it
    text: str
    numerator: Decimal | None
    denominator: Decimal | None
    provisional: bool
    source: str
    rank: int | None = None  # among the members with an approved figure; 1 is best
    ranked: int = 0  # how many members are ranked
    joint: bool = False

    @property
    def council_label(self) -> str:
        """The council by name and ONS code, as the page shows it."""
        return la_label(self.council)

    @property
    def rank_words(self) -> str:
        """'1st of 2', 'joint 1st of 2', or 'not ranked'."""
        if self.rank is None:
            return "not ranked"
        return f"{'joint ' if self.joint else ''}{ordinal(self.rank)} of {self.ranked}"

    @property
    def reason(self) -> str:
        """Why there is no approved figure to set beside the others, in plain words ('' when there is one)."""
        if self.state is MemberState.NOT_LOADED:
            return "Not loaded: no figure computed from this council's returns for the period."
        if self.state is MemberState.NOT_APPROVED:
            shown = (
                " The figure is shown to this council's own users alone, and is left out of the alliance's."
                if (self.value is not None)
                else ""
            )
            return "Not approved yet." + shown
        return ""

    @property
    def status(self) -> str:
        if self.value is None:
            return "–"
        return "Provisional" if self.provisional else "Validated"


@dataclass(frozen=True)
class AllianceView:
    card: MeasureCard
    period: Period
    members: list[MemberRow]
    pooled: Pooled | None

    @property
    def pooled_text(self) -> str:
        if self.pooled is None or self.pooled.value is None:
            return "No figure: no member has an approved figure for the period."
        return format_value(self.pooled.value, self.card.unit, self.card.decimal_places)

    @property
    def name(self) -> str:
        return alliance_name(self.pooled.members if self.pooled is not None else 0)

    @property
    def rank_order(self) -> str:
        if self.card.polarity is Polarity.NEITHER:
            return "1st is the highest figure: neither higher nor lower is better."
        return f"1st is the best figure: {self.card.polarity.value} is better."


def alliance_members() -> list[str]:
    """The alliance's members: the councils the service's scorecards belong to, by ONS code (a scorecard that names
    none is the service's own council's, when the service names it)."""
    own = settings.OVERSIGHT_COUNCIL
    councils = {council or own for council in Scorecard.objects.values_list("council", flat=True)}
    return sorted(council for council in councils if council)


def _rows(
    card: MeasureCard, periods: list[Period], scope: CouncilScope, members: list[str]
) -> dict[str, list[MemberRow]]:
    """Each period's rows for ``members``, unranked, by period code: two queries however many periods."""
    codes = [period.code for period in periods]
    own = settings.OVERSIGHT_COUNCIL
    found: dict[tuple[str, str], Observation] = {}
    observations = (
        Observation.objects.filter(source__startswith=measure_source(card.id), period__in=codes)
        .select_related("indicator__priority__scorecard")
        .order_by("-indicator__priority__scorecard_id", "-indicator_id")
    )
    for observation in observations:  # a council with two scorecards computing the measure: its first scorecard's
        found[(observation.indicator.priority.scorecard.council or own, observation.period)] = observation
    locked = set(
        PeriodSignoff.objects.filter(period__in=codes, state__in=LOCKED_STATES).values_list("scorecard_id", "period")
    )
    return {
        code: [_row(card, council, found.get((council, code)), locked, scope) for council in members] for code in codes
    }


def _row(
    card: MeasureCard, council: str, observation: Observation | None, locked: set[tuple[int, str]], scope: CouncilScope
) -> MemberRow:
    if observation is None or observation.value is None:
        return MemberRow(council, None, None, MemberState.NOT_LOADED, None, "–", None, None, False, "")
    scorecard = observation.indicator.priority.scorecard
    approved = (scorecard.pk, observation.period) in locked
    shown = scope.figures_visible(scorecard.council, approved=approved)
    return MemberRow(
        council,
        scorecard,
        observation.indicator if scope.allows(scorecard.council) else None,
        MemberState.APPROVED if approved else MemberState.NOT_APPROVED,
        observation.value if shown else None,
        format_value(observation.value, card.unit, card.decimal_places) if shown else "–",
        observation.numerator if shown else None,
        observation.denominator if shown else None,
        observation.is_provisional,
        observation.source if shown else "",
    )


def _view(card: MeasureCard, period: Period, rows: list[MemberRow]) -> AllianceView:
    """The rows ranked, and the alliance's figure: the approved figures pooled."""
    approved = [row for row in rows if row.state is MemberState.APPROVED and row.numerator is not None]
    pooled = pool((Part(row.council, row.numerator or Decimal(0), row.denominator) for row in approved), card.unit)
    ranks = member_ranks({row.council: row.value for row in approved}, card.polarity)
    members = [
        replace(row, rank=rank, ranked=len(ranks), joint=list(ranks.values()).count(rank) > 1)
        if (rank := ranks.get(row.council)) is not None
        else row
        for row in rows
    ]
    return AllianceView(card, period, members, pooled)


def alliance_view(measure: str, period: str, scope: CouncilScope) -> AllianceView:
    """The measure's approved figures for ``period``, a row for each member, ranked, and the alliance's own figure.
    CaseworkError for a measure or period that is not there."""
    card = measure_card(measure)
    try:
        the_period = parse_period(period)
    except ValueError as error:
        raise CaseworkError(str(error)) from None
    return _view(card, the_period, _rows(card, [the_period], scope, alliance_members())[the_period.code])


def _csv_rows(view: AllianceView) -> list[list[str]]:
    """The same table as the page, a row a member and a last row for the alliance, with a header."""
    header = ["measure", "definition", "period", "council", "scorecard", "value", "numerator", "denominator",
              "status", "rank", "reason", "source"]  # fmt: skip
    rows = [header]

    def part(value: Decimal | None) -> str:
        return "" if value is None else f"{value.normalize():f}"

    for row in view.members:
        rows.append([
            view.card.label, view.card.definition, view.period.code, row.council,
            row.scorecard.slug if row.scorecard is not None else "", row.text if row.value is not None else "",
            part(row.numerator), part(row.denominator), row.status if row.value is not None else "",
            row.rank_words if row.rank is not None else "", row.reason, row.source,
        ])  # fmt: skip
    pooled = view.pooled
    rows.append([
        view.card.label, view.card.definition, view.period.code, view.name, "",
        view.pooled_text if pooled is not None and pooled.value is not None else "",
        part(pooled.numerator if pooled else None), part(pooled.denominator if pooled else None), "", "",
        "" if pooled is not None else "No member has an approved figure for the period.",
        "members' numerators and denominators summed",
    ])  # fmt: skip
    return rows


def alliance_csv(view: AllianceView) -> bytes:
    """The table as a CSV file, as the scorecard's and the exception report's are written (cells safe from formula
    injection; the BOM makes Excel read UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in _csv_rows(view):
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def alliance_periods() -> list[Period]:
    """The periods any member has a figure computed by a measure for, newest first: what the period picker offers."""
    codes = Observation.objects.filter(source__startswith=SOURCE_PREFIX).values_list("period", flat=True).distinct()
    return sorted({parse_period(code) for code in codes}, key=lambda p: (p.start, p.end), reverse=True)


def alliance_measures() -> list[MeasureCard]:
    """The measures any member has a figure of, as the measure picker offers them."""
    sources = Observation.objects.filter(source__startswith=SOURCE_PREFIX).values_list("source", flat=True).distinct()
    computed = {measure_id_from_source(source) for source in sources}
    return [card for card in measure_cards() if card.id in computed]


def alliance_lines(indicator: Indicator, figures: dict[Period, Side], sources: Mapping[str, str]) -> dict[str, str]:
    """The line beside England, the region and the neighbours on a member's indicator page, for each period of
    ``figures`` (the member's own figure in each, whose source ``sources`` gives by period code): 'Alliance (2
    members): 12.3%' and where the member stands against it, in the words of the one comparator verdict
    (``core.comparison``). None for a period whose figure no measure computed, and none at all where the service
    holds no alliance (fewer than two members)."""
    members = alliance_members()
    if len(members) < 2:
        return {}
    lines: dict[str, str] = {}
    by_measure: dict[str, list[Period]] = {}
    for period in figures:
        measure = measure_id_from_source(sources.get(period.code) or "")
        if measure is not None:
            by_measure.setdefault(measure, []).append(period)
    approved_only = CouncilScope(frozenset(), settings.OVERSIGHT_COUNCIL)  # the alliance pools approved figures
    for measure, periods in by_measure.items():
        card = measure_card(measure)
        rows = _rows(card, periods, approved_only, members)
        for period in periods:
            lines[period.code] = _comparator_line(indicator, _view(card, period, rows[period.code]), figures[period])
    return lines


def _comparator_line(indicator: Indicator, view: AllianceView, ours: Side) -> str:
    pooled = view.pooled
    if pooled is None or pooled.value is None:
        return f"Alliance: no member's figure for {view.period.short_label} is approved yet."
    text = format_value(pooled.value, view.card.unit, indicator.decimal_places)
    if view.card.unit is Unit.COUNT:
        return f"{view.name}: {text} in all (a count, not compared)."
    side = Side(view.period, pooled.value, view.name, pooled.numerator, pooled.denominator)
    standing: Standing = compare(ours, side, basis=indicator.rating_basis, margin=indicator.margin)
    return f"{view.name}: {text}. {standing.description}"
