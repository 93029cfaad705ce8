"""SSDA903 returns in their XML form, streamed and mapped to the same tables as the CSV tables.

The XML return (DfE's ``EXPSSDA903`` schema) has one ``CHILD`` per child: a ``HEADER`` with the child's
details and the per-child parts of the return (UASC, adoption, OC2, OC3, missing incidents, reviews,
previous permanence, placements for adoption), then one ``EPISODE`` per episode of care. Each ``CHILD`` is
read as it completes (``oversight.core.safexml.iter_xml``: no DTD, no entities) and cut into rows of the CSV
tables, cell for cell as the CSV files write them (dates dd/mm/yyyy, the placement as ``PL``), so that the
same checks and typing apply (``readers.ssda903``). Problems are reported at their XML path
(``/EXPSSDA903/CHILD[4]/EPISODE[2]/DECOM``); the ``source_row`` of a stored row is its CHILD's position.

The return does not name its council: give it with ``--la``. Its collection year is that of its episodes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from xml.etree.ElementTree import Element

import duckdb

from oversight.casework.issues import field_issue
from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.readers.ssda903 import (
    TABLES_BY_NAME,
    ReadResult,
    StagedFile,
    TableSpec,
    _check_cells,
    _type_rows,
)
from oversight.casework.readers.staging import file_sha256
from oversight.core.problems import Issue
from oversight.core.safexml import XmlRejectedError, iter_xml

# Each table's columns as the CSV file names them, and where the XML keeps them (relative to the part of
# CHILD the table's rows come from). Columns the CSV reader drops (UPN, mother's details) are not read at all.
_HEADER_FIELDS = {"CHILD": "CHILDID", "SEX": "SEX", "DOB": "DOB", "ETHNIC": "ETHNIC"}
_EPISODE_FIELDS = {
    "DECOM": "DECOM", "RNE": "RNE", "LS": "LS", "CIN": "CIN", "PLACE": "PL", "PLACE_PROVIDER": "PLACE_PROVIDER",
    "DEC": "DEC", "REC": "REC", "REASON_PLACE_CHANGE": "REASON_PLACE_CHANGE", "HOME_POST": "HOME_POST",
    "PL_POST": "PL_POST", "URN": "URN",
}  # fmt: skip
_ONCE = {  # tables with at most one row per child, from HEADER or a block in it
    "uasc": ("", ("DUC",)),
    "ad1": ("", ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")),
    "oc3": ("", ("IN_TOUCH", "ACTIV", "ACCOM")),
    "oc2": (
        "OC2",
        (
            "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
            "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED",
        ),
    ),
    "previous_permanence": ("PERMANENCE", ("PREV_PERM", "LA_PERM", "DATE_PERM")),
}  # fmt: skip
_REPEATED = {  # tables with a row per repeated block in HEADER
    "reviews": ("AREVIEW", ("REVIEW", "REVIEW_CODE")),
    "missing": ("AMISSING", ("MISSING", "MIS_START", "MIS_END")),
    "placed_for_adoption": ("AD_PLACED", ("DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED")),
}
TABLE_NAMES = ("header", "episodes", *_ONCE, *_REPEATED)


def is_ssda903_xml(head: bytes) -> bool:
    return b"<EXPSSDA903" in head or (b"<CHILD>" in head and b"<HEADER>" in head)


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


class _Table:
    """Rows of one table of one file, as text cells, with where each row was in the XML."""

    def __init__(self, spec: TableSpec, columns: list[str]) -> None:
        self.spec = spec
        self.columns = columns
        self.cells: list[list[str]] = [[] for _ in columns]
        self.locations: list[str] = []
        self.child_numbers: list[int] = []

    def add(self, values: list[str], location: str, child_number: int) -> None:
        for cells, value in zip(self.cells, values, strict=True):
            cells.append(value)
        self.locations.append(location)
        self.child_numbers.append(child_number)


def _tables() -> dict[str, _Table]:
    tables = {
        "header": _Table(TABLES_BY_NAME["header"], list(_HEADER_FIELDS)),
        "episodes": _Table(TABLES_BY_NAME["episodes"], ["CHILD", *_EPISODE_FIELDS]),
    }
    for name, (_, fields) in {**_ONCE, **_REPEATED}.items():
        tables[name] = _Table(TABLES_BY_NAME[name], ["CHILD", *fields])
    return tables


def _read_child(element: Element, number: int, tables: dict[str, _Table]) -> None:
    path = f"/EXPSSDA903/CHILD[{number}]"
    header = element.find("HEADER")
    if header is None:
        header = Element("HEADER")
    child_id = _text(header.find("CHILDID"))
    header_path = f"{path}/HEADER"
    tables["header"].add([_text(header.find(tag)) for tag in _HEADER_FIELDS.values()], header_path, number)
    for name, (block, fields) in _ONCE.items():
        source = header.find(block) if block else header
        if source is None:
            continue
        values = [_text(source.find(tag)) for tag in fields]
        if name == "uasc" and _text(header.find("UASC")) not in ("1", "") and not values[0]:
            continue
        if any(values):
            tables[name].add([child_id, *values], f"{header_path}/{block}" if block else header_path, number)
    for name, (block, fields) in _REPEATED.items():
        for index, item in enumerate(header.iterfind(block), start=1):
            tables[name].add(
                [child_id, *(_text(item.find(tag)) for tag in fields)], f"{header_path}/{block}[{index}]", number
            )
    for index, episode in enumerate(element.iterfind("EPISODE"), start=1):
        tables["episodes"].add(
            [child_id, *(_text(episode.find(tag)) for tag in _EPISODE_FIELDS.values())],
            f"{path}/EPISODE[{index}]",
            number,
        )


def _stage(con: duckdb.DuckDBPyConnection, path: Path, sha256: str, prefix: str, table: _Table) -> StagedFile:
    raw = f"{prefix}_{table.spec.name}"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {raw} AS SELECT "
        + ", ".join(f'CAST(unnest($c{i}) AS VARCHAR) AS "{name}"' for i, name in enumerate(table.columns))
        + ", CAST(unnest($ordinality) AS BIGINT) AS ordinality",
        {
            **{f"c{i}": cells for i, cells in enumerate(table.cells)},
            "ordinality": list(range(1, len(table.locations) + 1)),
        },
    )
    return StagedFile(
        path,
        sha256,
        table.spec,
        raw,
        {column: column for column in table.columns},
        rows=len(table.locations),
        locations=table.locations,
        child_numbers=table.child_numbers,
    )


def _xml_issues(staged: StagedFile) -> list[Issue]:
    """Cell problems at the XML element they came from: the child's identifier is HEADER/CHILDID whichever
    table's row found it blank, and the placement is PL."""
    if staged.locations is None:
        raise AssertionError("staged.locations is not None")
    if staged.child_numbers is None:
        raise AssertionError("staged.child_numbers is not None")
    issues = []
    for problem in staged.problems:
        number = staged.child_numbers[problem.ordinality - 1]
        if problem.field == "CHILD":
            where = f"/EXPSSDA903/CHILD[{number}]/HEADER/CHILDID"
        else:
            element = _EPISODE_FIELDS.get(problem.field, problem.field) if staged.spec.name == "episodes" else None
            where = f"{staged.locations[problem.ordinality - 1]}/{element or problem.field}"
        issues.append(field_issue(staged.name, None, where, problem.message))
    return issues


