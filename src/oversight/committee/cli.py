"""``oversight scorecard exceptions``: a period's exception report as CSV, XLSX or PDF; ``oversight committee import``:
bodies, meetings, agendas, work programmes, the forward plan and resolutions from CSV or XLSX."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from oversight.commandline import ready, write_whole
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
    pack = commands.add_parser("pack", help="committee packs")
    pack_actions = pack.add_subparsers(dest="action", required=True)
    build = pack_actions.add_parser("build", help="build a meeting's committee pack as Word (DOCX) or tagged PDF")
    build.add_argument("--body", required=True, help="the committee's short name, e.g. scrutiny")
    build.add_argument("--meeting", required=True, help="the meeting's date, YYYY-MM-DD")
    build.add_argument("--format", required=True, choices=["docx", "pdf"])
    build.add_argument("--output", required=True, metavar="FILE")
    build.set_defaults(func=cmd_pack_build)


def cmd_pack_build(args: argparse.Namespace) -> int:
    ready()
    import sys
    from datetime import date

    from oversight.committee.models import Meeting
    from oversight.committee.pack import PackError, meeting_pack, pack_render

    try:
        day = date.fromisoformat(args.meeting)
    except ValueError:
        print(f"--meeting: '{args.meeting}' is not a date; write it as YYYY-MM-DD", file=sys.stderr)
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
