"""The printed committee pack: rendered by WeasyPrint and read back with poppler's pdftotext.

pdftotext and pdfinfo come from Debian's poppler-utils, which the CI image must install.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from oversight.performance.export_pdf import render_html, render_pdf
from oversight.performance.selectors import ScorecardView, scorecard_view


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is missing: install Debian's poppler-utils to check the PDF")
    return path


def _run(tool: str, *args: str) -> str:
    return subprocess.run([_poppler(tool), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def pdf_file(q1_view: ScorecardView, tmp_path: Path) -> Path:
    path = tmp_path / "scorecard.pdf"
    path.write_bytes(render_pdf(q1_view))
    return path


def _pages(path: Path) -> int:
    match = re.search(r"^Pages:\s+(\d+)$", _run("pdfinfo", str(path)), re.MULTILINE)
    assert match is not None
    return int(match[1])


def test_pdf_holds_the_ratings_figures_and_page_numbers(pdf_file: Path, q1_view: ScorecardView) -> None:
    assert pdf_file.read_bytes().startswith(b"%PDF-")
    text = _run("pdftotext", "-layout", str(pdf_file), "-")
    assert "Children & Families Strategic Performance Scorecard" in text
    assert "2011-12 Quarter 1 (April–June 2011)" in text
    assert "Red" in text
    assert "63.1%" in text
    assert "(provisional)" in text
    assert "Page 1 of" in text
    pages = _pages(pdf_file)
    assert pages > 2
    assert f"Page {pages} of {pages}" in text
    # Every page's footer names the scorecard and the period.
    footer = "Children & Families Strategic Performance Scorecard — 2011-12 Quarter 1 (April–June 2011)"
    assert text.count(footer) == pages


def test_pdf_is_a4_landscape(pdf_file: Path) -> None:
    info = _run("pdfinfo", str(pdf_file))
    match = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert match is not None
    width, height = float(match[1]), float(match[2])
    assert width == pytest.approx(841.89, abs=1)
    assert height == pytest.approx(595.28, abs=1)


def test_pdf_counts_ratings_and_ends_with_explanations(pdf_file: Path, q1_view: ScorecardView) -> None:
    text = _run("pdftotext", "-layout", str(pdf_file), "-")
    summary = re.sub(r"\s+", " ", text.split("DCHI002")[0])
    for rating, count in q1_view.rating_counts:
        assert f"{rating.label} {count} indicator" in summary
    last_pages = _run("pdftotext", "-layout", "-f", str(max(1, _pages(pdf_file) - 3)), str(pdf_file), "-")
    assert "Explanations" in last_pages
    assert "How each rating is decided" in last_pages
    assert "EYFS" in last_pages
    assert "Early Years Foundation Stage" in last_pages
    # The column header repeats on each page a priority's table runs onto.
    assert text.count("Rating and why") > len(q1_view.groups)


def test_print_html_marks_rating_direction_and_provisional_figures(q1_view: ScorecardView) -> None:
    html = render_html(q1_view)
    due = [group for group in q1_view.groups if group.due_rows]
    # one per priority with a row due this quarter, one for the annual measures not due, one per glossary kind
    assert html.count("<thead>") == len(due) + 1 + 3
    core = html[html.index("CSC-CORE-35WD") :]
    core = core[: core.index("</tr>")]
    assert '<span class="tag tag--red">Red</span>' in core
    assert "Red: 63.1% is 21.9 points below the target of at least 85%" in core
    assert '63.1% <span class="provisional">(provisional)</span>' in core
    assert "–</span> Not comparable" in core  # the demo has no 2010-11 Q4 to set Q1 against
    for rating, count in q1_view.rating_counts:
        assert f'<span class="tag tag--{rating.value}">{rating.label}</span> {count} indicator' in html


def test_commentary_is_escaped_in_the_print_html(q1_view: ScorecardView) -> None:
    row = next(r for r in q1_view.rows if r.commentary is not None and r.due)  # a row printed in full
    assert row.commentary is not None
    row.commentary.text = '<img src="file:///etc/passwd"> & more'
    row.commentary.save()
    html = render_html(scorecard_view(q1_view.scorecard, q1_view.period))
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt; &amp; more" in html
    assert '<img src="file:///etc/passwd">' not in html
