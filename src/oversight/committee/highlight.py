"""A plan's highlight report (seed 004): key highlights, key challenges and risks, the plan on a page, a performance
extract with the adoption timeliness measures A1, A2 and A10 against England, staffing, and the target tracker;
as a page, Word (DOCX) and tagged PDF.

Every part is read through the selector of the app that keeps it: the entries and the plan from improvement, the
chosen indicators' figures and ratings from the scorecard, the adoption measures from benchmarks' published series
(three-year averages as DfE publishes them, never recomputed here). Word and PDF are written as the committee pack's
are (reports' Word writer and PDF maker), so a highlight report looks like the rest of a committee's papers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string

from oversight.benchmarks.models import PublishedSeries, PublishedValue
from oversight.benchmarks.selectors import PublishedYear, authority_by_code, published_years, reason_text, year_figures
from oversight.casework.engine import measure_cards
from oversight.committee.appendices import NOT_APPROVED
from oversight.committee.pack import PACK_FORMATS
from oversight.core.councils import EVERY_COUNCIL, CouncilScope
from oversight.core.periods import parse_period
from oversight.core.rag import Rating
from oversight.improvement.models import HighlightEntry, HighlightReport, Plan
from oversight.improvement.selectors import PlanSummary, plan_summary
from oversight.performance.selectors import ScorecardRow, ScorecardView, period_figures_visible, scorecard_view
from oversight.reports.pdf import pdf_from_html
from oversight.reports.word import WordWriter

# The adoption scorecard's timeliness measures, and the casework measure card that defines each. The published
# series a council imports for them is named by the same id unless OVERSIGHT_ADOPTION_SERIES maps it elsewhere.
ADOPTION_MEASURES = {"A1": "adoption_a1", "A2": "adoption_a2", "A10": "adoption_a10"}

HIGHLIGHT_FORMATS = PACK_FORMATS


@dataclass(frozen=True)
class AdoptionRow:
    """One adoption timeliness measure: the council's latest published three-year average beside England's."""

    code: str
    title: str
    period: str  # as published, e.g. '2010-2013'
    council: str  # '598 days', or why there is no figure
    england: str
    comparison: str  # '37 days longer than England' (lower is better)

    @property
    def published(self) -> bool:
        return bool(self.period)


@dataclass(frozen=True)
class HighlightView:
    report: HighlightReport
    highlights: list[HighlightEntry]
    challenges: list[HighlightEntry]
    plan: PlanSummary
    scorecard: ScorecardView | None
    extract: list[ScorecardRow] = field(default_factory=list)
    adoption: list[AdoptionRow] = field(default_factory=list)
    staffing: list[ScorecardRow] = field(default_factory=list)
    tracker: list[ScorecardRow] = field(default_factory=list)
    not_approved: str = ""  # in place of the scorecard's figures its reader may not see (ADR 26)

    @property
    def title(self) -> str:
        return self.report.title

    @property
    def reported_on(self) -> date:
        return self.report.reported_on

    @property
    def adoption_published(self) -> bool:
        return any(row.published for row in self.adoption)


def _days(value: Decimal) -> str:
    days = int(value.quantize(Decimal(1)))
    return f"{days:,} day{'' if days == 1 else 's'}"


def _figure(value: PublishedValue | None) -> str:
    if value is None:
        return "not published"
    if value.value is None:
        return reason_text(value.reason) if value.reason else "no figure"
    return _days(value.value)


def _comparison(council: PublishedValue | None, england: PublishedValue | None) -> str:
    """Lower is better for every adoption timeliness measure: fewer days waited."""
    if council is None or england is None or council.value is None or england.value is None:
        return "no comparison"
    gap = (council.value - england.value).quantize(Decimal(1))
    if gap == 0:
        return "the same as England"
    return f"{_days(abs(gap))} {'longer' if gap > 0 else 'shorter'} than England ({'worse' if gap > 0 else 'better'})"


def _latest_year(series: PublishedSeries, on: date) -> PublishedYear | None:
    """The latest published year ending by the reporting date's year: what the report could have quoted."""
    years = [year for year in published_years(series) if year.year_end <= on.year]
    return years[-1] if years else None


