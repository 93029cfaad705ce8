"""CIN census XML returns (children in need), streamed: checked, pseudonymised and staged, never stored here.

The census is one XML file per council and year: ``Message/Header`` (the council's number and the census
date), then one ``Child`` per child with its identifiers, characteristics and ``CINdetails`` (one per episode
of need: the referral, its assessments, CIN plans, section 47 enquiries and child protection plans with their
reviews). Each file is read by libxml2 (``oversight.core.safexml``: no DTD, no entities, nothing fetched)
and an XSLT that writes its records as tab-separated lines (``readers.cin_flat``): a council's file at once,
a larger one streamed a batch of children at a time, so a national file never sits in memory as a tree;
on a machine with several cores, files are flattened in parallel. DuckDB then reads every file's lines at
once and does the checking, typing and pseudonymising in SQL, and the store writes each table once for the
whole load.

The schemas of 2021–2026 differ in small ways, all read here: sex is ``GenderCurrent`` 1/2/0/9 to 2023-24
and ``Sex`` M/F/U from 2024-25 (stored as M/F/U either way); the 2024 schema adds referral source 5D and
reason for closure RC9; yes/no fields may be written 0/1 or true/false. Dates are ISO (``2023-03-31``);
``31/03/2023`` is read too. Values are read with XML whitespace normalised (leading and trailing spaces
and line breaks dropped, runs of spaces inside made one).

As with the CSV reader, **structural problems reject the load** (the XML is not well formed or declares a
DTD, there is no ``Message``, a child has no ``LAchildID``, a date, yes/no or number cannot be read, a
record lacks the date that identifies it) and each is reported with the file, the XML path
(``/Message/Children/Child[12]/CINdetails[1]/Assessments[2]/AssessmentActualStartDate``) and a sentence;
**data-quality problems are kept as data** (an unknown code, a repeated record, and the checks across records
in ``quality.sql``). UPNs, former UPNs and any names are never read.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb

from oversight.casework.issues import field_issue
from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.readers.cin_flat import WIDTH, FlatCensus, flatten_census
from oversight.casework.readers.repeats import marked
from oversight.casework.readers.ssda903 import Column, Kind, ReadResult, StagedBatch, TableSpec
from oversight.casework.readers.staging import MAX_ISSUES_PER_FILE, sql_type
from oversight.casework.reference import la_code
from oversight.core.problems import Issue


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
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
_UK_DATE = re.compile(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}")

# Where a record is in its file: the child's position is source_row (the n of Child[n]); these say the rest
# (CINdetails[e], Assessments[a] and so on, and the last step of a disability or review: CPPreviewDate[2]).
# The store writes the path out from them (source_path, a generated column); the loader keeps the numbers.
_EPISODE_AT = Column("SOURCE_EPISODE", Kind.INTEGER)
_PART_AT = Column("SOURCE_PART", Kind.INTEGER)
_STEP_AT = Column("SOURCE_STEP", Kind.TEXT)
_POSITIONS: dict[str, tuple[tuple[Column, str], ...]] = {  # each kind of line's, with its SQL over the line
    "C": (),
    "D": ((_STEP_AT, "l.v2"),),
    "E": ((_EPISODE_AT, "l.episode"),),
    **{letter: ((_EPISODE_AT, "l.episode"), (_PART_AT, "l.part")) for letter in "APSK"},
    "R": ((_EPISODE_AT, "l.episode"), (_PART_AT, "l.part"), (_STEP_AT, "l.v4")),
}
_PART_ELEMENTS = {"A": "Assessments", "P": "CINPlanDates", "S": "Section47", "K": "ChildProtectionPlans"}


def _path(letter: str, child: str, episode: str, part: str, step: str) -> str:
    """Where a record of the kind is in its file, as SQL over its numbers: /Message/Children/Child[3]/CINdetails[1]."""
    path = f"'/Message/Children/Child[' || {child} || ']'"
    if letter == "D":
        return f"{path} || '/ChildCharacteristics[1]/Disabilities[1]/' || {step}"
    if letter != "C":
        path += f" || '/CINdetails[' || {episode} || ']'"
    if letter in _PART_ELEMENTS or letter == "R":
        path += f" || '/{_PART_ELEMENTS.get(letter, _PART_ELEMENTS['K'])}[' || {part} || ']'"
    return f"{path} || '/Reviews[1]/' || {step}" if letter == "R" else path


def _spec(name: str, title: str, letter: str, *columns: Column) -> TableSpec:
    positions = (column for column, _ in _POSITIONS[letter])
    return TableSpec(name, name, title, (Column("CHILD", Kind.CHILD, needed=True), *columns, *positions))


CIN_CHILDREN = _spec(
    "cin_children",
    "CIN census: children",
    "C",
    Column("SEX", Kind.SEX),
    Column("BIRTH_DATE", Kind.DATE),
    Column("EXPECTED_BIRTH_DATE", Kind.DATE),
    Column("DEATH_DATE", Kind.DATE),
    Column("ETHNICITY", Kind.CODE),
)
CIN_DISABILITIES = _spec("cin_disabilities", "CIN census: disabilities", "D", Column("DISABILITY", Kind.CODE, key=True))
CIN_EPISODES = _spec(
    "cin_episodes",
    "CIN census: episodes of need (referrals)",
    "E",
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
    "A",
    Column("REFERRAL_DATE", Kind.DATE, key=True),
    Column("START_DATE", Kind.DATE, key=True),
    Column("INTERNAL_REVIEW_DATE", Kind.DATE),
    Column("AUTHORISATION_DATE", Kind.DATE),
    Column("FACTORS", Kind.TEXT),  # the factors identified, space-separated: "2A 2B"
)
CIN_PLANS = _spec(
    "cin_plans",
    "CIN census: child in need plans",
    "P",
    Column("REFERRAL_DATE", Kind.DATE, key=True),
    Column("START_DATE", Kind.DATE, key=True),
    Column("END_DATE", Kind.DATE),
)
CIN_S47 = _spec(
    "cin_s47",
    "CIN census: section 47 enquiries",
    "S",
    Column("REFERRAL_DATE", Kind.DATE, key=True),
    Column("START_DATE", Kind.DATE, key=True),
    Column("ICPC_TARGET_DATE", Kind.DATE),
    Column("ICPC_DATE", Kind.DATE),
    Column("ICPC_NOT_REQUIRED", Kind.FLAG),
)
CP_PLANS = _spec(
    "cp_plans",
    "CIN census: child protection plans",
    "K",
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
    "R",
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


def is_cin_census(head: bytes) -> bool:
    """Whether the start of a file looks like a CIN census: a ``Message`` with CIN elements."""
    text = head.decode("utf-8", errors="replace")
    return "<Message" in text and ("<CINdetails" in text or "<Collection>CIN" in text or "<LAchildID" in text)


def parse_date(text: str) -> date | None:
    """A census date: ``2023-03-31`` (the schema's), the day of an ``xs:dateTime``, or ``31/03/2023``.

    The SQL macro ``cin_date`` reads values the same way (tested against this).
    """
    value = text.strip().split("T", 1)[0]
    try:
        if _ISO_DATE.fullmatch(value):
            return datetime.strptime(value, "%Y-%m-%d").date()  # noqa: DTZ007 - a calendar date, no time zone
        if _UK_DATE.fullmatch(value):
            day = datetime.strptime(value, "%d/%m/%Y").date()  # noqa: DTZ007
            return day if 1900 <= day.year <= 2100 else None  # a mistyped year is unreadable, not ancient
    except ValueError:
        return None
    return None


# In SQL, over the flattened census (``readers.cin_flat``) -------------------------------------------------

PARALLEL_BYTES = 16 << 20  # from this much XML in a load, files are flattened by worker processes
CHUNK_BYTES = 256 << 20  # XML staged and written at a time, while the next is flattened; a file is never split
_MACROS = r"""
CREATE OR REPLACE TEMP MACRO cin_plain_date(v) AS (
    CASE
        WHEN length(v) = 10 AND v[5] = '-' AND v[8] = '-' THEN TRY_CAST(v AS DATE)
        WHEN regexp_full_match(v, '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}') THEN TRY_CAST(try_strptime(v, '%Y-%m-%d') AS DATE)
        WHEN regexp_full_match(v, '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}')
            AND year(try_strptime(v, '%d/%m/%Y')) BETWEEN 1900 AND 2100
            THEN TRY_CAST(try_strptime(v, '%d/%m/%Y') AS DATE)
    END
);
CREATE OR REPLACE TEMP MACRO cin_date(v) AS (
    CASE
        WHEN length(v) = 10 AND v[5] = '-' AND v[8] = '-' THEN TRY_CAST(v AS DATE)
        ELSE cin_plain_date(split_part(v, 'T', 1))
    END
);
CREATE OR REPLACE TEMP MACRO cin_flag(v) AS (
    CASE WHEN lower(v) IN ('1', 'true', 'yes', 'y') THEN true WHEN lower(v) IN ('0', 'false', 'no', 'n') THEN false END
);
CREATE OR REPLACE TEMP MACRO cin_sex(v) AS (
    CASE upper(v) WHEN '1' THEN 'M' WHEN '2' THEN 'F' WHEN '0' THEN 'U' WHEN '9' THEN 'U'
        WHEN 'M' THEN 'M' WHEN 'F' THEN 'F' WHEN 'U' THEN 'U' END
);
"""
# Where each record is, as SQL over a line of cin_lines (n: the child; v2: the episode; v3: the part; the
# step of a review in v4, of a disability in v2), and over a stored row.
_CHILD = _path("C", "n", "v2", "v3", "")
_EPISODE = _path("E", "n", "v2", "v3", "")
_PART = {letter: _path(letter, "n", "v2", "v3", "") for letter in _PART_ELEMENTS}
_WHERE = {
    "C": f"{_CHILD} || '/ChildIdentifiers[1]'",
    "E": _EPISODE,
    **_PART,
    "R": _path("R", "n", "v2", "v3", "v4"),
    "D": _path("D", "n", "", "", "v2"),
}
_STORED_PATH = {
    letter: _path(letter, "source_row", "source_episode", "source_part", "source_step") for letter in "CDEAPSKR"
}
_RANK = {"C": 0, "E": 1, "A": 2, "P": 3, "S": 4, "K": 5, "R": 5}  # problems are listed in this order per episode


_TYPED_PREFIX = {Kind.DATE: "d", Kind.FLAG: "f", Kind.INTEGER: "i"}


@dataclass(frozen=True)
class _Check:
    """A value that must be readable: its record letter, cell, element, kind, and whether it must be there."""

    letter: str
    cell: str
    tag: str
    kind: Kind
    required: bool = False
    parent: str = ""

    @property
    def typed(self) -> str:
        """The column of ``cin_lines`` with the cell's typed value (``d5`` for ``v5`` read as a date)."""
        return f"{_TYPED_PREFIX[self.kind]}{self.cell[1:]}"

    def sql(self) -> str:
        value, where = self.cell, _WHERE[self.letter]
        message = {
            Kind.DATE: "is not a date; write dates as yyyy-mm-dd",
            Kind.FLAG: "is not a yes/no value; use 1 or true for yes, 0 or false for no",
            Kind.INTEGER: "is not a whole number of 0 or more",
        }[self.kind]
        missing = f"'is missing; every {self.parent} needs its {self.tag}'" if self.required else "NULL"
        episode = "0" if self.letter == "C" else "episode"
        part = "part" if self.letter in "APSK" else "0"
        return (
            f"SELECT file_index, n, {episode} AS episode, {_RANK[self.letter]} AS rank, {part} AS part, "
            f"'{self.cell}' AS field, {where} || '/{self.tag}' AS path, "
            f"CASE WHEN {value} IS NULL THEN {missing} ELSE '''' || {value} || ''' {message}' END AS message "
            f"FROM cin_lines WHERE kind = '{self.letter}' AND ({value} IS NULL AND {self.required} "
            f"OR {value} IS NOT NULL AND {self.typed} IS NULL)"
        )


_CHECKS = (
    _Check("C", "v5", "PersonBirthDate", Kind.DATE),
    _Check("C", "v6", "ExpectedPersonBirthDate", Kind.DATE),
    _Check("C", "v7", "PersonDeathDate", Kind.DATE),
    _Check("E", "v3", "CINreferralDate", Kind.DATE, required=True, parent="CINdetails"),
    _Check("E", "v6", "CINclosureDate", Kind.DATE),
    _Check("E", "v8", "DateOfInitialCPC", Kind.DATE),
    _Check("E", "v9", "ReferralNFA", Kind.FLAG),
    _Check("A", "v4", "AssessmentActualStartDate", Kind.DATE, required=True, parent="Assessments"),
    _Check("A", "v5", "AssessmentInternalReviewDate", Kind.DATE),
    _Check("A", "v6", "AssessmentAuthorisationDate", Kind.DATE),
    _Check("P", "v4", "CINPlanStartDate", Kind.DATE, required=True, parent="CINPlanDates"),
    _Check("P", "v5", "CINPlanEndDate", Kind.DATE),
    _Check("S", "v4", "S47ActualStartDate", Kind.DATE, required=True, parent="Section47"),
    _Check("S", "v5", "InitialCPCtarget", Kind.DATE),
    _Check("S", "v6", "DateOfInitialCPC", Kind.DATE),
    _Check("S", "v7", "ICPCnotRequired", Kind.FLAG),
    _Check("K", "v4", "CPPstartDate", Kind.DATE, required=True, parent="ChildProtectionPlans"),
    _Check("K", "v5", "CPPendDate", Kind.DATE),
    _Check("K", "v8", "NumberOfPreviousCPP", Kind.INTEGER),
)
_REVIEW = _Check("R", "v5", "", Kind.DATE)  # typed as a check is, though checked apart (below)
_PROBLEMS = " UNION ALL ".join(
    [check.sql() for check in _CHECKS]
    + [
        # a review is a date and nothing else; a blank one is as wrong as an unreadable one
        f"SELECT file_index, n, episode, 5, part, v4, {_WHERE['R']}, "
        "'''' || coalesce(v5, '') || ''' is not a date; write dates as yyyy-mm-dd' FROM cin_lines "
        f"WHERE kind = 'R' AND {_REVIEW.typed} IS NULL",
        f"SELECT file_index, n, 0, 0, 0, 'v2', {_CHILD} || '/ChildIdentifiers/LAchildID', "
        "'is missing or blank; every child needs its LAchildID' FROM cin_lines WHERE kind = 'C' AND v2 IS NULL",
    ]
)
_TYPING = {
    Kind.DATE: "cin_date({0})",
    Kind.FLAG: "cin_flag({0})",
    Kind.INTEGER: "CASE WHEN regexp_full_match({0}, '[0-9]+') THEN TRY_CAST({0} AS INTEGER) END",
}


def _typed_cells() -> str:
    """The typed columns of ``cin_lines``, each cell typed once for both the checks and the stored rows: ``d5``
    is ``v5`` read as a date on the kinds of line whose ``v5`` is a date; ``episode`` and ``part`` are the
    numbers in ``v2`` and ``v3`` on the lines that have them."""
    typed: dict[str, tuple[Kind, list[str]]] = {}
    for check in (*_CHECKS, _REVIEW):
        typed.setdefault(check.typed, (check.kind, []))[1].append(f"'{check.letter}'")
    return ", ".join(
        [
            "CASE WHEN kind IN ('E', 'A', 'P', 'S', 'K', 'R') THEN TRY_CAST(v2 AS INTEGER) END AS episode",
            "CASE WHEN kind IN ('A', 'P', 'S', 'K', 'R') THEN TRY_CAST(v3 AS INTEGER) END AS part",
        ]
        + [
            f"CASE WHEN kind IN ({', '.join(letters)}) THEN {_TYPING[kind].format('v' + name[1:])} END AS {name}"
            for name, (kind, letters) in typed.items()
        ]
    )


@dataclass(frozen=True)
class _Codes:
    """A coded value: unknown codes are kept, and noted as data quality."""

    letter: str
    cell: str
    tag: str
    codes: frozenset[str]
    table: str

    def sql(self) -> str:
        where = _CHILD + " || '/ChildCharacteristics[1]'" if self.letter == "C" else _WHERE[self.letter]
        message = (
            f"'{self.tag} ''' || {self.cell} || ''' is not a code of the CIN census "
            "(see the census guide''s code list)'"
        )
        return (
            f"SELECT file_index, n, '{self.table}' AS table_name, {where} || '/{self.tag}' AS path, "
            f"{self.cell} AS value, "
            f"{message} AS message FROM cin_lines "
            f"WHERE kind = '{self.letter}' AND {self.cell} IS NOT NULL "
            f"AND NOT list_contains({_sql_list(self.codes)}, upper({self.cell}))"
        )


_CODES = (
    _Codes("C", "v8", "Ethnicity", ETHNICITIES, CIN_CHILDREN.table),
    _Codes("E", "v4", "ReferralSource", REFERRAL_SOURCES, CIN_EPISODES.table),
    _Codes("E", "v5", "PrimaryNeedCode", PRIMARY_NEEDS, CIN_EPISODES.table),
    _Codes("E", "v7", "ReasonForClosure", CLOSURE_REASONS, CIN_EPISODES.table),
    _Codes("K", "v6", "InitialCategoryOfAbuse", ABUSE_CATEGORIES, CP_PLANS.table),
    _Codes("K", "v7", "LatestCategoryOfAbuse", ABUSE_CATEGORIES, CP_PLANS.table),
)


def _sql_list(codes: frozenset[str]) -> str:
    return "[" + ", ".join(f"'{code}'" for code in sorted(codes)) + "]"


_NOTES = " UNION ALL ".join(
    [codes.sql() for codes in _CODES]
    + [
        f"SELECT file_index, n, '{CIN_CHILDREN.table}', {_WHERE['C']} || CASE WHEN v3 IS NOT NULL THEN '/Sex' "
        "ELSE '/GenderCurrent' END, coalesce(v3, v4), CASE WHEN v3 IS NOT NULL THEN 'Sex' ELSE 'GenderCurrent' END "
        "|| ' ''' || coalesce(v3, v4) || ''' is not a code of the CIN census (1, 2, 0, 9 to 2023-24; M, F, U from "
        "2024-25)' FROM cin_lines WHERE kind = 'C' AND coalesce(v3, v4) IS NOT NULL "
        "AND cin_sex(coalesce(v3, v4)) IS NULL",
        f"SELECT file_index, n, '{CIN_DISABILITIES.table}', {_WHERE['D']}, v3, 'Disability ''' || v3 || ''' is not a "
        f"code of the CIN census' FROM cin_lines WHERE kind = 'D' AND v3 IS NOT NULL AND NOT list_contains("
        f"{_sql_list(DISABILITIES)}, upper(v3))",
        f"SELECT file_index, n, '{CIN_ASSESSMENTS.table}', {_PART['A']} || '/FactorsIdentifiedAtAssessment', factor, "
        "'AssessmentFactors ''' || factor || ''' is not a code of the CIN census' FROM (SELECT *, "
        "unnest(string_split(upper(v7), ' ')) AS factor FROM cin_lines WHERE kind = 'A' AND v7 IS NOT NULL) "
        f"WHERE NOT list_contains({_sql_list(ASSESSMENT_FACTORS)}, factor)",
    ]
)

_TYPED_CELLS = _typed_cells()

# Each table: the kind of line its rows come from, what else a row needs, and its stored columns in order as
# SQL over the line ``l`` (with ``r.referral_date`` of its episode, ``p.plan_start`` of its plan).
_REFERRAL = "JOIN cin_referrals r USING (file_index, n, episode)"
_PLAN = "JOIN cin_plan_starts p USING (file_index, n, episode, part)"
_TABLES: tuple[tuple[TableSpec, str, str, tuple[str, ...]], ...] = (
    (CIN_CHILDREN, "C", "", ("cin_sex(coalesce(l.v3, l.v4))", "l.d5", "l.d6", "l.d7", "upper(l.v8)")),
    (CIN_DISABILITIES, "D", "", ("upper(l.v3)",)),
    (CIN_EPISODES, "E", "", ("l.d3", "upper(l.v4)", "upper(l.v5)", "l.d6", "upper(l.v7)", "l.d8", "l.f9")),
    (CIN_ASSESSMENTS, "A", _REFERRAL, ("r.referral_date", "l.d4", "l.d5", "l.d6", "upper(l.v7)")),
    (CIN_PLANS, "P", _REFERRAL, ("r.referral_date", "l.d4", "l.d5")),
    (CIN_S47, "S", _REFERRAL, ("r.referral_date", "l.d4", "l.d5", "l.d6", "l.f7")),
    (CP_PLANS, "K", _REFERRAL, ("r.referral_date", "l.d4", "l.d5", "upper(l.v6)", "upper(l.v7)", "l.i8")),
    (CP_REVIEWS, "R", _PLAN, ("p.plan_start", "l.d5")),
)  # fmt: skip
# One ordering of a key's rows answers both questions: the first row is the one the load keeps (the latest
# return; of one return, the file given last), and a row is a repeat within its file when the row before it
# comes from the same file.
_LATEST_FIRST = "coalesce(return_year, -1) DESC, file_index DESC, source_row"
_MARKS = {
    "is_latest": "row_number() OVER rows = 1",
    "is_kept": "coalesce(lag(file_index) OVER rows <> file_index, true)",
}


class CensusReader:
    """CIN census XML files read a chunk at a time (``CHUNK_BYTES`` of XML), the next chunk flattened by worker
    processes while this one is checked and staged, and written by the caller.

    Flattening starts on entering the ``with`` block, before ``read`` is called, so a load can read its other
    returns meanwhile. Workers are used when there is enough XML to repay starting them (``PARALLEL_BYTES``)
    and the machine has more than one core.
    """

    def __init__(self, paths: Iterable[Path], *, first_index: int = 0, progress: Callable[[int], object] | None = None):
        self.paths = [Path(p) for p in paths]
        self.first_index = first_index
        self.progress = progress
        self._stack = ExitStack()
        self._flats: Iterator[FlatCensus] = iter(())
        self._sizes: dict[Path, int] = {}  # each file's bytes, taken once as the load starts

    def __enter__(self) -> CensusReader:
        if not self.paths:
            return self
        folder = Path(self._stack.enter_context(tempfile.TemporaryDirectory(prefix="oversight-cin-")))
        count = len(self.paths)
        indexes = range(self.first_index, self.first_index + count)
        self._sizes = {path: path.stat().st_size for path in self.paths if path.is_file()}
        size = sum(self._sizes.values())
        workers = min(os.cpu_count() or 1, count)
        self._flats = map(flatten_census, indexes, self.paths, [folder] * count)
        if workers > 1 and size >= PARALLEL_BYTES:
            # spawned, not forked: this process runs DuckDB's threads, which a fork would copy mid-flight
            context = multiprocessing.get_context("spawn")
            # Niced: what they flatten ahead waits for this process, which should have the cores when it has work.
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=os.nice, initargs=(19,))
            self._stack.callback(pool.shutdown, cancel_futures=True)  # after an error, drop the files not begun
            self._flats = pool.map(flatten_census, indexes, self.paths, [folder] * count)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def _chunks(self) -> Iterator[list[FlatCensus]]:
        chunk: list[FlatCensus] = []
        size = 0
        for flat in self._flats:
            chunk.append(flat)
            size += self._sizes.get(flat.path, 0) if flat.error is None else 0
            if self.progress is not None:
                self.progress(1)
            if size >= CHUNK_BYTES:
                yield chunk
                chunk, size = [], 0
        if chunk:
            yield chunk

    def read(
        self,
        *,
        pseudonymiser: Pseudonymiser,
        la: str | None = None,
        year_ending: int | None = None,
        connection: duckdb.DuckDBPyConnection,
        result: ReadResult,
        validate: bool = False,
    ) -> Iterator[None]:
        """Read and check the files into staging tables of ``connection``, a chunk at a time: after each chunk,
        ``result.batches`` holds its staged tables, for the caller to write and drop before asking for the next.

        ``la`` is the council when the header's LEA should not be used (or is missing); ``year_ending`` the
        census year when the header has no reference date. Problems go into ``result.issues`` (every one, up
        to a thousand a file); once there are any, from these files or others, no typed rows are built. With
        ``validate`` a file must also match its census year's XSD (``readers.validation``).
        """
        for chunk in self._chunks():
            files = [_CensusFile.of(flat, la, year_ending) for flat in chunk]
            readable = [f for f in files if f.flat.error is None]
            if readable:
                _stage_lines(connection, readable)
                _add_row_problems(connection, readable)
            for file in files:
                file.flat.lines.unlink(missing_ok=True)
                result.notices.extend(file.notices)
                if validate and not file.issues:
                    from oversight.casework.readers.validation import validate_cin

                    file.issues.extend(validate_cin(file.flat.path, file.year_ending))
                result.issues.extend(file.issues)
            if readable and result.ok:
                result.batches.extend(_stage_tables(connection, pseudonymiser))
            connection.execute("DROP TABLE IF EXISTS temp.main.cin_lines")
            yield


