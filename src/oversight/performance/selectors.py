"""Reads for the scorecard pages and exports. Each selector runs a fixed number of queries, whatever the size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from oversight.core.comparison import Position, Standing, compare
from oversight.core.periods import Period, PeriodKind, YearType, parse_period
from oversight.core.rag import RagResult, Rating, rag_rate
from oversight.core.rating import Outturn, target_choose
from oversight.core.trends import Direction, Travel, travel, trend
from oversight.core.units import Unit
from oversight.performance.models import (
    Change,
    Commentary,
    ComparatorValue,
    GlossaryEntry,
    Indicator,
    Observation,
    Priority,
    Scorecard,
    Target,
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

    @property
    def status_label(self) -> str:
        return "provisional" if self.provisional else "validated"


@dataclass(frozen=True)
class TargetFigure:
    period: Period
    value: Decimal | None
    text: str
    note: str = ""


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
        """'SN 58.8% — better', as the scorecard's comparator column shows it."""
        if self.value is None:
            return f"{self.name}: {self.note}".strip(": ") if self.note else self.name
        if self.standing.position is Position.UNKNOWN:
            return f"{self.name} {self.text}"
        return f"{self.name} {self.text} — {self.standing.position.label}"


@dataclass
class ScorecardRow:
    indicator: Indicator
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
        return "; ".join(c.summary for c in self.comparators)


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


def _figure(indicator: Indicator, observation: Observation | None, period: Period) -> Figure | None:
    if observation is None:
        return None
    text = indicator.show(observation.value) if observation.value is not None else (observation.note or "–")
    cohort, minimum = observation.cohort, indicator.minimum_cohort
    small = cohort is not None and minimum is not None and cohort < minimum
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
    )


def _target(indicator: Indicator, target: Target | None, period: Period) -> TargetFigure | None:
    if target is None:
        return None
    text = indicator.show(target.value) if target.value is not None else target.note
    return TargetFigure(period, target.value, text, target.note if target.value is not None else "")


def annual_target_applies_to_periods(indicator: Indicator) -> bool:
    """A year's target can judge a quarter unless the indicator counts events over the year.

    A percentage or rate is on the same footing in a quarter as in the year; 49 first-time entrants in
    Q1 cannot be judged against 198 for the year.
    """
    return not (indicator.unit == Unit.COUNT and indicator.aggregation != Indicator.Aggregation.SNAPSHOT)


def scorecards_all() -> QuerySet[Scorecard]:
    return Scorecard.objects.order_by("id")


def scorecard_periods(scorecard: Scorecard) -> list[Period]:
    """The periods with any value on this scorecard, newest first: what the period picker offers."""
    codes = (
        Observation.objects.filter(indicator__priority__scorecard=scorecard)
        .order_by()
        .values_list("period", flat=True)
        .distinct()
    )
    return sorted({parse_period(code) for code in codes}, key=lambda p: (p.start, -p.end.toordinal()), reverse=True)


PeriodRow = TypeVar("PeriodRow", Observation, Target, Commentary)
Index = dict[tuple[int, str], PeriodRow]


def _index(rows: QuerySet[PeriodRow]) -> Index[PeriodRow]:
    """Rows by (indicator id, period code), so assembling a page looks them up instead of querying."""
    return {(row.indicator_id, row.period): row for row in rows}


def scorecard_view(scorecard: Scorecard, period: Period) -> ScorecardView:
    """Every row of a scorecard for one period, rated, compared and explained, in six queries."""
    priorities = list(scorecard.priorities.order_by("order", "code"))
    indicators = list(
        Indicator.objects.filter(priority__scorecard=scorecard)
        .select_related("priority")
        .order_by("priority__order", "order", "code")
    )
    ids = [indicator.pk for indicator in indicators]
    observations = _index(Observation.objects.filter(indicator_id__in=ids))
    targets = _index(Target.objects.filter(indicator_id__in=ids))
    commentary = _index(Commentary.objects.filter(indicator_id__in=ids))
    comparators: dict[int, list[ComparatorValue]] = defaultdict(list)
    for comparator in ComparatorValue.objects.filter(indicator_id__in=ids).order_by("period_start"):
        comparators[comparator.indicator_id].append(comparator)
    groups = {priority.pk: PriorityGroup(priority) for priority in priorities}
    for indicator in indicators:
        row = _row(indicator, period, observations, targets, commentary, comparators[indicator.pk])
        groups[indicator.priority_id].rows.append(row)
    return ScorecardView(scorecard, period, [group for group in groups.values() if group.rows])


