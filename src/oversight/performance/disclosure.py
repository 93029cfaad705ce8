"""Disclosure control for published exports: what a scorecard row may show outside the council."""

from __future__ import annotations

from dataclasses import dataclass, replace

from oversight.core.comparison import Position, Standing
from oversight.core.rag import RagResult, Rating
from oversight.core.suppression import DEFAULT_THRESHOLD, SUPPRESSED, legend, suppress_rate
from oversight.core.trends import Direction, Travel, TrendSummary
from oversight.core.units import Unit
from oversight.performance.selectors import Figure, ScorecardRow, ScorecardView, TrendRow, TrendView

WITHHELD = f"Not shown: {legend(DEFAULT_THRESHOLD)}"


@dataclass(frozen=True)
class Verdict:
    suppressed: bool
    text: str


def figure_for_publication(
    row: ScorecardRow | TrendRow, figure: Figure | None, threshold: int = DEFAULT_THRESHOLD
) -> Verdict:
    """A value is withheld when it is a count from 1 to the threshold, when its cohort is that small, or when it
    is a percentage or rate whose numerator, denominator or other group is (see core.suppression)."""
    if figure is None or figure.value is None:
        return Verdict(False, figure.text if figure else "")
    small = range(1, threshold + 1)
    unit = Unit(row.indicator.unit)
    if unit is Unit.COUNT and figure.value == figure.value.to_integral_value() and int(figure.value) in small:
        return Verdict(True, SUPPRESSED)
    if figure.cohort is not None and figure.cohort in small:
        return Verdict(True, SUPPRESSED)
    numerator, denominator = figure.numerator, figure.denominator
    if numerator is not None and denominator is not None and denominator >= 1:
        rate = suppress_rate(int(numerator), int(denominator), threshold=threshold)
        if rate.figure.is_suppressed:
            return Verdict(True, SUPPRESSED)
    return Verdict(False, figure.text)


@dataclass(frozen=True)
class PublishedView:
    """A scorecard as it may be published: small numbers and everything that would repeat them withheld, with a
    list of what was withheld so the file can say so."""

    view: ScorecardView
    withheld: list[str]  # 'CP-2YRS-PLUS, 2011-12 Q1: 0 of 32 …' — which figures, in words, without the figure


def _withheld(figure: Figure) -> Figure:
    return replace(figure, value=None, text=SUPPRESSED, note="", numerator=None, denominator=None, cohort=None,
                   caution="", small_cohort=False)  # fmt: skip


def _published_figures(
    row: ScorecardRow | TrendRow, figures: list[Figure | None], withheld: list[str]
) -> list[Figure | None]:
    """The row's figures with each that could identify a child withheld, noting which in ``withheld``."""
    shown: list[Figure | None] = []
    for figure in figures:
        if figure is not None and figure_for_publication(row, figure).suppressed:
            withheld.append(f"{row.indicator.code}, {figure.period.short_label}")
            shown.append(_withheld(figure))
        else:
            shown.append(figure)
    return shown


def _published_row(row: ScorecardRow, withheld: list[str]) -> ScorecardRow:
    outturns = _published_figures(row, row.outturns, withheld)
    changes: dict[str, object] = {"outturns": outturns}
    if row.actual is not None and figure_for_publication(row, row.actual).suppressed:
        withheld.append(f"{row.indicator.code}, {row.actual.period.short_label}")
        not_shown = Travel(Direction.NOT_COMPARABLE, WITHHELD)
        changes.update(
            actual=_withheld(row.actual),
            rag=RagResult(Rating.NOT_RATED, WITHHELD),
            versus_previous=not_shown,
            versus_last_year=not_shown,
            comparators=[
                replace(c, standing=Standing(Position.UNKNOWN, f"{c.name} {c.period.short_label} {c.text}; {WITHHELD}"))
                for c in row.comparators
            ],
            small_cohort=False,
        )
    elif any(f is not None and f.text == SUPPRESSED for f in outturns):
        changes.update(versus_previous=Travel(Direction.NOT_COMPARABLE, WITHHELD))
    return replace(row, **changes)  # type: ignore[arg-type]


def view_for_publication(view: ScorecardView) -> PublishedView:
    """The scorecard with every figure that could identify a child withheld, as the CSV for publication has it."""
    withheld: list[str] = []
    groups = [replace(group, rows=[_published_row(row, withheld) for row in group.rows]) for group in view.groups]
    return PublishedView(replace(view, groups=groups), withheld)


def trend_view_for_publication(view: TrendView) -> tuple[TrendView, list[str]]:
    """Three-year trends with every figure that could identify a child withheld, and which were (as for the
    scorecard: the direction between a withheld figure and its neighbours would give it away, so it goes too)."""
    withheld: list[str] = []
    groups = []
    for priority, rows in view.groups:
        shown = []
        for row in rows:
            figures = _published_figures(row, row.figures, withheld)
            if figures != row.figures:
                not_shown = Travel(Direction.NOT_COMPARABLE, WITHHELD)
                row = replace(row, figures=figures, directions=[Direction.NOT_COMPARABLE for _ in row.directions],
                              summary=TrendSummary(not_shown, not_shown, WITHHELD))  # fmt: skip
            shown.append(row)
        groups.append((priority, shown))
    return replace(view, groups=groups), withheld


def withheld_notice(withheld: list[str]) -> str:
    """What a published file says of itself: that small numbers are withheld, and which."""
    which = (
        f" Withheld here ({len(withheld)}): {'; '.join(withheld)}."
        if withheld
        else " No figure here needed withholding."
    )
    return f"For publication: {legend(DEFAULT_THRESHOLD)}{which}"


def publication_notice(published: PublishedView) -> str:
    return withheld_notice(published.withheld)
