"""``oversight scorecard exceptions``: a period's exception report as CSV, XLSX or PDF; ``oversight committee import``:
bodies, meetings, agendas, work programmes, the forward plan and resolutions from CSV or XLSX."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from oversight.commandline import council_arguments, council_give, ready, write_whole
from oversight.performance.cli import SCORECARD_HELP


def register(commands: Any) -> None:
    """Add ``exceptions`` to the ``scorecard`` commands the performance app registered."""
    scorecard = commands.choices["scorecard"]
    group = next(action for action in scorecard._actions if isinstance(action, argparse._SubParsersAction))
    command = group.add_parser("exceptions", help="write a period's exception report as CSV, XLSX or PDF")
    command.add_argument("--scorecard", help=SCORECARD_HELP)
    command.add_argument("--period", required=True, help="e.g. 2011-12-Q1")
    command.add_argument("--format", required=True, choices=["csv", "xlsx", "pdf"])
    command.add_argument("--output", required=True, metavar="FILE")
    command.set_defaults(func=cmd_exceptions)
    committee = commands.add_parser("committee", help="committee business: bodies, work programmes, resolutions")
    actions = committee.add_subparsers(dest="action", required=True)
    bulk = actions.add_parser("import", help="import committee business from CSV files or a workbook, all or nothing")
    bulk.add_argument("files", nargs="+", metavar="FILE", help="e.g. work_programme.csv, or a workbook")
    bulk.set_defaults(func=cmd_import)
    council = actions.add_parser("council", help="give a committee, and so its business and packs, to a council")
    council.add_argument("slug", help="the committee's short name, e.g. scrutiny")
    council_arguments(council, "the committee")
    council.set_defaults(func=cmd_council)
    highlight = commands.add_parser("highlight", help="highlight reports")
    highlight_actions = highlight.add_subparsers(dest="action", required=True)
    given = highlight_actions.add_parser("council", help="give a plan's highlight report to a council")
    given.add_argument("plan", help="the improvement plan's short name, e.g. cheshire-east-2013")
    given.add_argument("--on", required=True, help="the report's reporting date, YYYY-MM-DD")
    council_arguments(given, "the highlight report")
    given.set_defaults(func=cmd_highlight_council)
    pack = commands.add_parser("pack", help="committee packs")
    pack_actions = pack.add_subparsers(dest="action", required=True)
    build = pack_actions.add_parser("build", help="build a meeting's committee pack as Word (DOCX) or tagged PDF")
    build.add_argument("--body", required=True, help="the committee's short name, e.g. scrutiny")
    build.add_argument("--meeting", required=True, help="the meeting's date, YYYY-MM-DD")
    build.add_argument("--format", required=True, choices=["docx", "pdf"])
    build.add_argument("--output", required=True, metavar="FILE")
    build.set_defaults(func=cmd_pack_build)


def _day(text: str, option: str) -> date | None:
    """The date an option gives, or None once it has said why it is not one."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        print(f"{option}: '{text}' is not a date; write it as YYYY-MM-DD", file=sys.stderr)
        return None


def cmd_pack_build(args: argparse.Namespace) -> int:
    ready()
    from oversight.committee.models import Meeting
    from oversight.committee.pack import PackError, meeting_pack, pack_render

    day = _day(args.meeting, "--meeting")
    if day is None:
        return 2
    meeting = Meeting.objects.filter(body__slug=args.body, date=day).select_related("body").first()
    if meeting is None:
        print(f"--body/--meeting: there is no meeting of '{args.body}' on {day:%-d %B %Y}", file=sys.stderr)
        return 2
    try:
        pack = meeting_pack(meeting)
    except PackError as error:
        print(f"Not built: {error}.", file=sys.stderr)
        return 1
    output = write_whole(args.output, pack_render(pack, args.format))
    print(f"Wrote {output}: the pack for {meeting.body.name}, {day:%-d %B %Y}.")
    return 0


def cmd_council(args: argparse.Namespace) -> int:
    ready()
    from oversight.committee.services import body_set_council

    return council_give(args, body_set_council, lambda body: body.name, slug=args.slug)


def cmd_highlight_council(args: argparse.Namespace) -> int:
    ready()
    from oversight.improvement.services import highlight_report_set_council

    day = _day(args.on, "--on")
    if day is None:
        return 2
    title = f"The highlight report of {args.plan} on {day:%-d %B %Y}"
    return council_give(args, highlight_report_set_council, lambda _: title, plan_slug=args.plan, reported_on=day)


def cmd_import(args: argparse.Namespace) -> int:
    ready()
    from oversight.committee.loader import committee_import
    from oversight.core.problems import rejected_lines

    result = committee_import([Path(name) for name in args.files])
    if not result.ok:
        print("\n".join(rejected_lines(result.issues)))
        return 1
    print(f"Imported {result.rows} row(s) from {result.files} file(s).")
    return 0


def cmd_exceptions(args: argparse.Namespace) -> int:
    ready()
    from oversight.committee import exports
    from oversight.committee.exceptions import exception_report
    from oversight.performance.cli import scorecard_and_period

    found = scorecard_and_period(args)
    if found is None:
        return 2
    scorecard, period = found
    report = exception_report(scorecard, period)
    output = write_whole(args.output, exports.render(report, args.format))
    print(f"Wrote {output}: {len(report.entries)} indicator(s) in the exception report for {period.label}.")
    return 0
