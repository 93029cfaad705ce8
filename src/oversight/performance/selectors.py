"""Reads for the scorecard pages and exports. Each selector runs a fixed number of queries, whatever the size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TypeVar

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from oversight.core.comparison import Side, Standing, compare
from oversight.core.councils import EVERY_COUNCIL, CouncilScope
from oversight.core.periods import Period, PeriodError, PeriodKind, YearType, parse_period
from oversight.core.rag import RagResult, Rating, small_cohort_caution
from oversight.core.rating import Outturn, target_choose
from oversight.core.targets import TargetRule
from oversight.core.trends import Direction, Travel, TrendSummary, travel, trend_summary
from oversight.core.units import Unit
from oversight.performance.models import (
    LOCKED_STATES,
    Change,
    Commentary,
    ComparatorValue,
    GlossaryEntry,
    Indicator,
    Observation,
    PeriodSignoff,
    Priority,
    Scorecard,
    Target,
    signed_on,
    version_text,
)


@dataclass(frozen=True)
class Figure:
    """A value as shown: the number in its unit, or the source's note when there is no number."""

    period: Period
    value: Decimal | None
    text: str
    note: str = ""
    provisional: bool = False
    cohort: int | None = None
    small_cohort: bool = False  # below the indicator's minimum cohort: show with a caution, do not rate
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    source: str = ""  # where the figure came from, e.g. "casework measure cla_starts v1"
    caution: str = ""  # 'Caution: a cohort of 6, below the minimum of 30 for a reliable figure.'

    @property
    def side(self) -> Side:
        return Side(self.period, self.value, numerator=self.numerator, denominator=self.denominator)

    @property
    def status_label(self) -> str:
        return "provisional" if self.provisional else "validated"


@dataclass(frozen=True)
class TargetFigure:
    period: Period
    rule: TargetRule | None
    text: str  # the rule in words ('less than 5%'), or the source's note when there is no figure
    note: str = ""

    @property
    def value(self) -> Decimal | None:
        return self.rule.value if self.rule is not None else None


@dataclass(frozen=True)
class ComparatorFigure:
    name: str
    kind: str
    period: Period
    value: Decimal | None
    text: str
    standing: Standing
    stated_position: str = ""
    note: str = ""
    source: str = ""

    @property
    def summary(self) -> str:
        """The verdict as every page and export shows it: '2011-12 Q1 0% vs N 2009-10 6.6%: lower (better); the
        periods differ.', or why there is no figure."""
        if self.value is None:
            return f"{self.name} {self.period.short_label}: {self.note}" if self.note else self.standing.description
        return self.standing.description


@dataclass
class ScorecardRow:
    indicator: Indicator
    period: Period  # the period viewed
    year: Period  # the indicator's own year that the scorecard period falls in
    outturns: list[Figure | None]  # the two years before ``year``, oldest first
    outturn_years: list[Period]
    annual_target: TargetFigure | None
    period_target: TargetFigure | None
    actual: Figure | None
    rag: RagResult
    versus_previous: Travel
    versus_last_year: Travel
    comparators: list[ComparatorFigure]
    commentary: Commentary | None
    target: TargetFigure | None = None  # the target that judged the value, if any
    small_cohort: bool = False
    due: bool = True  # False for an annual measure on a quarter's scorecard: reported when the year's results are out

    @property
    def provisional(self) -> bool:
        return self.actual is not None and self.actual.provisional

    @property
    def outturn_pairs(self) -> list[tuple[Period, Figure | None]]:
        return list(zip(self.outturn_years, self.outturns, strict=True))

    @property
    def target_text(self) -> str:
        target = self.period_target or self.annual_target
        return target.text if target else ""

    @property
    def comparator_summary(self) -> str:
        return " ".join(c.summary for c in self.comparators)  # each is a sentence, with its full stop


@dataclass
class PriorityGroup:
    priority: Priority
    rows: list[ScorecardRow] = field(default_factory=list)

    @property
    def due_rows(self) -> list[ScorecardRow]:
        return [row for row in self.rows if row.due]


