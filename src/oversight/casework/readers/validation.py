"""Optional validation of CIN census and workforce census files against their XSDs (``oversight casework load
--validate``).

The XSDs are in ``readers/xsd`` (see SOURCES.md there); the schema follows the file's census year. lxml
does the validation, with entities, DTDs and network access off; it runs only on files the hardened reader
has already read (which refuses any DTD). Unlike the reader, it holds the file as a tree while it checks
it: validate a council's file, not a national extract.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from oversight.casework.issues import field_issue
from oversight.core.problems import Issue

SCHEMA_YEARS = (2022, 2024, 2025, 2026)
WORKFORCE_XSD = "social_work_workforce_2022.xsd"  # the children's social work workforce census (one schema)


def schema_year(census_year: int | None) -> int:
    """The schema that applies to a census year (the year of its 31 March): the latest one not after it."""
    if census_year is None:
        return SCHEMA_YEARS[-1]
    return max((y for y in SCHEMA_YEARS if y <= census_year), default=SCHEMA_YEARS[0])


@cache
def _schema(file_name: str) -> Any:
    from lxml import etree

    data = resources.files("oversight.casework.readers").joinpath("xsd", file_name).read_bytes()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.fromstring(data, parser))


def validate_cin(path: Path, census_year: int | None, *, limit: int = 1_000) -> list[Issue]:
    """Every way the file departs from its year's schema (up to ``limit``), each with its XML path and line."""
    year = schema_year(census_year)
    return _validated(path, f"CIN_schema_{year}.xsd", f"the {year} census schema", limit)


def validate_workforce(path: Path, *, limit: int = 1_000) -> list[Issue]:
    """Every way a workforce census file departs from the census schema (up to ``limit``), with XML path and line."""
    return _validated(path, WORKFORCE_XSD, "the workforce census schema", limit)


def _validated(path: Path, schema_file: str, schema_name: str, limit: int) -> list[Issue]:
    from lxml import etree

    schema = _schema(schema_file)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        tree = etree.parse(str(path), parser)
    except etree.XMLSyntaxError as error:
        return [field_issue(path.name, None, None, f"the XML is not well formed: {error}")]
    if schema.validate(tree):
        return []
    issues = []
    for entry in list(schema.error_log)[:limit]:
        message = str(entry.message).replace("Element '", "'")
        where = entry.path or None
        issues.append(
            field_issue(path.name, None, where, f"does not match {schema_name} (line {entry.line}): {message}")
        )
    return issues
