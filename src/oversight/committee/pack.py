"""A committee report in the council's numbered template, with its appendices, as Word (DOCX) and tagged PDF.

The cover report's sections are the council's words, kept per agenda item; every figure in the appendices comes
from the system and says whether its period is approved. Word through python-docx with Word's own heading and
table styles (a committee system takes Word); PDF through WeasyPrint as PDF/UA (a structure tree, the document's
language and title, headings and table headers), A4 with page numbers and bookmarks.
"""

from __future__ import annotations

import base64
import mimetypes
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from pathlib import Path

from django.template.loader import render_to_string
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from oversight.committee.appendices import (
    NOT_APPROVED,
    Appendices,
    BenchmarkTable,
    Explanations,
    PlanAppendix,
    Trends,
    appendices_gather,
)
from oversight.committee.exceptions import ExceptionReport
from oversight.committee.models import AgendaItem, Appendix, Meeting
from oversight.committee.template import STANDARD_SECTIONS, ReportTemplate, Wording, report_template
from oversight.core.councils import EVERY_COUNCIL, CouncilScope
from oversight.core.periods import parse_period
from oversight.core.problems import ApplicationError
from oversight.improvement.models import Plan
from oversight.performance.models import Scorecard
from oversight.performance.selectors import ScorecardView
from oversight.reports.pdf import pdf_from_html
from oversight.reports.word import Cell, WordWriter

# What bold means in a benchmark table, as the benchmarking page says it.
BOLD_MEANS = (
    "Figures in bold are significantly different from England's (where the numbers behind a percentage are "
    "published) or moving over twelve months in the direction contrary to the intended one. The last column says "
    "why each figure is bold, or why not."
)

__all__ = ["STANDARD_SECTIONS", "CoverReport", "Pack", "PackError", "meeting_pack", "pack_docx", "pack_pdf"]


@dataclass(frozen=True)
class CoverReport:
    """The front of a committee report: who it is for, from whom, and its numbered sections."""

    council: str
    report_to: str
    meeting_on: date
    report_of: str
    title: str
    portfolio_holder: str = ""
    sections: dict[str, str] = field(default_factory=dict)  # the template's section heading → its text
    part: int = 1  # 1: public, figures that could identify a child withheld; 2: private, stamped so
    section_list: tuple[str, ...] = STANDARD_SECTIONS  # the council's template numbers its sections in this order
    wording: Wording = field(default_factory=Wording)
    logo: Path | None = None

    @property
    def numbered(self) -> list[tuple[int, str, str]]:
        return [
            (number, heading, self.sections[heading])
            for number, heading in enumerate(self.section_list, start=1)
            if self.sections.get(heading, "").strip()
        ]

    @property
    def logo_uri(self) -> str:
        """The logo as a data: URI, the one kind of address the PDF renderer fetches."""
        if self.logo is None:
            return ""
        kind = mimetypes.guess_type(self.logo.name)[0] or "image/png"
        return f"data:{kind};base64,{base64.b64encode(self.logo.read_bytes()).decode('ascii')}"