def _child_number(path: str | None) -> int:
    number = (path or "").partition("/CHILD[")[2].partition("]")[0]
    return int(number) if number.isdigit() else 0


def read_ssda903_xml(
    paths: Iterable[Path],
    *,
    pseudonymiser: Pseudonymiser,
    la: str | None,
    year_ending: int | None,
    connection: duckdb.DuckDBPyConnection,
    result: ReadResult,
    first_index: int = 0,
    progress: Callable[[int], object] | None = None,
) -> ReadResult:
    """Read and check SSDA903 XML returns into the same staging tables as the CSV reader's."""
    for index, path in enumerate(paths, start=first_index):
        path = Path(path)
        if progress is not None:
            progress(1)
        if la is None:
            result.issues.append(
                field_issue(
                    path.name, None, None, "an SSDA903 XML return does not name its council; give its code with --la"
                )
            )
            continue
        tables = _tables()
        try:
            sha256 = file_sha256(path)
            with path.open("rb") as stream:
                for number, element in enumerate(iter_xml(stream, source=path.name, tags={"CHILD"}), start=1):
                    _read_child(element, number, tables)
        except XmlRejectedError as error:
            result.issues.append(field_issue(path.name, None, None, str(error).removeprefix(f"{path.name}: ")))
            continue
        except OSError as error:
            result.issues.append(field_issue(path.name, None, None, f"cannot be read: {error.strerror or error}"))
            continue
        if not tables["header"].locations:
            result.issues.append(
                field_issue(path.name, None, "/EXPSSDA903", "has no CHILD; the return lists at least one")
            )
            continue
        staged = [_stage(connection, path, sha256, f"x903_{index}", t) for t in tables.values() if t.locations]
        problems: list[Issue] = []
        for file in staged:
            result.files.append(file)
            _check_cells(connection, file, la, result)
            problems.extend(_xml_issues(file))
        problems = sorted(set(problems), key=lambda i: (_child_number(i.place), i.place or ""))
        year = year_ending or next((f.year_ending for f in staged if f.spec.name == "episodes"), None)
        for file in staged:
            file.year_ending = year
            if file.spec.per_year and year is None:
                problems.append(
                    field_issue(path.name, None, None, f"has {file.spec.name} records but no episodes to tell the year "
                          "by; give the year with --year 2017-18")
                )  # fmt: skip
        if problems:
            result.issues.extend(problems)
            continue
        for file in staged:
            _type_rows(connection, file, la, pseudonymiser, result)
    return result
