"""A committee report in the council's numbered template, with its appendices, as Word (DOCX) and tagged PDF.

The cover report's sections are the council's words, kept per agenda item; every figure in the appendices comes
from the system and says whether its period is approved. Word through python-docx with Word's own heading and
table styles (a committee system takes Word); PDF through WeasyPrint as PDF/UA (a structure tree, the document's
language and title, headings and table headers), A4 with page numbers and bookmarks.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table

from oversight.committee.exceptions import ExceptionReport, exception_report
from oversight.committee.models import AgendaItem, Meeting
from oversight.core.periods import parse_period
from oversight.performance.models import Scorecard
from oversight.performance.selectors import ScorecardView, scorecard_view
from oversight.reports.pdf import pdf_from_html

# The council's standard sections, in order (the seeds' cover reports): configuration, not code, where a council
# words them differently; an item leaves out what it has nothing to say under.
STANDARD_SECTIONS = (
    "Report summary",
    "Decision requested",
    "Reasons for recommendations",
    "Wards affected",
    "Local ward members",
    "Policy implications",
    "Financial implications",
    "Legal implications",
    "Risk management",
    "Background and options",
    "Access to information",
)


@dataclass(frozen=True)
class CoverReport:
    """The front of a committee report: who it is for, from whom, and its numbered sections."""

    council: str
    report_to: str
    meeting_on: date
    report_of: str
    title: str
    portfolio_holder: str = ""
    sections: dict[str, str] = field(default_factory=dict)  # standard section → its text
    part: int = 1  # 1: public; 2: private, stamped so

    @property
    def numbered(self) -> list[tuple[int, str, str]]:
        return [
            (number, heading, self.sections[heading])
            for number, heading in enumerate(STANDARD_SECTIONS, start=1)
            if self.sections.get(heading, "").strip()
        ]


@dataclass(frozen=True)
class Pack:
    cover: CoverReport
    scorecard: ScorecardView | None = None
    exceptions: ExceptionReport | None = None

    @property
    def appendices(self) -> list[tuple[str, str]]:
        """(letter, title) of each appendix, in order."""
        titles = []
        if self.scorecard is not None:
            titles.append(f"{self.scorecard.scorecard.title}, {self.scorecard.period.label}")
        if self.exceptions is not None:
            titles.append(self.exceptions.title)
        return [(chr(ord("A") + index), title) for index, title in enumerate(titles)]


def _repeat_header(table: Table) -> None:
    """Mark the table's first row as a header row, which Word repeats on every page the table runs over."""
    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)  # type: ignore[arg-type]


def _table(document: WordDocument, headings: list[str], rows: list[list[str]], *, columns: int = 0) -> Table:
    """A table in Word's grid style; with ``headings``, its first row is a header row repeated on each page."""
    width = len(headings) or columns
    table: Table = document.add_table(rows=1 if headings else 0, cols=width)
    table.style = "Table Grid"
    if headings:
        for cell, heading in zip(table.rows[0].cells, headings, strict=True):
            cell.text = heading
            for run in cell.paragraphs[0].runs:
                run.bold = True
        _repeat_header(table)
    for values in rows:
        cells = table.add_row().cells  # type: ignore[no-untyped-call]
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    return table


def pack_docx(pack: Pack) -> bytes:
    """The pack as a Word document: the cover report, then each appendix on its own landscape section."""
    document = Document()
    document.core_properties.title = pack.cover.title
    document.core_properties.language = "en-GB"
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    cover = pack.cover
    if cover.part == 2:
        document.add_paragraph("Part 2: private. Not for publication.").runs[0].bold = True
    document.add_heading(cover.council, level=1)
    _table(
        document,
        [],
        [
            ["Report to", cover.report_to],
            ["Date of meeting", f"{cover.meeting_on.day} {cover.meeting_on:%B %Y}"],
            ["Report of", cover.report_of],
            ["Subject/Title", cover.title],
            ["Portfolio holder", cover.portfolio_holder or "–"],
        ],
        columns=2,
    )
    for number, heading, text in cover.numbered:
        document.add_heading(f"{number}. {heading}", level=2)
        for paragraph in text.split("\n\n"):
            document.add_paragraph(paragraph.strip())
    if pack.appendices:
        document.add_heading("Appendices", level=2)
        for letter, title in pack.appendices:
            document.add_paragraph(f"Appendix {letter}: {title}")
    letters = iter(letter for letter, _ in pack.appendices)
    if pack.scorecard is not None:
        _scorecard_appendix(document, next(letters), pack.scorecard)
    if pack.exceptions is not None:
        _exceptions_appendix(document, next(letters), pack.exceptions)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _landscape(document: WordDocument) -> None:
    section = document.add_section()
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)