@dataclass
class _CensusFile:
    """One census file on its way in: its flattening, its council and year, and what is wrong with it."""

    flat: FlatCensus
    la: str
    year_ending: int | None
    issues: list[Issue] = field(default_factory=list)
    notices: list[Issue] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.flat.path.name

    def problem(self, path: str | None, message: str) -> None:
        self.issues.append(field_issue(self.name, None, path, message))

    @classmethod
    def of(cls, flat: FlatCensus, la: str | None, year_ending: int | None) -> _CensusFile:
        reference = parse_date(flat.reference_date) if flat.reference_date else None
        census_year = year_ending or (reference.year + (1 if reference.month >= 4 else 0) if reference else None)
        file = cls(flat, la or "", census_year)
        if flat.error is not None:
            file.problem(None, flat.error)
            return file
        if flat.reference_date and reference is None:
            file.problem("/Message/Header/CollectionDetails/ReferenceDate",
                         f"'{flat.reference_date}' is not a date; write it as yyyy-mm-dd")  # fmt: skip
        if la is None and flat.children:
            if flat.lea is None:
                file.problem("/Message/Header/Source/LEA",
                             "is missing, so the council is not known; give its code with --la")  # fmt: skip
            elif (code := la_code(flat.lea)) is None:
                file.problem(
                    "/Message/Header/Source/LEA",
                    f"'{flat.lea}' is not a council number oversight knows; give the council's ONS code with --la",
                )
            else:
                file.la = code
        return file


