"""The ``oversight`` command: demo, import, scorecard export, template, serve, backup, and Django's own commands."""

# This module only builds the parser and registers each part's commands; what the commands share is in
# oversight.commandline, which they import instead of this module.

from __future__ import annotations

import argparse
import sys

from oversight.commandline import OutputError, setup


def cmd_manage(args: argparse.Namespace) -> int:
    setup()
    from django.core.management import execute_from_command_line

    from oversight.settings.base import HOME

    HOME.mkdir(parents=True, exist_ok=True)  # a fresh machine has no data directory yet

    execute_from_command_line(["oversight manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oversight", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    # Imported here, not at the top, so that `python -m oversight --help` stays quick to start.
    from oversight.accounts.cli import register as register_accounts
    from oversight.api.cli import register as register_api
    from oversight.backup import register as register_backup
    from oversight.benchmarks.cli import register as register_benchmarks
    from oversight.casework.cli import register as register_casework
    from oversight.committee.cli import register as register_committee
    from oversight.demo.cli import register as register_demo
    from oversight.improvement.cli import register as register_improvement
    from oversight.onboarding.cli import register as register_onboarding
    from oversight.performance.cli import register as register_performance
    from oversight.serve import register as register_serve

    for register in (  # in the order --help lists them
        register_demo,
        register_onboarding,
        register_performance,
        register_accounts,
        register_casework,
        register_improvement,
        register_benchmarks,
        register_committee,  # adds to the scorecard commands, so after them
        register_api,
        register_serve,
        register_backup,
    ):
        register(commands)

    manage = commands.add_parser("manage", help="run a Django management command (migrate, createsuperuser …)")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except OutputError as error:
        print(f"Nothing was written: {error}.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
