"""``oversight backup PATH`` and ``oversight restore PATH``: the application database and the casework store.

A backup is a folder: the database (SQLite's online backup, or ``pg_dump``'s custom format for PostgreSQL), a copy of
the casework store, and ``manifest.json`` saying what made it, when, from which migrations, and each file's SHA-256.
Both are taken while the servers run: SQLite's backup and ``pg_dump`` each read one consistent state, and the store is
copied while it is held open for reading, which keeps a load from writing it meanwhile.

A restore checks everything before it changes anything: a folder that is not an oversight backup, a file that
does not match its hash, a backup of the other engine or from a newer release is refused, and nothing is changed.
"""

from __future__ import annotations

import argparse
import errno
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from oversight.commandline import setup, write_failure
from oversight.core.problems import ApplicationError

FORMAT = "oversight-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
STORE_FILE = "casework.duckdb"


class BackupError(ApplicationError):
    """A backup that cannot be made, or a folder that cannot be restored from; nothing was changed."""


def register(commands: Any) -> None:
    backup = commands.add_parser(
        "backup", help="back up the database and the casework store into a new folder, with a manifest"
    )
    backup.add_argument("path", metavar="PATH", help="the folder to create (it must not exist yet)")
    backup.set_defaults(func=cmd_backup)
    restore = commands.add_parser(
        "restore", help="restore the database and the casework store from a backup folder, checked first"
    )
    restore.add_argument("path", metavar="PATH", help="a folder made by `oversight backup`")
    restore.set_defaults(func=cmd_restore)


def _setup() -> None:
    """Django, without bringing the database up to date: a backup takes the database as it is, and a restore
    changes nothing until its checks have passed."""
    setup()
    from oversight.settings.base import HOME

    HOME.mkdir(parents=True, exist_ok=True)


def _carried_out(action: Callable[[Path], dict[str, Any]], path: str, *, nothing: str) -> dict[str, Any] | None:
    """The manifest of the backup made or restored; None, when refused, having said why."""
    _setup()
    try:
        return action(Path(path))
    except BackupError as error:
        print(f"Nothing was {nothing}: {error}.", file=sys.stderr)
        return None


def cmd_backup(args: argparse.Namespace) -> int:
    manifest = _carried_out(backup_make, args.path, nothing="backed up")
    if manifest is None:
        return 1
    files = ", ".join(f"{name} ({entry['bytes']:,} bytes)" for name, entry in manifest["files"].items())
    print(f"Backed up into {args.path}: {files}.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    manifest = _carried_out(backup_restore, args.path, nothing="restored")
    if manifest is None:
        return 1
    print(f"Restored the backup of {manifest['created_at']} from {args.path}.")
    if STORE_FILE not in manifest["files"]:
        print("The backup holds no casework store: the current one was left as it was.")
    return 0


# Making a backup ---------------------------------------------------------------------------------------------


def _engine() -> str:
    from django.db import connection

    return str(connection.vendor)


def _store_path() -> Path:
    from django.conf import settings

    return Path(settings.OVERSIGHT_CASEWORK_STORE)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _migrations() -> dict[str, list[str]]:
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def postgres_tool(name: str) -> str:
    """pg_dump or pg_restore: from PATH, else the newest PostgreSQL's binaries on the machine."""
    found = shutil.which(name)
    if found:
        return found
    installed = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parent.parent.name))
    if not installed:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return str(installed[-1])


def _postgres_environment() -> dict[str, str]:
    """Where the database is, for pg_dump and pg_restore, as Django connects to it."""
    from django.db import connection

    settings = connection.settings_dict
    env = {**os.environ, "PGDATABASE": str(settings["NAME"])}
    for key, variable in (("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"), ("HOST", "PGHOST"), ("PORT", "PGPORT")):
        if settings.get(key):
            env[variable] = str(settings[key])
    return env


def _run(command: list[str]) -> None:
    done = subprocess.run(  # noqa: S603 - pg_dump or pg_restore, with arguments of our own
        command, env=_postgres_environment(), capture_output=True, text=True, check=False
    )
    name = Path(command[0]).name
    if done.returncode == -signal.SIGXFSZ:
        raise BackupError(f"{name} failed: {write_failure(OSError(errno.EFBIG, os.strerror(errno.EFBIG)))}")
    if done.returncode < 0:
        raise BackupError(f"{name} was stopped by {signal.Signals(-done.returncode).name}")
    if done.returncode != 0:
        raise BackupError(f"{name} failed: {done.stderr.strip() or done.stdout.strip()}")