def _scorecard_appendix(document: WordDocument, letter: str, view: ScorecardView) -> None:
    _landscape(document)
    document.add_heading(f"Appendix {letter}: {view.scorecard.title}, {view.period.label}", level=1)
    document.add_paragraph(view.version)
    for group in view.groups:
        document.add_heading(f"{group.priority.code}: {group.priority.title}", level=2)
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
        _table(document, ["Indicator", "Actual", "Target", "Rating and why", "Direction of travel", "Commentary"], rows)


def _exceptions_appendix(document: WordDocument, letter: str, report: ExceptionReport) -> None:
    _landscape(document)
    document.add_heading(f"Appendix {letter}: {report.title}", level=1)
    document.add_paragraph(report.view.version)
    for entry in report.entries:
        row = entry.row
        document.add_heading(f"{row.indicator.title} ({entry.code}): {row.rag.rating.label}", level=2)
        document.add_heading("Why it is in this report", level=3)
        for reason in entry.reasons:
            document.add_paragraph(reason, style="List Bullet")
        document.add_heading("Commentary", level=3)
        document.add_paragraph(row.commentary.text if row.commentary else "No commentary for this period.")
        if entry.actions:
            document.add_heading("Improvement plan actions", level=3)
            _table(
                document,
                ["Action", "Officers", "Status and latest progress"],
                [
                    [f"{a.reference}: {a.text}", a.officers, f"{a.status.capitalize()}. {a.progress}"]
                    for a in entry.actions
                ],
            )
        for table in entry.breakdowns:
            document.add_heading(table.caption, level=3)
            _table(
                document,
                [table.label, "Value", "Numerator", "Denominator"],
                [[cell.category, cell.value.text, cell.numerator.text, cell.denominator.text] for cell in table.rows],
            )


def pack_html(pack: Pack) -> str:
    return render_to_string("committee/pack_print.html", {"pack": pack})


def pack_pdf(pack: Pack) -> bytes:
    """The pack as tagged PDF (PDF/UA-1), so a screen reader can follow its headings and tables."""
    return pdf_from_html(pack_html(pack), tagged=True)


class PackError(ValueError):
    """A pack that cannot be built: the message says what the meeting lacks."""


def pack_item(meeting: Meeting) -> AgendaItem | None:
    """The agenda item a meeting's pack is the report of: the first that presents a scorecard's period."""
    return meeting.agenda.exclude(scorecard_slug="").exclude(period="").order_by("order").first()


def meeting_pack(meeting: Meeting) -> Pack:
    """The pack for a meeting: the report of its ``pack_item``, with that period's scorecard and exception report
    as its appendices."""
    item = pack_item(meeting)
    if item is None:
        raise PackError(f"no item on the agenda of {meeting.date:%-d %B %Y} presents a scorecard, so there is no pack")
    scorecard = Scorecard.objects.filter(slug=item.scorecard_slug).first()
    if scorecard is None:
        raise PackError(f"agenda item {item.order} names a scorecard '{item.scorecard_slug}' that does not exist")
    period = parse_period(item.period)
    cover = CoverReport(
        council=settings.OVERSIGHT_COUNCIL_NAME,
        report_to=meeting.body.name,
        meeting_on=meeting.date,
        report_of=item.report_of,
        title=item.title,
        sections={"Report summary": item.purpose} if item.purpose else {},
        part=item.part,
    )
    return Pack(cover, scorecard_view(scorecard, period), exception_report(scorecard, period))


PACK_FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def pack_render(pack: Pack, fmt: str) -> bytes:
    """The pack as Word (``docx``) or tagged PDF (``pdf``)."""
    if fmt not in PACK_FORMATS:
        raise ValueError(f"a pack is docx or pdf, not {fmt!r}")
    return pack_docx(pack) if fmt == "docx" else pack_pdf(pack)
