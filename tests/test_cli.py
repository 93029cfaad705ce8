"""The command line as a user runs it: a fresh data directory, the demo, an export, an import."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OVERSIGHT_HOME": str(home)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "oversight", *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("home")
    result = _run(home, "demo", "--no-serve")
    assert result.returncode == 0, result.stderr
    assert "Demo loaded into" in result.stdout
    assert "councillor" in result.stdout
    assert "Synthetic council Z99000001:" in result.stdout
    assert "14 figures computed onto the scorecard 'synthetic-council'" in result.stdout
    assert (home / "casework-demo.duckdb").is_file()
    assert not (home / "casework.duckdb").exists()  # a real store is never loaded with the development key
    accounts = (home / "demo-accounts.txt").read_text().split()
    assert accounts[0::2] == ["councillor", "officer", "admin"]
    assert oct((home / "demo-accounts.txt").stat().st_mode & 0o777) == "0o600"
    return home


def test_csv_export_reproduces_the_seed_quarter_one_figures(home: Path, tmp_path: Path) -> None:
    output = tmp_path / "q1.csv"
    result = _run(home, "scorecard", "export", "--period", "2011-12-Q1", "--format", "csv", "--output", str(output))
    assert result.returncode == 0, result.stderr
    rows = {row["indicator_code"]: row for row in csv.DictReader(output.read_text(encoding="utf-8-sig").splitlines())}
    core = rows["CSC-CORE-35WD"]
    assert (core["value"], core["target"], core["rag"], core["period"]) == ("63.1", "85", "Red", "2011-12-Q1")
    assert (
        core["rag_reason"]
        == "Red: 63.1% is 21.9 points below the 85% target (higher is better; amber within 5 points)."
    )
    assert core["comparator"] == "N 73.9% — worse"
    stability = rows["CLA-STABILITY-LT"]
    assert (stability["value"], stability["target"], stability["rag"]) == ("67", "85", "Red")
    plans = rows["CP-2YRS-PLUS"]
    assert (plans["value"], plans["target"], plans["rag"]) == ("0", "5", "Green")
    assert plans["rag_reason"] == "Green: 0% meets the 5% target (lower is better)."
    assert {"indicator_code", "title", "period", "value", "target", "rag", "rag_reason", "direction"} <= set(core)
    assert core["commentary"] == "As above - further review in light of Munro."


@pytest.mark.parametrize(("fmt", "magic"), [("xlsx", b"PK\x03\x04"), ("pdf", b"%PDF")])
def test_binary_exports_are_written(home: Path, tmp_path: Path, fmt: str, magic: bytes) -> None:
    output = tmp_path / f"q1.{fmt}"
    result = _run(home, "scorecard", "export", "--period", "2011-12-Q1", "--format", fmt, "--output", str(output))
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


def test_publication_export_is_csv_only_for_now(home: Path, tmp_path: Path) -> None:
    output = tmp_path / "q1.csv"
    args = ["scorecard", "export", "--period", "2011-12-Q1", "--output", str(output), "--publication"]
    result = _run(home, *args, "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert "CSC-CORE-35WD" in output.read_text(encoding="utf-8-sig")
    refused = _run(home, *args[:-2], str(tmp_path / "q1.pdf"), "--publication", "--format", "pdf")
    assert refused.returncode == 2
    assert "only the CSV export can be prepared for publication" in refused.stderr
