"""The committee report as Word and as tagged PDF: the council's numbered sections, the approved scorecard and
the exception report as appendices; Word's own styles; a PDF a screen reader can follow."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from oversight.committee.exceptions import exception_report
from oversight.committee.pack import CoverReport, Pack, pack_docx, pack_pdf
from oversight.core.periods import parse_period
from oversight.performance.models import Scorecard
from oversight.performance.selectors import scorecard_view
from oversight.performance.services import LoadResult


def _pack() -> Pack:
    strategic = Scorecard.objects.get(slug="strategic")
    q1 = parse_period("2011-12-Q1")
    cover = CoverReport(
        council="Cheshire East Council",
        report_to="Children and Families Scrutiny Committee",
        meeting_on=date(2011, 9, 20),
        report_of="Strategic Director, Children and Families",
        title="Children and Families Performance Report, Quarter 1 2011-12",
        portfolio_holder="Councillor Hilda Gaddum",
        sections={
            "Report summary": "Quarter 1 performance of the Children and Families Directorate.",
            "Decision requested": "That the Committee note the report.",
            "Wards affected": "All wards.",
        },
    )
    return Pack(cover, scorecard_view(strategic, q1), exception_report(strategic, q1))


def test_the_word_document_has_the_numbered_sections_as_headings_and_tables_with_header_rows(
    demo: LoadResult,
) -> None:
    document = Document(io.BytesIO(pack_docx(_pack())))
    headings = [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style is not None and p.style.name.startswith("Heading")
    ]
    assert ("Heading 2", "1. Report summary") in headings
    assert ("Heading 2", "2. Decision requested") in headings
    assert ("Heading 2", "4. Wards affected") in headings  # numbered as the council's template numbers it
    assert (
        "Heading 1",
        "Appendix A: Children & Families Strategic Performance Scorecard, 2011-12 Quarter 1 (April–June 2011)",
    ) in headings
    assert any(text.startswith("Appendix B: Exception report") for _, text in headings)
    scorecard_tables = [t for t in document.tables if t.rows[0].cells[0].text == "Indicator"]
    assert sum(len(t.rows) - 1 for t in scorecard_tables) == 32
    for table in scorecard_tables:
        assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")  # the header row repeats on each page
    text = "\n".join(cell.text for t in scorecard_tables for row in t.rows for cell in row.cells)
    assert "Red: 63.1% is 21.9 points below the target of at least 85% (amber within 5 points)." in text


def libreoffice_text(docx: bytes, folder: Path) -> str:
    """The text of the PDF LibreOffice makes of a Word document, once it has converted it without errors."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office, "LibreOffice is needed (apt-get install libreoffice-writer-nogui); .ci/run installs it"
    source = folder / "pack.docx"
    source.write_bytes(docx)
    result = subprocess.run(
        [office, "--headless", f"-env:UserInstallation=file://{folder / 'profile'}", "--convert-to", "pdf",
         "--outdir", str(folder), str(source)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    converted = folder / "pack.pdf"
    return subprocess.run(["pdftotext", str(converted), "-"], capture_output=True, text=True, check=True).stdout


def test_libreoffice_converts_the_word_document_without_errors(demo: LoadResult, tmp_path: Path) -> None:
    text = libreoffice_text(pack_docx(_pack()), tmp_path)
    assert "1. Report summary" in text


def test_the_pdf_is_tagged_and_has_the_headings_and_rating_words(demo: LoadResult, tmp_path: Path) -> None:
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(pack_pdf(_pack()))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    assert "Title:           Children and Families Performance Report, Quarter 1 2011-12" in info
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    for heading in ("1. Report summary", "2. Decision requested", "Appendix A:", "Appendix B: Exception report"):
        assert heading in text
    for word in ("Red", "Green", "Not rated"):
        assert word in text
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2
    assert all(page.stat().st_size > 2000 for page in pages)  # rendered, not blank


@pytest.mark.parametrize("part", [2])
def test_a_part_2_pack_is_stamped_private(demo: LoadResult, part: int) -> None:
    pack = _pack()
    private = Pack(CoverReport(**{**pack.cover.__dict__, "part": part}), pack.scorecard, pack.exceptions)
    document = Document(io.BytesIO(pack_docx(private)))
    assert document.paragraphs[0].text == "Part 2: private. Not for publication."