def adoption_rows(local_authority: str, on: date) -> list[AdoptionRow]:
    """A1, A2 and A10 for the council (its DfE number) as published by the reporting date, against England."""
    mapping: dict[str, str] = settings.OVERSIGHT_ADOPTION_SERIES
    cards = {card.id: card for card in measure_cards()}
    authority = authority_by_code(local_authority) if local_authority else None
    rows = []
    for code, card_id in ADOPTION_MEASURES.items():
        title = cards[card_id].title.split(": ", 1)[-1]
        series = PublishedSeries.objects.filter(code=mapping.get(code, card_id)).first()
        year = _latest_year(series, on) if series is not None else None
        if series is None or year is None:
            rows.append(AdoptionRow(code, title, "", "no published figures held", "", ""))
            continue
        figures = year_figures(series, year)
        council = figures.las.get(authority.number) if authority is not None else None
        rows.append(
            AdoptionRow(
                code,
                title,
                year.period,
                _figure(council),
                _figure(figures.england),
                _comparison(council, figures.england),
            )
        )
    return rows


def _rows_by_code(view: ScorecardView | None) -> dict[str, ScorecardRow]:
    if view is None:
        return {}
    return {row.indicator.code: row for group in view.groups for row in group.rows}


def highlight_view(report: HighlightReport, scope: CouncilScope = EVERY_COUNCIL) -> HighlightView:
    """Everything the highlight report shows, as at its reporting date, to a reader of ``scope`` (the command line's
    sees every council): the scorecard's figures of a period they may not see are not approved."""
    entries = list(report.entries.order_by("kind", "order"))
    view, not_approved = None, ""
    if report.scorecard is not None and report.period:
        period = parse_period(report.period)
        if period_figures_visible(report.scorecard, period, scope):
            view = scorecard_view(report.scorecard, period)
        else:
            not_approved = f"{report.scorecard.title}, {period.label}: {NOT_APPROVED}"
    rows = _rows_by_code(view)
    return HighlightView(
        report=report,
        highlights=[entry for entry in entries if entry.kind == HighlightEntry.Kind.HIGHLIGHT],
        challenges=[entry for entry in entries if entry.kind == HighlightEntry.Kind.CHALLENGE],
        plan=plan_summary(report.plan, report.reported_on),
        scorecard=view,
        extract=[rows[code] for code in report.indicator_codes if code in rows],
        adoption=adoption_rows(report.local_authority, report.reported_on),
        staffing=[rows[code] for code in report.staffing_codes if code in rows and rows[code].actual is not None],
        tracker=[row for row in rows.values() if row.target is not None],
        not_approved=not_approved,
    )


def highlight_report_get(plan_slug: str, reported_on: date, scope: CouncilScope) -> HighlightReport:
    """The plan's highlight report at the date, if it is of a council of ``scope``: a highlight report is its
    council's own business (ADR 26). Otherwise a 404, as for a report that is not there."""
    plan = get_object_or_404(Plan, slug=plan_slug)
    report = get_object_or_404(
        HighlightReport.objects.select_related("plan", "scorecard"), plan=plan, reported_on=reported_on
    )
    if not scope.business_visible(report.council, public=False):
        raise Http404(f"{plan.title} has no highlight report on {reported_on:%-d %B %Y}.")
    return report


def highlight_reports_all(scope: CouncilScope) -> list[HighlightReport]:
    """The highlight reports of the councils of ``scope``, newest first."""
    found = HighlightReport.objects.select_related("plan").order_by("-reported_on", "plan__slug")
    return [report for report in found if scope.business_visible(report.council, public=False)]


# Word and PDF --------------------------------------------------------------------------------------


