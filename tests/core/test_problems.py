from __future__ import annotations

from oversight.core.problems import ApplicationError, ImportResult, Issue, rejected_lines


def test_a_table_issue_names_its_row_and_column() -> None:
    assert str(Issue("values.csv", 3, "value", "not a number")) == "values.csv, row 3, column 'value': not a number"


def test_a_return_issue_names_its_field() -> None:
    issue = Issue("header.csv", 2, "DOB", "not a date", word="field")
    assert str(issue) == "header.csv, row 2, field 'DOB': not a date"


def test_an_xml_path_says_where_instead_of_a_row() -> None:
    issue = Issue("cin.xml", 4, "/Message/Children/Child[3]/CINdetails[1]", "missing", word="field")
    assert str(issue) == "cin.xml, at /Message/Children/Child[3]/CINdetails[1]: missing"


def test_an_issue_with_the_file_alone() -> None:
    assert str(Issue("plan.xlsx", None, None, "the file is empty")) == "plan.xlsx: the file is empty"


def test_a_result_is_ok_without_issues() -> None:
    assert ImportResult(files=1, rows=3).ok
    assert not ImportResult(issues=[Issue("a.csv", None, None, "bad")]).ok


def test_rejected_lines_list_the_first_problems_and_count_the_rest() -> None:
    issues = [Issue("a.csv", row, None, "bad") for row in (2, 3, 4)]
    assert rejected_lines(issues, done="loaded", limit=2) == [
        "Nothing was loaded: 3 problem(s) to fix first.",
        "  a.csv, row 2: bad",
        "  a.csv, row 3: bad",
        "  … and 1 more.",
    ]


def test_each_part_s_errors_are_application_errors() -> None:
    from oversight.accounts.services import AccountError
    from oversight.casework.issues import CaseworkError, OutdatedStoreError
    from oversight.casework.pseudonym import PseudonymKeyError

    for error in (AccountError, CaseworkError, OutdatedStoreError, PseudonymKeyError):
        assert issubclass(error, ApplicationError)
