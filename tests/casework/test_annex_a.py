"""Ofsted's Annex A workbook: lists 1-11 found by sheet, headings matched however councils spell them."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.readers import Format, detect_format
from oversight.casework.readers.annex_a import code, match_headings, normalise
from oversight.casework.store import CaseworkStore

from .conftest import ANNEX_A, LA

LIIA = ANNEX_A / "liia_Annex_A_2024_Jan_synthetic.xlsx"
SPREADSHEET_DAY = datetime(2024, 1, 5)  # noqa: DTZ001 - a spreadsheet's date cell has no time zone


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_the_liia_workbook_loads_every_list_into_its_own_table(
    store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    assert detect_format(LIIA) is Format.WORKBOOK
    result = store.load([LIIA], pseudonymiser=pseudonymiser, la=LA)
    assert result.ok, result.issues
    assert {table: load.rows for table, load in result.tables.items()} == {
        "annex_a_children": 48,
        "annex_a_contacts": 5,
        "annex_a_early_help": 5,
        "annex_a_referrals": 6,
        "annex_a_assessments": 5,
        "annex_a_s47": 5,
        "annex_a_cin": 5,
        "annex_a_cp_plans": 7,
        "annex_a_cla": 5,
        "annex_a_care_leavers": 6,
        "annex_a_adoption": 5,
        "annex_a_adopters": 5,
    }
    child = pseudonymiser.child(LA, "6537810")
    assert store.query(
        "SELECT referral_date, referral_source, referral_nfa, referrals_last_12_months FROM annex_a_referrals "
        "WHERE child = $c",
        {"c": child},
    ) == [(date(2020, 9, 16), "8", False, 0)]
    assert store.query("SELECT sex, ethnicity, birth_date FROM annex_a_children WHERE child = $c", {"c": child}) == [
        ("M", "WBRI", date(2004, 7, 18))
    ]
    assert store.query(
        "SELECT placement_type, placement_provider, legal_status FROM annex_a_cla WHERE child = $c",
        {"c": pseudonymiser.child(LA, "1373595")},
    ) == [("U1", "PR1", "C2")]
    # 'CS Assessment Updated' is not a yes/no answer: kept as data quality, the rows still load.
    assert result.quality == {"unknown_code": 5}
    dump = str(store.query("SELECT * FROM annex_a_referrals")) + str(store.query("SELECT * FROM annex_a_cla"))
    assert "Hazlett" not in dump
    assert "T28 2WB" not in dump


def test_headings_and_values_are_read_however_a_council_spells_them(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    assert normalise("  Referral\u00a0NFA? ") == "referral nfa"
    assert match_headings(
        ["ID of child", "DoB", "Date of birth (dd/mm/yyyy)"], ["Child Unique ID", "Date of Birth"]
    ) == {
        "Child Unique ID": 0,
        "Date of Birth": 2,
    }
    assert [code(v) for v in ("a) WBRI", "f) U6: Foster placement", "N1 - Abuse or neglect", "PHY", 6.0)] == [
        "WBRI",
        "U6",
        "N1",
        "PHY",
        "6",
    ]
    path = workbook(
        tmp_path / "annex.xlsx",
        {
            "Front sheet": [["Annex A, Borsetshire"]],
            "List 3 - Referrals": [
                ["List 3: Referrals"],
                ["CHILD ID", "Sex", "ethnicity", "DATE OF REFERRAL", "Referral  source", "Referral NFA",
                 "Number of referrals in last 12 months", "Allocated worker"],
                [101, "2 - Female", "k) APKN", SPREADSHEET_DAY, "q) 6: Police", "NFA", 1, "A Worker"],
                ["102", "Male", "WBRI", "06/01/2024", "1A", "b) No", 0, "B Worker"],
                [None, None, None, None, None, None, None, None],
                ["103", "Unborn", "NOBT", 45301, "5A", "Further action", "0", "C Worker"],
            ],
        },
    )  # fmt: skip
    result = store.load([path], pseudonymiser=pseudonymiser, la=LA)
    assert result.ok, result.issues
    assert store.query(
        "SELECT c.sex, r.referral_date, r.referral_source, r.referral_nfa, r.source_row FROM annex_a_referrals r "
        "JOIN annex_a_children c USING (la, child) ORDER BY r.source_row"
    ) == [
        ("F", date(2024, 1, 5), "6", True, 3),
        ("M", date(2024, 1, 6), "1A", False, 4),
        ("U", date(2024, 1, 10), "5A", False, 6),  # 45301 is Excel's serial number for 10 January 2024
    ]


def test_a_workbook_of_several_councils_names_each_in_an_la_column(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    header = ["LA", "Child Unique ID", "Child Protection Plan Start Date", "Child Protection Plan End Date"]
    path = workbook(
        tmp_path / "region.xlsx",
        {"List 7": [header, ["E09000028", "7", "01/04/2023", None], ["E09000006", "7", "03/04/2023", "05/05/2024"]]},
    )
    assert store.load([path], pseudonymiser=pseudonymiser).ok
    assert store.las() == ("E09000006", "E09000028")
    # The same child identifier in two councils is two children.
    assert store.query("SELECT count(DISTINCT child) FROM annex_a_cp_plans") == [(2,)]
    alone = workbook(tmp_path / "alone.xlsx", {"List 7": [header[1:], ["7", "01/04/2023", None]]})
    assert [str(i) for i in store.load([alone], pseudonymiser=pseudonymiser).issues] == [
        "alone.xlsx, field 'List 7': the workbook does not name its council: give its code with --la, or add an LA "
        "column"
    ]


def test_unreadable_cells_and_unsaved_formulas_reject_the_workbook(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    path = workbook(
        tmp_path / "bad.xlsx",
        {
            "List_4": [
                ["Child Unique ID", "Continuous Assessment Start Date", "Continuous Assessment Date of Authorisation"],
                ["1", "01/02/2024", "next week"],
                ["2", "=B2+3", None],
                [None, "01/02/2024", None],
            ],
            "List_7": [["Child Unique ID", "Initial Category of Abuse"], ["1", "NEG"]],
        },
    )
    result = store.load([path], pseudonymiser=pseudonymiser, la=LA)
    assert [str(i) for i in result.issues] == [
        "bad.xlsx, row 2, field 'List_4: Continuous Assessment Date of Authorisation': 'next week' is not a date; "
        "write dates as dd/mm/yyyy",
        "bad.xlsx, row 4, field 'List_4: Child Unique ID': is blank; every row needs the child's identifier",
        "bad.xlsx, row 1, field 'List_7': has no 'Child Protection Plan Start Date' column; add it with the list's "
        "heading",
        "bad.xlsx, row 3, field 'List_4: Continuous Assessment Start Date': holds the formula =B2+3 whose value the "
        "workbook does not keep; open and save it in Excel, or paste the dates as values",
    ]
    assert not store.exists
    journeys = store.load([ANNEX_A / "cscdp_annexa_journeys_example.xlsx"], pseudonymiser=pseudonymiser, la=LA)
    assert [str(i) for i in journeys.issues] == [
        "cscdp_annexa_journeys_example.xlsx, row 4, field 'List_5: Strategy discussion initiating Section 47 Enquiry "
        "Start Date': is blank; every row of list 5 needs one"
    ]
