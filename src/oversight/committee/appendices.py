"""What a committee report's appendices hold, fetched through the apps' own selectors (every rating, direction and
verdict is theirs: nothing is decided here), and, for a Part 1 report, as it may be published."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from django.utils import timezone

from oversight.benchmarks.selectors import (
    ComparatorRow,
    Comparison,
    change_text,
    indicator_comparison,
    links_for,
    published_years,
)
from oversight.committee.exceptions import ExceptionReport, exception_report
from oversight.committee.models import Appendix
from oversight.core.councils import EVERY_COUNCIL, CouncilScope
from oversight.core.periods import Period
from oversight.improvement.models import Plan
from oversight.improvement.planfile import PlanTable
from oversight.improvement.selectors import (
    PlanSummary,
    RecommendationStatus,
    plan_latest_progress,
    plan_recommendations,
    plan_summary,
    plan_table,
)
from oversight.performance.disclosure import (
    PublishedView,
    trend_view_for_publication,
    view_for_publication,
    withheld_notice,
)
from oversight.performance.export_pdf import glossary
from oversight.performance.export_records import EXTRA_EXPLANATIONS, rag_rules
from oversight.performance.models import GlossaryEntry, Indicator, Scorecard, version_text
from oversight.performance.selectors import (
    ScorecardView,
    TrendView,
    period_figures_visible,
    scorecard_view,
    trend_view,
    trends_visible,
)
from oversight.performance.signoff import signoff_of


@dataclass(frozen=True)
class Explanations:
    """How each rating is decided and what the scorecard's columns and acronyms mean, as the scorecard PDF says."""

    rules_lead: str
    rules: list[str]
    extra: list[str]
    glossary: list[GlossaryEntry]


@dataclass(frozen=True)
class Trends:
    view: TrendView
    versions: list[tuple[Period, str]]  # each year and whether it is approved


def plan_status(item: RecommendationStatus) -> str:
    """A recommendation's status as the plan's own page words it: signed off, its slippage, or on track."""
    if item.recommendation.is_signed_off and item.recommendation.signed_off_on:
        return f"Signed off {item.recommendation.signed_off_on:%-d %b %Y}"
    return "; ".join(str(slip) for slip in item.slips) or "On track"


@dataclass(frozen=True)
class PlanAppendix:
    summary: PlanSummary  # the plan on a page
    table: PlanTable  # the action plan
    as_at: date

    @property
    def groups(self) -> list[tuple[str, list[tuple[RecommendationStatus, str]]]]:
        """Each objective with recommendations, and each recommendation with its status in words."""
        return [(g.title, [(item, plan_status(item)) for item in g.items]) for g in self.summary.groups if g.items]


@dataclass(frozen=True)
class BenchmarkTable:
    """A linked indicator's latest published figures beside its comparators, as the benchmarking page has them."""

    indicator: Indicator
    comparison: Comparison
    rows: list[tuple[ComparatorRow, str]]  # each area's figures and its change over twelve months in words

    @property
    def title(self) -> str:
        return f"{self.indicator.title}, {self.comparison.year.period}"


def benchmark_tables(view: ScorecardView) -> list[BenchmarkTable]:
    """A table for each of the scorecard's indicators linked to a published series, for its latest published year
    (the bolding is core.benchmark's, through the benchmarks app's selectors)."""
    tables = []
    links = links_for([row.indicator for row in view.rows])
    for row in view.rows:
        link = links.get(row.indicator.pk)
        years = published_years(link.series) if link is not None else []
        if link is None or not years:
            continue
        found = indicator_comparison(row.indicator, link, years[-1])
        shown = [(area, change_text(area, row.indicator)) for area in found.rows]
        tables.append(BenchmarkTable(row.indicator, found, shown))
    return tables


@dataclass(frozen=True)
class Appendices:
    """The chosen appendices' contents; ``notice`` says, for a Part 1 report, what was withheld and why."""

    chosen: list[Appendix] = field(default_factory=list)
    scorecard: ScorecardView | None = None
    exceptions: ExceptionReport | None = None
    trends: Trends | None = None
    explanations: Explanations | None = None
    benchmarks: list[BenchmarkTable] | None = None
    plan: PlanAppendix | None = None
    notice: str = ""
    # The appendices whose figures the builder may not see (another council's draft), each with its title: the pack
    # prints them as not approved, without their figures.
    not_approved: dict[Appendix, str] = field(default_factory=dict)


# What a pack prints in place of the figures of a period its builder's council may not see (ADR 26).
NOT_APPROVED = (
    "Not approved. These figures are another council's, and are shown to the users of other councils once their "
    "period is approved."
)
# The appendices that show a scorecard's figures for periods: held back as not approved. The benchmark tables show
# published figures only, which every reader may see.
FIGURE_APPENDICES = (Appendix.SCORECARD, Appendix.TRENDS, Appendix.EXCEPTIONS)


