"""What the casework pages read: the measure catalogue, the records behind a computed figure, and the data-quality
issues kept with the loaded returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from oversight.casework.engine import (
    RETURNS,
    MeasureCard,
    MeasureRecord,
    MeasureResult,
    RecordPart,
    measure_card,
    measure_compute,
    measure_councils,
    measure_id_from_source,
    measure_records,
    measure_window,
    not_loaded_error,
)
from oversight.casework.issues import CaseworkError
from oversight.casework.store import QUALITY_RULES, CaseworkStore, QualityIssue
from oversight.casework.watch import WatchCard, WatchList, watch_as_at, watch_card, watch_compute, watch_councils
from oversight.core.councils import CouncilScope
from oversight.core.periods import Period, PeriodError, parse_period
from oversight.core.units import Unit, format_value
from oversight.performance.models import Indicator, Observation

RECORDS_PER_PAGE = 50


def casework_store_path() -> Path:
    return Path(settings.OVERSIGHT_CASEWORK_STORE)


def casework_store() -> CaseworkStore:
    """The deployment's store, opened for reading (the CLI writes it; pages never do)."""
    return CaseworkStore(casework_store_path(), read_only=True)


@dataclass(frozen=True)
class RecordsView:
    """One page of the records behind a council's figure for a period, and the figure itself."""

    card: MeasureCard
    period: Period
    la: str
    to_date: bool
    result: MeasureResult
    part: RecordPart
    records: list[MeasureRecord]
    total: int  # records in this part, on every page
    page: int
    pages: int

    @property
    def figure(self) -> str:
        value = self.result.value
        if value is None:
            return f"no figure ({self.result.no_value_reason})"
        return format_value(value, self.card.unit, self.card.decimal_places)

    @property
    def denominator(self) -> str:
        """The denominator as a page writes it: 81,832."""
        return "" if self.result.denominator is None else f"{self.result.denominator:,}"

    @property
    def first(self) -> int:
        return (self.page - 1) * RECORDS_PER_PAGE + 1 if self.records else 0

    @property
    def last(self) -> int:
        return self.first + len(self.records) - 1 if self.records else 0

    @property
    def parts(self) -> list[tuple[RecordPart, str, int]]:
        """The lists a reader can switch between: (part, label, records)."""
        if not self.card.counts_denominator:  # a count, or a rate of a population the records do not hold
            return [("numerator", "Records counted", self.result.records_in("numerator"))]
        if self.card.unit is Unit.DAYS:  # every record is in both; the numerator is their days
            return [("denominator", "Records averaged", self.result.records_in("denominator"))]
        parts: list[tuple[RecordPart, str, int]] = [
            ("denominator", "In the denominator", self.result.records_in("denominator")),
            ("numerator", "In the numerator", self.result.records_in("numerator")),
        ]
        if self.result.left_out:  # records the rule looked at and left out, such as children with no distance known
            parts.append(("left_out", "Left out of the denominator", self.result.left_out))
        return parts


@dataclass(frozen=True)
class CouncilChoice:
    """More than one council is loaded and none was named: the councils to choose from."""

    card: MeasureCard
    period: Period
    councils: tuple[str, ...]


def _page_number(text: str | None) -> int:
    try:
        return max(1, int(text or "1"))
    except ValueError:
        return 1