@dataclass
class ScorecardView:
    scorecard: Scorecard
    period: Period
    groups: list[PriorityGroup]
    signoff: PeriodSignoff | None = None

    @property
    def version(self) -> str:
        """'Approved by … on …' or 'Draft — not yet approved.': said on every page and export of the period."""
        return version_text(self.signoff)

    @property
    def approved_on(self) -> date | None:
        """The day the period was approved, when it is: the date an approved export says it was made."""
        if self.signoff is None or not self.signoff.is_locked or self.signoff.approved_at is None:
            return None
        return timezone.localtime(self.signoff.approved_at).date()

    @property
    def rows(self) -> list[ScorecardRow]:
        return [row for group in self.groups for row in group.rows]

    def count(self, rating: Rating) -> int:
        return sum(1 for row in self.rows if row.rag.rating is rating)

    @property
    def rating_counts(self) -> list[tuple[Rating, int]]:
        return [(rating, self.count(rating)) for rating in Rating]

    @property
    def any_provisional(self) -> bool:
        return any(row.provisional for row in self.rows)

    @property
    def not_due(self) -> list[tuple[Priority, ScorecardRow]]:
        """The annual measures on a quarter's scorecard, with their priorities: shown once, apart from the rest."""
        return [(group.priority, row) for group in self.groups for row in group.rows if not row.due]

    @property
    def trend_year(self) -> Period:
        """The latest year the three-year trends reach: the scorecard's own year, or for a part of a year (whose
        year is not yet over) the financial year before it."""
        return self.period if self.period.is_year else self.period.fiscal_year.previous()


def _cohort(indicator: Indicator, observation: Observation) -> int | None:
    """The children a figure is based on: its stated cohort, or else its denominator (for a percentage)."""
    if observation.cohort is not None:
        return observation.cohort
    denominator = observation.denominator
    if Unit(indicator.unit) is Unit.PERCENT and denominator is not None:
        return int(denominator) if denominator == denominator.to_integral_value() else None
    return None


def _figure(indicator: Indicator, observation: Observation | None, period: Period) -> Figure | None:
    if observation is None:
        return None
    text = indicator.show(observation.value) if observation.value is not None else (observation.note or "–")
    cohort = _cohort(indicator, observation)
    caution = small_cohort_caution(indicator.rating_basis, cohort) if observation.value is not None else ""
    small = bool(caution)
    return Figure(
        period,
        observation.value,
        text,
        observation.note,
        observation.is_provisional,
        cohort,
        small,
        observation.numerator,
        observation.denominator,
        observation.source,
        caution,
    )


def _target(indicator: Indicator, target: Target | None, period: Period) -> TargetFigure | None:
    if target is None:
        return None
    basis = indicator.rating_basis
    rule = target.rule(basis.polarity)
    text = rule.words(basis.unit, basis.decimal_places) if rule is not None else target.note
    return TargetFigure(period, rule, text, target.note if rule is not None else "")


def annual_target_applies_to_periods(indicator: Indicator) -> bool:
    """A year's target can judge a quarter unless the indicator counts events over the year.

    A percentage or rate is on the same footing in a quarter as in the year; 49 first-time entrants in
    Q1 cannot be judged against 198 for the year.
    """
    return not (indicator.unit == Unit.COUNT and indicator.aggregation != Indicator.Aggregation.SNAPSHOT)


def period_or_404(code: str) -> Period:
    """The period a web address names, or a 404 that says what is wrong with the code."""
    try:
        return parse_period(code)
    except PeriodError as error:
        raise Http404(str(error)) from None


def scorecard_shown(slug: str, period: Period, scope: CouncilScope) -> Scorecard:
    """The scorecard called ``slug``, if its figures for ``period`` may be shown to a user of ``scope``: approved
    figures (the period approved or published) to every reader, drafts and unapproved figures only to the members
    of the scorecard's council (ADR 26). Otherwise a 404, as for a scorecard that is not there."""
    scorecard = get_object_or_404(Scorecard, slug=slug)
    if not period_figures_visible(scorecard, period, scope):
        raise Http404(f"There is no approved scorecard '{slug}' for {period.label}.")
    return scorecard


def period_figures_visible(scorecard: Scorecard, period: Period, scope: CouncilScope) -> bool:
    """Whether ``scorecard``'s figures for ``period`` may be shown to a user of ``scope`` (``scorecard_shown``):
    what a committee pack or highlight report shows in their stead is 'not approved'."""
    return periods_figures_visible(scorecard, [period], scope)