def _stage_lines(con: duckdb.DuckDBPyConnection, files: list[_CensusFile]) -> None:
    """Every readable file's lines in one temporary table, ``cin_lines``, with their cells typed
    (``_typed_cells``), and the files in ``cin_files``."""
    con.execute(_MACROS)
    cells = {"kind": "VARCHAR", "n": "INTEGER", **{f"v{i}": "VARCHAR" for i in range(2, WIDTH)}}
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cin_lines AS SELECT CAST(parse_filename(filename, true) AS INTEGER) "
        f"AS file_index, * EXCLUDE (filename), {_TYPED_CELLS} FROM read_csv($lines, delim = '\t', quote = '', "
        "escape = '', header = false, auto_detect = false, null_padding = true, filename = true, columns = $cells)",
        {"lines": [str(f.flat.lines) for f in files], "cells": cells},
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cin_files (file_index INTEGER, file_name VARCHAR, sha256 VARCHAR, "
        "la VARCHAR, year_ending INTEGER)"
    )
    con.executemany(
        "INSERT INTO cin_files VALUES (?, ?, ?, ?, ?)",
        [(f.flat.index, f.name, f.flat.sha256, f.la, f.year_ending) for f in files],
    )


def _add_row_problems(con: duckdb.DuckDBPyConnection, files: list[_CensusFile]) -> None:
    """Each file's unreadable values (up to a thousand), and the elements it has that are not read."""
    by_index = {f.flat.index: f for f in files}
    rows = con.execute(
        "SELECT file_index, path, message, total FROM (SELECT *, row_number() OVER (PARTITION BY file_index "
        "ORDER BY n, episode, rank, part, field) AS number, count(*) OVER (PARTITION BY file_index) AS total "
        f"FROM ({_PROBLEMS})) WHERE number <= {MAX_ISSUES_PER_FILE} ORDER BY file_index, number"
    ).fetchall()
    for index, path, message, total in rows:
        file = by_index[index]
        file.problem(path, message)
        if len(file.issues) == MAX_ISSUES_PER_FILE and total > MAX_ISSUES_PER_FILE:
            file.problem(None, f"and {total - MAX_ISSUES_PER_FILE:,} more problems; fix those above first")
    for file in files:
        if file.flat.children == 0 and not file.issues:
            file.problem("/Message/Children", "has no Child; a CIN census lists at least one child")
    unknown = con.execute(
        f"SELECT file_index, v2, arg_min({_CHILD} || '/' || v3, n) FROM cin_lines WHERE kind = 'U' "
        "GROUP BY file_index, v2 ORDER BY file_index, min(n), v2"
    ).fetchall()
    for index, name, where in unknown:
        file = by_index[index]
        file.notices.append(
            field_issue(
                file.name,
                None,
                where,
                f"{name} is not part of the CIN census as oversight reads it; not loaded",
                severity="warning",
            )
        )