@dataclass(frozen=True)
class Pack:
    cover: CoverReport
    scorecard: ScorecardView | None = None
    exceptions: ExceptionReport | None = None
    trends: Trends | None = None
    explanations: Explanations | None = None
    benchmarks: list[BenchmarkTable] | None = None
    plan: PlanAppendix | None = None
    plan_parts: tuple[Appendix, ...] = (Appendix.PLAN_ON_A_PAGE, Appendix.ACTION_PLAN)
    notice: str = ""  # a Part 1 pack's account of what it withheld and why
    # Figure appendices printed as not approved, with their titles: another council's drafts (ADR 26)
    not_approved: dict[Appendix, str] = field(default_factory=dict)

    @property
    def held(self) -> dict[str, str]:
        """The titles of the appendices printed as not approved, by kind with underscores (for templates)."""
        return {kind.value.replace("-", "_"): title for kind, title in self.not_approved.items()}

    @property
    def not_approved_words(self) -> str:
        return NOT_APPROVED

    @property
    def kinds(self) -> list[Appendix]:
        """The appendices the pack carries, in the council's order."""
        present = {
            Appendix.SCORECARD: self.scorecard is not None,
            Appendix.TRENDS: self.trends is not None,
            Appendix.EXPLANATIONS: self.explanations is not None,
            Appendix.BENCHMARK: self.benchmarks is not None,
            Appendix.EXCEPTIONS: self.exceptions is not None,
            Appendix.PLAN_ON_A_PAGE: self.plan is not None and Appendix.PLAN_ON_A_PAGE in self.plan_parts,
            Appendix.ACTION_PLAN: self.plan is not None and Appendix.ACTION_PLAN in self.plan_parts,
        }
        return [kind for kind in Appendix if present.get(kind, False) or kind in self.not_approved]

    @property
    def letters(self) -> dict[str, str]:
        """Each appendix's letter by its kind (with underscores, for templates): {'scorecard': 'A', …}."""
        return {kind.value.replace("-", "_"): chr(ord("A") + index) for index, kind in enumerate(self.kinds)}

    def title_of(self, kind: Appendix) -> str:
        if kind in self.not_approved:
            return self.not_approved[kind]
        if kind is Appendix.SCORECARD and self.scorecard is not None:
            return f"{self.scorecard.scorecard.title}, {self.scorecard.period.label}"
        if kind is Appendix.TRENDS and self.trends is not None:
            return f"{self.trends.view.scorecard.title}: three-year trends to {self.trends.view.years[-1].short_label}"
        if kind is Appendix.EXCEPTIONS and self.exceptions is not None:
            return self.exceptions.title
        if kind is Appendix.BENCHMARK:
            return "Benchmarking: the council's figures beside its comparators'"
        if kind is Appendix.PLAN_ON_A_PAGE and self.plan is not None:
            return f"{self.plan.summary.plan.title}: plan on a page"
        if kind is Appendix.ACTION_PLAN and self.plan is not None:
            return f"{self.plan.summary.plan.title}: action plan"
        return "Explanation of the scorecard's columns, ratings and acronyms"

    @property
    def appendices(self) -> list[tuple[str, str]]:
        """(letter, title) of each appendix, in order."""
        return [(chr(ord("A") + index), self.title_of(kind)) for index, kind in enumerate(self.kinds)]


def pack_docx(pack: Pack) -> bytes:
    """The pack as a Word document: the cover report, then each appendix on its own landscape section."""
    writer = WordWriter(pack.cover.title)
    document = writer.document
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    cover = pack.cover
    words = cover.wording
    if cover.part == 2:
        writer.paragraph(words.private).runs[0].bold = True
    if cover.logo is not None:
        document.add_picture(str(cover.logo), height=Mm(18))
        _describe(document.paragraphs[-1], f"{cover.council} logo")
    writer.heading(cover.council, level=1)
    writer.table(
        [],
        [
            [words.report_to, cover.report_to],
            [words.meeting_on, f"{cover.meeting_on.day} {cover.meeting_on:%B %Y}"],
            [words.report_of, cover.report_of],
            [words.title, cover.title],
            [words.portfolio_holder, cover.portfolio_holder or "–"],
        ],
        columns=2,
    )
    if pack.notice:
        writer.paragraph(pack.notice)
    for number, heading, text in cover.numbered:
        writer.heading(f"{number}. {heading}", level=2)
        for paragraph in text.split("\n\n"):
            writer.paragraph(paragraph.strip())
    if pack.appendices:
        writer.heading(words.appendices, level=2)
        for letter, title in pack.appendices:
            writer.paragraph(f"Appendix {letter}: {title}")
    for (letter, title), kind in zip(pack.appendices, pack.kinds, strict=True):
        _landscape(document)
        writer.heading(f"Appendix {letter}: {title}", level=1)
        _appendix_write(writer, pack, kind)
    return writer.save()


def _describe(paragraph: Paragraph, text: str) -> None:
    """Give the paragraph's picture its alternative text, which Word reads out."""
    for properties in paragraph._p.xpath(".//wp:docPr"):
        properties.set("descr", text)


def _landscape(document: WordDocument) -> None:
    section = document.add_section()
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)


def _scorecard_appendix(writer: WordWriter, view: ScorecardView) -> None:
    writer.paragraph(view.version)
    for group in view.groups:
        writer.heading(f"{group.priority.code}: {group.priority.title}", level=2)
        rows = [
            [
                f"{row.indicator.title} ({row.indicator.code})",
                row.actual.text if row.actual else "–",
                row.target.text if row.target else "–",
                f"{row.rag.rating.label}: {row.rag.reason.split(': ', 1)[-1]}",
                row.versus_previous.description,
                row.commentary.text if row.commentary else "",
            ]
            for row in group.rows
        ]
        writer.table(["Indicator", "Actual", "Target", "Rating and why", "Direction of travel", "Commentary"], rows)


