"""Reads for benchmarking: a published series' years, the figures for one year, the comparator group that
applies, and the whole comparison for a council (ranks, quartile band, significance, movement, bolding)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from oversight.benchmarks.ees import SYMBOLS
from oversight.benchmarks.importers import LAIT_SYMBOLS
from oversight.benchmarks.models import (
    IndicatorLink,
    LocalAuthority,
    Neighbour,
    NeighbourSet,
    PublishedSeries,
    PublishedValue,
    Reorganisation,
)
from oversight.core.benchmark import (
    PARTIAL,
    Band,
    Bold,
    GroupSummary,
    Movement,
    Rank,
    Verdict,
    funnel_limits,
    group_summary,
    is_bold,
    movement,
    national_rank_sentence,
    quartile_band,
    rank,
    significance_against,
    wilson_interval,
)
from oversight.core.periods import Period, YearType, parse_period, year_period
from oversight.core.rag import Polarity
from oversight.performance.models import Change, Indicator


def reason_text(symbol: str) -> str:
    """Why a figure is missing, in words: DfE's symbols as EES lists them, and LAIT's dash."""
    return SYMBOLS.get(symbol) or LAIT_SYMBOLS.get(symbol) or f"not published ('{symbol}')"


_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}


def _month_of(period: str) -> tuple[int, int] | None:
    """'June 2011' → (2011, 6)."""
    match = re.fullmatch(r"([A-Za-z]+) (\d{4})", period.strip())
    if match is None or match[1].lower() not in _MONTHS:
        return None
    return int(match[2]), _MONTHS[match[1].lower()]


def indicator_period(indicator: Indicator, period: str, year_end: int) -> Period:
    """The indicator's own period for a published one: a month goes to the financial quarter it ends
    (June 2011 → 2011-12 Q1) for a quarterly indicator; a year to the indicator's year ending in the same
    calendar year (CIN census '2025', year to 31 March 2025 → 2024-25; academic '202425' → AY2024-25)."""
    month = _month_of(period)
    year_type = YearType(indicator.year_type)
    if month is not None and indicator.frequency != Indicator.Frequency.ANNUAL and year_type is YearType.FINANCIAL:
        year, number = month
        start = year if number >= 4 else year - 1
        return parse_period(f"{start}-{(start + 1) % 100:02d}-Q{(number - 4) % 12 // 3 + 1}")
    if year_type is YearType.CALENDAR:
        return year_period(year_type, year_end)
    return year_period(year_type, year_end - 1)


@dataclass(frozen=True)
class PublishedYear:
    period: str  # as published
    year_end: int


_PREFERENCE = ("(final)", "(rev)")


def _preferred(periods: Sequence[str]) -> str:
    """Of the versions of one year, the revised or final one, else the plain one, else any."""
    for mark in _PREFERENCE:
        for period in periods:
            if mark in period.lower():
                return period
    plain = [period for period in periods if "(" not in period]
    return sorted(plain or periods)[0]


def published_years(series: PublishedSeries) -> list[PublishedYear]:
    """One published period per year, oldest first."""
    by_year: dict[int, list[str]] = {}
    rows = PublishedValue.objects.filter(series=series).order_by().values_list("year_end", "period").distinct()
    for year_end, period in rows:
        by_year.setdefault(year_end, []).append(period)
    return [PublishedYear(_preferred(periods), year) for year, periods in sorted(by_year.items())]


def _shifted(period: str, years: int) -> str:
    """'2024-25' → '2023-24', '2025' → '2024', 'June 2011' → 'June 2010' (for years = -1)."""

    def move(match: re.Match[str]) -> str:
        text = match[0]
        width = len(text)
        return f"{(int(text) + years) % 10**width:0{width}d}"

    return re.sub(r"\d{4}|(?<=[-/])\d{2}\b", move, period)


@dataclass
class YearFigures:
    year: PublishedYear
    england: PublishedValue | None
    regions: dict[str, PublishedValue]
    las: dict[str, PublishedValue]  # by LA number

    @property
    def la_values(self) -> dict[str, Decimal | None]:
        return {number: value.value for number, value in self.las.items()}


def year_figures(series: PublishedSeries, year: PublishedYear) -> YearFigures:
    england, regions, las = None, {}, {}
    for value in PublishedValue.objects.filter(series=series, period=year.period):
        if value.level == PublishedValue.Level.ENGLAND:
            england = value
        elif value.level == PublishedValue.Level.REGION:
            regions[value.place] = value
        else:
            las[value.place] = value
    return YearFigures(year, england, regions, las)


def previous_year(series: PublishedSeries, year: PublishedYear) -> PublishedYear | None:
    """The same period twelve months earlier: the same form shifted back a year, else any version of it."""
    shifted = _shifted(year.period, -1)
    if PublishedValue.objects.filter(series=series, period=shifted).exists():
        return PublishedYear(shifted, year.year_end - 1)
    periods = list(
        PublishedValue.objects.filter(series=series, year_end=year.year_end - 1)
        .order_by()
        .values_list("period", flat=True)
        .distinct()
    )
    return PublishedYear(_preferred(periods), year.year_end - 1) if periods else None


def neighbour_set_for(day: date) -> NeighbourSet | None:
    """The groupings in force on a day: the latest published by then, else the earliest there is."""
    found = NeighbourSet.objects.filter(published__lte=day).order_by("-published").first()
    return found or NeighbourSet.objects.order_by("published").first()


def _names(items: Sequence[str]) -> str:
    """'April 2021', 'April 2021 and May 2025', 'A, B and C'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def neighbour_set_note(day: date, period: str) -> str:
    """Which statistical-neighbour groupings a period's comparison uses, and why: the latest published by
    ``day`` (the period's end), or, when every grouping held was published after it, the earliest, said so."""
    held = list(NeighbourSet.objects.order_by("published"))
    if not held:
        return "No statistical-neighbour groupings are loaded, so there are no neighbours to compare with."
    used = neighbour_set_for(day)
    if used is None:  # there is a grouping, so neighbour_set_for finds one
        raise AssertionError("used is not None")
    names = _names([item.name for item in held])
    if used.published > day:
        return (
            f"The statistical-neighbour groupings held date from {names}, after this period ({period}): none was "
            f"in force then, so the earliest, {used.name}, is used."
        )
    return (
        f"The statistical neighbours are DfE's {used.name} groupings, the latest of those held ({names}) "
        f"published by {day:%-d %B %Y}."
    )


