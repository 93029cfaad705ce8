"""``oversight benchmark …`` commands: load reference data, import published figures, compare a council."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from oversight.commandline import ready, report_rejected


def register(commands: Any) -> None:
    benchmark = commands.add_parser("benchmark", help="published figures for England, regions and councils")
    subcommands = benchmark.add_subparsers(dest="benchmark_command", required=True)

    imp = subcommands.add_parser(
        "import",
        help="import DfE published statistics (EES CSV, LAIT parquet or data dictionary, neighbour groupings)",
        description="Import published files; the kind of each is read from its contents. An EES CSV's metadata "
        "file (NAME.meta.csv), given with it or lying beside it, says which of its columns are figures. If any "
        "file has a problem nothing is imported and every problem is listed. Importing the same file again "
        "changes nothing.",
    )
    imp.add_argument("paths", nargs="+", metavar="PATH")
    imp.set_defaults(func=cmd_import)

    reference = subcommands.add_parser(
        "reference", help="load (or reload) local authorities, regions, populations and statistical neighbours"
    )
    reference.set_defaults(func=cmd_reference)

    group = subcommands.add_parser(
        "group", help="create or replace a comparator group of councils (a regional alliance, say)"
    )
    group.add_argument("--name", required=True)
    group.add_argument("--la", required=True, nargs="+", metavar="CODE", help="LA numbers, ONS codes or names")
    group.add_argument("--description", default="")
    group.set_defaults(func=cmd_group)

    compare = subcommands.add_parser("compare", help="a council against England, its region and its neighbours")
    compare.add_argument("--indicator", required=True, metavar="ID", help="a scorecard indicator linked to a measure")
    compare.add_argument("--la", required=True, metavar="CODE", help="LA number (895), ONS code or name")
    compare.add_argument("--period", required=True, metavar="P", help="the period as published, e.g. 2025 or 2024-25")
    compare.add_argument("--format", choices=["csv"], default="csv")
    compare.add_argument("--output", metavar="FILE", help="write to FILE instead of the screen")
    compare.set_defaults(func=cmd_compare)


def cmd_reference(args: argparse.Namespace) -> int:
    ready()
    from oversight.benchmarks.reference import reference_load

    result = reference_load()
    if result.issues:
        for issue in result.issues:
            print(issue, file=sys.stderr)
        return 1
    print(
        f"Reference data loaded: {result.authorities} local authorities, {result.regions} regions, "
        f"{result.neighbour_sets} statistical-neighbour groupings."
    )
    return 0


def cmd_group(args: argparse.Namespace) -> int:
    ready()
    from oversight.benchmarks.reference import reference_ensure
    from oversight.benchmarks.selectors import authority_by_code
    from oversight.benchmarks.services import comparator_group_save
    from oversight.core.problems import ApplicationError

    reference_ensure()
    found = {code: authority_by_code(code) for code in args.la}
    unknown = [code for code, authority in found.items() if authority is None]
    if unknown:
        print(f"--la: not an LA number, ONS code or name oversight knows: {', '.join(unknown)}", file=sys.stderr)
        return 2
    try:
        group = comparator_group_save(
            name=args.name,
            members=[authority for authority in found.values() if authority is not None],
            description=args.description,
            created_by="command line",
        )
    except ApplicationError as error:
        print(error, file=sys.stderr)
        return 2
    names = ", ".join(group.members.order_by("name").values_list("name", flat=True))
    print(f"Comparator group '{group.name}': {names}.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    ready()
    from tqdm import tqdm

    from oversight.benchmarks.services import comparators_refresh_all, published_import

    paths = [Path(p) for p in args.paths]
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        print(f"No such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    with tqdm(unit=" rows", desc="Reading", disable=not sys.stderr.isatty()) as bar:
        result = published_import(paths, user_name="command line", progress=bar.update)
    if not result.ok:
        return report_rejected(result.issues, limit=200)
    for note in result.notes:
        print(note)
    refreshed = comparators_refresh_all()
    print(
        f"Imported {result.rows:,} published figures from {result.files} file(s): {result.created:,} new, "
        f"{result.updated:,} updated, {result.unchanged:,} unchanged; {result.series:,} measures."
        + (f" Statistical neighbours: {', '.join(result.neighbour_sets)}." if result.neighbour_sets else "")
        + (f" {refreshed} scorecard comparator(s) refreshed." if refreshed else "")
    )
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    ready()
    from oversight.benchmarks import selectors
    from oversight.benchmarks.views import comparison_csv
    from oversight.performance.models import Indicator

    indicator = Indicator.objects.filter(code=args.indicator).first()
    if indicator is None:
        print(f"--indicator: there is no indicator '{args.indicator}'.", file=sys.stderr)
        return 2
    link = selectors.link_for(indicator)
    if link is None:
        print(
            f"--indicator: {indicator.code} is not linked to a published measure; link it on its benchmark page.",
            file=sys.stderr,
        )
        return 2
    authority = selectors.authority_by_code(args.la)
    if authority is None:
        print(f"--la: '{args.la}' is not an LA number, ONS code or name oversight knows.", file=sys.stderr)
        return 2
    years = {year.period: year for year in selectors.published_years(link.series)}
    if args.period not in years:
        known = ", ".join(years) or "none: import the published file first"
        print(f"--period: {link.series.title} has no figures for '{args.period}' (known: {known}).", file=sys.stderr)
        return 2
    found = selectors.indicator_comparison(indicator, link, years[args.period], authority=authority)
    text = comparison_csv(found)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Wrote {args.output} ({len(found.rows)} rows).")
    else:
        sys.stdout.write(text)
    return 0
