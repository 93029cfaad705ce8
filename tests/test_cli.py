"""The command line as a user runs it: a fresh data directory, the demo, an export, an import."""

import csv
import re
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from tests.processes import DemoHome, oversight_env, oversight_run

STRATEGIC_Q1 = ("scorecard", "export", "--scorecard", "strategic", "--period", "2011-12-Q1")  # the demo has several


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return oversight_run(args, env=oversight_env(home))


@pytest.fixture(scope="module")
def home(demo_home: DemoHome, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home, result = demo_home.copy(tmp_path_factory.mktemp("home"))
    assert result.returncode == 0, result.stderr
    assert "Demo loaded into" in result.stdout
    assert "councillor" in result.stdout
    assert "Synthetic councils Z99000001 and Z99000002:" in result.stdout
    assert "53 figures computed onto the scorecards 'synthetic-council' and 'second-synthetic-council'" in result.stdout
    assert "reader (council E06000049)" in result.stdout  # the alliance's analyst, of the host council
    assert (home / "casework-demo.duckdb").is_file()
    assert not (home / "casework.duckdb").exists()  # a real store is never loaded with the development key
    accounts = (home / "demo-accounts.txt").read_text().split()
    assert accounts[0::2] == ["councillor", "officer", "director", "admin", "officer-z1", "officer-z2", "analyst"]
    assert oct((home / "demo-accounts.txt").stat().st_mode & 0o777) == "0o600"
    return home


def test_csv_export_reproduces_the_seed_quarter_one_figures(home: Path, tmp_path: Path) -> None:
    output = tmp_path / "q1.csv"
    result = _run(home, *STRATEGIC_Q1, "--format", "csv", "--output", str(output))
    assert result.returncode == 0, result.stderr
    rows = {row["indicator_code"]: row for row in csv.DictReader(output.read_text(encoding="utf-8-sig").splitlines())}
    core = rows["CSC-CORE-35WD"]
    assert (core["value"], core["target"], core["rag"], core["period"]) == ("63.1", "85", "Red", "2011-12-Q1")
    assert core["rag_reason"] == "Red: 63.1% is 21.9 points below the target of at least 85% (amber within 5 points)."
    assert core["comparator"] == "2011-12 Q1 63.1% vs N 2009-10 73.9%: lower (worse); the periods differ."
    stability = rows["CLA-STABILITY-LT"]
    assert (stability["value"], stability["target"], stability["rag"]) == ("67", "85", "Red")
    plans = rows["CP-2YRS-PLUS"]
    assert (plans["value"], plans["target"], plans["rag"]) == ("0", "5", "Green")
    assert plans["rag_reason"] == "Green: 0% is below the target of less than 5%."
    assert {"indicator_code", "title", "period", "value", "target", "rag", "rag_reason", "direction"} <= set(core)
    assert core["commentary"] == "As above - further review in light of Munro."


@pytest.mark.parametrize(("fmt", "magic"), [("xlsx", b"PK\x03\x04"), ("pdf", b"%PDF")])
def test_binary_exports_are_written(home: Path, tmp_path: Path, fmt: str, magic: bytes) -> None:
    output = tmp_path / f"q1.{fmt}"
    result = _run(home, *STRATEGIC_Q1, "--format", fmt, "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert output.read_bytes().startswith(magic)
    assert not list(tmp_path.glob("*.part"))


def test_a_bad_period_is_explained(home: Path, tmp_path: Path) -> None:
    result = _run(home, "scorecard", "export", "--period", "Q1", "--format", "csv", "--output", str(tmp_path / "x"))
    assert result.returncode == 2
    assert "--period: 'Q1' is not a period code" in result.stderr
    assert not (tmp_path / "x").exists()


def test_import_reports_problems_and_writes_nothing(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "values.csv"
    bad.write_text("indicator,period,value\nCSC-CORE-35WD,2011-12-Q2,sixty\n", encoding="utf-8")
    result = _run(home, "import", str(bad))
    assert result.returncode == 1
    assert "Nothing was imported: 1 problem(s) to fix first." in result.stderr
    assert "values.csv, row 2, column 'value': 'sixty' is not a number" in result.stderr
    good = tmp_path / "good.csv"
    good.write_text("indicator,period,value\nCSC-CORE-35WD,2011-12-Q2,70.2\n", encoding="utf-8")
    result = _run(home, "import", str(good))
    assert result.returncode == 0, result.stderr
    assert "Imported 1 rows from 1 file(s): 1 new, 0 updated, 0 unchanged." in result.stdout


def test_the_template_is_written(tmp_path: Path) -> None:
    output = tmp_path / "template.xlsx"
    result = _run(tmp_path, "template", "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert output.read_bytes().startswith(b"PK")


def test_every_format_can_be_exported_for_publication(home: Path, tmp_path: Path) -> None:
    for fmt in ("csv", "xlsx", "pdf"):
        output = tmp_path / f"q1.{fmt}"
        args = [*STRATEGIC_Q1, "--output", str(output), "--publication"]
        result = _run(home, *args, "--format", fmt)
        assert result.returncode == 0, result.stderr
        assert output.stat().st_size > 1000
    assert "CSC-CORE-35WD" in (tmp_path / "q1.csv").read_text(encoding="utf-8-sig")


def test_an_action_plan_imports_and_exports_from_the_command_line(home: Path, tmp_path: Path) -> None:
    workbook = Path(__file__).resolve().parent / "data" / "improvement" / "action_plan_2011.xlsx"
    imported = _run(
        home,
        "improvement",
        "import",
        str(workbook),
        "--plan",
        "cli-plan",
        "--source",
        "slac-2011-areas-for-improvement",
    )
    assert imported.returncode == 0, imported.stderr
    assert "Imported 23 recommendations and 39 progress entries into the plan 'cli-plan'." in imported.stdout
    again = _run(
        home,
        "improvement",
        "import",
        str(workbook),
        "--plan",
        "cli-plan",
        "--source",
        "slac-2011-areas-for-improvement",
    )
    assert again.returncode == 1
    assert "already has 23 recommendations" in again.stderr
    output = tmp_path / "plan.xlsx"
    exported = _run(home, "improvement", "export", "--plan", "cli-plan", "--format", "xlsx", "--output", str(output))
    assert exported.returncode == 0, exported.stderr
    assert output.read_bytes().startswith(b"PK")
    unknown = _run(home, "improvement", "export", "--plan", "nope", "--format", "pdf", "--output", str(output))
    assert unknown.returncode == 2
    assert "there is no plan 'nope'" in unknown.stderr


def test_inspections_load_from_a_folder_of_csv_files(home: Path, tmp_path: Path) -> None:
    (tmp_path / "frameworks.csv").write_text(
        "slug,name,body,version,in_use_from,in_use_to,free_text,proposed,notes\n"
        "jtai,Joint targeted area inspection,Ofsted,2016–,2016-01-01,,yes,no,\n",
        encoding="utf-8",
    )
    (tmp_path / "inspections.csv").write_text(
        "slug,local_authority,body,framework,kind,title,year,started_on,ended_on,published_on,lead_inspector,"
        "report_url,key_quotes,source_note\n"
        "jtai-2017,Cheshire East,Ofsted,jtai,announced,JTAI,2017,,,2017-13-01,,,,\n",
        encoding="utf-8",
    )
    refused = _run(home, "improvement", "load", str(tmp_path))
    assert refused.returncode == 1
    assert "inspections.csv, row 2, column 'published_on': '2017-13-01' is not a date" in refused.stderr
    (tmp_path / "inspections.csv").write_text(
        (tmp_path / "inspections.csv").read_text(encoding="utf-8").replace("2017-13-01", "2017-03-01"),
        encoding="utf-8",
    )
    loaded = _run(home, "improvement", "load", str(tmp_path))
    assert loaded.returncode == 0, loaded.stderr
    assert "7 inspections" in loaded.stdout


def test_benchmark_import_is_idempotent_and_compare_writes_the_appendix_d_table(home: Path, tmp_path: Path) -> None:
    d3 = Path(__file__).parent / "data" / "published" / "dfe_csc_oe_d3_cpps_subsequent_plan_2013_to_2025.csv"
    first = _run(home, "benchmark", "import", str(d3))
    assert first.returncode == 0, first.stderr
    assert "Imported 6,396 published figures from 1 file(s): 6,396 new, 0 updated, 0 unchanged" in first.stdout
    again = _run(home, "benchmark", "import", str(d3))
    assert "0 new, 0 updated, 6,396 unchanged" in again.stdout

    output = tmp_path / "neet.csv"
    args = ["benchmark", "compare", "--indicator", "NEET-16-18", "--la", "895", "--period", "June 2011"]
    result = _run(home, *args, "--format", "csv", "--output", str(output))
    assert result.returncode == 0, result.stderr
    rows = {row["area"]: row for row in csv.DictReader(output.read_text(encoding="utf-8").splitlines())}
    council = rows["Cheshire East"]
    assert (council["value"], council["change_percent"], council["bold"]) == ("6.2", "8.8", "yes")
    assert council["bold_reason"] == "Bold: moving against the intended direction."
    assert rows["England"]["bold"] == "no"
    assert len(rows) == 17  # council, region, England, ten neighbours, mean, median, rank, comparators
    group = "comparator group “Appendix D neighbours, 2011”"
    assert rows[f"{group} mean"]["reason_missing"] == "Mean of 10 of 10."
    assert rows[f"{group} median"]["reason_missing"] == "Median of 10 of 10."
    assert rows["rank"]["reason_missing"].endswith(
        "Nationally: 7th of 11 areas with a published figure (1st is best); 141 of the 152 English councils of the "
        "time are not in the published figures, so this is not a rank among all English councils."
    )
    assert rows["comparators"]["reason_missing"] == (
        "The comparator group “Appendix D neighbours, 2011” is chosen for this indicator; DfE's "
        "statistical-neighbour groupings (April 2021 and May 2025) are not used."
    )

    wrong = _run(home, "benchmark", "compare", "--indicator", "NEET-16-18", "--la", "895", "--period", "2099")
    assert wrong.returncode == 2
    assert "known: June 2010, June 2011" in wrong.stderr


def test_benchmark_import_names_each_damaged_figure_and_imports_nothing(home: Path, tmp_path: Path) -> None:
    published = Path(__file__).parent / "data" / "published"
    c1 = published / "dfe_csc_oe_c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
    lines = c1.read_text(encoding="utf-8-sig").splitlines()
    column = lines[0].split(",").index("rereferral_percent")
    for row in (14, 20):
        cells = next(csv.reader([lines[row - 1]]))
        cells[column] = "12.3.4" if row == 14 else "2O.1"
        lines[row - 1] = ",".join(f'"{cell}"' if "," in cell or not cell else cell for cell in cells)
    damaged = tmp_path / "c1.csv"
    damaged.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = _run(home, "benchmark", "import", str(damaged))

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Nothing was imported: 2 problem(s) to fix first.",
        "  c1.csv, row 14, column 'rereferral_percent': '12.3.4' is neither a number nor a DfE symbol "
        "('c', 'x', 'z', 'low', 'k', 'u', ':', '~').",
        "  c1.csv, row 20, column 'rereferral_percent': '2O.1' is neither a number nor a DfE symbol "
        "('c', 'x', 'z', 'low', 'k', 'u', ':', '~').",
    ]


def test_benchmark_group_takes_numbers_codes_and_names(home: Path) -> None:
    result = _run(home, "benchmark", "group", "--name", "Cheshire and Warrington", "--la", "895", "E06000050",
                  "Warrington")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "Comparator group 'Cheshire and Warrington': Cheshire East, Cheshire West and Chester, Warrington."
    )
    unknown = _run(home, "benchmark", "group", "--name", "Nowhere", "--la", "895", "Atlantis")
    assert unknown.returncode == 2
    assert "Atlantis" in unknown.stderr


def test_no_command_module_imports_the_command_that_registers_it() -> None:
    import ast

    import oversight

    package = Path(oversight.__file__).parent
    for path in package.glob("*/cli.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert "oversight.cli" not in imported, path
        assert "oversight.commandline" in imported, path


@pytest.fixture(scope="module")
def fresh_machine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """``oversight manage migrate`` run once on a machine with no data directory yet, and what it said."""
    home = tmp_path_factory.mktemp("fresh") / "var"
    return home, _run(home, "manage", "migrate", "--no-input")


def test_a_new_database_holds_the_reference_data(fresh_machine: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    """A migrated database has the authorities and neighbour groupings, so no page has to write them."""
    home, result = fresh_machine
    assert result.returncode == 0, result.stderr
    with closing(sqlite3.connect(home / "oversight.sqlite3")) as database:
        authorities = database.execute("SELECT count(*) FROM benchmarks_localauthority").fetchone()[0]
        sets = database.execute("SELECT name FROM benchmarks_neighbourset ORDER BY published").fetchall()
        neighbours = database.execute("SELECT count(*) FROM benchmarks_neighbour").fetchone()[0]
    assert authorities > 150
    assert sets == [("April 2021",), ("May 2025",)]
    assert neighbours > 0


def test_django_commands_run_on_a_fresh_machine_with_no_data_directory(
    fresh_machine: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    home, migrated = fresh_machine
    assert migrated.returncode == 0, migrated.stderr
    assert oct((home / "oversight.sqlite3").stat().st_mode & 0o777) == "0o600"


def test_a_period_is_signed_off_from_the_command_line_and_then_refuses_edits(home: Path, tmp_path: Path) -> None:
    q1 = tmp_path / "q1.csv"
    q1.write_text("indicator,period,value\nCSC-CORE-35WD,2011-12-Q1,70\n", encoding="utf-8")
    refused = _run(home, "import", str(q1))  # the demo's Q1 is approved
    assert refused.returncode == 1
    assert "q1.csv, row 2, column 'period': 2011-12 Q1 on the scorecard" in refused.stderr
    assert "was approved by director on" in refused.stderr

    step = ("scorecard", "--scorecard", "strategic", "--period", "2010-11")
    assert _run(home, *step[:1], "approve", *step[1:], "--user", "director").returncode == 1  # not yet submitted
    nobody = _run(home, *step[:1], "submit", *step[1:], "--user", "nobody")
    assert (nobody.returncode, nobody.stderr.strip()) == (2, "--user: there is no active account 'nobody'")
    submitted = _run(home, *step[:1], "submit", *step[1:], "--user", "officer")
    assert submitted.returncode == 0, submitted.stderr
    assert "2010-11: Submitted for approval by officer on" in submitted.stdout
    approved = _run(home, *step[:1], "approve", *step[1:], "--user", "director", "--note", "Agreed at SMT.")
    assert approved.returncode == 0, approved.stderr
    assert re.search(r"Approved by director on \d+ \w+ \d{4}\. Note: Agreed at SMT\.", approved.stdout)

    year = tmp_path / "year.csv"
    year.write_text("indicator,period,value\nCSC-CORE-35WD,2010-11,64\n", encoding="utf-8")
    assert _run(home, "import", str(year)).returncode == 1
    reopened = _run(home, *step[:1], "reopen", *step[1:], "--user", "director", "--reason", "Validated figures.")
    assert reopened.returncode == 0, reopened.stderr
    assert "Draft — not yet approved (reopened by director on" in reopened.stdout
    assert _run(home, "import", str(year)).returncode == 0


def test_the_exception_report_is_written_from_the_command_line(home: Path, tmp_path: Path) -> None:
    output = tmp_path / "exceptions.csv"
    result = _run(
        home, "scorecard", "exceptions", "--scorecard", "strategic", "--period", "2011-12-Q1", "--format", "csv",
        "--output", str(output),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "8 indicator(s) in the exception report for 2011-12 Quarter 1 (April–June 2011)." in result.stdout
    rows = list(csv.DictReader(output.read_text(encoding="utf-8-sig").splitlines()))
    assert [row["indicator_code"] for row in rows if row["rag"] == "Red"] == [
        "NEET-16-18", "YJ-REOFFENDING", "CSC-REF-TO-IA", "CSC-IA-10D", "CSC-CORE-35WD", "CLA-STABILITY-LT",
    ]  # fmt: skip
    assert not output.with_name("exceptions.csv.part").exists()


def test_a_meetings_pack_is_built_from_the_command_line(home: Path, tmp_path: Path) -> None:
    from docx import Document

    docx = tmp_path / "pack.docx"
    built = _run(home, "pack", "build", "--body", "scrutiny", "--meeting", "2011-09-20", "--format", "docx",
                 "--output", str(docx))  # fmt: skip
    assert built.returncode == 0, built.stderr
    assert "the pack for Children and Families Scrutiny Committee, 20 September 2011" in built.stdout
    document = Document(str(docx))
    assert "Cheshire East Council" in "\n".join(p.text for p in document.paragraphs)  # the demo's report template
    cover = document.tables[0]
    assert [row.cells[1].text for row in cover.rows][:2] == [
        "Children and Families Scrutiny Committee",
        "20 September 2011",
    ]
    pdf = tmp_path / "pack.pdf"
    assert _run(home, "pack", "build", "--body", "scrutiny", "--meeting", "2011-09-20", "--format", "pdf",
                "--output", str(pdf)).returncode == 0  # fmt: skip
    assert "Tagged:          yes" in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    none = _run(home, "pack", "build", "--body", "scrutiny", "--meeting", "2011-07-26", "--format", "pdf",
                "--output", str(tmp_path / "none.pdf"))  # fmt: skip
    assert none.returncode == 1
    assert "no item on the agenda of 26 July 2011 presents a scorecard" in none.stderr


def test_a_scorecard_must_be_named_when_there_are_several(home: Path, tmp_path: Path) -> None:
    output = tmp_path / "q1.csv"
    result = _run(home, "scorecard", "export", "--period", "2011-12-Q1", "--format", "csv", "--output", str(output))
    assert result.returncode == 2
    assert "--scorecard: name the scorecard (known: " in result.stderr
    assert "strategic, synthetic-council" in result.stderr
    assert not output.exists()


def test_a_scorecard_is_given_to_a_council_with_a_reason(home: Path) -> None:
    council = ("scorecard", "council", "strategic", "--reason", "the alliance starts")
    wrong = _run(home, *council, "--set", "Cheshire East")
    assert wrong.returncode == 1
    assert "council: A council's ONS code is a letter and eight digits, as E06000049." in wrong.stderr
    given = _run(home, *council, "--set", "e06000049")
    assert given.returncode == 0, given.stderr
    assert given.stdout.strip() == "Children & Families Strategic Performance Scorecard belongs to E06000049."
    back = _run(home, *council, "--own")
    assert (
        back.stdout.strip()
        == "Children & Families Strategic Performance Scorecard belongs to the service's own council."
    )
    missing = _run(home, "scorecard", "council", "nothing", "--own", "--reason", "a typing slip")
    assert (missing.returncode, missing.stderr.strip()) == (1, "There is no scorecard 'nothing'.")


def test_a_committee_and_a_highlight_report_are_given_to_a_council_with_a_reason(home: Path, tmp_path: Path) -> None:
    committee = ("committee", "council", "scrutiny", "--reason", "the alliance's joint committee")
    given = _run(home, *committee, "--set", "e06000050")
    assert given.returncode == 0, given.stderr
    assert given.stdout.strip() == "Children and Families Scrutiny Committee belongs to E06000050."
    output = tmp_path / "pack.docx"  # the command line is the administrator's: any council's pack
    pack = _run(home, "pack", "build", "--body", "scrutiny", "--meeting", "2011-09-20", "--format", "docx",
                "--output", str(output))  # fmt: skip
    assert pack.returncode == 0, pack.stderr
    assert output.stat().st_size > 0
    back = _run(home, *committee, "--own")
    assert back.stdout.strip() == "Children and Families Scrutiny Committee belongs to the service's own council."
    highlight = ("highlight", "council", "cheshire-east-2013", "--reason", "the alliance's report")
    given = _run(home, *highlight, "--on", "2013-09-02", "--set", "E06000050")
    assert (
        given.stdout.strip() == "The highlight report of cheshire-east-2013 on 2 September 2013 belongs to E06000050."
    )
    assert _run(home, *highlight, "--on", "2013-09-02", "--own").returncode == 0
    missing = _run(home, *highlight, "--on", "2013-09-03", "--own")
    assert (missing.returncode, missing.stderr.strip()) == (
        1,
        "There is no highlight report of plan 'cheshire-east-2013' on 3 September 2013.",
    )
    assert _run(home, *highlight, "--on", "2 Sept", "--own").stderr.strip() == (
        "--on: '2 Sept' is not a date; write it as YYYY-MM-DD"
    )