def neighbour_sets_described() -> list[tuple[NeighbourSet, str]]:
    """Each grouping held with the periods it is used for, as ``neighbour_set_for`` chooses: from its date
    until the next one's, and the earliest also for every period before it, for which none is held."""
    held = list(NeighbourSet.objects.order_by("published"))
    described = []
    for index, item in enumerate(held):
        after = held[index + 1] if index + 1 < len(held) else None
        until = f" until {after.published:%B %Y}" if after is not None else " on"
        text = f"used for periods ending from {item.published:%B %Y}{until}"
        if index == 0:
            text += ", and for every earlier period, as no older grouping is held"
        described.append((item, text))
    return described


def statistical_neighbours(authority: LocalAuthority, neighbour_set: NeighbourSet) -> list[LocalAuthority]:
    rows = Neighbour.objects.filter(neighbour_set=neighbour_set, authority=authority).select_related("neighbour")
    return [row.neighbour for row in rows.order_by("rank")]


def _period_end(year_end: int) -> date:
    return date(year_end, 3, 31)


def councils_on(day: date) -> dict[str, str]:
    """The English councils of a day, by LA number: those not yet ended, less those created after it."""
    started = dict(Reorganisation.objects.values_list("successor__number", "effective"))
    return {
        number: name
        for number, name, ended in LocalAuthority.objects.values_list("number", "name", "ended")
        if (ended is None or ended >= day) and started.get(number, day) <= day
    }


def group_members(link: IndicatorLink, year_end: int) -> list[LocalAuthority]:
    """The authorities a council is compared with: its chosen group, else DfE's neighbours for the year."""
    if link.comparator_group is not None:
        return list(link.comparator_group.members.order_by("name"))
    neighbour_set = neighbour_set_for(_period_end(year_end))
    return [] if neighbour_set is None else statistical_neighbours(link.authority, neighbour_set)


def group_name(link: IndicatorLink, year_end: int) -> str:
    if link.comparator_group is not None:
        return f"comparator group “{link.comparator_group.name}”"
    neighbour_set = neighbour_set_for(_period_end(year_end))
    return "statistical neighbours" + ("" if neighbour_set is None else f" ({neighbour_set.name} groupings)")