def periods_figures_visible(scorecard: Scorecard, periods: Sequence[Period], scope: CouncilScope) -> bool:
    """Whether ``scorecard``'s figures for every one of ``periods`` may be shown to a user of ``scope``: a page or
    appendix showing several periods (the three-year trends) is shown whole or not at all."""
    if scope.allows(scorecard.council):  # its council's members see every state: no need to ask which
        return True
    locked = set(
        PeriodSignoff.objects.filter(
            scorecard=scorecard, period__in=[period.code for period in periods], state__in=LOCKED_STATES
        ).values_list("period", flat=True)
    )
    return all(scope.figures_visible(scorecard.council, approved=period.code in locked) for period in periods)


def trend_years(last_year: Period, years: int = 3) -> list[Period]:
    """The years of the three-year trends to ``last_year`` (its own kind of year), oldest first: the periods whose
    sign-off decides who may see them (``trend_shown``)."""
    return [last_year.shifted(step) for step in range(-(years - 1), 1)]


def trends_visible(scorecard: Scorecard, last_year: Period, scope: CouncilScope) -> bool:
    """Whether the three-year trends to ``last_year`` may be shown to a user of ``scope``: every year they show
    approved, or the user a member of the scorecard's council (ADR 26). The trend page, the links to it and a
    committee pack's trends appendix all ask this."""
    return periods_figures_visible(scorecard, trend_years(last_year), scope)


def trend_year_shown(scorecard: Scorecard, periods: Sequence[Period], scope: CouncilScope) -> Period | None:
    """The latest year among ``periods`` (those the user may see, newest first) whose three-year trends the user may
    open (``trends_visible``): what the home page links to; None if there is none."""
    latest = next((period for period in periods if period.is_year), None)
    return latest if latest is not None and trends_visible(scorecard, latest, scope) else None


def trend_shown(slug: str, last_year: Period, scope: CouncilScope) -> Scorecard:
    """The scorecard called ``slug``, if its three-year trends to ``last_year`` may be shown to a user of ``scope``:
    every year they show approved, or the user a member of its council (ADR 26). Otherwise a 404. A committee pack
    prints the same trends as not approved by the same rule."""
    scorecard = get_object_or_404(Scorecard, slug=slug)
    if not trends_visible(scorecard, last_year, scope):
        raise Http404(f"There are no approved three-year trends of '{slug}' to {last_year.label}.")
    return scorecard


def figures_shown(scope: CouncilScope) -> Q:
    """The rows of a period's figures (values, targets, comparators, commentary, breakdowns: anything with an
    indicator and a period) a user of ``scope`` may see: every row of their councils' scorecards, and of other
    councils' only those of approved periods (``scorecard_shown``)."""
    hidden = [card.pk for card in Scorecard.objects.only("council") if not scope.allows(card.council)]
    if not hidden:
        return Q()
    shown = ~Q(indicator__priority__scorecard__in=hidden)
    for scorecard_id, period in PeriodSignoff.objects.filter(scorecard__in=hidden, state__in=LOCKED_STATES).values_list(
        "scorecard_id", "period"
    ):
        shown |= Q(indicator__priority__scorecard=scorecard_id, period=period)
    return shown


def indicator_shown(code: str, scope: CouncilScope) -> Indicator:
    """The indicator ``code`` if a user of ``scope`` may see its every period, drafts included, and change it: a
    member of its scorecard's council. Otherwise a 404, as for an indicator that is not there."""
    indicator = get_object_or_404(Indicator.objects.select_related("priority__scorecard"), code=code)
    if not scope.allows(indicator.priority.scorecard.council):
        raise Http404(f"There is no indicator '{code}'.")
    return indicator


def scorecard_periods_shown(scorecard: Scorecard, scope: CouncilScope) -> list[Period]:
    """The periods of ``scorecard`` whose figures a user of ``scope`` may see (``scorecard_shown``), newest first."""
    periods = scorecard_periods(scorecard)
    if scope.allows(scorecard.council):
        return periods
    signoffs = PeriodSignoff.objects.filter(scorecard=scorecard, period__in=[period.code for period in periods])
    approved = {signoff.period for signoff in signoffs if signoff.is_locked}
    return [period for period in periods if period.code in approved]


def scorecards_all() -> QuerySet[Scorecard]:
    return Scorecard.objects.order_by("id")


