"""What every ``oversight`` command shares: setting Django up, bringing the database up to date, and saying
why nothing was imported. The top-level command (``oversight.cli``) and each app's commands import it, so
the apps' commands never import the command that registers them."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from oversight.core.problems import Issue, rejected_lines


def setup() -> None:
    """Configure Django for a command."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings.local")
    import django

    django.setup()


def ready() -> None:
    """Configure Django and bring the database up to date: what every command that uses it does first."""
    setup()
    from django.core.management import call_command

    from oversight.settings.base import HOME

    HOME.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)


def report_rejected(issues: Sequence[Issue], *, done: str = "imported", limit: int | None = None) -> int:
    """Say that nothing was ``done`` and list the problems (the first ``limit`` of them); the exit status, 1."""
    for line in rejected_lines(issues, done=done, limit=limit):
        print(line, file=sys.stderr)
    return 1


def write_whole(path: str | Path, data: bytes) -> Path:
    """Write a command's output file whole or not at all: into ``NAME.part`` first, renamed into place when
    complete, so a failure never leaves a half-written file under the name asked for."""
    output = Path(path)
    partial = output.with_name(output.name + ".part")
    partial.write_bytes(data)
    partial.replace(output)
    return output