def link_group_note(link: IndicatorLink, year: PublishedYear) -> str:
    """Which grouping a linked indicator's comparison uses: its comparator group, or DfE's groupings of the year."""
    if link.comparator_group is not None:
        held = list(NeighbourSet.objects.order_by("published").values_list("name", flat=True))
        unused = f"; DfE's statistical-neighbour groupings ({_names(held)}) are not used" if held else ""
        return f"The comparator group “{link.comparator_group.name}” is chosen for this indicator{unused}."
    return neighbour_set_note(_period_end(year.year_end), year.period)


@dataclass(frozen=True)
class ComparatorRow:
    name: str
    kind: str  # council, region, england, neighbour
    value: Decimal | None
    text: str  # the value as shown, or the reason it is missing
    reason: str  # symbol, '' when there is a value
    change: Movement
    change_pct: Decimal | None  # relative change over twelve months, as DfE's tables print it
    verdict: Verdict | None
    bold: Bold
    numerator: Decimal | None = None
    denominator: Decimal | None = None

    @property
    def is_council(self) -> bool:
        return self.kind == "council"


@dataclass(frozen=True)
class FunnelPoint:
    name: str
    numerator: Decimal
    denominator: Decimal
    is_council: bool

    @property
    def percent(self) -> float:
        return float(self.numerator / self.denominator * 100)


@dataclass(frozen=True)
class Funnel:
    target_pct: float
    points: list[FunnelPoint]
    limits: list[tuple[int, float, float, float, float]]  # denominator, 95% low, high, 99.8% low, high (in %)
    outside_998: list[str]


@dataclass
class Comparison:
    series: PublishedSeries
    authority: LocalAuthority
    year: PublishedYear
    previous: PublishedYear | None
    polarity: Polarity
    members: list[LocalAuthority]
    group_label: str
    rows: list[ComparatorRow]
    summary: GroupSummary
    group_rank: Rank
    national_rank: Rank
    band: Band | None
    funnel: Funnel | None
    council_value: PublishedValue | None
    lineage: list[str] = field(default_factory=list)
    councils: int = 0  # English councils of the period
    missing: list[str] = field(default_factory=list)  # of those, the ones with no row in the figures
    group_note: str = ""  # which grouping the comparators come from, and why that one

    @property
    def complete(self) -> bool:
        """Whether every English council of the period is in the figures, so ranks are among all of them."""
        return not self.missing

    @property
    def council_row(self) -> ComparatorRow:
        return next(row for row in self.rows if row.is_council)

    @property
    def neighbour_rows(self) -> list[ComparatorRow]:
        return [row for row in self.rows if row.kind == "neighbour"]

    @property
    def england_row(self) -> ComparatorRow | None:
        return next((row for row in self.rows if row.kind == "england"), None)

    @property
    def rank_sentence(self) -> str:
        group = f"Among {self.authority.name} and its {self.group_label}: {self.group_rank.sentence}"
        nation = national_rank_sentence(self.national_rank, councils=self.councils, missing=self.missing)
        return f"{group} {nation}"

    @property
    def band_sentence(self) -> str:
        if self.band is None:
            return f"No quartile band: {self.authority.name} has no published figure for {self.year.period}."
        best = "highest" if self.polarity is Polarity.NEITHER else "best"
        among = "" if self.complete else f" of the {self.national_rank.ranked} {PARTIAL}"
        return (
            f"Quartile band {self.band.label}{among}: councils are split into four equal runs by rank, "
            f"A holding the {best} quarter."
        )


def change_text(row: ComparatorRow, indicator: Indicator | None) -> str:
    """A figure's change over twelve months as the comparator table words it: 'Up 0.4 points (+6.9%)'."""
    if row.change.change is None:
        return "No figure a year earlier" if row.value is not None else ""
    amount = abs(row.change.change)
    if row.change.change == 0:
        return "No change"
    unit = " points" if indicator is not None and indicator.unit == "percent" else ""
    shown = f"{amount:.1f}{unit}"
    word = "Up" if row.change.change > 0 else "Down"
    pct = f" ({row.change_pct:+.1f}%)" if row.change_pct is not None else ""
    return f"{word} {shown}{pct}"


def _percent(value: PublishedValue | None) -> tuple[int, int] | None:
    if value is None or value.numerator is None or value.denominator is None or value.denominator <= 0:
        return None
    numerator, denominator = int(value.numerator), int(value.denominator)
    return (numerator, denominator) if 0 <= numerator <= denominator else None


