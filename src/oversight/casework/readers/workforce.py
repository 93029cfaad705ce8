"""The children's social work workforce census (CSWW) as XML, read into the store's workforce tables.

The census (DfE's ``Message`` with a ``Header``, one ``LALevelVacancies`` and a ``CSWWWorker`` per social
worker, agency workers included and flagged ``AgencyWorker``) is a snapshot at 30 September with the year's
leavers and absence. libxml2 reads it (``oversight.core.safexml.iter_elements``: no DTD, no entities, no
network), streamed a worker at a time; each worker is taken out of the tree once read, so memory stays that of
one worker. A council's census is a few hundred workers: the values are checked and typed in Python as they
are read, and nothing is staged until the whole file has been read without a problem.

What is kept: each worker's record (``csww_workers``), pseudonymised like a child (``Pseudonymiser.child`` of
the council and the social worker's Social Work England number, ``SWENo``, which is never stored or staged in
clear), and the council's vacancies and agency cover (``csww_vacancies``). A worker's date of birth and
qualifying institution are not read: no measure needs them. Every row carries the council, the census date
(``census_date``) and the collection year (``year_ending``, the 31 March after the census date: the census of
30 September 2022 belongs to 2022-23, as the scorecard's financial years name it).

Problems are reported at their XML path (``/Message/CSWWWorker[4]/FTE``), and any one rejects the file, and
with it the load.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import duckdb

from oversight.casework.issues import field_issue
from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.readers.ssda903 import Column, Kind, ReadResult, StagedFile, TableSpec
from oversight.casework.readers.staging import file_sha256
from oversight.casework.reference import la_code
from oversight.core.problems import Issue
from oversight.core.safexml import XmlRejectedError, iter_elements

ROOT = "/Message"
# The council's own row of vacancies has no person: its key is this fixed identifier in the ``child`` column.
COUNCIL_ROW = uuid.UUID(int=0)

# Each worker element read, with the stored column, the type it is read as, and the SQL type stored.
_WORKER_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("AgencyWorker", "agency_worker", "flag", "BOOLEAN"),
    ("FTE", "fte", "fte", "DECIMAL(9,6)"),
    ("FTE30", "fte30", "fte", "DECIMAL(9,6)"),
    ("GenderCurrent", "gender", "code", "VARCHAR"),
    ("Ethnicity", "ethnicity", "code", "VARCHAR"),
    ("QualLevel", "qual_level", "code", "VARCHAR"),
    ("StepUpGrad", "step_up_grad", "flag", "BOOLEAN"),
    ("FrontlineGrad", "frontline_grad", "flag", "BOOLEAN"),
    ("OrgRole", "org_role", "code", "VARCHAR"),
    ("RoleStartDate", "role_start", "date", "DATE"),
    ("StartOrigin", "start_origin", "code", "VARCHAR"),
    ("RoleEndDate", "role_end", "date", "DATE"),
    ("LeaverDestination", "leaver_destination", "code", "VARCHAR"),
    ("ReasonLeave", "reason_leave", "code", "VARCHAR"),
    ("Cases30", "cases30", "integer", "INTEGER"),
    ("WorkingDaysLost", "working_days_lost", "decimal", "DECIMAL(9,2)"),
    ("ContractWeeks", "contract_weeks", "decimal", "DECIMAL(9,1)"),
    ("Absat30Sept", "absent_30_sept", "flag", "BOOLEAN"),
    ("ReasonAbsence", "reason_absence", "code", "VARCHAR"),
    ("CFKSSstatus", "cfkss_status", "code", "VARCHAR"),
)
_VACANCY_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("NumberOfVacancies", "vacancies_fte", "decimal", "DECIMAL(9,2)"),
    ("NoAgencyFTE", "agency_cover_fte", "decimal", "DECIMAL(9,2)"),
    ("NoAgencyHeadcount", "agency_cover_headcount", "integer", "INTEGER"),
)
_NEEDED = {"AgencyWorker", "SWENo", "NumberOfVacancies", "NoAgencyFTE", "NoAgencyHeadcount"}

WORKERS = TableSpec(
    "csww_workers",
    "csww_workers",
    "Children's social work workforce census: social workers and agency workers",
    (Column("SWENo", Kind.CHILD),),
    per_year=True,
    derived=(("census_date", "DATE"), *((stored, sql) for _, stored, _, sql in _WORKER_FIELDS)),
)
VACANCIES = TableSpec(
    "csww_vacancies",
    "csww_vacancies",
    "Children's social work workforce census: the council's vacancies and agency cover",
    (),
    per_year=True,
    derived=(("census_date", "DATE"), *((stored, sql) for _, stored, _, sql in _VACANCY_FIELDS)),
)
WORKFORCE_TABLES = (WORKERS, VACANCIES)


def is_workforce_census(head: bytes) -> bool:
    return b"<CSWWWorker" in head or b"<LALevelVacancies" in head or b"<Collection>CSWW<" in head


class _ProblemError(ValueError):
    """A value the census cannot have; its message becomes the Issue at that element's path."""


