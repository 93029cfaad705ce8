"""The scorecard's PDF and XLSX for publication: small numbers withheld, with everything that would repeat them,
and the file says what was withheld and why; no "internal" stamp."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from openpyxl import load_workbook

from oversight.core.periods import parse_period
from oversight.demo.casework import DEMO_COUNCILS, CaseworkDemo
from oversight.performance.disclosure import view_for_publication
from oversight.performance.export_pdf import render_pdf
from oversight.performance.export_xlsx import render_xlsx
from oversight.performance.models import Scorecard
from oversight.performance.selectors import ScorecardView, scorecard_view


def _synthetic_q1() -> ScorecardView:
    scorecard = Scorecard.objects.get(slug=DEMO_COUNCILS[0].scorecard)
    return scorecard_view(scorecard, parse_period("2011-12-Q1"))


def test_a_small_number_is_withheld_with_all_that_would_repeat_it(demo_casework_first: CaseworkDemo) -> None:
    view = _synthetic_q1()
    published = view_for_publication(view)
    assert published.withheld, "the synthetic council has small numbers"
    withheld_codes = {entry.split(",")[0] for entry in published.withheld}
    for before, after in zip(view.rows, published.view.rows, strict=True):
        if before.indicator.code in withheld_codes and before.actual and after.actual and after.actual.text == "c":
            shown = before.actual.text
            said = [after.rag.reason, after.versus_previous.description, *[c.summary for c in after.comparators]]
            assert all(f" {shown} " not in f" {sentence} " for sentence in said), (before.indicator.code, said)


def test_the_pdf_for_publication_says_what_was_withheld(demo_casework_first: CaseworkDemo, tmp_path: Path) -> None:
    view = _synthetic_q1()
    published = view_for_publication(view)
    pdf = tmp_path / "published.pdf"
    pdf.write_bytes(render_pdf(view, publication=True))
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    assert "Internal: not for publication" not in text
    assert "For publication:" in text
    assert f"Withheld here ({len(published.withheld)}):" in text
    internal = tmp_path / "internal.pdf"
    internal.write_bytes(render_pdf(view))
    assert (
        "Internal: not for publication"
        in subprocess.run(["pdftotext", str(internal), "-"], capture_output=True, text=True, check=True).stdout
    )


def test_the_workbook_for_publication_withholds_on_both_sheets(demo_casework_first: CaseworkDemo) -> None:
    view = _synthetic_q1()
    book = load_workbook(io.BytesIO(render_xlsx(view, publication=True)))
    assert str(book["Scorecard"]["A3"].value).startswith("For publication:")
    data = list(book["Data"].iter_rows(values_only=True))
    header = list(data[0])
    values = [row[header.index("value")] for row in data[1:]]
    assert "c" in values
    assert all(row[header.index("rag")] == "Not shown" for row in data[1:] if row[header.index("value")] == "c")