def _stage_tables(con: duckdb.DuckDBPyConnection, pseudonymiser: Pseudonymiser) -> list[StagedBatch]:
    """The typed, pseudonymised rows of every table, each row marked kept or a repeat within its file."""
    child, parameters = pseudonymiser.sql("f.la", "l.v2")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE cin_ids AS SELECT l.file_index, l.n, f.la, {child} AS child, "
        "f.year_ending AS return_year FROM cin_lines l JOIN cin_files f USING (file_index) WHERE l.kind = 'C'",
        parameters,
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cin_referrals AS SELECT file_index, n, episode, d3 AS referral_date "
        "FROM cin_lines WHERE kind = 'E'"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cin_plan_starts AS SELECT file_index, n, episode, part, d4 AS plan_start "
        "FROM cin_lines WHERE kind = 'K'"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cin_quality (file_index INTEGER, la VARCHAR, table_name VARCHAR, "
        "child UUID, rule VARCHAR, field VARCHAR, value VARCHAR, message VARCHAR, source_row INTEGER)"
    )
    con.execute(
        "INSERT INTO cin_quality SELECT q.file_index, i.la, q.table_name, i.child, 'unknown_code', q.path, "
        f"q.value, q.message, q.n FROM ({_NOTES}) q JOIN cin_ids i USING (file_index, n)"
    )
    batches = []
    for spec, letter, joins, columns in _TABLES:
        typed = f"typed_cin_{spec.name}"
        names = [c.stored_name for c in spec.stored]
        sqls = [*columns, *(sql for _, sql in _POSITIONS[letter])]
        selects = ", ".join(
            f"CAST({sql} AS {sql_type(spec, name)}) AS {name}" for sql, name in zip(sqls, names, strict=True)
        )
        blank = " AND l.v3 IS NOT NULL" if letter == "D" else ""  # a blank disability is no disability
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE cin_rows AS SELECT l.file_index, i.la, i.child, {selects}, i.return_year, "
            f"l.n AS source_row FROM (SELECT * FROM cin_lines WHERE kind = '{letter}') l JOIN cin_ids i "
            f"USING (file_index, n) {joins} WHERE true{blank}"
        )
        key = ["la", "child", *spec.key]
        order = ", ".join([_LATEST_FIRST, *(column.stored_name for column, _ in _POSITIONS[letter])])
        con.execute(f"CREATE OR REPLACE TEMP TABLE {typed} AS {marked('cin_rows', key, order, _MARKS)}")
        con.execute("DROP TABLE cin_rows")
        keys = [c.name for c in spec.columns if c.key]
        what = f"the same child and {', '.join(keys)}" if keys else "the same child"
        con.execute(
            f"INSERT INTO cin_quality SELECT file_index, la, '{spec.table}', child, 'duplicate_row', "
            f"{_STORED_PATH[letter]}, NULL, 'repeats an earlier record ({what}); not loaded', source_row "
            f"FROM {typed} WHERE NOT is_kept"
        )
        las = tuple(str(r[0]) for r in con.execute(f"SELECT DISTINCT la FROM {typed} ORDER BY la").fetchall())
        if las:
            batches.append(StagedBatch(spec, typed, "cin_files", "cin_quality", las))
        else:
            con.execute(f"DROP TABLE {typed}")
    for table in ("cin_ids", "cin_referrals", "cin_plan_starts"):
        con.execute(f"DROP TABLE temp.main.{table}")
    return batches