def _local(tag: Any) -> str:
    return str(tag).rpartition("}")[2]


def _texts(element: Any) -> dict[str, str]:
    """The element's children's values by local name, XML whitespace normalised (the first of a repeat)."""
    values: dict[str, str] = {}
    for child in element:
        if isinstance(child.tag, str):
            values.setdefault(_local(child.tag), " ".join((child.text or "").split()))
    return values


def _date(text: str) -> date | None:
    """A date written yyyy-mm-dd, as the schema has it, or dd/mm/yyyy; None if it is neither."""
    parts = text.split("/")
    iso = f"{parts[2]}-{parts[1]}-{parts[0]}" if len(parts) == 3 else text
    try:
        return date.fromisoformat(iso) if len(iso) == 10 else None
    except ValueError:
        return None


def _value(kind: str, text: str) -> object:
    """The typed value of a cell; raises _ProblemError with what is wrong."""
    if kind == "code":
        return text.upper()
    if kind == "flag":
        if text.lower() in ("1", "true", "y", "yes"):
            return True
        if text.lower() in ("0", "false", "n", "no"):
            return False
        raise _ProblemError(f"'{text}' is not a yes/no (1 or 0)")
    if kind == "date":
        day = _date(text)
        if day is None:
            raise _ProblemError(f"'{text}' is not a date (yyyy-mm-dd)")
        return day
    if kind == "integer":
        if not text.lstrip("-").isdigit():
            raise _ProblemError(f"'{text}' is not a whole number")
        return int(text)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _ProblemError(f"'{text}' is not a number") from None
    if not number.is_finite() or number < 0:
        raise _ProblemError(f"'{text}' is not a number of 0 or more")
    if kind == "fte" and number > 1:
        raise _ProblemError(f"'{text}' is more than 1; a full-time equivalent is from 0 to 1")
    return number


def _row(
    values: dict[str, str], fields: Iterable[tuple[str, str, str, str]], path: str, issues: list[Issue], source: str
) -> list[object]:
    """The typed values of ``fields`` in file order (None where blank or wrong), with each problem in ``issues``."""
    row: list[object] = []
    for element, _, kind, _ in fields:
        text = values.get(element, "")
        if not text:
            if element in _NEEDED:
                issues.append(field_issue(source, None, f"{path}/{element}", "is missing; the census needs it"))
            row.append(None)
            continue
        try:
            row.append(_value(kind, text))
        except _ProblemError as problem:
            issues.append(field_issue(source, None, f"{path}/{element}", str(problem)))
            row.append(None)
    return row


@dataclass
class _Census:
    """One file as read: its header's council and date, its council row and its workers (not yet staged)."""

    lea: str = ""
    reference_date: str = ""
    year: str = ""
    vacancies: list[object] | None = None
    workers: list[tuple[str, list[object]]] = field(default_factory=list)  # (SWENo, values) in file order
    issues: list[Issue] = field(default_factory=list)


def _read(path: Path) -> _Census:
    census = _Census()
    source = path.name
    workers = 0
    for element in iter_elements(path, source=source, tags={"Header", "LALevelVacancies", "CSWWWorker"}):
        tag = _local(element.tag)
        if tag == "Header":
            details = element.find("{*}CollectionDetails")
            if details is not None:
                found = _texts(details)
                census.reference_date, census.year = found.get("ReferenceDate", ""), found.get("Year", "")
            census.lea = next((_texts(s).get("LEA", "") for s in element.iterfind("{*}Source")), "")
        elif tag == "LALevelVacancies":
            if census.vacancies is not None:
                census.issues.append(
                    field_issue(source, None, f"{ROOT}/LALevelVacancies[2]", "the census has one LALevelVacancies")
                )
            census.vacancies = _row(_texts(element), _VACANCY_FIELDS, f"{ROOT}/LALevelVacancies", census.issues, source)
        else:
            workers += 1
            where = f"{ROOT}/CSWWWorker[{workers}]"
            values = _texts(element)
            swe = values.get("SWENo", "")
            if not swe:
                census.issues.append(field_issue(source, None, f"{where}/SWENo", "is missing; every worker needs one"))
            census.workers.append((swe, _row(values, _WORKER_FIELDS, where, census.issues, source)))
        parent = element.getparent()
        if parent is not None:  # done with it: a long file leaves no tree of workers behind
            parent.remove(element)
    return census