def _verdict(value: PublishedValue | None, england: PublishedValue | None, polarity: Polarity) -> Verdict | None:
    fraction = _percent(value)
    if fraction is None or england is None or england.value is None:
        return None
    interval = wilson_interval(*fraction).scaled(100)
    return significance_against(interval, england.value.normalize(), polarity)


def _change_pct(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / previous * 100


def _row(
    name: str,
    kind: str,
    value: PublishedValue | None,
    before: PublishedValue | None,
    england: PublishedValue | None,
    polarity: Polarity,
    show: ShowValue,
) -> ComparatorRow:
    current = value.value if value is not None else None
    previous = before.value if before is not None else None
    change = movement(current, previous, polarity)
    verdict = None if kind == "england" else _verdict(value, england, polarity)
    symbol = "" if value is None else value.reason
    text = show(current) if current is not None else reason_text(symbol if value is not None else "")
    return ComparatorRow(
        name, kind, current, text, symbol, change, _change_pct(current, previous), verdict,
        is_bold(verdict, change),
        value.numerator if value is not None else None, value.denominator if value is not None else None,
    )  # fmt: skip


class ShowValue:
    """Formats a figure in the indicator's unit, or plainly when the series is not linked to one."""

    def __init__(self, indicator: Indicator | None, places: int = 1) -> None:
        self.indicator = indicator
        self.places = places

    def __call__(self, value: Decimal | None) -> str:
        if value is None:
            return ""
        if self.indicator is not None:
            return self.indicator.show(value)
        return f"{value.quantize(Decimal(1).scaleb(-self.places)).normalize():f}"


def _funnel(figures: YearFigures, authority: LocalAuthority, names: dict[str, str]) -> Funnel | None:
    england = _percent(figures.england)
    target = (
        england[0] / england[1]
        if england
        else (float(figures.england.value) / 100 if figures.england and figures.england.value is not None else None)
    )
    points = []
    for number, value in figures.las.items():
        fraction = _percent(value)
        if fraction is not None and fraction[1] > 0:
            points.append(
                FunnelPoint(names.get(number, number), Decimal(fraction[0]), Decimal(fraction[1]),
                            number == authority.number)
            )  # fmt: skip
    if target is None or len(points) < 10:
        return None
    low, high = min(int(p.denominator) for p in points), max(int(p.denominator) for p in points)
    steps = 40
    denominators = sorted({max(1, round(low * (high / low) ** (i / steps))) for i in range(steps + 1)})
    limits = [
        (
            item.denominator,
            item.limits[0.95][0] * 100,
            item.limits[0.95][1] * 100,
            item.limits[0.998][0] * 100,
            item.limits[0.998][1] * 100,
        )
        for item in funnel_limits(denominators, target)
    ]
    outside = []
    for point, item in zip(points, funnel_limits([int(p.denominator) for p in points], target), strict=True):
        lower, upper = item.limits[0.998]
        if not lower * 100 <= point.percent <= upper * 100:
            outside.append(point.name)
    return Funnel(target * 100, sorted(points, key=lambda p: p.denominator), limits, sorted(outside))


def comparison(
    series: PublishedSeries,
    authority: LocalAuthority,
    year: PublishedYear,
    *,
    polarity: Polarity,
    members: Sequence[LocalAuthority],
    group_label: str,
    show: ShowValue,
    group_note: str = "",
) -> Comparison:
    """Everything the benchmark page and the compare command show for one council, published series and year."""
    figures = year_figures(series, year)
    previous = previous_year(series, year)
    before = year_figures(series, previous) if previous is not None else YearFigures(year, None, {}, {})
    names = dict(LocalAuthority.objects.values_list("number", "name"))
    england = figures.england
    council_value = figures.las.get(authority.number)
    rows = [_row(authority.name, "council", council_value, before.las.get(authority.number), england, polarity, show)]
    region = authority.region
    if region is not None:
        rows.append(
            _row(region.name, "region", figures.regions.get(region.code), before.regions.get(region.code), england,
                 polarity, show)
        )  # fmt: skip
    rows.append(_row("England", "england", england, before.england, england, polarity, show))
    for member in members:
        rows.append(
            _row(member.name, "neighbour", figures.las.get(member.number), before.las.get(member.number), england,
                 polarity, show)
        )  # fmt: skip
    group = {member.number: figures.la_values.get(member.number) for member in members}
    group[authority.number] = council_value.value if council_value is not None else None
    national = {number: value.value for number, value in figures.las.items()}
    councils = councils_on(_period_end(year.year_end))
    missing = sorted(name for number, name in councils.items() if number not in figures.las)
    lineage = [
        f"{item.predecessor.name} was replaced on {item.effective:%-d %B %Y}; its figures before then are "
        f"published under its own name, not {authority.name}'s."
        for item in Reorganisation.objects.filter(successor=authority).select_related("predecessor")
    ]
    return Comparison(
        series=series,
        authority=authority,
        year=year,
        previous=previous,
        polarity=polarity,
        members=list(members),
        group_label=group_label,
        rows=rows,
        summary=group_summary(figures.la_values, [member.number for member in members]),
        group_rank=rank(group, authority.number, polarity),
        national_rank=rank(national, authority.number, polarity, of_what=PARTIAL if missing else ""),
        band=quartile_band(national, authority.number, polarity),
        funnel=_funnel(figures, authority, names),
        council_value=council_value,
        lineage=lineage,
        councils=len(councils),
        missing=missing,
        group_note=group_note,
    )  # fmt: skip


def _links() -> QuerySet[IndicatorLink]:
    return IndicatorLink.objects.select_related("series", "authority__region", "comparator_group")


def link_for(indicator: Indicator) -> IndicatorLink | None:
    return _links().filter(indicator=indicator).first()


def links_for(indicators: Sequence[Indicator]) -> dict[int, IndicatorLink]:
    """The links of ``indicators`` by indicator id, in one query (an indicator without one is left out)."""
    return {link.indicator_id: link for link in _links().filter(indicator__in=[i.pk for i in indicators])}


def link_changes(indicator: Indicator) -> list[Change]:
    """Who linked the indicator to a published series, or unlinked it, and when: newest first."""
    return list(Change.objects.filter(indicator=indicator, entity="benchmark").order_by("-changed_at", "-id")[:20])


def series_all() -> QuerySet[PublishedSeries]:
    return PublishedSeries.objects.order_by("code")


def authority_by_code(code: str) -> LocalAuthority | None:
    """An authority by LA number, current or former ONS code, or name."""
    text = code.strip()
    found = LocalAuthority.objects.filter(number=text).first() or LocalAuthority.objects.filter(code=text).first()
    if found is None:
        found = LocalAuthority.objects.filter(codes__code=text).first()
    return found or LocalAuthority.objects.filter(name__iexact=text).first()


@dataclass(frozen=True)
class SeriesPoint:
    year: PublishedYear
    value: PublishedValue | None
    name: str  # the authority the figure was published for (a predecessor's name before a reorganisation)


def authority_series(series: PublishedSeries, authority: LocalAuthority) -> list[SeriesPoint]:
    """An authority's figures over the years. Because figures are held by LA number, a change of ONS code
    does not break the series; before a reorganisation the predecessor's figures stand in, named as such."""
    years = published_years(series)
    predecessors = list(Reorganisation.objects.filter(successor=authority).select_related("predecessor"))
    places = [authority.number] + [item.predecessor.number for item in predecessors]
    values = {
        (value.period, value.place): value for value in PublishedValue.objects.filter(series=series, place__in=places)
    }
    points = []
    for year in years:
        own = values.get((year.period, authority.number))
        if own is None:
            for item in predecessors:
                if year.year_end <= item.effective.year and (year.period, item.predecessor.number) in values:
                    points.append(SeriesPoint(year, values[(year.period, item.predecessor.number)],
                                              item.predecessor.name))  # fmt: skip
                    break
            else:
                points.append(SeriesPoint(year, None, authority.name))
        else:
            points.append(SeriesPoint(year, own, authority.name))
    return points


def indicator_comparison(
    indicator: Indicator, link: IndicatorLink, year: PublishedYear, *, authority: LocalAuthority | None = None
) -> Comparison:
    """The comparison for a linked indicator, in its polarity and units, for the linked council or another."""
    council = authority or link.authority
    note = link_group_note(link, year)
    if council == link.authority or link.comparator_group is not None:
        members = [member for member in group_members(link, year.year_end) if member != council]
    else:
        neighbour_set = neighbour_set_for(_period_end(year.year_end))
        members = [] if neighbour_set is None else statistical_neighbours(council, neighbour_set)
        note = neighbour_set_note(_period_end(year.year_end), year.period)
    return comparison(
        link.series,
        council,
        year,
        polarity=Polarity(indicator.polarity),
        members=members,
        group_label=group_name(link, year.year_end),
        show=ShowValue(indicator),
        group_note=note,
    )
