"""Ofsted's Annex A workbook (lists 1 to 11 of child-level data for an inspection), read and staged.

Each list is a worksheet (``List 3``, ``List_3``, ``List 3 - Referrals``); its header row may sit under a
title row. Column headings are matched however a council spells them: case, spacing and punctuation aside,
by the regular expressions and value variants the LIIA tools collected from London councils (copied in
``annex_a_variants.yml``, with their origin). Values keep their code and drop the list's letter prefix
(``a) WBRI`` → ``WBRI``, ``f) U6: Foster placement`` → ``U6``, ``N1 - Abuse or neglect`` → ``N1``); yes/no
answers become true/false; gender becomes M/F/U. Names (allocated worker, personal adviser), postcodes,
teams and organisations are never read.

Every list goes to a table of its own (``annex_a_referrals``, ``annex_a_cp_plans``, …), keyed by the
child and the list's date, and the children's characteristics to ``annex_a_children``. The workbook does
not name its council: give ``--la``, or add an ``LA`` column to the lists (a workbook of several councils).
A cell that cannot be read (a date that is not one, a number that is text) rejects the file with its sheet,
row and column; a code that is not recognised is kept and reported as data quality.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from uuid import UUID

import duckdb
import yaml

from oversight.casework.issues import field_issue
from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.readers.ssda903 import Column, Kind, ReadResult, TableSpec
from oversight.casework.readers.staging import (
    MAX_ISSUES_PER_FILE,
    RowStager,
    close_file,
    ensure_stage_tables,
    file_sha256,
)
from oversight.core.problems import Issue

_ID = "Child Unique ID"
_ADOPTER_ID = "Individual adopter identifier"


@dataclass(frozen=True)
class Field:
    heading: str  # as the Ofsted template spells it
    name: str  # the stored column
    kind: Kind
    key: bool = False
    aliases: tuple[str, ...] = ()  # other headings councils use, beside the variants file's patterns


@dataclass(frozen=True)
class AnnexList:
    number: int
    table: str
    title: str
    fields: tuple[Field, ...]
    id_heading: str = _ID

    @property
    def spec(self) -> TableSpec:
        return TableSpec(
            self.table,
            self.table,
            f"Annex A list {self.number}: {self.title}",
            (
                Column("CHILD", Kind.CHILD, needed=True),
                *(Column(f.name.upper(), f.kind, key=f.key) for f in self.fields),
            ),
        )


def _d(heading: str, name: str, *, key: bool = False, aliases: tuple[str, ...] = ()) -> Field:
    return Field(heading, name, Kind.DATE, key, aliases)


def _c(heading: str, name: str, *, aliases: tuple[str, ...] = ()) -> Field:
    return Field(heading, name, Kind.CODE, aliases=aliases)


def _f(heading: str, name: str) -> Field:
    return Field(heading, name, Kind.FLAG)


def _n(heading: str, name: str) -> Field:
    return Field(heading, name, Kind.INTEGER)


LISTS: tuple[AnnexList, ...] = (
    AnnexList(1, "annex_a_contacts", "Contacts", (_d("Date of Contact", "contact_date", key=True),
              _c("Contact Source", "contact_source"))),
    AnnexList(2, "annex_a_early_help", "Early help", (_d("Assessment start date", "start_date", key=True),
              _d("Assessment completion date", "completion_date"))),
    AnnexList(3, "annex_a_referrals", "Referrals", (
        _d("Date of referral", "referral_date", key=True), _c("Referral Source", "referral_source"),
        _f("Referral NFA?", "referral_nfa"), _n("Number of Referrals in Last 12 Months", "referrals_last_12_months"))),
    AnnexList(4, "annex_a_assessments", "Assessments", (
        _d("Continuous Assessment Start Date", "start_date", key=True),
        _f("Child Seen During Continuous Assessment", "child_seen"),
        _d("Continuous Assessment Date of Authorisation", "authorisation_date"),
        _f("Was the child assessed as requiring LA children's social care support?", "needs_support"))),
    AnnexList(5, "annex_a_s47", "Section 47 enquiries and initial child protection conferences", (
        _d("Strategy discussion initiating Section 47 Enquiry Start Date", "start_date", key=True),
        _f("Was an Initial Child Protection Conference deemed unnecessary?", "icpc_unnecessary"),
        _d("Date of Initial Child Protection Conference", "icpc_date"),
        _f("Did the Initial Child Protection Conference Result in a Child Protection Plan", "icpc_resulted_in_plan"),
        _n("Number of Section 47 Enquiries in the last 12 months", "s47_last_12_months"),
        _n("Number of ICPCs in the last 12 months", "icpcs_last_12_months"))),
    AnnexList(6, "annex_a_cin", "Children in need", (
        _d("CIN Start Date", "start_date", key=True), _c("Primary Need Code", "primary_need"),
        _d("Date Child Was Last Seen", "last_seen_date"), _d("CIN Closure Date", "closure_date"),
        _c("Reason for Closure", "reason_for_closure"), _c("Case Status", "case_status"))),
    AnnexList(7, "annex_a_cp_plans", "Child protection", (
        _d("Child Protection Plan Start Date", "start_date", key=True),
        _c("Initial Category of Abuse", "initial_category"), _c("Latest Category of Abuse", "latest_category"),
        _d("Date of the Last Statutory Visit", "last_visit_date"), _f("Was the Child Seen Alone?", "seen_alone"),
        _d("Date of latest review conference", "latest_review_date"),
        _d("Child Protection Plan End Date", "end_date"),
        _n("Number of Previous Child Protection Plans", "previous_plans"))),
    AnnexList(8, "annex_a_cla", "Children in care", (
        _d("Date Started to be Looked After", "start_date", key=True),
        _c("Child's Category of Need", "category_of_need"),
        _d("Start date of current legal status", "legal_status_start_date"),
        _c("Child's Legal Status", "legal_status"), _d("Date of Latest Statutory Review", "latest_review_date"),
        _d("Date of Last Social Work Visit", "last_visit_date"),
        _d("Date of Last Health Assessment", "last_health_assessment_date"),
        _d("Date of Last Dental Check", "last_dental_check_date"),
        _n("Number of Placements in the Last 12 months", "placements_last_12_months"),
        _d("Date Ceased to be Looked After", "ceased_date"), _c("Reason Ceased to be Looked After", "reason_ceased"),
        _d("Start Date of Most Recent Placement", "placement_start_date"), _c("Placement Type", "placement_type"),
        _c("Placement Provider", "placement_provider"))),
    AnnexList(9, "annex_a_care_leavers", "Care leavers", (
        _c("Eligibility Category", "eligibility"), _d("Latest Pathway Plan Review Date", "pathway_review_date"),
        _c("LA in Touch", "in_touch"), _d("Latest Date of Contact", "latest_contact_date"),
        _c("Type of Accommodation", "accommodation"), _c("Suitability of Accommodation", "suitability"),
        _c("Activity Status", "activity"))),
    AnnexList(10, "annex_a_adoption", "Adoption", (
        _d("Date the Child Entered Care", "entered_care_date", key=True),
        _d("Date of Decision that Child Should be Placed for Adoption", "decision_date"),
        _d("Date of Placement Order", "placement_order_date"),
        _d("Date of Matching Child and Prospective Adopters", "matched_date"),
        _d("Date Placed for Adoption", "placed_date"), _d("Date of Adoption Order", "adoption_order_date"),
        _d("Date of Decision that Child Should No Longer be Placed for Adoption", "no_longer_date"),
        _c("Reason Why Child No Longer Placed for Adoption", "no_longer_reason"),
        _d("Date the child was placed for fostering in FFA or concurrent planning placement", "ffa_date"))),
    AnnexList(11, "annex_a_adopters", "Adopters (the child column holds the adopter's pseudonym)", (
        _d("Date enquiry received", "enquiry_date", key=True), _d("Date Stage 1 started", "stage_1_start_date"),
        _d("Date Stage 1 ended", "stage_1_end_date"), _d("Date Stage 2 started", "stage_2_start_date"),
        _d("Date Stage 2 ended", "stage_2_end_date"), _d("Date application submitted", "application_date"),
        _d("Date application approved", "approval_date"),
        _d("Date adopter matched with child(ren)", "matched_date"),
        _d("Date child/children placed with adopter(s)", "placed_date"),
        _n("No. of children placed", "children_placed"), _d("Date of Adoption Order", "adoption_order_date"),
        _d("Date of leaving adoption process", "left_date"),
        _c("Reason for leaving adoption process", "left_reason")), id_heading=_ADOPTER_ID),
)  # fmt: skip
LISTS_BY_NUMBER = {annex.number: annex for annex in LISTS}

CHARACTERISTICS = (
    Field("Gender", "sex", Kind.SEX, aliases=("Sex", "Gender/Sex")),
    _c("Ethnicity", "ethnicity"),
    _d("Date of Birth", "birth_date"),
    _f("Does the Child have a Disability", "disability"),
)
ANNEX_CHILDREN = TableSpec(
    "annex_a_children",
    "annex_a_children",
    "Annex A: children's characteristics (from the first list that gives them)",
    (Column("CHILD", Kind.CHILD, needed=True), *(Column(f.name.upper(), f.kind) for f in CHARACTERISTICS)),
)
ANNEX_TABLES = (ANNEX_CHILDREN, *(annex.spec for annex in LISTS))
LA_HEADING = "LA"
_BLANKS = frozenset({"", "#n/a", "n/a", "#value!", "#ref!", "null", "none"})
_YES = frozenset({"yes", "y", "a) yes", "1", "true", "a. yes"})
_NO = frozenset({"no", "n", "b) no", "0", "false", "b. no"})


@cache
def variants() -> dict[str, Any]:
    text = resources.files("oversight.casework.readers").joinpath("annex_a_variants.yml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def normalise(heading: str) -> str:
    """A heading as compared: lower case, one space between words, curly quotes straight, no end punctuation."""
    text = heading.replace("\u2019", "'").replace("\u2018", "'").replace("\xa0", " ").lower()
    return " ".join(text.split()).strip(" ?:*")


def match_headings(headings: list[str], wanted: Iterable[Field | str]) -> dict[str, int]:
    """Which column holds each wanted heading: by its normalised spelling first, then the variants' patterns."""
    names = [f.heading if isinstance(f, Field) else f for f in wanted]
    aliases = {f.heading: f.aliases for f in wanted if isinstance(f, Field)}
    found: dict[str, int] = {}
    taken: set[int] = set()
    normalised = [normalise(h) for h in headings]
    for name in names:
        spellings = {normalise(name), *(normalise(a) for a in aliases.get(name, ()))}
        for index, heading in enumerate(normalised):
            if heading in spellings and index not in taken:
                found[name] = index
                taken.add(index)
                break
    patterns: dict[str, list[str]] = variants()["headers"]
    for name in names:
        if name in found or name not in patterns:
            continue
        for index, heading in enumerate(headings):
            if index not in taken and any(re.search(p, heading, re.IGNORECASE) for p in patterns[name]):
                found[name] = index
                taken.add(index)
                break
    return found