def _trends_appendix(writer: WordWriter, trends: Trends) -> None:
    for year, version in trends.versions:
        writer.paragraph(f"{year.label}: {version}")
    years = [year.short_label for year in trends.view.years]
    for priority, rows in trends.view.groups:
        writer.heading(priority.title, level=2)
        writer.table(
            ["Indicator", *years, "Three-year trend", "Commentary"],
            [
                [
                    f"{row.indicator.title} ({row.indicator.code})",
                    *[figure.text if figure else "–" for figure in row.figures],
                    row.summary.label,
                    row.commentary.text if row.commentary else "",
                ]
                for row in rows
            ],
        )


def _explanations_appendix(writer: WordWriter, found: Explanations) -> None:
    writer.heading("How each rating is decided", level=2)
    writer.paragraph(found.rules_lead)
    for step in found.rules:
        writer.paragraph(f"{step}.", style="List Number")
    for paragraph in found.extra:
        writer.paragraph(paragraph)
    writer.heading("Columns, rating words and acronyms", level=2)
    writer.table(
        ["Term", "Kind", "Name", "Explanation"],
        [[entry.term, entry.get_kind_display(), entry.title, entry.explanation] for entry in found.glossary],
    )


def _benchmark_appendix(writer: WordWriter, tables: list[BenchmarkTable]) -> None:
    writer.paragraph(BOLD_MEANS)
    if not tables:
        writer.paragraph("No indicator on this scorecard is linked to published figures.")
    for table in tables:
        found = table.comparison
        writer.heading(table.title, level=2)
        writer.paragraph(f"{found.series.title}. {found.group_note} {found.rank_sentence}")
        previous = found.previous.period if found.previous else "a year earlier"
        writer.table(
            ["Area", found.year.period, f"Change since {previous}", "Against England", "Bold, and why"],
            [
                [
                    row.name,
                    Cell(
                        row.text if row.value is not None else f"Not published: {row.text}",
                        bold=row.bold.is_bold and row.value is not None,
                    ),
                    Cell(change, bold=row.change.against_polarity),
                    row.verdict.significance.label.capitalize() if row.verdict else "–",
                    row.bold.reason,
                ]
                for row, change in table.rows
            ],
        )


def _plan_on_a_page_appendix(writer: WordWriter, plan: PlanAppendix) -> None:
    writer.paragraph(f"As at {plan.as_at.day} {plan.as_at:%B %Y}: the latest progress recorded.")
    for title, items in plan.groups:
        writer.heading(title, level=2)
        writer.table(
            ["Ref", "Recommendation", "Due", "Latest RAG", "Status and slippage"],
            [
                [
                    item.recommendation.reference,
                    item.recommendation.text,
                    f"{item.recommendation.due_on:%-d %b %Y}" if item.recommendation.due_on else "None given",
                    f"{item.rating.label}. {item.rag_reason}",
                    status,
                ]
                for item, status in items
            ],
        )


def _action_plan_appendix(writer: WordWriter, plan: PlanAppendix) -> None:
    table = plan.table
    headings = ["Area for improvement", "Timescale", "Key actions", "Officers"]
    for section, rows in groupby(table.rows, key=lambda row: row.section):
        if section:
            writer.heading(section, level=2)
        writer.table(
            [*headings, *[f"{label}: progress and RAG" for label in table.checkpoint_labels]],
            [
                [row.text, row.timescale, row.actions, row.officers]
                + [f"{p.narrative} ({p.rating.label})" if p.narrative else "–" for p in row.progress]
                for row in rows
            ],
        )


def _exceptions_appendix(writer: WordWriter, report: ExceptionReport) -> None:
    writer.paragraph(report.view.version)
    for entry in report.entries:
        row = entry.row
        writer.heading(f"{row.indicator.title} ({entry.code}): {row.rag.rating.label}", level=2)
        writer.heading("Why it is in this report", level=3)
        for reason in entry.reasons:
            writer.paragraph(reason, style="List Bullet")
        writer.heading("Commentary", level=3)
        writer.paragraph(row.commentary.text if row.commentary else "No commentary for this period.")
        if entry.actions:
            writer.heading("Improvement plan actions", level=3)
            writer.table(
                ["Action", "Officers", "Status and latest progress"],
                [
                    [f"{a.reference}: {a.text}", a.officers, f"{a.status.capitalize()}. {a.progress}"]
                    for a in entry.actions
                ],
            )
        for table in entry.breakdowns:
            writer.heading(table.caption, level=3)
            writer.table(
                [table.label, "Value", "Numerator", "Denominator"],
                [[cell.category, cell.value.text, cell.numerator.text, cell.denominator.text] for cell in table.rows],
            )


