"""``oversight import``, ``oversight scorecard export`` and ``oversight template``: the scorecard's files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from oversight.commandline import council_arguments, council_give, ready, report_rejected, setup, write_whole

SCORECARD_HELP = "scorecard short name, e.g. strategic (default: the only scorecard, when there is one)"


def register(commands: Any) -> None:
    imp = commands.add_parser(
        "import", help="import values, targets, comparators, commentary, breakdowns (CSV or XLSX)"
    )
    imp.add_argument("paths", nargs="+", metavar="PATH")
    imp.set_defaults(func=cmd_import)

    scorecard = commands.add_parser("scorecard", help="scorecard commands")
    scorecard_commands = scorecard.add_subparsers(dest="scorecard_command", required=True)
    export = scorecard_commands.add_parser("export", help="export a period's scorecard as CSV, XLSX or PDF")
    export.add_argument("--period", required=True, help="e.g. 2011-12-Q1")
    export.add_argument("--format", required=True, choices=["csv", "xlsx", "pdf"])
    export.add_argument("--output", required=True, metavar="FILE")
    export.add_argument("--scorecard", help=SCORECARD_HELP)
    export.add_argument(
        "--publication", action="store_true", help="withhold small numbers for publication, and say which"
    )
    export.set_defaults(func=cmd_export)

    for step, text in _STEPS.items():
        command = scorecard_commands.add_parser(step, help=text)
        command.add_argument("--scorecard", help=SCORECARD_HELP)
        command.add_argument("--period", required=True, help="e.g. 2011-12-Q1")
        command.add_argument("--user", required=True, help="the account taking this step, e.g. director")
        if step == "approve":
            command.add_argument("--note", default="", help="an optional note kept with the approval")
        if step == "reopen":
            command.add_argument("--reason", required=True, help="why the approved period is reopened")
        command.set_defaults(func=cmd_signoff, step=step)

    council = scorecard_commands.add_parser("council", help="give a scorecard to a council of the service")
    council.add_argument("slug", help="the scorecard's short name, e.g. strategic")
    council_arguments(council, "the scorecard")
    council.set_defaults(func=cmd_council)

    template = commands.add_parser("template", help="write the XLSX import template")
    template.add_argument("--output", required=True, metavar="FILE")
    template.set_defaults(func=cmd_template)


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


_STEPS = {
    "submit": "submit a period's scorecard for approval (performance officer)",
    "approve": "approve a submitted period, which locks its figures (approver)",
    "publish": "publish an approved period (approver)",
    "reopen": "reopen an approved period, with a reason (approver)",
}


def scorecard_and_period(args: argparse.Namespace) -> tuple[Any, Any] | None:
    """The scorecard and period named on the command line (the scorecard, when not named, the only one there is),
    or None after saying what is wrong."""
    from oversight.core.periods import PeriodError, parse_period
    from oversight.performance.models import Scorecard

    try:
        period = parse_period(args.period)
    except PeriodError as error:
        print(f"--period: {error}", file=sys.stderr)
        return None
    slugs = list(Scorecard.objects.order_by("slug").values_list("slug", flat=True))
    known = ", ".join(slugs) or "none: run 'oversight start', 'oversight demo' or import one"
    if args.scorecard is None:
        if len(slugs) != 1:
            # Several: a guess could export or sign off the wrong one, so the command names them instead.
            print(f"--scorecard: name the scorecard (known: {known})", file=sys.stderr)
            return None
        return Scorecard.objects.get(slug=slugs[0]), period
    scorecard = Scorecard.objects.filter(slug=args.scorecard).first()
    if scorecard is None:
        print(f"--scorecard: there is no scorecard '{args.scorecard}' (known: {known})", file=sys.stderr)
        return None
    return scorecard, period


def cmd_council(args: argparse.Namespace) -> int:
    ready()
    from oversight.performance.services import scorecard_set_council

    return council_give(args, scorecard_set_council, lambda scorecard: scorecard.title, slug=args.slug)


def cmd_signoff(args: argparse.Namespace) -> int:
    ready()
    from django.contrib.auth.models import User

    from oversight.core.problems import ApplicationError
    from oversight.performance import signoff
    from oversight.performance.models import version_text

    found = scorecard_and_period(args)
    if found is None:
        return 2
    scorecard, period = found
    user = User.objects.filter(username=args.user, is_active=True).first()
    if user is None:
        print(f"--user: there is no active account '{args.user}'", file=sys.stderr)
        return 2
    try:
        if args.step == "submit":
            done = signoff.signoff_submit(scorecard=scorecard, period=period, user=user)
        elif args.step == "approve":
            done = signoff.signoff_approve(scorecard=scorecard, period=period, user=user, note=args.note)
        elif args.step == "publish":
            done = signoff.signoff_publish(scorecard=scorecard, period=period, user=user)
        else:
            done = signoff.signoff_reopen(scorecard=scorecard, period=period, user=user, reason=args.reason)
    except ApplicationError as error:
        print(f"Not done: {error}", file=sys.stderr)
        return 1
    print(f"{scorecard.title}, {period.label}: {version_text(done)}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    ready()
    from oversight.performance import exports
    from oversight.performance.selectors import scorecard_view

    found = scorecard_and_period(args)
    if found is None:
        return 2
    scorecard, period = found
    view = scorecard_view(scorecard, period)
    try:
        data = exports.render(view, args.format, publication=args.publication)
    except ValueError as error:
        print(f"--publication: {error}", file=sys.stderr)
        return 2
    output = write_whole(args.output, data)
    print(f"Wrote {output} ({len(view.rows)} indicators, {period.label}).")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    setup()
    from oversight.performance.import_template import import_template

    write_whole(args.output, import_template())
    print(f"Wrote the import template to {args.output}.")
    return 0