def scorecard_periods(scorecard: Scorecard) -> list[Period]:
    """The periods with any value on this scorecard, newest first: what the period picker offers.

    A scorecard reports by quarter and year; where it has those, the months and rolling periods some of its
    figures also have (for a control chart on the indicator page) are left to the indicator pages."""
    codes = (
        Observation.objects.filter(indicator__priority__scorecard=scorecard)
        .order_by()
        .values_list("period", flat=True)
        .distinct()
    )
    periods = {parse_period(code) for code in codes}
    reported = {p for p in periods if p.is_year or p.kind is PeriodKind.FINANCIAL_QUARTER}
    return sorted(reported or periods, key=lambda p: (p.start, -p.end.toordinal()), reverse=True)


PeriodRow = TypeVar("PeriodRow", Observation, Target, Commentary)
Index = dict[tuple[int, str], PeriodRow]


def _index(rows: QuerySet[PeriodRow]) -> Index[PeriodRow]:
    """Rows by (indicator id, period code), so assembling a page looks them up instead of querying."""
    return {(row.indicator_id, row.period): row for row in rows}


def scorecard_view(scorecard: Scorecard, period: Period) -> ScorecardView:
    """Every row of a scorecard for one period, rated, compared and explained, in seven queries."""
    priorities = list(scorecard.priorities.order_by("order", "code"))
    indicators = list(
        Indicator.objects.filter(priority__scorecard=scorecard)
        .select_related("priority")
        .order_by("priority__order", "order", "code")
    )
    ids = [indicator.pk for indicator in indicators]
    read = _row_periods(period, {YearType(indicator.year_type) for indicator in indicators})
    observations = _index(Observation.objects.filter(indicator_id__in=ids, period__in=read))
    targets = _index(Target.objects.filter(indicator_id__in=ids, period__in=read))
    commentary = _index(Commentary.objects.filter(indicator_id__in=ids, period__in=read))
    comparators: dict[int, list[ComparatorValue]] = defaultdict(list)
    # Ties in a period keep the order they were loaded in (the key), on every engine.
    for comparator in ComparatorValue.objects.filter(indicator_id__in=ids).order_by("period_start", "pk"):
        comparators[comparator.indicator_id].append(comparator)
    groups = {priority.pk: PriorityGroup(priority) for priority in priorities}
    for indicator in indicators:
        row = _row(indicator, period, observations, targets, commentary, comparators[indicator.pk])
        groups[indicator.priority_id].rows.append(row)
    signoff = PeriodSignoff.objects.filter(scorecard=scorecard, period=period.code).first()
    return ScorecardView(scorecard, period, [group for group in groups.values() if group.rows], signoff)


def _row_periods(period: Period, year_types: set[YearType]) -> set[str]:
    """Every period whose figures `_row` may look at for ``period``: the period, the one before it and the same one
    a year earlier, and for each kind of year the indicators count in, that year and the two before it. A scorecard
    reads these alone, so that its page does not slow as months and years of history are added."""
    codes = {period.code, period.previous().code, period.same_period_last_year().code}
    for year_type in year_types:
        year = period.year_of_type(year_type)
        codes |= {year.code, year.shifted(-1).code, year.shifted(-2).code}
    return codes


