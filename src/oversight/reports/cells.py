"""Cell text and RAG colours shared by every spreadsheet and CSV the application writes, whatever its content."""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from oversight.core.rag import Rating

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Light fills with dark text of the same hue (the GOV.UK tag palette): readable on screen and in print,
# and the word is always written in the cell, so the colour is never the only signal.
RAG_FILLS: dict[Rating, str] = {
    Rating.GREEN: "CCE2D8",
    Rating.AMBER: "FFF7BF",
    Rating.RED: "F4CDC6",
    Rating.NOT_RATED: "F3F2F1",
}
RAG_TEXT: dict[Rating, str] = {
    Rating.GREEN: "005A30",
    Rating.AMBER: "594D00",
    Rating.RED: "942514",
    Rating.NOT_RATED: "383F43",
}


def safe_cell(text: str) -> str:
    """Stop a spreadsheet from running a cell as a formula (CSV/XLSX injection), keeping the text readable."""
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def text(value: object) -> str:
    """A value as cell text that can never be a formula (and has no characters Excel refuses)."""
    return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value)))


def print_landscape_a4(sheet: Worksheet, *, title_rows: str | None = None) -> None:
    """Print the sheet on landscape A4, one page wide and as many tall as it needs, its title rows on each."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    properties = sheet.sheet_properties.pageSetUpPr or PageSetupProperties()
    properties.fitToPage = True
    sheet.sheet_properties.pageSetUpPr = properties
    if title_rows is not None:
        sheet.print_title_rows = title_rows