def explanations() -> Explanations:
    lead, steps = rag_rules()
    return Explanations(lead, steps, list(EXTRA_EXPLANATIONS), glossary())


def last_whole_year(period: Period) -> Period:
    """The latest whole year a period's trends can show: the period itself if it is a year, else the year before."""
    return period if period.is_year else period.fiscal_year.shifted(-1)


def trends(scorecard: Scorecard, period: Period) -> Trends:
    view = trend_view(scorecard, last_whole_year(period))
    return Trends(view, [(year, version_text(signoff_of(scorecard, year))) for year in view.years])


def exceptions_for_publication(report: ExceptionReport, published: PublishedView) -> ExceptionReport:
    """The exception report with each entry's row as the published scorecard has it (its breakdowns are already
    suppressed when the report is made for publication)."""
    rows = {row.indicator.code: row for row in published.view.rows}
    entries = [replace(entry, row=rows[entry.code]) for entry in report.entries]
    return replace(report, view=published.view, entries=entries)


def figures_not_approved(
    chosen: list[Appendix], scorecard: Scorecard, period: Period, scope: CouncilScope
) -> dict[Appendix, str]:
    """The chosen figure appendices a builder of ``scope`` may not see, with their titles: the scorecard and the
    exception report when the period's figures are not theirs to see, the trends when any of its years' is not."""
    held: dict[Appendix, str] = {}
    if not period_figures_visible(scorecard, period, scope):
        held[Appendix.SCORECARD] = f"{scorecard.title}, {period.label}"
        held[Appendix.EXCEPTIONS] = f"Exception report: {scorecard.title}, {period.label}"
    if Appendix.TRENDS in chosen:
        last = last_whole_year(period)
        if not trends_visible(scorecard, last, scope):
            held[Appendix.TRENDS] = f"{scorecard.title}: three-year trends to {last.short_label}"
    return {kind: title for kind, title in held.items() if kind in chosen}


def appendices_gather(
    chosen: list[Appendix],
    *,
    scorecard: Scorecard | None,
    period: Period | None,
    plan: Plan | None,
    publication: bool,
    scope: CouncilScope = EVERY_COUNCIL,
) -> Appendices:
    """The contents of the chosen appendices; with ``publication``, every count and breakdown that could identify a
    child is withheld (performance.disclosure) and ``notice`` says which. A figure appendix whose periods a builder
    of ``scope`` may not see is in ``not_approved`` instead (ADR 26)."""
    found = Appendices(chosen=chosen)
    withheld: list[str] = []
    if scorecard is not None and period is not None:
        held = figures_not_approved(chosen, scorecard, period, scope)
        found = replace(found, not_approved=held)
        view = scorecard_view(scorecard, period)
        published = view_for_publication(view) if publication else None
        if Appendix.SCORECARD in chosen and Appendix.SCORECARD not in held:
            found = replace(found, scorecard=published.view if published else view)
        if Appendix.EXCEPTIONS in chosen and Appendix.EXCEPTIONS not in held:
            report = exception_report(scorecard, period, publication=publication, view=view)
            found = replace(found, exceptions=exceptions_for_publication(report, published) if published else report)
        if Appendix.TRENDS in chosen and Appendix.TRENDS not in held:
            shown = trends(scorecard, period)
            if publication:
                trend, hidden = trend_view_for_publication(shown.view)
                shown, withheld = replace(shown, view=trend), withheld + hidden
            found = replace(found, trends=shown)
        if Appendix.BENCHMARK in chosen:
            found = replace(found, benchmarks=benchmark_tables(view))
        if published is not None:
            withheld = published.withheld + withheld
    if Appendix.EXPLANATIONS in chosen:
        found = replace(found, explanations=explanations())
    if plan is not None and (Appendix.PLAN_ON_A_PAGE in chosen or Appendix.ACTION_PLAN in chosen):
        as_at = plan_latest_progress(plan.slug) or timezone.localdate()
        recommendations = plan_recommendations(plan)
        found = replace(
            found,
            plan=PlanAppendix(plan_summary(plan, as_at, recommendations), plan_table(plan, recommendations), as_at),
        )
    if publication:
        found = replace(found, notice=publication_wording(withheld))
    return found


def publication_wording(withheld: list[str]) -> str:
    """What a Part 1 pack says of itself: the rule, why, and every figure it withheld (a breakdown's withheld cells
    are marked in its own table)."""
    return (
        f"{withheld_notice(withheld)} Small numbers are withheld so that no child can be identified from a "
        "published report; a breakdown's small cells are withheld in the same way, and its table says so. A "
        "benchmark table repeats figures their publishers have already released, suppressed at source. Commentary "
        "and plan text are printed as their authors wrote them: a number in them is not withheld automatically."
    )