def _census_date(census: _Census, source: str) -> tuple[date | None, Issue | None]:
    where = f"{ROOT}/Header/CollectionDetails/ReferenceDate"
    if census.reference_date:
        day = _date(census.reference_date)
        if day is None:
            return None, field_issue(source, None, where, f"'{census.reference_date}' is not a date (yyyy-mm-dd)")
        return day, None
    if census.year.isdigit() and len(census.year) == 4:  # the census is taken on 30 September of its year
        return date(int(census.year), 9, 30), None
    return None, field_issue(source, None, where, "is missing, and there is no Year to tell the census date by")


def collection_year(census_date: date) -> int:
    """The collection year a census belongs to: the year of the 31 March after (or on) its date."""
    return census_date.year + (1 if census_date.month >= 4 else 0)


def _stage(
    con: duckdb.DuckDBPyConnection,
    spec: TableSpec,
    name: str,
    rows: list[tuple[uuid.UUID, int, list[object]]],
    la: str,
    year: int,
) -> str:
    """A typed staging table of ``rows`` (pseudonym, position in the file, values) as the store's _write takes it.

    The values go to DuckDB a column at a time, as text cast to the stored type: one statement for the file
    (a row at a time, a council's census of 2,000 workers would take seconds)."""
    columns = spec.derived
    cells = {
        f"c{i}": [None if values[i] is None else str(values[i]) for _, _, values in rows] for i in range(len(columns))
    }
    typed = ", ".join(f"CAST(unnest($c{i}) AS {sql_type}) AS {column}" for i, (column, sql_type) in enumerate(columns))
    # A worker listed twice in one census (two posts) is kept once, as its first record: DfE counts heads.
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT $la AS la, child, $year AS year_ending, * EXCLUDE (child), "
        "$year AS return_year, row_number() OVER (PARTITION BY child ORDER BY source_row) = 1 AS is_kept FROM "
        f"(SELECT CAST(unnest($children) AS UUID) AS child, CAST(unnest($rows) AS INTEGER) AS source_row, {typed})",
        {
            "la": la,
            "year": year,
            "children": [str(child) for child, _, _ in rows],
            "rows": [position for _, position, _ in rows],
            **cells,
        },
    )
    return name


def read_workforce(
    paths: Iterable[Path],
    *,
    pseudonymiser: Pseudonymiser,
    la: str | None,
    connection: duckdb.DuckDBPyConnection,
    result: ReadResult,
    first_index: int = 0,
    progress: Callable[[int], object] | None = None,
    validate: bool = False,
    year_ending: int | None = None,
) -> ReadResult:
    """Read and check workforce census files into staging tables the store writes (``StagedFile.typed``).

    ``year_ending`` is not used: a census's year is that of its own census date."""
    for index, path in enumerate(paths, start=first_index):
        path = Path(path)
        source = path.name
        if progress is not None:
            progress(1)
        try:
            sha256 = file_sha256(path)
            census = _read(path)
        except XmlRejectedError as error:
            result.issues.append(field_issue(source, None, None, str(error).removeprefix(f"{source}: ")))
            continue
        except OSError as error:
            result.issues.append(field_issue(source, None, None, f"cannot be read: {error.strerror or error}"))
            continue
        issues = census.issues
        council = la or (la_code(census.lea) if census.lea else None)
        if council is None:
            unknown = f"the council number '{census.lea}' is not one oversight knows" if census.lea else "is missing"
            issues.append(
                field_issue(source, None, f"{ROOT}/Header/Source/LEA", f"{unknown}; give the council's code with --la")
            )
        day, problem = _census_date(census, source)
        if problem is not None:
            issues.append(problem)
        if census.vacancies is None:
            issues.append(field_issue(source, None, f"{ROOT}/LALevelVacancies", "is missing; the census has one"))
        if not census.workers:
            issues.append(field_issue(source, None, f"{ROOT}/CSWWWorker", "is missing; the census lists its workers"))
        if validate and not issues:
            from oversight.casework.readers.validation import validate_workforce

            issues.extend(validate_workforce(path))
        if issues:
            result.issues.extend(issues)
            continue
        if council is None or day is None or census.vacancies is None:
            raise AssertionError("a census without problems has a council, a date and its vacancies")
        year = collection_year(day)
        workers = [
            (pseudonymiser.child(council, swe), position, [day, *values])
            for position, (swe, values) in enumerate(census.workers, start=1)
        ]
        census.workers.clear()  # the clear identifiers go no further than this
        vacancies = [(COUNCIL_ROW, 1, [day, *census.vacancies])]
        for spec, rows in ((WORKERS, workers), (VACANCIES, vacancies)):
            name = f"wf_{index}_{spec.name}"
            staged = StagedFile(path, sha256, spec, name, {}, rows=len(rows), year_ending=year, las=(council,))
            staged.typed = _stage(connection, spec, name, rows, council, year)
            result.files.append(staged)
    return result