def records_view(
    measure_id: str,
    period_code: str,
    *,
    la: str | None = None,
    to_date: bool | None = None,
    part: str | None = None,
    page: str | None = None,
    scope: CouncilScope,
) -> RecordsView | CouncilChoice:
    """The records behind a figure, of a council in ``scope`` only. Without ``la`` (and ``to_date``), those of the
    latest figure computed for the measure and period, else the only council loaded; with several councils and no
    figure, the choice. A council outside ``scope`` is answered as one not loaded."""
    card = measure_card(measure_id)
    try:
        period = parse_period(period_code)
    except PeriodError as error:
        raise CaseworkError(str(error)) from None
    # A count or a rate of a population lists its numerator's records; a mean, the records it averages.
    wanted: RecordPart = "denominator"
    if not card.counts_denominator or (card.unit is not Unit.DAYS and part == "numerator"):
        wanted = "numerator"
    elif card.unit is not Unit.DAYS and part == "left_out":
        wanted = "left_out"
    with casework_store() as store:
        if la is None:
            latest = store.run_latest(card.id, period.code)
            if latest is not None and scope.allows(latest[0]):
                la = latest[0]
                if to_date is None:
                    to_date = latest[1] != period.start and latest[1] == measure_window(period, to_date=True)[0]
            else:
                councils = tuple(council for council in measure_councils(store, card) if scope.allows(council))
                if len(councils) != 1:
                    return CouncilChoice(card, period, councils)
                la = councils[0]
        elif not scope.allows(la):
            raise not_loaded_error(card, la)
        to_date = bool(to_date)
        results = measure_compute(store, card, period, la=la, to_date=to_date)
        if not results:
            raise not_loaded_error(card, la)
        [result] = results
        total = result.records_in(wanted)
        pages = max(1, -(-total // RECORDS_PER_PAGE))
        number = min(_page_number(page), pages)
        found = measure_records(
            store,
            card,
            period,
            la=la,
            to_date=to_date,
            part=wanted,
            limit=RECORDS_PER_PAGE,
            offset=(number - 1) * RECORDS_PER_PAGE,
        )
    return RecordsView(card, period, la, to_date, result, wanted, found.records, found.total, number, pages)


# Data quality ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QualityRule:
    """One data-quality rule's issues in one council's return: the rule, what it means, how many."""

    rule: str
    explanation: str
    count: int


@dataclass(frozen=True)
class ReturnQuality:
    name: str  # 'SSDA903', 'CIN census', 'Annex A'
    rules: list[QualityRule]

    @property
    def total(self) -> int:
        return sum(rule.count for rule in self.rules)


@dataclass(frozen=True)
class CouncilQuality:
    la: str
    returns: list[ReturnQuality]

    @property
    def total(self) -> int:
        return sum(part.total for part in self.returns)


def quality_councils(scope: CouncilScope) -> list[CouncilQuality]:
    """The issues kept with the loaded returns of the councils in ``scope``, by council, return and rule, most
    frequent rule first."""
    if not casework_store_path().exists():
        return []
    with casework_store() as store:
        summary = store.quality_summary()
    counts: dict[str, dict[str, dict[str, int]]] = {}
    for la, table, rule, count in summary:
        if not scope.allows(la):
            continue
        by_rule = counts.setdefault(la, {}).setdefault(RETURNS.get(table, table), {})
        by_rule[rule] = by_rule.get(rule, 0) + count
    return [
        CouncilQuality(
            la,
            [
                ReturnQuality(
                    name,
                    sorted(
                        (QualityRule(rule, QUALITY_RULES.get(rule, rule), count) for rule, count in rules.items()),
                        key=lambda r: (-r.count, r.rule),
                    ),
                )  # fmt: skip
                for name, rules in sorted(returns.items())
            ],
        )
        for la, returns in sorted(counts.items())
    ]


@dataclass(frozen=True)
class QualityRecordsView:
    """One page of the issues a rule found in a council's returns, each with its file, row and field."""

    la: str
    rule: QualityRule
    issues: list[QualityIssue]
    page: int
    pages: int

    @property
    def first(self) -> int:
        return (self.page - 1) * RECORDS_PER_PAGE + 1

    @property
    def last(self) -> int:
        return self.first + len(self.issues) - 1


def quality_records(la: str, rule: str, page: str | None, *, scope: CouncilScope) -> QualityRecordsView:
    """The issues of one rule in one council's returns, a page at a time; CaseworkError if there are none, or if the
    council is outside ``scope``."""
    with casework_store() as store:
        count = store.quality_counts([la]).get(rule, 0) if scope.allows(la) else 0
        if not count:
            raise CaseworkError(f"no data-quality issues of the rule '{rule}' are kept for the council '{la}'")
        pages = -(-count // RECORDS_PER_PAGE)
        number = min(max(int(page), 1), pages) if page and page.isdigit() else 1
        issues = store.quality_issues(la, rule=rule, limit=RECORDS_PER_PAGE, offset=(number - 1) * RECORDS_PER_PAGE)
    return QualityRecordsView(la, QualityRule(rule, QUALITY_RULES.get(rule, rule), count), issues, number, pages)


# Early warnings ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WatchLine:
    """A council's watch list as a count in a sentence, for every reader: no record, no pseudonym."""

    measure: str
    title: str
    la: str
    as_at: date
    sentence: str
    count: int


def _line(found: WatchList) -> WatchLine:
    return WatchLine(found.card.id, found.watch.title, found.la, found.as_at, found.sentence(), found.count)


# Watch lines by store file, store state, measure and day: the counts on a measure's page are worked out once for the
# rows as they stand, and again only once a load has changed them (``CaseworkStore.state``) or the day has moved on.
_WATCH_LINES: dict[tuple[object, ...], list[WatchLine]] = {}
_WATCH_LINES_KEPT = 64


def watch_lines(measure_id: str) -> list[WatchLine]:
    """The count on a measure's watch list for each council it reports on, as at the default day (``watch_as_at``);
    none when the measure declares no list or no store is there."""
    card = measure_card(measure_id)
    if watch_card(card.id) is None or not casework_store_path().exists():
        return []
    today = timezone.localdate()
    with casework_store() as store:
        key = (str(store.path), store.state(), card.label, today)
        lines = _WATCH_LINES.get(key)
        if lines is None:
            lines = [_line(watch_compute(store, card, la=la, today=today)) for la in watch_councils(store, card)]
            if len(_WATCH_LINES) >= _WATCH_LINES_KEPT:
                _WATCH_LINES.clear()
            _WATCH_LINES[key] = lines
        return list(lines)


def indicator_watch_line(indicator: Indicator) -> WatchLine | None:
    """The watch line of the measure an indicator's latest computed figure came from, for the council it was computed
    for, as at the end of that figure's period (or the default day, if earlier); None when there is none."""
    if not casework_store_path().exists():
        return None
    for observation in Observation.objects.filter(indicator=indicator).order_by("-period_start"):
        measure = measure_id_from_source(observation.source)
        if measure is None:
            continue
        if watch_card(measure) is None:
            return None
        card, period = measure_card(measure), parse_period(observation.period)
        today = timezone.localdate()
        with casework_store() as store:
            latest = store.run_latest(card.id, period.code)
            councils = watch_councils(store, card)
            la = latest[0] if latest is not None else (councils[0] if len(councils) == 1 else None)
            if la is None or la not in councils:
                return None
            as_at = min(period.end, watch_as_at(store, card, la, today=today))
            return _line(watch_compute(store, card, la=la, today=today, as_at=as_at))
    return None


@dataclass(frozen=True)
class WatchView:
    """A council's watch list, record by record, for users with case-level access."""

    card: MeasureCard
    watch: WatchCard
    found: WatchList
    councils: tuple[str, ...]  # the councils it can be drawn up for, to choose between


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CaseworkError(f"'{text}' is not a date: write it as year, month and day, such as 2011-06-30") from None


def watch_view(measure_id: str, *, la: str | None = None, as_at: str | None = None, scope: CouncilScope) -> WatchView:
    """A measure's watch list for a council in ``scope`` (the first, or ``la``) as at a day (``as_at``, YYYY-MM-DD,
    or the default day). A council outside ``scope`` is answered as one not loaded."""
    card = measure_card(measure_id)
    watch = watch_card(card.id)
    if watch is None:
        raise CaseworkError(f"measure {card.id} declares no watch list")
    day = _day(as_at) if as_at else None
    with casework_store() as store:
        councils = tuple(council for council in watch_councils(store, card) if scope.allows(council))
        if la is None:
            if not councils:
                raise CaseworkError(f"no council has the {' and the '.join(card.returns)} loaded")
            la = councils[0]
        elif not scope.allows(la):
            raise not_loaded_error(card, la)
        found = watch_compute(store, card, la=la, today=timezone.localdate(), as_at=day)
    return WatchView(card, watch, found, councils)
