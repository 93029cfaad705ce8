"""Word documents written by reports.word's WordWriter are the documents python-docx's ordinary calls write, byte for
byte: the demo's meeting pack and highlight report, and text with tabs, line breaks, edge spaces and bold set either
way."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from datetime import date

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from oversight.committee import highlight, pack
from oversight.committee.highlight import highlight_docx, highlight_view
from oversight.committee.models import Meeting
from oversight.committee.pack import meeting_pack, pack_docx
from oversight.improvement.models import HighlightReport
from oversight.performance.services import LoadResult
from oversight.reports.word import Cell, WordWriter


class PlainWriter(WordWriter):
    """The same calls made the ordinary python-docx way: styles by name, cells through ``cell.text``."""

    def paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        return self.document.add_paragraph(text, style)

    def heading(self, text: str, level: int) -> Paragraph:
        return self.document.add_heading(text, level)

    def table(self, headings: list[str], rows: Sequence[Sequence[str | Cell]], *, columns: int = 0) -> Table:
        table = self.document.add_table(rows=1 if headings else 0, cols=len(headings) or columns)
        table.style = "Table Grid"
        if headings:
            for cell, heading in zip(table.rows[0].cells, headings, strict=True):
                cell.text = heading
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            table.rows[0]._tr.get_or_add_trPr().append(repeat)  # type: ignore[arg-type]
        for values in rows:
            cells = table.add_row().cells  # type: ignore[no-untyped-call]
            for cell, value in zip(cells, values, strict=True):
                cell.text = value.text if isinstance(value, Cell) else value
                if isinstance(value, Cell):
                    for run in cell.paragraphs[0].runs:
                        run.bold = value.bold
        return table


def _parts(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return {name: package.read(name) for name in package.namelist()}


def _paragraphs(docx: bytes) -> list[tuple[str, str]]:
    """Each paragraph's style name and text, the body's then each table cell's."""
    document = Document(io.BytesIO(docx))
    found = [(p.style.name if p.style else "", p.text) for p in document.paragraphs]
    for table in document.tables:
        found += [
            (p.style.name if p.style else "", p.text) for row in table.rows for c in row.cells for p in c.paragraphs
        ]
    return found


def _write(writer: WordWriter) -> bytes:
    writer.heading("Appendix A: a heading", level=1)
    writer.paragraph()
    writer.paragraph("Line one\nline two\r\nafter a return\tand a tab ")
    writer.paragraph(" leading and trailing space ", style="List Bullet")
    writer.paragraph("Numbered", style="List Number")
    writer.paragraph("In the default style, named", style="Normal")
    writer.table([], [["Report to", "The committee"], ["Empty", ""]], columns=2)
    writer.table(
        ["Area", "Value", "Tabbed\theading"],
        [
            ["England", Cell("63.1%", bold=True), Cell("", bold=False)],
            ["\tTab first", Cell("Not published: x", bold=False), "\n"],
            ["Trailing break\n", "  ", "a\u00a0b\u00a0"],
        ],
    )
    writer.table(["Only a header row"], [])
    return writer.save()


def test_the_writer_writes_what_python_docx_writes_for_every_kind_of_text() -> None:
    fast, plain = _write(WordWriter("A title")), _write(PlainWriter("A title"))
    assert _paragraphs(fast) == _paragraphs(plain)
    assert _paragraphs(fast)[2] == ("Normal", "Line one\nline two\n\nafter a return\tand a tab ")
    assert ("List Bullet", " leading and trailing space ") in _paragraphs(fast)
    assert _parts(fast) == _parts(plain)


def test_a_heading_is_of_level_one_to_nine() -> None:
    with pytest.raises(ValueError, match="a heading's level is 1 to 9, not 0"):
        WordWriter("A title").heading("Title", level=0)


def _same_document(monkeypatch: pytest.MonkeyPatch, render: Callable[[], bytes]) -> tuple[list[tuple[str, str]], bytes]:
    """Render with WordWriter, then with PlainWriter: the same paragraphs in the same styles, and the same bytes in
    every part of the package. The paragraphs and the document's XML, for what each test checks besides."""
    fast = render()
    monkeypatch.setattr(pack, "WordWriter", PlainWriter)
    monkeypatch.setattr(highlight, "WordWriter", PlainWriter)
    plain = render()
    assert _paragraphs(fast) == _paragraphs(plain)
    assert _parts(fast) == _parts(plain)
    return _paragraphs(fast), _parts(fast)["word/document.xml"]


def test_the_demo_meeting_pack_is_the_document_python_docx_writes(
    demo: LoadResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = Meeting.objects.get(body__slug="scrutiny", date=date(2011, 9, 20))
    paragraphs, xml = _same_document(monkeypatch, lambda: pack_docx(meeting_pack(meeting)))
    assert any(style == "Heading 1" and text.startswith("Appendix A: ") for style, text in paragraphs)
    assert sum(style == "List Number" for style, _ in paragraphs) == 7
    assert b'<w:b w:val="0"/>' in xml  # the benchmark tables' figures not in bold


def test_the_demo_highlight_report_is_the_document_python_docx_writes(
    demo: LoadResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = HighlightReport.objects.get(plan__slug="cheshire-east-2013", reported_on=date(2013, 9, 2))
    paragraphs, xml = _same_document(monkeypatch, lambda: highlight_docx(highlight_view(report)))
    assert ("Heading 2", "Target tracker") in paragraphs
    assert xml.count(b"<w:tblHeader") == 5
