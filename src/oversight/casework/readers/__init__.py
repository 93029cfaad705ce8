"""Readers of the DfE returns: each checks and stages files in a DuckDB workspace; the store writes them.

``detect_format`` tells the readers' formats apart by the first bytes of a file, whatever it is called.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path


class Format(StrEnum):
    SSDA903_CSV = "SSDA903 CSV table"
    SSDA903_XML = "SSDA903 XML return"
    CIN_XML = "CIN census XML"
    WORKFORCE_XML = "social work workforce census XML"
    WORKBOOK = "workbook"
    UNKNOWN_XML = "XML of another kind"


def detect_format(path: Path) -> Format:
    """The format of a file from its first few kilobytes (a file that cannot be opened is called CSV: the CSV
    reader reports why it cannot be read)."""
    try:
        with Path(path).open("rb") as stream:
            head = stream.read(8192)
    except OSError:
        return Format.SSDA903_CSV
    if head.startswith(b"PK\x03\x04"):
        return Format.WORKBOOK
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith(b"<"):
        return Format.SSDA903_CSV
    from oversight.casework.readers.cin import is_cin_census
    from oversight.casework.readers.ssda903_xml import is_ssda903_xml
    from oversight.casework.readers.workforce import is_workforce_census

    if is_ssda903_xml(head):
        return Format.SSDA903_XML
    if is_cin_census(head):
        return Format.CIN_XML
    if is_workforce_census(head):
        return Format.WORKFORCE_XML
    return Format.UNKNOWN_XML