def _row(
    indicator: Indicator,
    period: Period,
    observations: Index[Observation],
    targets: Index[Target],
    commentary: Index[Commentary],
    comparators: list[ComparatorValue],
) -> ScorecardRow:
    def observed(p: Period) -> Figure | None:
        found = observations.get((indicator.pk, p.code))
        return _figure(indicator, found, p)

    def targeted(p: Period) -> TargetFigure | None:
        found = targets.get((indicator.pk, p.code))
        return _target(indicator, found, p)

    basis = indicator.rating_basis
    year = period.year_of_type(YearType(indicator.year_type))
    outturn_years = [year.shifted(-2), year.shifted(-1)]
    outturns = [observed(p) for p in outturn_years]
    annual_target = targeted(year)
    is_quarter_view = period.kind is not PeriodKind.FINANCIAL_YEAR and not period.is_year
    annual_measure = indicator.frequency == Indicator.Frequency.ANNUAL
    actual_period = year if (period.is_year or annual_measure) else period
    actual = observed(actual_period) if not (annual_measure and is_quarter_view) else None
    period_target = targeted(period) if is_quarter_view and not annual_measure else None

    def value_of(figure: Figure | None) -> Decimal | None:
        return figure.value if figure is not None else None

    small_cohort = actual is not None and actual.small_cohort
    latest = next((f for f in reversed(outturns) if f is not None and f.value is not None), None)
    rag = target_choose(
        basis,
        actual,
        period_target=period_target,
        annual_target=annual_target,
        over_year=actual_period == year,
        annual_target_applies=annual_target_applies_to_periods(indicator),
        annual_in_quarter=annual_measure and is_quarter_view,
        latest=Outturn(latest.text, latest.period.short_label) if latest else None,
        period_label=period.short_label,
        year_label=year.short_label,
    ).rag

    places = indicator.decimal_places
    unit = Unit(indicator.unit)
    polarity = basis.polarity
    if annual_measure and is_quarter_view:
        earlier, later = outturns
        versus_previous = travel(
            value_of(later), value_of(earlier), polarity=polarity, unit=unit, places=places,
            earlier_label=outturn_years[0].short_label, current_label=outturn_years[1].short_label,
        )  # fmt: skip
        if later is None or later.value is None:
            versus_previous = Travel(Direction.NOT_COMPARABLE, "No outturn yet for the latest year.")
        versus_last_year = versus_previous
    else:
        previous_period = actual_period.previous()
        before = observed(previous_period)
        label = previous_period.short_label
        if (before is None or before.value is None) and is_quarter_view and annual_target_applies_to_periods(indicator):
            before, label = outturns[1], f"{outturn_years[1].short_label} (last year's outturn)"
        versus_previous = travel(
            value_of(actual),
            value_of(before),
            polarity=polarity,
            unit=unit,
            places=places,
            earlier_label=label,
        )
        last_year = actual_period.same_period_last_year()
        versus_last_year = travel(
            value_of(actual), value_of(observed(last_year)), polarity=polarity, unit=unit, places=places,
            earlier_label=last_year.short_label,
        )  # fmt: skip

    found_commentary = commentary.get((indicator.pk, period.code)) or commentary.get((indicator.pk, year.code))
    return ScorecardRow(
        indicator=indicator,
        year=year,
        outturns=outturns,
        outturn_years=outturn_years,
        annual_target=annual_target,
        period_target=period_target,
        actual=actual,
        rag=rag,
        versus_previous=versus_previous,
        versus_last_year=versus_last_year,
        comparators=_latest_comparators(indicator, comparators, year, observations),
        commentary=found_commentary,
        small_cohort=small_cohort,
        due=not (annual_measure and is_quarter_view),
    )


def _latest_comparators(
    indicator: Indicator,
    comparators: list[ComparatorValue],
    year: Period,
    observations: Index[Observation],
) -> list[ComparatorFigure]:
    """For each comparator, its most recent figure up to the scorecard's year, set against our own figure."""
    latest: dict[tuple[str, str], ComparatorValue] = {}
    for comparator in comparators:  # oldest first, so later periods overwrite earlier ones
        if comparator.period_start <= year.start:
            latest[(comparator.kind, comparator.label)] = comparator
    return [_comparator_figure(indicator, c, observations) for c in latest.values()]