def _rag(rating: Rating) -> str:
    return rating.label


def _figure_rows(rows: list[ScorecardRow]) -> list[list[str]]:
    return [
        [
            f"{row.indicator.title} ({row.indicator.code})",
            row.actual.text if row.actual else "–",
            row.target.text if row.target else "–",
            f"{row.rag.rating.label}: {row.rag.reason.split(': ', 1)[-1]}",
        ]
        for row in rows
    ]


FIGURE_HEADINGS = ["Indicator", "Actual", "Target", "Rating and why"]


def _figures_write(writer: WordWriter, view: HighlightView, rows: list[ScorecardRow], none: str) -> None:
    """A section's figures as a table; or that they are not approved for its reader; or ``none``."""
    if view.not_approved:
        writer.paragraph(view.not_approved)
    elif rows:
        writer.table(FIGURE_HEADINGS, _figure_rows(rows))
    else:
        writer.paragraph(none)


def highlight_docx(view: HighlightView) -> bytes:
    """The highlight report as a Word document with Word's heading styles and header rows that repeat."""
    writer = WordWriter(view.title)
    report = view.report
    writer.heading(view.title, level=1)
    writer.table(
        [],
        [
            ["Report to", report.report_to or "–"],
            ["Reporting date", f"{report.reported_on.day} {report.reported_on:%B %Y}"],
            ["Report of", report.report_of or "–"],
            ["Improvement plan", report.plan.title],
        ],
        columns=2,
    )
    for paragraph in report.summary.split("\n\n"):
        if paragraph.strip():
            writer.paragraph(paragraph.strip())
    for heading, entries in (("Key highlights", view.highlights), ("Key challenges and risks", view.challenges)):
        writer.heading(heading, level=2)
        if entries:
            writer.table(
                ["Item", "Owner", "RAG"],
                [[entry.text, entry.owner or "–", _rag(entry.rating)] for entry in entries],
            )
        else:
            writer.paragraph("None recorded.")
    writer.heading("Plan on a page", level=2)
    writer.paragraph(f"As at {view.plan.today.day} {view.plan.today:%B %Y}.")
    for group in view.plan.groups:
        if not group.items:
            continue
        writer.heading(group.title, level=3)
        writer.table(
            ["Ref", "Recommendation", "Due", "Latest RAG", "Status"],
            [
                [
                    item.recommendation.reference,
                    item.recommendation.text,
                    f"{item.due_on:%-d %b %Y}" if item.due_on else "None given",
                    item.rating.label,
                    item.status + (f" ({item.revision.reason})" if item.revision else ""),
                ]
                for item in group.items
            ],
        )
    writer.heading("Performance extract", level=2)
    if view.scorecard is not None:
        writer.paragraph(view.scorecard.version)
    _figures_write(writer, view, view.extract, "No indicators chosen for this report.")
    writer.heading("Adoption timeliness (three-year averages)", level=3)
    writer.table(
        ["Measure", "Period", "Council", "England", "Compared with England"],
        [
            [f"{row.code}: {row.title}", row.period or "–", row.council, row.england or "–", row.comparison or "–"]
            for row in view.adoption
        ],
    )
    writer.heading("Staffing", level=2)
    _figures_write(writer, view, view.staffing, "No workforce figures for this council and period.")
    writer.heading("Target tracker", level=2)
    _figures_write(writer, view, view.tracker, "No targets set for this period.")
    return writer.save()


def highlight_html(view: HighlightView) -> str:
    return render_to_string("committee/highlight_print.html", {"view": view})


def highlight_render(view: HighlightView, fmt: str) -> bytes:
    """The highlight report as Word (``docx``) or tagged PDF (``pdf``)."""
    if fmt not in HIGHLIGHT_FORMATS:
        raise ValueError(f"a highlight report is docx or pdf, not {fmt!r}")
    return highlight_docx(view) if fmt == "docx" else pdf_from_html(highlight_html(view), tagged=True)