def _row(
    indicator: Indicator,
    period: Period,
    observations: Index[Observation],
    targets: Index[Target],
    commentary: Index[Commentary],
    comparators: list[ComparatorValue],
) -> ScorecardRow:
    """One indicator in one period, rated, compared and explained: the row the scorecard, the indicator page's
    history and every export show."""

    def observed(p: Period) -> Figure | None:
        return _figure(indicator, observations.get((indicator.pk, p.code)), p)

    def targeted(p: Period) -> TargetFigure | None:
        return _target(indicator, targets.get((indicator.pk, p.code)), p)

    basis = indicator.rating_basis
    year = period.year_of_type(YearType(indicator.year_type))
    outturn_years = [year.shifted(-2), year.shifted(-1)]
    outturns = [observed(p) for p in outturn_years]
    is_quarter_view = period.kind is not PeriodKind.FINANCIAL_YEAR and not period.is_year
    annual_measure = indicator.frequency == Indicator.Frequency.ANNUAL
    annual_in_quarter = annual_measure and is_quarter_view
    actual_period = year if (period.is_year or annual_measure) else period
    actual = observed(actual_period) if not annual_in_quarter else None
    period_target = targeted(period) if is_quarter_view and not annual_measure else None
    latest = next((f for f in reversed(outturns) if f is not None and f.value is not None), None)
    annual_target = targeted(year)
    choice = target_choose(
        basis,
        actual,
        period_target=period_target,
        annual_target=annual_target,
        over_year=actual_period == year,
        annual_target_applies=annual_target_applies_to_periods(indicator),
        annual_in_quarter=annual_in_quarter,
        latest=Outturn(latest.text, latest.period.short_label) if latest else None,
        period_label=period.short_label,
        year_label=year.short_label,
    )

    def side(p: Period) -> Side:
        figure = observed(p)
        return figure.side if figure is not None else Side(p, None)

    tolerance = indicator.margin
    if annual_in_quarter:
        versus_previous = travel(side(outturn_years[1]), side(outturn_years[0]), basis=basis, tolerance=tolerance)
        versus_last_year = versus_previous
    else:
        here = side(actual_period)
        versus_previous = travel(here, side(actual_period.previous()), basis=basis, tolerance=tolerance)
        versus_last_year = travel(here, side(actual_period.same_period_last_year()), basis=basis, tolerance=tolerance)

    found_commentary = commentary.get((indicator.pk, period.code)) or commentary.get((indicator.pk, year.code))
    compared = actual if actual is not None and actual.value is not None else latest
    return ScorecardRow(
        indicator=indicator,
        period=period,
        year=year,
        outturns=outturns,
        outturn_years=outturn_years,
        annual_target=annual_target,
        period_target=period_target,
        actual=actual,
        rag=choice.rag,
        versus_previous=versus_previous,
        versus_last_year=versus_last_year,
        comparators=_latest_comparators(indicator, comparators, period, compared),
        commentary=found_commentary,
        target=choice.target,
        small_cohort=actual is not None and actual.small_cohort,
        due=not annual_in_quarter,
    )


def _latest_comparators(
    indicator: Indicator, comparators: list[ComparatorValue], period: Period, ours: Figure | None
) -> list[ComparatorFigure]:
    """For each comparator, its most recent figure for a period that starts no later than the one viewed, set
    against the figure the row shows (or, for an annual measure in a quarter, its latest outturn)."""
    latest: dict[tuple[str, str], ComparatorValue] = {}
    for comparator in sorted(comparators, key=lambda c: (c.period_start, parse_period(c.period).end)):
        if comparator.period_start <= period.start:
            latest[(comparator.kind, comparator.label)] = comparator
    return [_comparator_figure(indicator, c, ours) for c in latest.values()]


def _comparator_figure(indicator: Indicator, comparator: ComparatorValue, ours: Figure | None) -> ComparatorFigure:
    period = parse_period(comparator.period)
    standing = compare(
        ours.side if ours is not None else Side(period, None),
        Side(period, comparator.value, comparator.name),
        basis=indicator.rating_basis,
        margin=indicator.margin,
    )
    text = indicator.show(comparator.value) if comparator.value is not None else ""
    return ComparatorFigure(
        comparator.name,
        comparator.kind,
        period,
        comparator.value,
        text,
        standing,
        comparator.stated_position,
        comparator.note,
        comparator.source,
    )


# The indicator page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApprovedVersion:
    """A period's row as it was approved, kept after the period was reopened so both versions can be shown."""

    signoff: PeriodSignoff
    record: dict[str, str]  # the row as its export gave it on approval

    @property
    def words(self) -> str:
        record, signoff = self.record, self.signoff
        value = f"{record.get('value') or '–'} ({record.get('unit', '')})" if record.get("value") else "no value"
        reopened = (
            f"; reopened by {signoff.reopened_by_name} on {signed_on(signoff.reopened_at)}: {signoff.reopen_reason}"
            if signoff.reopened_at
            else ""
        )
        return (
            f"As approved by {signoff.approved_by_name} on {signed_on(signoff.approved_at)}{reopened}. "
            f"Value {value}; {record.get('rag_reason', '')}"
        )


@dataclass
class IndicatorDetail:
    indicator: Indicator
    history: dict[str, list[ScorecardRow]]  # 'Years' / 'Quarters' / 'Months' → the scorecard's rows, oldest first
    commentary: list[Commentary]
    changes: list[Change]
    approved: dict[str, ApprovedVersion] = field(default_factory=dict)  # reopened periods' approved rows by code


_HISTORY_GROUP = {
    PeriodKind.FINANCIAL_YEAR: "Years",
    PeriodKind.ACADEMIC_YEAR: "Years",
    PeriodKind.CALENDAR_YEAR: "Years",
    PeriodKind.FINANCIAL_QUARTER: "Quarters",
    PeriodKind.MONTH: "Months",
    PeriodKind.ROLLING: "Rolling periods",
}


