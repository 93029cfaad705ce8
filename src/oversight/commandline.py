"""What every ``oversight`` command shares: setting Django up, bringing the database up to date, and saying
why nothing was imported. The top-level command (``oversight.cli``) and each app's commands import it, so
the apps' commands never import the command that registers them."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from oversight.core.problems import ApplicationError, Issue, rejected_lines

T = TypeVar("T")


def setup() -> None:
    """Configure Django for a command."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings.local")
    import django

    django.setup()


def ready() -> None:
    """Configure Django and bring the database up to date: what every command that uses it does first."""
    setup()
    from oversight.settings.base import HOME

    HOME.mkdir(parents=True, exist_ok=True)
    database_update()


def database_update() -> None:
    """Bring the database up to date, as ``oversight manage migrate`` does, once Django is configured.

    A database already up to date is left as the migrate command would leave it, without that command's own work (the
    project's state rendered, the signals that check every model's content type and permissions), which is a fifth of
    a short command's time. Its check of the history applied is kept."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.check_consistent_history(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)


def report_rejected(issues: Sequence[Issue], *, done: str = "imported", limit: int | None = None) -> int:
    """Say that nothing was ``done`` and list the problems (the first ``limit`` of them); the exit status, 1."""
    for line in rejected_lines(issues, done=done, limit=limit):
        print(line, file=sys.stderr)
    return 1


class OutputError(ApplicationError):
    """A command's output that could not be written; nothing was left under the name asked for."""


def write_failure(error: Exception) -> str:
    """Why a file could not be written, in words: a full disk (or a file larger than the account may write) said
    plainly, anything else as the system says it."""
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return f"the disk is full, or the file is larger than this account may write ({error.strerror})"
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return f"{error} (is the disk full?)"  # a library's own words for it, such as SQLite's "disk I/O error"


def write_whole(path: str | Path, data: bytes) -> Path:
    """Write a command's output file whole or not at all: into ``NAME.part`` first, renamed into place when
    complete, so a failure never leaves a half-written file under the name asked for (nor the part beside it)."""
    output = Path(path)
    partial = output.with_name(output.name + ".part")
    try:
        partial.write_bytes(data)
        partial.replace(output)
    except OSError as error:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise OutputError(f"{output} could not be written: {write_failure(error)}") from error
    return output


def council_arguments(command: argparse.ArgumentParser, what: str) -> None:
    """The arguments every ``… council`` command takes to give ``what`` to a council (ADR 26): ``--set CODE`` or
    ``--own``, and the reason the audit trail keeps."""
    which = command.add_mutually_exclusive_group(required=True)
    which.add_argument("--set", metavar="CODE", help="the council's ONS code, e.g. E06000049")
    which.add_argument("--own", dest="set", action="store_const", const="", help="the service's own council")
    command.add_argument("--reason", required=True, help=f"why {what} changes council, for the audit trail")


def council_give(args: argparse.Namespace, give: Callable[..., T], title: Callable[[T], str], **key: object) -> int:
    """Run ``give``, a service that gives what ``key`` names to the council of ``council_arguments`` and returns it,
    and say whose it now is, by its ``title``, or why it is not."""
    try:
        given = give(**key, council=args.set, actor=None, reason=args.reason)
    except ApplicationError as error:
        print(str(error), file=sys.stderr)
        return 1
    owner = getattr(given, "council", "") or "the service's own council"
    print(f"{title(given)} belongs to {owner}.")
    return 0
