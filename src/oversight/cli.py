"""The ``oversight`` command: demo, import, scorecard export, template, and Django's own commands."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from oversight.core.problems import Issue, rejected_lines


def setup() -> None:
    """Configure Django for a command; the subcommands in other packages call this too."""
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


def cmd_demo(args: argparse.Namespace) -> int:
    ready()
    from oversight.demo.loader import demo_load

    result = demo_load(progress=True)
    if not result.ok:
        return report_rejected(result.issues, done="loaded")
    from django.conf import settings

    print(
        f"Demo loaded into {settings.DATABASES['default']['NAME']}: {result.rows} rows "
        f"({result.created} new, {result.updated} updated, {result.unchanged} unchanged)."
    )
    from oversight.casework.issues import CaseworkError
    from oversight.demo.casework import DEMO_LA, DEMO_STORE_NAME, demo_casework_load
    from oversight.demo.loader import DEMO_ACCOUNTS, demo_accounts
    from oversight.settings.base import HOME

    try:
        casework = demo_casework_load(HOME / DEMO_STORE_NAME)
        settings.OVERSIGHT_CASEWORK_STORE = casework.store  # the demo serves its own store
        print(
            f"Synthetic council {DEMO_LA}: {casework.children} invented children's returns in {casework.store}; "
            + (
                f"{casework.observations} figures computed onto the scorecard 'synthetic-council'."
                if casework.observations
                else "its figures are on the scorecard 'synthetic-council'."
            )
        )
    except CaseworkError as error:
        print(f"The synthetic council was not loaded: {error}.", file=sys.stderr)

    accounts = demo_accounts(HOME)
    print("Sign in with one of these demo accounts (also in demo-accounts.txt in the data directory):")
    for name, password in accounts.items():
        print(f"  {name:<11} {password:<18} {', '.join(DEMO_ACCOUNTS[name])}")
    if args.no_serve:
        return 0
    from django.core.management import call_command

    url = f"http://127.0.0.1:{args.port}/"
    print(f"oversight is running at {url} (press Ctrl+C to stop)", flush=True)
    call_command("runserver", f"127.0.0.1:{args.port}", use_reloader=False, skip_checks=True)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    ready()
    from tqdm import tqdm

    from oversight.performance.services import import_files

    paths = [Path(p) for p in args.paths]
    with tqdm(total=None, unit=" rows", desc="Importing", disable=not sys.stderr.isatty()) as bar:
        result = import_files(paths, progress=bar.update)
    if not result.ok:
        return report_rejected(result.issues)
    print(
        f"Imported {result.rows} rows from {result.files} file(s): "
        f"{result.created} new, {result.updated} updated, {result.unchanged} unchanged."
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    ready()
    from oversight.core.periods import PeriodError, parse_period
    from oversight.performance.models import Scorecard
    from oversight.performance.selectors import scorecard_view
    from oversight.reports import exports

    try:
        period = parse_period(args.period)
    except PeriodError as error:
        print(f"--period: {error}", file=sys.stderr)
        return 2
    scorecard = Scorecard.objects.filter(slug=args.scorecard).first()
    if scorecard is None:
        known = (
            ", ".join(Scorecard.objects.values_list("slug", flat=True)) or "none: run 'oversight demo' or import one"
        )
        print(f"--scorecard: there is no scorecard '{args.scorecard}' (known: {known})", file=sys.stderr)
        return 2
    view = scorecard_view(scorecard, period)
    try:
        data = exports.render(view, args.format, publication=args.publication)
    except ValueError as error:
        print(f"--publication: {error}", file=sys.stderr)
        return 2
    output = Path(args.output)
    partial = output.with_name(output.name + ".part")
    partial.write_bytes(data)
    partial.replace(output)  # never leave a half-written export behind
    print(f"Wrote {output} ({len(view.rows)} indicators, {period.label}).")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    setup()
    from oversight.reports.template import import_template

    Path(args.output).write_bytes(import_template())
    print(f"Wrote the import template to {args.output}.")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["oversight manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oversight", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="load the demo scorecard into the embedded database and serve it")
    demo.add_argument("--no-serve", action="store_true", help="load the demo and stop")
    demo.add_argument("--port", type=int, default=8000)
    demo.set_defaults(func=cmd_demo)

    imp = commands.add_parser("import", help="import values, targets, comparators, commentary (CSV or XLSX)")
    imp.add_argument("paths", nargs="+", metavar="PATH")
    imp.set_defaults(func=cmd_import)

    scorecard = commands.add_parser("scorecard", help="scorecard commands")
    scorecard_commands = scorecard.add_subparsers(dest="scorecard_command", required=True)
    export = scorecard_commands.add_parser("export", help="export a period's scorecard as CSV, XLSX or PDF")
    export.add_argument("--period", required=True, help="e.g. 2011-12-Q1")
    export.add_argument("--format", required=True, choices=["csv", "xlsx", "pdf"])
    export.add_argument("--output", required=True, metavar="FILE")
    export.add_argument("--scorecard", default="strategic", help="scorecard short name (default: strategic)")
    export.add_argument(
        "--publication", action="store_true", help="suppress small numbers for publication (CSV only for now)"
    )
    export.set_defaults(func=cmd_export)

    template = commands.add_parser("template", help="write the XLSX import template")
    template.add_argument("--output", required=True, metavar="FILE")
    template.set_defaults(func=cmd_template)

    from oversight.accounts.cli import register as register_accounts
    from oversight.casework.cli import register as register_casework

    register_accounts(commands)
    register_casework(commands)

    from oversight.improvement.cli import register as register_improvement

    register_improvement(commands)

    from oversight.benchmarks.cli import register as register_benchmarks

    register_benchmarks(commands)

    manage = commands.add_parser("manage", help="run a Django management command (migrate, createsuperuser …)")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