def _comparator_figure(
    indicator: Indicator, comparator: ComparatorValue, observations: Index[Observation]
) -> ComparatorFigure:
    own = observations.get((indicator.pk, comparator.period))
    own_value = own.value if own is not None else None
    period = parse_period(comparator.period)
    standing = compare(
        own_value,
        comparator.value,
        polarity=indicator.rating_basis.polarity,
        unit=Unit(indicator.unit),
        places=indicator.decimal_places,
        comparator_name=f"{comparator.name} ({period.short_label})",
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


@dataclass
class HistoryRow:
    period: Period
    actual: Figure | None
    target: TargetFigure | None
    comparators: list[ComparatorFigure]
    rag: RagResult


@dataclass
class IndicatorDetail:
    indicator: Indicator
    history: dict[str, list[HistoryRow]]  # 'Years' / 'Quarters' / 'Months' → rows, oldest first
    commentary: list[Commentary]
    changes: list[Change]
    comparator_names: list[str]


_HISTORY_GROUP = {
    PeriodKind.FINANCIAL_YEAR: "Years",
    PeriodKind.ACADEMIC_YEAR: "Years",
    PeriodKind.CALENDAR_YEAR: "Years",
    PeriodKind.FINANCIAL_QUARTER: "Quarters",
    PeriodKind.MONTH: "Months",
    PeriodKind.ROLLING: "Rolling periods",
}


def indicator_detail(code: str) -> IndicatorDetail:
    indicator = get_object_or_404(Indicator.objects.select_related("priority__scorecard"), code=code)
    observations = _index(indicator.observation_set.all())
    targets = {t.period: t for t in indicator.target_set.all()}
    comparators: dict[str, list[ComparatorValue]] = defaultdict(list)
    for comparator in indicator.comparatorvalue_set.all():
        comparators[comparator.period].append(comparator)
    codes = {code for _, code in observations} | set(targets) | set(comparators)
    periods = sorted((parse_period(c) for c in codes), key=lambda p: (p.start, p.end))
    history: dict[str, list[HistoryRow]] = defaultdict(list)
    basis = indicator.rating_basis
    for period in periods:
        found = observations.get((indicator.pk, period.code))
        actual = _figure(indicator, found, period)
        target = _target(indicator, targets.get(period.code), period)
        rag = rag_rate(
            basis,
            actual.value if actual else None,
            target.value if target else None,
            cohort=actual.cohort if actual else None,
        )
        figures = [_comparator_figure(indicator, c, observations) for c in comparators[period.code]]
        history[_HISTORY_GROUP[period.kind]].append(HistoryRow(period, actual, target, figures, rag))
    names = sorted({c.name for rows in comparators.values() for c in rows})
    return IndicatorDetail(
        indicator=indicator,
        history=dict(history),
        commentary=sorted(indicator.commentary_set.all(), key=lambda c: c.period_start, reverse=True),
        changes=list(indicator.changes.all()[:200]),
        comparator_names=names,
    )


# The three-year trend view (Appendix B) ----------------------------------------------------------


@dataclass
class TrendRow:
    indicator: Indicator
    figures: list[Figure | None]
    directions: list[Direction]
    commentary: Commentary | None

    @property
    def overall(self) -> Direction:
        values = [f.value for f in self.figures if f is not None and f.value is not None]
        if len(values) < 2 or self.figures[-1] is None or self.figures[-1].value is None:
            return Direction.NOT_COMPARABLE
        return trend([values[0], values[-1]], self.indicator.rating_basis.polarity)[0]


@dataclass
class TrendView:
    scorecard: Scorecard
    years: list[Period]
    groups: list[tuple[Priority, list[TrendRow]]]


def trend_view(scorecard: Scorecard, last_year: Period, years: int = 3) -> TrendView:
    """Each indicator's last ``years`` outturns with the direction of travel between them."""
    priorities = list(scorecard.priorities.order_by("order", "code"))
    indicators = list(Indicator.objects.filter(priority__scorecard=scorecard).order_by("order", "code"))
    ids = [i.pk for i in indicators]
    observations = _index(Observation.objects.filter(indicator_id__in=ids))
    commentary = _index(Commentary.objects.filter(indicator_id__in=ids))
    by_priority: dict[int, list[TrendRow]] = defaultdict(list)
    for indicator in indicators:
        own_last = last_year.year_of_type(YearType(indicator.year_type))
        periods = [own_last.shifted(step) for step in range(-(years - 1), 1)]
        figures = []
        for p in periods:
            found = observations.get((indicator.pk, p.code))
            figures.append(_figure(indicator, found, p))
        values = [f.value if f else None for f in figures]
        found_commentary = commentary.get((indicator.pk, own_last.code))
        by_priority[indicator.priority_id].append(
            TrendRow(indicator, figures, trend(values, indicator.rating_basis.polarity), found_commentary)
        )
    year_periods = [last_year.shifted(step) for step in range(-(years - 1), 1)]
    return TrendView(scorecard, year_periods, [(p, by_priority[p.pk]) for p in priorities if by_priority[p.pk]])


def glossary_entries() -> QuerySet[GlossaryEntry]:
    return GlossaryEntry.objects.order_by("kind", "term")