def indicator_detail(code: str, scope: CouncilScope = EVERY_COUNCIL) -> IndicatorDetail:
    """The indicator's page, for a member of its council (``indicator_shown``): for every period it has a value or
    target in, the very row the scorecard shows for that period, so that the two can never disagree."""
    indicator = indicator_shown(code, scope)
    observations = _index(indicator.observation_set.all())
    targets = _index(indicator.target_set.all())
    commentary = _index(indicator.commentary_set.all())
    comparators = list(indicator.comparatorvalue_set.all())
    codes = {code for _, code in observations} | {code for _, code in targets} | {c.period for c in comparators}
    periods = sorted((parse_period(c) for c in codes), key=lambda p: (p.start, p.end))
    history: dict[str, list[ScorecardRow]] = defaultdict(list)
    for period in periods:
        row = _row(indicator, period, observations, targets, commentary, comparators)
        history[_HISTORY_GROUP[period.kind]].append(row)
    reopened = PeriodSignoff.objects.filter(
        scorecard_id=indicator.priority.scorecard_id, state=PeriodSignoff.State.DRAFT, approved_at__isnull=False
    )
    approved = {
        signoff.period: ApprovedVersion(signoff, signoff.approved_rows[indicator.code])
        for signoff in reopened
        if indicator.code in signoff.approved_rows
    }
    return IndicatorDetail(
        indicator=indicator,
        history=dict(history),
        commentary=sorted(indicator.commentary_set.all(), key=lambda c: c.period_start, reverse=True),
        changes=list(indicator.changes.all()[:200]),
        approved=approved,
    )


# The three-year trend view (Appendix B) ----------------------------------------------------------


@dataclass
class TrendRow:
    indicator: Indicator
    figures: list[Figure | None]
    directions: list[Direction]
    summary: TrendSummary
    commentary: Commentary | None

    @property
    def overall(self) -> Direction:
        return self.summary.overall.direction


@dataclass
class TrendView:
    scorecard: Scorecard
    years: list[Period]
    groups: list[tuple[Priority, list[TrendRow]]]


def trend_view(scorecard: Scorecard, last_year: Period, years: int = 3) -> TrendView:
    """Each indicator's last ``years`` outturns with the direction of travel between them.

    Only the years shown are read (for each kind of year the indicators count in), never the rest of their history:
    months and quarters of many years would otherwise be loaded and thrown away, and the page would slow as they
    are added."""
    priorities = list(scorecard.priorities.order_by("order", "code"))
    indicators = list(Indicator.objects.filter(priority__scorecard=scorecard).order_by("order", "code"))
    ids = [i.pk for i in indicators]
    shown = {
        year_type: trend_years(last_year.year_of_type(year_type), years)
        for year_type in {YearType(indicator.year_type) for indicator in indicators}
    }
    observations = _index(
        Observation.objects.filter(indicator_id__in=ids, period__in={p.code for ps in shown.values() for p in ps})
    )
    commentary = _index(
        Commentary.objects.filter(indicator_id__in=ids, period__in={ps[-1].code for ps in shown.values()})
    )
    by_priority: dict[int, list[TrendRow]] = defaultdict(list)
    for indicator in indicators:
        periods = shown[YearType(indicator.year_type)]
        own_last = periods[-1]
        figures = [_figure(indicator, observations.get((indicator.pk, p.code)), p) for p in periods]
        sides = [f.side if f is not None else Side(p, None) for f, p in zip(figures, periods, strict=True)]
        basis, tolerance = indicator.rating_basis, indicator.margin
        steps = [
            travel(later, earlier, basis=basis, tolerance=tolerance).direction
            for earlier, later in zip(sides, sides[1:], strict=False)
        ]
        summary = trend_summary(sides, basis=basis, tolerance=tolerance)
        found_commentary = commentary.get((indicator.pk, own_last.code))
        by_priority[indicator.priority_id].append(TrendRow(indicator, figures, steps, summary, found_commentary))
    year_periods = [last_year.shifted(step) for step in range(-(years - 1), 1)]
    return TrendView(scorecard, year_periods, [(p, by_priority[p.pk]) for p in priorities if by_priority[p.pk]])


def glossary_entries() -> QuerySet[GlossaryEntry]:
    return GlossaryEntry.objects.order_by("kind", "term")