def list_number(title: str, first_cells: Iterable[str]) -> int | None:
    """The Annex A list a sheet holds, from its name (``List_3``) or a title cell (``List 3: Referral``)."""
    for text in (title, *first_cells):
        match = re.match(r"\s*list[\s_-]*(\d{1,2})\b", text, re.IGNORECASE)
        if match and int(match[1]) in LISTS_BY_NUMBER:
            return int(match[1])
    return None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in _BLANKS)


def read_date(value: object) -> date | None | str:
    """A cell as a date: None when blank, the text itself when it is not a date."""
    if _blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and 20_000 <= value <= 80_000:  # an Excel serial day number
        return date(1899, 12, 30) + timedelta(days=int(value))
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            day = datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time zone
        except ValueError:
            continue
        if 1900 <= day.year <= 2100:
            return day
    return text


def code(value: object) -> str | None:
    """A code without the list's letter prefix or its label: 'f) U6: Foster placement' → 'U6'."""
    if _blank(value):
        return None
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    text = re.sub(r"^[a-z]{1,2}[).]\s+", "", text)
    match = re.match(r"^([A-Z0-9]{1,5})\s*(?::|\s-\s|–)\s*\S", text)
    return match[1] if match else text


def flag(heading: str, value: object) -> bool | None | str:
    if _blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = " ".join(str(value).split()).lower()
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    known: dict[str, bool | None] = variants()["yes_no"].get(heading, {})
    if text in known:
        return known[text]
    if text in _YES:
        return True
    if text in _NO:
        return False
    if text in ("unknown", "c) unknown", "not known", "not recorded"):
        return None
    return str(value)