def _appendix_write(writer: WordWriter, pack: Pack, kind: Appendix) -> None:
    if kind in pack.not_approved:
        writer.paragraph(NOT_APPROVED)
    elif kind is Appendix.SCORECARD and pack.scorecard is not None:
        _scorecard_appendix(writer, pack.scorecard)
    elif kind is Appendix.TRENDS and pack.trends is not None:
        _trends_appendix(writer, pack.trends)
    elif kind is Appendix.EXPLANATIONS and pack.explanations is not None:
        _explanations_appendix(writer, pack.explanations)
    elif kind is Appendix.BENCHMARK and pack.benchmarks is not None:
        _benchmark_appendix(writer, pack.benchmarks)
    elif kind is Appendix.EXCEPTIONS and pack.exceptions is not None:
        _exceptions_appendix(writer, pack.exceptions)
    elif kind is Appendix.PLAN_ON_A_PAGE and pack.plan is not None:
        _plan_on_a_page_appendix(writer, pack.plan)
    elif kind is Appendix.ACTION_PLAN and pack.plan is not None:
        _action_plan_appendix(writer, pack.plan)


def pack_html(pack: Pack) -> str:
    context = {"pack": pack, "letters": pack.letters, "bold_means": BOLD_MEANS}
    return render_to_string("committee/pack_print.html", context)


def pack_pdf(pack: Pack) -> bytes:
    """The pack as tagged PDF (PDF/UA-1), so a screen reader can follow its headings and tables."""
    return pdf_from_html(pack_html(pack), tagged=True)


class PackError(ValueError):
    """A pack that cannot be built: the message says what the meeting lacks."""


def pack_item(meeting: Meeting) -> AgendaItem | None:
    """The agenda item a meeting's pack is the report of: the first that presents a scorecard's period."""
    return meeting.agenda.exclude(scorecard_slug="").exclude(period="").order_by("order").first()


def meeting_pack(
    meeting: Meeting, template: ReportTemplate | None = None, *, scope: CouncilScope = EVERY_COUNCIL
) -> Pack:
    """The pack for a meeting: the report of its ``pack_item`` in the council's template, with the appendices
    chosen for that item. A Part 1 report withholds what could identify a child and says so. Built for a user of
    ``scope`` (the command line's sees every council), a period's figures they may not see are not approved."""
    item = pack_item(meeting)
    if item is None:
        raise PackError(f"no item on the agenda of {meeting.date:%-d %B %Y} presents a scorecard, so there is no pack")
    scorecard = Scorecard.objects.filter(slug=item.scorecard_slug).first()
    if scorecard is None:
        raise PackError(f"agenda item {item.order} names a scorecard '{item.scorecard_slug}' that does not exist")
    try:
        template = template or report_template()
    except ApplicationError as error:
        raise PackError(f"the council's report template cannot be used: {error}") from None
    texts = dict(item.sections.values_list("heading", "text"))
    if not texts and item.purpose:  # an item nobody has written a report for yet: its purpose, as the agenda says
        texts = {template.sections[0]: item.purpose}
    cover = CoverReport(
        council=template.council,
        report_to=meeting.body.name,
        meeting_on=meeting.date,
        report_of=item.report_of,
        title=item.title,
        portfolio_holder=item.portfolio_holder,
        sections=texts,
        part=item.part,
        section_list=template.sections,
        wording=template.wording,
        logo=template.logo,
    )
    chosen = item.appendices_chosen
    plan = Plan.objects.filter(slug=item.plan_slug).first() if item.plan_slug else None
    found: Appendices = appendices_gather(
        chosen,
        scorecard=scorecard,
        period=parse_period(item.period),
        plan=plan,
        publication=item.part == 1,
        scope=scope,
    )
    return Pack(
        cover,
        scorecard=found.scorecard,
        exceptions=found.exceptions,
        trends=found.trends,
        explanations=found.explanations,
        benchmarks=found.benchmarks,
        plan=found.plan,
        plan_parts=tuple(kind for kind in chosen if kind in (Appendix.PLAN_ON_A_PAGE, Appendix.ACTION_PLAN)),
        notice=found.notice,
        not_approved=found.not_approved,
    )


PACK_FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def pack_render(pack: Pack, fmt: str) -> bytes:
    """The pack as Word (``docx``) or tagged PDF (``pdf``)."""
    if fmt not in PACK_FORMATS:
        raise ValueError(f"a pack is docx or pdf, not {fmt!r}")
    return pack_docx(pack) if fmt == "docx" else pack_pdf(pack)
