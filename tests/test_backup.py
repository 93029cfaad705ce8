"""``oversight backup`` and ``oversight restore`` as a council runs them, on the run's database engine.

The demo is loaded into a data directory of its own, backed up, lost, and restored; the scorecard's exports and the
figures computed from the casework store must come back the same. A damaged or foreign backup is refused, and the
data it would have replaced is left as it was.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.commands import database_fixture, database_wipe, demo_home_fixture, oversight_run

EXPORTS = [  # (scorecard, format): the strategic scorecard, and the one computed from the casework store
    ("strategic", "csv"),
    ("strategic", "xlsx"),
    ("synthetic-council", "csv"),
]


database = database_fixture("backup")
home = demo_home_fixture("backup")


def _oversight(home: Path, database: dict[str, str], *args: str) -> str:
    done = oversight_run(home, database, *args, OVERSIGHT_CASEWORK_STORE=str(home / "casework-demo.duckdb"))
    assert done.returncode == 0, done.stderr
    return done.stdout


def _exports(home: Path, database: dict[str, str], folder: Path) -> dict[str, bytes]:
    """Each export's content (the XLSX's data sheet as its cells: the file itself records when it was written)."""
    from openpyxl import load_workbook

    folder.mkdir()
    found = {}
    for scorecard, fmt in EXPORTS:
        output = folder / f"{scorecard}.{fmt}"
        _oversight(home, database, "scorecard", "export", "--scorecard", scorecard, "--period", "2011-12-Q1",
                   "--format", fmt, "--output", str(output))  # fmt: skip
        if fmt == "xlsx":
            sheets = load_workbook(output, read_only=True)
            found[output.name] = repr([list(row) for sheet in sheets for row in sheet.iter_rows(values_only=True)])
            sheets.close()
        else:
            found[output.name] = output.read_text(encoding="utf-8")
    return {name: str(text).encode() for name, text in found.items()}


def test_a_backup_restores_every_export_and_the_casework_store(
    home: Path, database: dict[str, str], tmp_path: Path
) -> None:
    before = _exports(home, database, tmp_path / "before")
    said = _oversight(home, database, "backup", str(tmp_path / "backup"))
    assert said.startswith(f"Backed up into {tmp_path / 'backup'}: ")
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["format"] == "oversight-backup"
    assert set(manifest["files"]) == {
        "database.pgdump" if database else "database.sqlite3",
        "casework.duckdb",
    }
    assert manifest["migrations"]["performance"]
    assert not (tmp_path / "backup.part").exists()

    store = (home / "casework-demo.duckdb").read_bytes()
    database_wipe(home, database)
    (home / "casework-demo.duckdb").unlink()
    restored = _oversight(home, database, "restore", str(tmp_path / "backup"))
    assert restored.startswith(f"Restored the backup of {manifest['created_at']}")

    assert _exports(home, database, tmp_path / "after") == before
    assert (home / "casework-demo.duckdb").read_bytes() == store


def test_a_damaged_backup_is_refused_and_nothing_changes(home: Path, database: dict[str, str], tmp_path: Path) -> None:
    _oversight(home, database, "backup", str(tmp_path / "backup"))
    before = _exports(home, database, tmp_path / "before")
    dump = next(file for file in (tmp_path / "backup").iterdir() if file.name.startswith("database."))
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    store = (home / "casework-demo.duckdb").read_bytes()

    refused = oversight_run(
        home, database, "restore", str(tmp_path / "backup"), OVERSIGHT_CASEWORK_STORE=str(home / "casework-demo.duckdb")
    )
    assert refused.returncode == 1
    assert f"Nothing was restored: {tmp_path / 'backup'} is damaged: {dump.name} is not the file the backup wrote" in (
        refused.stderr
    )
    assert "Traceback" not in refused.stderr
    assert _exports(home, database, tmp_path / "after") == before
    assert (home / "casework-demo.duckdb").read_bytes() == store


@pytest.mark.parametrize(
    ("contents", "said"),
    [
        ({}, "is not an oversight backup: it has no manifest.json"),
        ({"manifest.json": "not json"}, "is not an oversight backup: its manifest.json cannot be read"),
        (
            {"manifest.json": '{"format": "another-tool"}'},
            "is not an oversight backup: its manifest.json is not one oversight wrote",
        ),
    ],
)
def test_a_foreign_folder_is_refused(
    home: Path, database: dict[str, str], tmp_path: Path, contents: dict[str, str], said: str
) -> None:
    folder = tmp_path / "foreign"
    folder.mkdir()
    for name, text in contents.items():
        (folder / name).write_text(text)

    refused = oversight_run(home, database, "restore", str(folder))
    assert refused.returncode == 1
    assert f"Nothing was restored: {folder} {said}" in refused.stderr


def test_a_backup_of_the_other_engine_or_a_newer_release_is_refused(
    home: Path, database: dict[str, str], tmp_path: Path
) -> None:
    _oversight(home, database, "backup", str(tmp_path / "backup"))
    manifest_file = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    shutil.copytree(tmp_path / "backup", tmp_path / "newer")
    newer = {**manifest, "migrations": {**manifest["migrations"], "performance": ["9999_from_the_future"]}}
    (tmp_path / "newer" / "manifest.json").write_text(json.dumps(newer))
    other = {**manifest, "engine": "sqlite" if database else "postgresql"}
    manifest_file.write_text(json.dumps(other))

    refused = oversight_run(home, database, "restore", str(tmp_path / "backup"))
    assert refused.returncode == 1
    assert f"is a backup of a {other['engine']} database, and this oversight uses" in refused.stderr
    refused = oversight_run(home, database, "restore", str(tmp_path / "newer"))
    assert refused.returncode == 1
    assert "was made by a newer release of oversight (migrations performance.9999_from_the_future" in refused.stderr


def test_a_backup_never_overwrites_a_folder(home: Path, database: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    refused = oversight_run(home, database, "backup", str(tmp_path / "taken"))
    assert refused.returncode == 1
    assert "already exists; give a new folder for the backup" in refused.stderr
