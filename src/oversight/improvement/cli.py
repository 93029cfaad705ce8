"""``oversight improvement …`` commands: import an action plan table, export a plan."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from oversight.commandline import ready, report_rejected, write_whole


def cmd_import(args: argparse.Namespace) -> int:
    ready()
    from tqdm import tqdm

    from oversight.improvement.models import Source
    from oversight.improvement.services import plan_import

    source = Source.objects.filter(slug=args.source).first()
    if source is None:
        known = ", ".join(Source.objects.values_list("slug", flat=True)) or "none yet: run 'oversight demo'"
        print(f"--source: there is no source '{args.source}' (known: {known})", file=sys.stderr)
        return 2
    with tqdm(total=1, desc="Importing the plan", unit=" file", disable=not sys.stderr.isatty()) as bar:
        result = plan_import(Path(args.path), plan_slug=args.plan, source=source, title=args.title or "")
        bar.update(1)
    if not result.ok:
        return report_rejected(result.issues)
    print(
        f"Imported {result.recommendations} recommendations and {result.checkpoints} progress entries "
        f"into the plan '{args.plan}'."
    )
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    ready()
    from oversight.improvement.loader import improvement_load
    from oversight.improvement.models import Inspection, Plan

    issues = improvement_load(Path(args.folder))
    if issues:
        print("Nothing was loaded: fix this first.", file=sys.stderr)
        for issue in issues:
            print(f"  {issue}", file=sys.stderr)
        return 1
    print(f"Loaded {args.folder}: {Inspection.objects.count()} inspections and {Plan.objects.count()} plans in all.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    ready()
    from oversight.improvement.exports import render
    from oversight.improvement.models import Plan

    plan = Plan.objects.filter(slug=args.plan).first()
    if plan is None:
        known = ", ".join(Plan.objects.values_list("slug", flat=True)) or "none yet: run 'oversight demo'"
        print(f"--plan: there is no plan '{args.plan}' (known: {known})", file=sys.stderr)
        return 2
    output = write_whole(args.output, render(plan, args.format))
    print(f"Wrote {output} ({plan.recommendations.count()} recommendations).")
    return 0


def register(commands: Any) -> None:
    improvement = commands.add_parser("improvement", help="improvement plan commands")
    sub = improvement.add_subparsers(dest="improvement_command", required=True)
    imp = sub.add_parser("import", help="import an action plan table (XLSX or CSV) into a new plan")
    imp.add_argument("path", metavar="PATH")
    imp.add_argument("--plan", required=True, help="short name of the new plan, e.g. cheshire-east-2011")
    imp.add_argument("--source", required=True, help="the source whose publication date the timescales count from")
    imp.add_argument("--title", help="the plan's title (default: the title above the table)")
    imp.set_defaults(func=cmd_import)
    load = sub.add_parser("load", help="load inspections, frameworks and plans from a folder of CSV files")
    load.add_argument("folder", metavar="FOLDER", help="as src/oversight/demo/data/improvement (see its README)")
    load.set_defaults(func=cmd_load)
    export = sub.add_parser("export", help="export a plan as the action plan table (XLSX) or a printable PDF")
    export.add_argument("--plan", required=True)
    export.add_argument("--format", required=True, choices=["xlsx", "pdf"])
    export.add_argument("--output", required=True, metavar="FILE")
    export.set_defaults(func=cmd_export)
