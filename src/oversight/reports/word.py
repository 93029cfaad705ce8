"""Word (DOCX) documents of headings, paragraphs and grid tables, written through python-docx without its slow paths.

python-docx finds a style by name, and then the default style of its type, by walking every style of the document
on each paragraph and table given one; and it fills a table cell through a state machine run once per character.
``WordWriter`` looks each style up once per document and writes a table's rows and each cell's run straight into the
document's XML, in exactly the elements python-docx would write: the document a reader opens is the same, byte for
byte (tests/committee/test_word.py holds the two side by side).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

_W_R, _W_T, _W_TAB, _W_BR = qn("w:r"), qn("w:t"), qn("w:tab"), qn("w:br")
_W_RPR, _W_B, _W_VAL, _XML_SPACE = qn("w:rPr"), qn("w:b"), qn("w:val"), qn("xml:space")
_BREAKS = re.compile(r"([\t\r\n])")  # python-docx writes a tab as <w:tab/>, a new line or return as <w:br/>


@dataclass(frozen=True)
class Cell:
    """A table cell's text with its run made bold (True), or explicitly not bold (False)."""

    text: str
    bold: bool


def _run(paragraph: etree._Element, text: str, bold: bool | None = None) -> None:
    """Append to ``paragraph`` the run python-docx's ``add_run(text)`` writes, bold as ``run.bold = bold`` makes it."""
    run = etree.SubElement(paragraph, _W_R)
    if bold is not None:
        weight = etree.SubElement(etree.SubElement(run, _W_RPR), _W_B)
        if not bold:
            weight.set(_W_VAL, "0")
    for piece in _BREAKS.split(text) if "\t" in text or "\r" in text or "\n" in text else (text,):
        if piece == "\t":
            etree.SubElement(run, _W_TAB)
        elif piece in ("\r", "\n"):
            etree.SubElement(run, _W_BR)
        elif piece:
            words = etree.SubElement(run, _W_T)
            words.text = piece
            if len(piece.strip()) < len(piece):
                words.set(_XML_SPACE, "preserve")


class WordWriter:
    """A Word document being written: paragraphs and headings in Word's own styles, tables in "Table Grid"."""

    def __init__(self, title: str) -> None:
        self.document: WordDocument = Document()
        self.document.core_properties.title = title
        self.document.core_properties.language = "en-GB"
        self._style_ids: dict[tuple[str, WD_STYLE_TYPE], str | None] = {}

    def _style_id(self, name: str, kind: WD_STYLE_TYPE) -> str | None:
        """The style's id (None for the default style of its kind), found by name once per document."""
        key = (name, kind)
        if key not in self._style_ids:
            self._style_ids[key] = self.document.styles.get_style_id(name, kind)
        return self._style_ids[key]

    def paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        """A paragraph, as ``document.add_paragraph(text, style)`` writes it."""
        paragraph = self.document.add_paragraph()
        if text:
            _run(paragraph._p, text)
        if style is not None:
            paragraph._p.style = self._style_id(style, WD_STYLE_TYPE.PARAGRAPH)
        return paragraph

    def heading(self, text: str, level: int) -> Paragraph:
        """A heading in Word's "Heading 1" … "Heading 9" style, as ``document.add_heading`` writes it."""
        if not 1 <= level <= 9:
            raise ValueError(f"a heading's level is 1 to 9, not {level}")
        return self.paragraph(text, f"Heading {level}")

    def table(self, headings: list[str], rows: Sequence[Sequence[str | Cell]], *, columns: int = 0) -> Table:
        """A table in Word's grid style; with ``headings``, its first row is a bold header row repeated on each
        page the table runs over. A ``Cell`` sets its run bold or not."""
        table: Table = self.document.add_table(rows=1 if headings else 0, cols=len(headings) or columns)
        table._tbl.tblStyle_val = self._style_id("Table Grid", WD_STYLE_TYPE.TABLE)
        if headings:
            header = table._tbl.tr_lst[0]
            for cell, heading in zip(header.tc_lst, headings, strict=True):
                _cell_text(cell, Cell(heading, bold=True))
            repeat = OxmlElement("w:tblHeader")
            repeat.set(_W_VAL, "true")
            header.get_or_add_trPr().append(repeat)  # type: ignore[arg-type]
        if rows:
            blank = table.add_row()._tr  # type: ignore[no-untyped-call]
            table._tbl.remove(blank)
            for values in rows:
                row = deepcopy(blank)
                for cell, value in zip(row.tc_lst, values, strict=True):
                    _cell_text(cell, value)
                table._tbl.append(row)
        return table

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def _cell_text(cell: etree._Element, value: str | Cell) -> None:
    """Fill a new cell (its one empty paragraph) with ``value``, as python-docx's ``cell.text = value`` does."""
    paragraph = cell[-1]
    if isinstance(value, Cell):
        _run(paragraph, value.text, value.bold)
    else:
        _run(paragraph, value)
