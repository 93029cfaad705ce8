"""CIN census XML returns (children in need), streamed: checked, pseudonymised and staged, never stored here.

The census is one XML file per council and year: ``Message/Header`` (the council's number and the census
date), then one ``Child`` per child with its identifiers, characteristics and ``CINdetails`` (one per episode
of need: the referral, its assessments, CIN plans, section 47 enquiries and child protection plans with their
reviews). Files are read element by element (``oversight.core.safexml.iter_xml``: no DTD, no entities, each
``Child`` dropped once read), so a national file never sits in memory as a tree.

The schemas of 2021–2026 differ in small ways, all read here: sex is ``GenderCurrent`` 1/2/0/9 to 2023-24
and ``Sex`` M/F/U from 2024-25 (stored as M/F/U either way); the 2024 schema adds referral source 5D and
reason for closure RC9; yes/no fields may be written 0/1 or true/false. Dates are ISO (``2023-03-31``);
``31/03/2023`` is read too.

As with the CSV reader, **structural problems reject the load** (the XML is not well formed or declares a
DTD, there is no ``Message``, a child has no ``LAchildID``, a date, yes/no or number cannot be read, a
record lacks the date that identifies it) and each is reported with the file, the XML path
(``/Message/Children/Child[12]/CINdetails[1]/Assessments[2]/AssessmentActualStartDate``) and a sentence;
**data-quality problems are kept as data** (an unknown code, a repeated record, and the checks across records
in ``quality.sql``). UPNs, former UPNs and any names are never read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import duckdb

from oversight.casework.issues import Issue
from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.readers.ssda903 import Column, Kind, ReadResult, TableSpec
from oversight.casework.readers.staging import (
    MAX_ISSUES_PER_FILE,
    RowStager,
    close_file,
    ensure_stage_tables,
    file_sha256,
)
from oversight.casework.reference import la_code
from oversight.core.safexml import XmlRejected, iter_xml


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Code lists of the 2021–2026 schemas (their union: a code dropped or added in one year is still known).
ETHNICITIES = _codes(
    "WBRI WIRI WIRT WOTH WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR BOTH CHNE OOTH REFU NOBT"
)
DISABILITIES = _codes("NONE MOB HAND PC INC COMM LD HEAR VIS BEH CON AUT DDA")
REFERRAL_SOURCES = _codes("1A 1B 1C 1D 2A 2B 3A 3B 3C 3D 3E 3F 4 5A 5B 5C 5D 6 7 8 9 10")
PRIMARY_NEEDS = _codes("N0 N1 N2 N3 N4 N5 N6 N7 N8 N9")
CLOSURE_REASONS = _codes("RC1 RC2 RC3 RC4 RC5 RC6 RC7 RC8 RC9")
ABUSE_CATEGORIES = _codes("NEG PHY SAB EMO MUL")
ASSESSMENT_FACTORS = _codes(
    "1A 1B 1C 2A 2B 2C 3A 3B 3C 4A 4B 4C 5A 5B 5C 6A 6B 6C 7A 8B 8C 8D 8E 8F 9A 10A 11A 12A 13A 14A 15A 16A 17A "
    "18A 18B 18C 19A 19B 19C 20 21 22A 23A 24A"
)
SEX_CODES = {"1": "M", "2": "F", "0": "U", "9": "U", "M": "M", "F": "F", "U": "U"}
_TRUE, _FALSE = ("1", "true", "yes", "y"), ("0", "false", "no", "n")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")

_PATH = Column("SOURCE_PATH", Kind.TEXT)  # where the record is in its file: /Message/Children/Child[3]/CINdetails[1]


def _spec(name: str, title: str, *columns: Column) -> TableSpec:
    return TableSpec(name, name, title, (Column("CHILD", Kind.CHILD, needed=True), *columns, _PATH))


CIN_CHILDREN = _spec(
    "cin_children",
    "CIN census: children",
    Column("SEX", Kind.SEX),
    Column("BIRTH_DATE", Kind.DATE),
    Column("EXPECTED_BIRTH_DATE", Kind.DATE),
    Column("DEATH_DATE", Kind.DATE),
    Column("ETHNICITY", Kind.CODE),
)
CIN_DISABILITIES = _spec("cin_disabilities", "CIN census: disabilities", Column("DISABILITY", Kind.CODE, key=True))
CIN_EPISODES = _spec(
    "cin_episodes",
    "CIN census: episodes of need (referrals)",
    Column("REFERRAL_DATE", Kind.DATE, key=True),
    Column("REFERRAL_SOURCE", Kind.CODE),
    Column("PRIMARY_NEED", Kind.CODE),
    Column("CLOSURE_DATE", Kind.DATE),
    Column("REASON_FOR_CLOSURE", Kind.CODE),
    Column("INITIAL_CPC_DATE", Kind.DATE),
    Column("REFERRAL_NFA", Kind.FLAG),
)
CIN_ASSESSMENTS = _spec(
    "cin_assessments",
    "CIN census: assessments",
    Column("REFERRAL_DATE", Kind.DATE, key=True),
    Column("START_DATE", Kind.DATE, key=True),
    Column("INTERNAL_REVIEW_DATE", Kind.DATE),
    Column("AUTHORISATION_DATE", Kind.DATE),
    Column("FACTORS", Kind.TEXT),  # the factors identified, space-separated: "2A 2B"
)
CIN_PLANS = _spec(
    "cin_plans",
    "CIN census: child in need plans",
    Column("REFERRAL_DATE", Kind.DATE, key=True),
    Column("START_DATE", Kind.DATE, key=True),
    Column("END_DATE", Kind.DATE),
)
CIN_S47 = _spec(
    "cin_s47",
    "CIN census: section 47 enquiries",
    Column("REFERRAL_DATE", Kind.DATE, key=True),
    Column("START_DATE", Kind.DATE, key=True),
    Column("ICPC_TARGET_DATE", Kind.DATE),
    Column("ICPC_DATE", Kind.DATE),
    Column("ICPC_NOT_REQUIRED", Kind.FLAG),
)
CP_PLANS = _spec(
    "cp_plans",
    "CIN census: child protection plans",
    Column("REFERRAL_DATE", Kind.DATE, key=True),
    Column("START_DATE", Kind.DATE, key=True),
    Column("END_DATE", Kind.DATE),
    Column("INITIAL_CATEGORY", Kind.CODE),
    Column("LATEST_CATEGORY", Kind.CODE),
    Column("PREVIOUS_PLANS", Kind.INTEGER),
)
CP_REVIEWS = _spec(
    "cp_reviews",
    "CIN census: child protection reviews",
    Column("PLAN_START_DATE", Kind.DATE, key=True),
    Column("REVIEW_DATE", Kind.DATE, key=True),
)
CIN_TABLES: tuple[TableSpec, ...] = (
    CIN_CHILDREN,
    CIN_DISABILITIES,
    CIN_EPISODES,
    CIN_ASSESSMENTS,
    CIN_PLANS,
    CIN_S47,
    CP_PLANS,
    CP_REVIEWS,
)

# Elements read, by parent; anything else under a child is noted once per file as not loaded.
_KNOWN = {
    "ChildIdentifiers": _codes(
        "LAchildID UPN FormerUPN UPNunknown PersonBirthDate ExpectedPersonBirthDate GenderCurrent Sex PersonDeathDate"
    ),
    "ChildCharacteristics": _codes("Ethnicity Disabilities"),
    "CINdetails": _codes(
        "CINdetailsID CINreferralDate ReferralSource PrimaryNeedCode CINclosureDate ReasonForClosure DateOfInitialCPC "
        "Assessments CINPlanDates Section47 ReferralNFA ChildProtectionPlans"
    ),
}


def is_cin_census(head: bytes) -> bool:
    """Whether the start of a file looks like a CIN census: a ``Message`` with CIN elements."""
    text = head.decode("utf-8", errors="replace")
    return "<Message" in text and ("<CINdetails" in text or "<Collection>CIN" in text or "<LAchildID" in text)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _text(element: Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    text = element.text.strip()
    return text or None


def _children(element: Element) -> Iterator[tuple[str, Element, str]]:
    """Each child element with its local name and its path step (``Assessments[2]``)."""
    seen: dict[str, int] = {}
    for child in element:
        name = _local(child.tag)
        seen[name] = seen.get(name, 0) + 1
        yield name, child, f"{name}[{seen[name]}]"


def parse_date(text: str) -> date | None:
    value = text.strip()
    if "T" in value:  # xs:dateTime written where a date is wanted: the day is what counts
        value = value.split("T", 1)[0]
    if len(value) == 10 and value[4] == value[7] == "-":  # the schema's own form, read without strptime's cost
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    for fmt in _DATE_FORMATS:
        try:
            day = datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date, no time zone
        except ValueError:
            continue
        if fmt == "%Y-%m-%d" or 1900 <= day.year <= 2100:  # a two-digit year is unreadable, not ancient
            return day
    return None


def parse_flag(text: str) -> bool | None:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


@dataclass
class _FileReader:
    """Reads one CIN census file into a RowStager, collecting problems; one instance per file."""

    path: Path
    stager: RowStager
    pseudonymiser: Pseudonymiser
    la: str | None
    year_ending: int | None
    issues: list[Issue] = field(default_factory=list)
    notices: list[Issue] = field(default_factory=list)
    more_issues: int = 0
    unknown_elements: dict[str, str] = field(default_factory=dict)  # element name → first path
    children: int = 0

    @property
    def name(self) -> str:
        return self.path.name

    def problem(self, path: str, message: str) -> None:
        if len(self.issues) < MAX_ISSUES_PER_FILE:
            self.issues.append(Issue(self.name, None, path, message))
        else:
            self.more_issues += 1

    # Values ---------------------------------------------------------------------------------------------

    def day(self, parent: Element, tag: str, path: str, *, required: bool = False) -> date | None:
        text = _text(parent.find(tag))
        if text is None:
            if required:
                self.problem(f"{path}/{tag}", f"is missing; every {_local(parent.tag)} needs its {tag}")
            return None
        day = parse_date(text)
        if day is None:
            self.problem(f"{path}/{tag}", f"'{text}' is not a date; write dates as yyyy-mm-dd")
        return day

    def flag(self, parent: Element, tag: str, path: str) -> bool | None:
        text = _text(parent.find(tag))
        if text is None:
            return None
        value = parse_flag(text)
        if value is None:
            self.problem(f"{path}/{tag}", f"'{text}' is not a yes/no value; use 1 or true for yes, 0 or false for no")
        return value

    def integer(self, parent: Element, tag: str, path: str) -> int | None:
        text = _text(parent.find(tag))
        if text is None:
            return None
        if not text.isdigit():
            self.problem(f"{path}/{tag}", f"'{text}' is not a whole number of 0 or more")
            return None
        return int(text)

    def code(
        self, parent: Element, tag: str, path: str, codes: frozenset[str], *, la: str, table: str, child: str, row: int
    ) -> str | None:
        text = _text(parent.find(tag))
        if text is None:
            return None
        value = text.upper()
        if value not in codes:
            self.stager.note(
                la, table, child, "unknown_code", f"{path}/{tag}", text,
                f"{tag} '{text}' is not a code of the CIN census (see the census guide's code list)", row,
            )  # fmt: skip
        return value

    # Reading --------------------------------------------------------------------------------------------

    def read(self, header_la: list[str | None], reference: list[date | None]) -> None:
        with self.path.open("rb") as stream:
            first = True
            for element in iter_xml(stream, source=self.name, tags={"Header", "Child", "Message"}):
                tag = _local(element.tag)
                if tag == "Header":
                    header_la[0] = _text(element.find("Source/LEA"))
                    reference[0] = self._reference_date(element)
                elif tag == "Child":
                    if first:
                        first = False
                        self._resolve_council(header_la[0])
                    self.children += 1
                    self._child(element, self.children, reference[0])
                elif tag == "Message" and self.children == 0 and not self.issues:
                    self.problem("/Message/Children", "has no Child; a CIN census lists at least one child")

    def _reference_date(self, header: Element) -> date | None:
        text = _text(header.find("CollectionDetails/ReferenceDate"))
        day = parse_date(text) if text else None
        if text and day is None:
            self.problem(
                "/Message/Header/CollectionDetails/ReferenceDate", f"'{text}' is not a date; write it as yyyy-mm-dd"
            )
        return day

    def _resolve_council(self, lea: str | None) -> None:
        if self.la is not None:
            return
        if lea is None:
            self.problem(
                "/Message/Header/Source/LEA", "is missing, so the council is not known; give its code with --la"
            )
            self.la = ""
            return
        code = la_code(lea)
        if code is None:
            self.problem(
                "/Message/Header/Source/LEA",
                f"'{lea}' is not a council number oversight knows; give the council's ONS code with --la",
            )
            self.la = ""
            return
        self.la = code

    def _child(self, element: Element, number: int, reference: date | None) -> None:
        path = f"/Message/Children/Child[{number}]"
        la = self.la or ""
        year = self.year_ending or (reference.year + (1 if reference.month >= 4 else 0) if reference else None)
        identifiers = element.find("ChildIdentifiers")
        child_id = _text(identifiers.find("LAchildID")) if identifiers is not None else None
        if child_id is None:
            self.problem(f"{path}/ChildIdentifiers/LAchildID", "is missing or blank; every child needs its LAchildID")
            return
        child = self.pseudonymiser.child(la, child_id)
        stage, add = self.stager, self.stager.add
        ids_path = f"{path}/ChildIdentifiers[1]"
        assert identifiers is not None
        self._note_unknown(identifiers, ids_path, "ChildIdentifiers")
        sex_text = _text(identifiers.find("Sex")) or _text(identifiers.find("GenderCurrent"))
        sex = SEX_CODES.get(sex_text.upper()) if sex_text else None
        if sex_text and sex is None:
            tag = "Sex" if identifiers.find("Sex") is not None else "GenderCurrent"
            stage.note(
                la, CIN_CHILDREN.table, child, "unknown_code", f"{ids_path}/{tag}", sex_text,
                f"{tag} '{sex_text}' is not a code of the CIN census (1, 2, 0, 9 to 2023-24; M, F, U from 2024-25)",
                number,
            )  # fmt: skip
        birth = self.day(identifiers, "PersonBirthDate", ids_path)
        expected = self.day(identifiers, "ExpectedPersonBirthDate", ids_path)
        death = self.day(identifiers, "PersonDeathDate", ids_path)
        characteristics = element.find("ChildCharacteristics")
        ethnicity = None
        if characteristics is not None:
            char_path = f"{path}/ChildCharacteristics[1]"
            self._note_unknown(characteristics, char_path, "ChildCharacteristics")
            ethnicity = self.code(
                characteristics, "Ethnicity", char_path, ETHNICITIES, la=la, table="cin_children", child=child,
                row=number,
            )  # fmt: skip
            disabilities = characteristics.find("Disabilities")
            if disabilities is not None:
                for _, item, step in _children(disabilities):
                    value = _text(item)
                    if value is None:
                        continue
                    item_path = f"{char_path}/Disabilities[1]/{step}"
                    if value.upper() not in DISABILITIES:
                        stage.note(la, CIN_DISABILITIES.table, child, "unknown_code", item_path, value,
                                   f"Disability '{value}' is not a code of the CIN census", number)  # fmt: skip
                    add(CIN_DISABILITIES, (la, child, value.upper(), item_path, year, number))
        add(CIN_CHILDREN, (la, child, sex, birth, expected, death, ethnicity, path, year, number))
        for name, details, step in _children(element):
            if name == "CINdetails":
                self._details(details, f"{path}/{step}", la=la, child=child, year=year, row=number)
            elif name not in ("ChildIdentifiers", "ChildCharacteristics"):
                self.unknown_elements.setdefault(name, f"{path}/{step}")

    def _note_unknown(self, element: Element, path: str, kind: str) -> None:
        for name, _, step in _children(element):
            if name not in _KNOWN[kind]:
                self.unknown_elements.setdefault(name, f"{path}/{step}")

    def _details(self, details: Element, path: str, *, la: str, child: str, year: int | None, row: int) -> None:
        add = self.stager.add
        self._note_unknown(details, path, "CINdetails")
        referral = self.day(details, "CINreferralDate", path, required=True)
        codes: dict[str, Any] = {"la": la, "child": child, "row": row}
        add(
            CIN_EPISODES,
            (
                la,
                child,
                referral,
                self.code(details, "ReferralSource", path, REFERRAL_SOURCES, table="cin_episodes", **codes),
                self.code(details, "PrimaryNeedCode", path, PRIMARY_NEEDS, table="cin_episodes", **codes),
                self.day(details, "CINclosureDate", path),
                self.code(details, "ReasonForClosure", path, CLOSURE_REASONS, table="cin_episodes", **codes),
                self.day(details, "DateOfInitialCPC", path),
                self.flag(details, "ReferralNFA", path),
                path,
                year,
                row,
            ),
        )
        for name, part, step in _children(details):
            where = f"{path}/{step}"
            if name == "Assessments":
                factors = [
                    value.upper()
                    for factor in part.iterfind("FactorsIdentifiedAtAssessment/AssessmentFactors")
                    if (value := _text(factor)) is not None
                ]
                for factor in factors:
                    if factor not in ASSESSMENT_FACTORS:
                        message = f"AssessmentFactors '{factor}' is not a code of the CIN census"
                        self.stager.note(la, "cin_assessments", child, "unknown_code",
                                         f"{where}/FactorsIdentifiedAtAssessment", factor, message, row)  # fmt: skip
                add(
                    CIN_ASSESSMENTS,
                    (
                        la,
                        child,
                        referral,
                        self.day(part, "AssessmentActualStartDate", where, required=True),
                        self.day(part, "AssessmentInternalReviewDate", where),
                        self.day(part, "AssessmentAuthorisationDate", where),
                        " ".join(factors) or None,
                        where,
                        year,
                        row,
                    ),
                )
            elif name == "CINPlanDates":
                start = self.day(part, "CINPlanStartDate", where, required=True)
                add(CIN_PLANS, (la, child, referral, start, self.day(part, "CINPlanEndDate", where), where, year, row))
            elif name == "Section47":
                add(
                    CIN_S47,
                    (
                        la,
                        child,
                        referral,
                        self.day(part, "S47ActualStartDate", where, required=True),
                        self.day(part, "InitialCPCtarget", where),
                        self.day(part, "DateOfInitialCPC", where),
                        self.flag(part, "ICPCnotRequired", where),
                        where,
                        year,
                        row,
                    ),
                )
            elif name == "ChildProtectionPlans":
                start = self.day(part, "CPPstartDate", where, required=True)
                add(
                    CP_PLANS,
                    (
                        la,
                        child,
                        referral,
                        start,
                        self.day(part, "CPPendDate", where),
                        self.code(part, "InitialCategoryOfAbuse", where, ABUSE_CATEGORIES, table="cp_plans", **codes),
                        self.code(part, "LatestCategoryOfAbuse", where, ABUSE_CATEGORIES, table="cp_plans", **codes),
                        self.integer(part, "NumberOfPreviousCPP", where),
                        where,
                        year,
                        row,
                    ),
                )
                reviews = part.find("Reviews")
                if reviews is not None:
                    for _, review, review_step in _children(reviews):
                        review_path = f"{where}/Reviews[1]/{review_step}"
                        text = _text(review)
                        day = parse_date(text) if text else None
                        if text is None or day is None:
                            self.problem(review_path, f"'{text or ''}' is not a date; write dates as yyyy-mm-dd")
                            continue
                        add(CP_REVIEWS, (la, child, start, day, review_path, year, row))


def read_cin(
    paths: Iterable[Path],
    *,
    pseudonymiser: Pseudonymiser,
    la: str | None = None,
    year_ending: int | None = None,
    connection: duckdb.DuckDBPyConnection,
    result: ReadResult | None = None,
    first_index: int = 0,
    progress: Callable[[int], object] | None = None,
    validate: bool = False,
) -> ReadResult:
    """Read and check CIN census XML files into staging tables of ``connection``.

    ``la`` is the council when the header's LEA should not be used (or is missing); ``year_ending`` the
    census year when the header has no reference date. Problems go into ``result.issues`` (every one, up to
    a thousand a file); when there are any, no typed rows are built for that file. With ``validate`` a file
    must also match its census year's XSD (``readers.validation``).
    """
    result = result if result is not None else ReadResult(connection)
    ensure_stage_tables(connection)
    for index, path in enumerate(paths, start=first_index):
        path = Path(path)
        stager = RowStager(connection, f"cin_{index}", CIN_TABLES)
        reader = _FileReader(path, stager, pseudonymiser, la, year_ending)
        header_la: list[str | None] = [None]
        reference: list[date | None] = [None]
        sha256 = ""
        try:
            sha256 = file_sha256(path)
            reader.read(header_la, reference)
        except XmlRejected as error:
            reader.issues.append(Issue(path.name, None, None, str(error).removeprefix(f"{path.name}: ")))
        except OSError as error:
            reader.issues.append(Issue(path.name, None, None, f"cannot be read: {error.strerror or error}"))
        for name, where in reader.unknown_elements.items():
            result.notices.append(
                Issue(path.name, None, where, f"{name} is not part of the CIN census as oversight reads it; not loaded")
            )
        census_year = year_ending or (
            reference[0].year + (1 if reference[0].month >= 4 else 0) if reference[0] is not None else None
        )
        if validate and not reader.issues:
            from oversight.casework.readers.validation import validate_cin

            reader.issues.extend(validate_cin(path, census_year))
        close_file(result, stager, path, sha256, reader.issues, more_issues=reader.more_issues,
                   year_ending=census_year, progress=progress)  # fmt: skip
    return result