def _database_copy(engine: str, target: Path) -> None:
    from django.db import connection

    if engine == "sqlite":
        source = sqlite3.connect(str(connection.settings_dict["NAME"]))
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # SQLite's online backup: one consistent state, while others read and write
        finally:
            copy.close()
            source.close()
    elif engine == "postgresql":
        _run([postgres_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"])
    else:
        raise BackupError(f"oversight does not back up a {engine} database")


def _store_copy(store: Path, target: Path) -> None:
    """Copy the store file while it is open for reading: DuckDB lets no load write it meanwhile."""
    import duckdb

    reader = duckdb.connect()
    try:
        reader.execute(f"ATTACH '{str(store).replace(chr(39), chr(39) * 2)}' AS store (READ_ONLY)")
    except duckdb.IOException as error:
        reader.close()
        raise BackupError(f"the casework store {store} is in use by a load; try again when it has finished") from error
    try:
        shutil.copyfile(store, target)
    finally:
        reader.close()


def backup_make(path: Path) -> dict[str, Any]:
    """Back up into the new folder ``path``; it appears only once complete (made as ``PATH.part``, then renamed)."""
    if path.exists():
        raise BackupError(f"{path} already exists; give a new folder for the backup")
    partial = path.with_name(path.name + ".part")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        engine = _engine()
        try:
            _database_copy(engine, partial / DATABASE_FILES[engine])
        except BackupError as error:
            raise BackupError(f"{path} could not be written: {error}") from error
        store = _store_path()
        if store.exists():
            _store_copy(store, partial / STORE_FILE)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "oversight": version("oversight"),
            "django": version("django"),
            "engine": engine,
            "migrations": _migrations(),
            "casework_store": str(store),
            "files": {
                file.name: {"sha256": _sha256(file), "bytes": file.stat().st_size} for file in sorted(partial.iterdir())
            },
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        partial.rename(path)
    except (OSError, sqlite3.Error) as error:  # a full disk, most often
        shutil.rmtree(partial, ignore_errors=True)
        raise BackupError(f"{path} could not be written: {write_failure(error)}") from error
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


# Restoring ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Checked:
    manifest: dict[str, Any]
    database: Path
    store: Path | None


def _manifest(path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{path} is not an oversight backup: it has no {MANIFEST}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise BackupError(f"{path} is not an oversight backup: its {MANIFEST} cannot be read") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not an oversight backup: its {MANIFEST} is not one oversight wrote")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is a backup of format {manifest.get('format_version')}; this release restores format "
            f"{FORMAT_VERSION}"
        )
    return manifest


def _known_migrations() -> set[tuple[str, str]]:
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    return set(MigrationLoader(connection, ignore_no_migrations=True).disk_migrations)


def backup_check(path: Path) -> _Checked:
    """Everything a restore needs to be true, checked without changing anything."""
    manifest = _manifest(path)
    engine = _engine()
    if manifest.get("engine") != engine:
        raise BackupError(
            f"{path} is a backup of a {manifest.get('engine')} database, and this oversight uses {engine}"
        )
    files: dict[str, Any] = manifest.get("files") or {}
    if DATABASE_FILES[engine] not in files:
        raise BackupError(f"{path} is damaged: its manifest lists no {DATABASE_FILES[engine]}")
    for name, entry in files.items():
        file = path / Path(name).name
        if not file.is_file():
            raise BackupError(f"{path} is damaged: {name} is missing")
        if file.stat().st_size != entry.get("bytes") or _sha256(file) != entry.get("sha256"):
            raise BackupError(f"{path} is damaged: {name} is not the file the backup wrote (its SHA-256 differs)")
    unknown = sorted(
        f"{app}.{name}"
        for app, names in (manifest.get("migrations") or {}).items()
        for name in names
        if (app, name) not in _known_migrations()
    )
    if unknown:
        raise BackupError(
            f"{path} was made by a newer release of oversight (migrations {', '.join(unknown[:3])} are unknown "
            "here); restore it with that release or a later one"
        )
    store = path / STORE_FILE if STORE_FILE in files else None
    return _Checked(manifest, path / DATABASE_FILES[engine], store)


def backup_restore(path: Path) -> dict[str, Any]:
    """Replace the database and the casework store with the backup's, once every check has passed."""
    from django.core.management import call_command
    from django.db import connection, connections

    checked = backup_check(path)
    store = _store_path()
    staged = store.with_name(store.name + ".restoring")
    if checked.store is not None:  # copied beside the store first, so that replacing it is one rename
        store.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(checked.store, staged)
    try:
        if connection.vendor == "sqlite":
            connections.close_all()
            backup = sqlite3.connect(checked.database)
            live = sqlite3.connect(str(connection.settings_dict["NAME"]))
            try:
                backup.backup(live)  # in one transaction: readers see the old database or the restored one
            finally:
                live.close()
                backup.close()
        else:
            restore = [postgres_tool("pg_restore"), "--clean", "--if-exists", "--single-transaction", "--no-owner"]
            connections.close_all()
            _run([*restore, "--no-privileges", f"--dbname={connection.settings_dict['NAME']}", str(checked.database)])
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    if checked.store is not None:
        os.replace(staged, store)
    call_command("migrate", interactive=False, verbosity=0)  # a backup from an older release is brought up to date
    return checked.manifest