def gender(value: object) -> str | None:
    if _blank(value):
        return None
    table: dict[str, str] = variants()["gender"]
    text = " ".join(str(value).split()).lower()
    return table.get(text) or table.get(code(value) or "", "")


def integer(value: object) -> int | None | str:
    if _blank(value):
        return None
    if isinstance(value, int | float) and float(value).is_integer() and value >= 0:
        return int(value)
    text = str(value).strip()
    return int(text) if text.isdigit() else text


@dataclass
class _WorkbookReader:
    path: Path
    stager: RowStager
    pseudonymiser: Pseudonymiser
    la: str | None
    issues: list[Issue] = field(default_factory=list)
    notices: list[Issue] = field(default_factory=list)
    more_issues: int = 0
    lists: list[int] = field(default_factory=list)
    children: dict[tuple[str, UUID], list[Any]] = field(default_factory=dict)
    blank_keys: list[tuple[str, int, int, str, int]] = field(default_factory=list)  # sheet, row, column, heading, list

    def problem(self, row: int | None, where: str, message: str) -> None:
        if len(self.issues) < MAX_ISSUES_PER_FILE:
            self.issues.append(field_issue(self.path.name, row, where, message))
        else:
            self.more_issues += 1

    def read(self) -> None:
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
            self.problem(None, "", f"cannot be read as an Excel workbook ({type(error).__name__}); save it as .xlsx")
            return
        try:
            for sheet in workbook.worksheets:
                self._sheet(sheet)
        finally:
            workbook.close()
        if not self.lists:
            self.problem(
                None, "", "has no Annex A lists: no sheet is named 'List 1' to 'List 11' or starts with such a title"
            )
        if self.blank_keys:
            self._explain_blank_keys()

    def _explain_blank_keys(self) -> None:
        """A blank key date is often a formula whose value the workbook never saved: say so, with the formula."""
        from openpyxl import load_workbook

        workbook = load_workbook(self.path, read_only=True, data_only=False)
        try:
            for sheet, row, column, heading, number in self.blank_keys:
                raw = workbook[sheet].cell(row=row, column=column + 1).value
                if isinstance(raw, str) and raw.startswith("="):
                    message = (
                        f"holds the formula {raw} whose value the workbook does not keep; open and save it in Excel, "
                        "or paste the dates as values"
                    )
                else:
                    message = f"is blank; every row of list {number} needs one"
                self.problem(row, f"{sheet}: {heading}", message)
        finally:
            workbook.close()

    def _sheet(self, sheet: Any) -> None:
        rows = sheet.iter_rows(values_only=True)
        head: list[tuple[Any, ...]] = []
        for row in rows:
            head.append(row)
            if len(head) >= 10:
                break
        first_cells = [str(head[0][0])] if head and head[0] and head[0][0] is not None else []
        number = list_number(sheet.title, first_cells)
        if number is None:
            return
        annex = LISTS_BY_NUMBER[number]
        header_at = None
        for index, row in enumerate(head):
            headings = ["" if c is None else str(c) for c in row]
            if annex.id_heading in match_headings(headings, [annex.id_heading]):
                header_at = index
                break
        if header_at is None:
            self.problem(1, sheet.title, f"has no '{annex.id_heading}' column in its first ten rows; "
                         "add the list's header row")  # fmt: skip
            return
        self.lists.append(number)
        headings = ["" if c is None else str(c) for c in head[header_at]]
        wanted: list[Field | str] = [annex.id_heading, *annex.fields, LA_HEADING]
        if number != 11:
            wanted += list(CHARACTERISTICS)
        columns = match_headings(headings, wanted)
        missing = [f.heading for f in annex.fields if f.key and f.heading not in columns]
        if missing:
            self.problem(header_at + 1, sheet.title, f"has no '{missing[0]}' column; add it with the list's heading")
            return
        if LA_HEADING not in columns and self.la is None:
            self.problem(None, sheet.title, "the workbook does not name its council: give its code with --la, "
                         "or add an LA column")  # fmt: skip
            return
        excel_row = header_at + 1
        for row in [*head[header_at + 1 :], *rows]:
            excel_row += 1
            if not row or all(_blank(c) for c in row):
                continue
            self._row(annex, sheet.title, excel_row, row, columns)

    def _row(self, annex: AnnexList, sheet: str, number: int, row: tuple[Any, ...], columns: dict[str, int]) -> None:
        def cell(heading: str) -> Any:
            index = columns.get(heading)
            return row[index] if index is not None and index < len(row) else None

        raw_id = cell(annex.id_heading)
        if _blank(raw_id):
            self.problem(number, f"{sheet}: {annex.id_heading}", "is blank; every row needs the child's identifier")
            return
        child_id = str(int(raw_id)) if isinstance(raw_id, float) and raw_id.is_integer() else str(raw_id).strip()
        la = self.la
        if LA_HEADING in columns:
            la_cell = cell(LA_HEADING)
            if _blank(la_cell):
                self.problem(number, f"{sheet}: {LA_HEADING}", "is blank; every row needs its council")
                return
            la = str(la_cell).strip()
        if la is None:
            raise AssertionError("la is not None")
        prefix = f"adopter{chr(31)}" if annex.number == 11 else ""
        child = self.pseudonymiser.child(la, prefix + child_id)
        values: list[Any] = []
        for f in annex.fields:
            value = self._value(f, cell(f.heading), number, sheet, la, annex.table, child)
            if f.key and value is None and f.heading in columns:
                self.blank_keys.append((sheet, number, columns[f.heading], f.heading, annex.number))
            values.append(value)
        self.stager.add(annex.spec, (la, child, *values, None, number))
        if annex.number != 11:
            found = [
                self._value(f, cell(f.heading), number, sheet, la, ANNEX_CHILDREN.table, child) for f in CHARACTERISTICS
            ]
            known = self.children.setdefault((la, child), [None] * len(CHARACTERISTICS) + [number])
            for index, value in enumerate(found):
                if known[index] is None:
                    known[index] = value

    def _value(self, f: Field, value: object, row: int, sheet: str, la: str, table: str, child: UUID) -> Any:
        where = f"{sheet}: {f.heading}"
        match f.kind:
            case Kind.DATE:
                day = read_date(value)
                if isinstance(day, str):
                    self.problem(row, where, f"'{day}' is not a date; write dates as dd/mm/yyyy")
                    return None
                return day
            case Kind.INTEGER:
                number = integer(value)
                if isinstance(number, str):
                    self.problem(row, where, f"'{number}' is not a whole number of 0 or more")
                    return None
                return number
            case Kind.FLAG:
                answer = flag(f.heading, value)
                if isinstance(answer, str):
                    message = f"'{answer}' is not a yes/no answer oversight recognises; read as blank"
                    self.stager.note(la, table, child, "unknown_code", where, answer, message, row)
                    return None
                return answer
            case Kind.SEX:
                sex = gender(value)
                if sex == "":
                    message = f"'{value}' is not a gender Annex A lists; read as blank"
                    self.stager.note(la, table, child, "unknown_code", where, str(value), message, row)
                    return None
                return sex
            case _:
                return code(value)

    def finish_children(self) -> None:
        for (la, child), values in self.children.items():
            self.stager.add(ANNEX_CHILDREN, (la, child, *values[:-1], None, values[-1]))


def read_annex_a(
    paths: Iterable[Path],
    *,
    pseudonymiser: Pseudonymiser,
    la: str | None,
    connection: duckdb.DuckDBPyConnection,
    result: ReadResult,
    year_ending: int | None = None,
    first_index: int = 0,
    progress: Callable[[int], object] | None = None,
) -> ReadResult:
    """Read and check Annex A workbooks into staging tables of ``connection``.

    ``year_ending`` is accepted for a common signature with the other readers: Annex A lists have no
    collection year (a later workbook replaces an earlier one's rows)."""
    ensure_stage_tables(connection)
    for index, path in enumerate(paths, start=first_index):
        path = Path(path)
        stager = RowStager(connection, f"annex_{index}", ANNEX_TABLES)
        reader = _WorkbookReader(path, stager, pseudonymiser, la)
        sha256 = ""
        try:
            sha256 = file_sha256(path)
            reader.read()
            reader.finish_children()
        except OSError as error:
            reader.issues.append(field_issue(path.name, None, None, f"cannot be read: {error.strerror or error}"))
        close_file(result, stager, path, sha256, reader.issues, more_issues=reader.more_issues, year_ending=None,
                   progress=progress)  # fmt: skip
    return result
