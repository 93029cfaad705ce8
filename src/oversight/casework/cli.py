"""``oversight casework …`` commands: load returns, compute measures, show data quality and the catalogue."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from oversight.commandline import database_update, report_rejected, setup, write_whole

LOADABLE = frozenset({".csv", ".xml", ".xlsx"})  # the files a folder given to `load` contributes


def register(commands: Any) -> None:
    casework = commands.add_parser("casework", help="load DfE returns and compute measures from them")
    subcommands = casework.add_subparsers(dest="casework_command", required=True)

    load = subcommands.add_parser(
        "load",
        help="load returns (SSDA903 CSV or XML, CIN census XML, Annex A workbooks, workforce census XML) into the "
        "casework store",
        description="Load DfE returns, each recognised by its content: SSDA903 CSV tables or XML, CIN census XML, "
        "Ofsted Annex A workbooks and the children's social work workforce census XML. "
        "If any file has a problem nothing is loaded and every problem is listed.",
    )
    load.add_argument(
        "paths", nargs="+", metavar="PATH", help="files, or folders whose CSV, XML and XLSX files are loaded"
    )
    load.add_argument("--la", metavar="CODE", help="the council, for files without an LA column or census header")
    load.add_argument(
        "--validate", action="store_true", help="also check census files (CIN, workforce) against their XSD"
    )
    load.add_argument(
        "--year", metavar="YYYY-YY", help="the collection year of per-year tables (OC2, OC3), e.g. 2017-18"
    )
    _add_database(load)
    load.add_argument(
        "--development-key",
        action="store_true",
        help="pseudonymise with the published development key (synthetic data only) when no key is set",
    )
    load.set_defaults(func=_settled(cmd_load))

    postcodes = subcommands.add_parser(
        "postcodes",
        help="load the postcode lookup (ONS Postcode Directory) that placement distances are worked out with",
        description="Load a CSV of the ONS Postcode Directory (or an extract with its columns pcds or pcd, oslaua or "
        "laua, oseast1m and osnrth1m), replacing the lookup held. SSDA903 episodes loaded after it get the distance "
        "from home to placement and whether the placement is outside the council; the postcodes themselves are "
        "never stored. Episodes loaded before it: load their files again.",
    )
    postcodes.add_argument("path", metavar="FILE", help="the postcode CSV file")
    _add_database(postcodes)
    postcodes.set_defaults(func=_settled(cmd_postcodes))

    compute = subcommands.add_parser("compute", help="compute measures for a period, and record them on the scorecard")
    compute.add_argument("--period", required=True, help="e.g. 2011-12, 2011-12-Q1, AY2011-12, R12-2011-M06")
    compute.add_argument("--la", metavar="CODE", help="one council (default: each council loaded)")
    compute.add_argument("--measure", nargs="+", metavar="ID", help="measures to compute (default: every one)")
    compute.add_argument("--to-date", action="store_true", help="from the start of the period's financial year")
    compute.add_argument("--format", choices=["table", "csv"], default="table")
    compute.add_argument("--output", metavar="FILE", help="write the results to FILE instead of the screen")
    compute.add_argument(
        "--indicator-map",
        nargs="+",
        metavar="MEASURE=INDICATOR",
        help="record each measure's result as the scorecard indicator's value for the period",
    )
    _add_database(compute)
    compute.set_defaults(func=_settled(cmd_compute))

    quality = subcommands.add_parser("quality", help="the data-quality report: problems kept with the loaded data")
    quality.add_argument("--la", metavar="CODE")
    quality.add_argument("--details", action="store_true", help="list every issue with its file and row")
    _add_database(quality)
    quality.set_defaults(func=_settled(cmd_quality))

    compact = subcommands.add_parser(
        "compact", help="write the store afresh without the space deleted rows and undone loads left in it"
    )
    _add_database(compact)
    compact.set_defaults(func=_settled(cmd_compact))

    watch = subcommands.add_parser(
        "watch",
        help="early warning: the records one step from a measure's line, with the day each crosses it",
        description="Print the count on a measure's watch list for each council (or one), and the list: each child's "
        "pseudonym, the day the record crosses the line and why. The list is drawn up as at a day, by default the "
        "last day the loaded returns cover or today, whichever is earlier.",
    )
    watch.add_argument("--measure", required=True, metavar="ID", help="a measure whose card declares a watch list")
    watch.add_argument("--as-at", metavar="YYYY-MM-DD", help="the day to draw the list up as at")
    watch.add_argument("--la", metavar="CODE", help="one council (default: each council the measure reports on)")
    _add_database(watch)
    watch.set_defaults(func=_settled(cmd_watch))

    measures = subcommands.add_parser("measures", help="list the measure catalogue")
    measures.set_defaults(func=cmd_measures)


def _settled(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """``command``, saying what to fix when a setting it reads (such as OVERSIGHT_CASEWORK_MEMORY) is wrong."""

    def run(args: argparse.Namespace) -> int:
        from oversight.casework.issues import CaseworkError

        try:
            return command(args)
        except CaseworkError as error:
            print(f"oversight casework {args.casework_command}: {error}.", file=sys.stderr)
            return 2

    return run


def _add_database(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        metavar="FILE",
        help="the casework store (default: OVERSIGHT_CASEWORK_STORE, or casework.duckdb in OVERSIGHT_HOME)",
    )


def _store_path(args: argparse.Namespace) -> Path:
    if args.database:
        return Path(args.database)
    from django.conf import settings

    return Path(settings.OVERSIGHT_CASEWORK_STORE)


def return_files(paths: Sequence[str]) -> list[Path]:
    """The files named, with each folder named replaced by its CSV, XML and XLSX files."""
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in LOADABLE) if path.is_dir() else [path])
    return files


def _progress(total: int | None, description: str, unit: str) -> Any:
    """A bar that moves on each file or measure: a few take most of the time, and tqdm's own pace would draw the bar
    only every so many steps, leaving it still while they are read."""
    from tqdm import tqdm

    return tqdm(total=total, desc=description, unit=unit, miniters=1, disable=not sys.stderr.isatty())


def cmd_load(args: argparse.Namespace) -> int:
    setup()
    from oversight.casework.issues import CaseworkError
    from oversight.casework.pseudonym import PseudonymKeyError, pseudonymiser_configured
    from oversight.casework.readers.ssda903 import year_ending_of
    from oversight.casework.store import QUALITY_RULES, CaseworkStore

    try:
        pseudonymiser = pseudonymiser_configured(allow_development_key=args.development_key)
        year_ending = year_ending_of(args.year) if args.year else None
    except (PseudonymKeyError, ValueError) as error:
        print(f"Nothing was loaded: {error}.", file=sys.stderr)
        return 2
    files = return_files(args.paths)
    if not files:
        print("Nothing was loaded: no CSV, XML or XLSX files in the paths given.", file=sys.stderr)
        return 2
    path = _store_path(args)
    with CaseworkStore(path) as store, _progress(len(files), "Checking", " files") as bar:
        try:
            result = store.load(
                files,
                pseudonymiser=pseudonymiser,
                la=args.la,
                year_ending=year_ending,
                progress=bar.update,
                validate=args.validate,
            )
        except CaseworkError as error:
            print(f"Nothing was loaded: {error}.", file=sys.stderr)
            return 2
    if pseudonymiser.is_development_key:
        print(
            "Warning: pseudonymised with the published development key; use it for synthetic data only.",
            file=sys.stderr,
        )
    for notice in result.notices:
        print(f"Note: {notice}", file=sys.stderr)
    if not result.ok:
        return report_rejected(result.issues, done="loaded")
    councils = ", ".join(result.las) or "no council"
    print(f"Loaded {result.files - len(result.skipped)} file(s) for {councils} into {path}.")
    for table in sorted(result.tables.values(), key=lambda t: t.table):
        print(f"  {table.table}: {table.rows:,} row{'' if table.rows == 1 else 's'} ({table.new:,} new)")
    if result.skipped:
        print(f"Skipped {len(result.skipped)} file(s) loaded before: {', '.join(result.skipped)}.")
    total = sum(result.quality.values())
    if total:
        print(f"Data quality: {total:,} issue(s) kept with the data (oversight casework quality --details lists them):")
        for rule, count in result.quality.items():
            print(f"  {count:,} × {QUALITY_RULES.get(rule, rule)}")
    else:
        print("Data quality: no issues found.")
    return 0


def cmd_postcodes(args: argparse.Namespace) -> int:
    setup()
    from oversight.casework.store import CaseworkStore

    path = _store_path(args)
    print(f"Reading {args.path} …", file=sys.stderr)
    with CaseworkStore(path) as store:
        lookup = store.load_postcodes(Path(args.path))
        before = store.files_before_lookup()
    print(
        f"Loaded the postcode lookup {lookup.file_name} into {path}: {lookup.postcodes:,} postcodes, "
        f"{lookup.with_grid:,} with a grid reference."
    )
    if before:
        print(
            f"{before:,} episodes file(s) were loaded before it and keep the distances they had: load them again "
            "to work the distances out with this lookup."
        )
    return 0


def _indicator_map(items: Sequence[str] | None) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in items or []:
        measure, sep, code = item.partition("=")
        if not sep or not measure.strip() or not code.strip():
            raise ValueError(
                f"--indicator-map: '{item}' should be MEASURE=INDICATOR, e.g. cla_long_term_stability=NI63"
            )
        mapping[measure.strip()] = code.strip()
    return mapping


def cmd_compute(args: argparse.Namespace) -> int:
    setup()
    from oversight.casework.engine import catalogue_compute, measure_card, measure_cards, measure_results_record
    from oversight.casework.issues import CaseworkError
    from oversight.casework.store import CaseworkStore, current_user
    from oversight.core.periods import PeriodError, parse_period

    try:
        period = parse_period(args.period)
        cards = [measure_card(m) for m in args.measure] if args.measure else list(measure_cards())
        mapping = _indicator_map(args.indicator_map)
    except (PeriodError, CaseworkError, ValueError) as error:
        print(f"{error}", file=sys.stderr)
        return 2
    unknown = sorted(set(mapping) - {card.id for card in cards})
    if unknown:
        print(f"--indicator-map: {', '.join(unknown)} is not among the measures computed", file=sys.stderr)
        return 2
    run_at, run_by = datetime.now(UTC), current_user()
    results = []
    with CaseworkStore(_store_path(args)) as store:
        try:
            with _progress(len(cards), "Computing", " measures") as bar:
                for _, computed in catalogue_compute(store, cards, period, la=args.la, to_date=args.to_date):
                    results.extend(computed)
                    bar.update(1)
            run_ids = measure_results_record(store, results, run_at=run_at, run_by=run_by)
        except CaseworkError as error:
            print(f"{error}", file=sys.stderr)
            return 2
    figured = {result.card.id for result in results}
    unfigured: dict[tuple[str, ...], list[str]] = {}
    for card in cards:
        if card.id not in figured:
            unfigured.setdefault(card.returns, []).append(card.id)
    for returns, ids in unfigured.items():
        print(
            f"No figures for {len(ids)} measure(s) that read the {' and the '.join(returns)}, which no council"
            f"{'' if args.la is None else ' asked for'} has loaded: {', '.join(ids)}",
            file=sys.stderr,
        )
    for result in results:
        if result.card.denominator_source is not None and result.value is None:
            print(f"{result.card.id} for {result.la}: no value: {result.no_value_reason}", file=sys.stderr)
    text = _render(results, args.format)
    if args.output:
        output = write_whole(args.output, text.encode("utf-8"))
        print(f"Wrote {output} ({len(results)} result(s), {period.label}).")
    else:
        print(text, end="")
    if mapping:
        return _record(results, mapping, run_ids=run_ids, run_at=run_at, run_by=run_by)
    return 0


def _record(results: Sequence[Any], mapping: dict[str, str], **run: Any) -> int:
    from oversight.casework.issues import CaseworkError
    from oversight.casework.scorecard import casework_observations_record

    database_update()
    try:
        observations = casework_observations_record(results, mapping, **run)
    except CaseworkError as error:
        print(f"Nothing was recorded on the scorecard: {error}.", file=sys.stderr)
        return 1
    for observation in observations:
        print(
            f"Recorded {observation.indicator.code} {observation.period}: {observation.value} ({observation.source})."
        )
    return 0


def _render(results: Sequence[Any], fmt: str) -> str:
    header = ["measure", "version", "la", "period", "from", "to", "numerator", "denominator", "value", "unit"]
    rows = [
        [
            r.card.id,
            str(r.card.version),
            r.la,
            r.period.code,
            r.window_start.isoformat(),
            r.window_end.isoformat(),
            str(r.numerator),
            "" if r.denominator is None else str(r.denominator),
            "" if r.value is None else format(r.value.normalize(), "f"),
            str(r.card.unit),
        ]
        for r in results
    ]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([*header, "title", "polarity", "inputs"])
        for r, row in zip(results, rows, strict=True):
            inputs = "; ".join(f"{i.file_name} {i.sha256[:12]}" for i in r.inputs)
            writer.writerow([*row, r.card.title, str(r.card.polarity), inputs])
        return buffer.getvalue()
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(header)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in [header, *rows]
    ]
    return "\n".join(lines) + "\n"


def cmd_quality(args: argparse.Namespace) -> int:
    setup()
    from oversight.casework.issues import CaseworkError
    from oversight.casework.store import QUALITY_RULES, CaseworkStore

    with CaseworkStore(_store_path(args)) as store:
        try:
            counts = store.quality_counts([args.la] if args.la else None)
            issues = store.quality_issues(args.la) if args.details else []
        except CaseworkError as error:
            print(f"{error}", file=sys.stderr)
            return 2
    if not counts:
        print("No data-quality issues.")
        return 0
    print(f"{sum(counts.values()):,} data-quality issue(s):")
    for rule, count in counts.items():
        print(f"  {count:,} × {QUALITY_RULES.get(rule, rule)} [{rule}]")
    for issue in issues:
        print(f"{issue.la}: {issue}")
    return 0


def cmd_compact(args: argparse.Namespace) -> int:
    setup()
    from oversight.casework.store import CaseworkStore

    path = _store_path(args)
    with CaseworkStore(path) as store:
        before, after = store.compact()
    print(f"Compacted {path}: {before / 1e6:,.1f} MB before, {after / 1e6:,.1f} MB now.")
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    """The count on a measure's watch list, then the list with pseudonyms: whoever runs the command holds the store
    file and its key, as for ``casework quality --details``, so the list is printed in full."""
    setup()
    from datetime import date

    from django.utils import timezone

    from oversight.casework.engine import measure_card
    from oversight.casework.store import CaseworkStore
    from oversight.casework.watch import long_date, watch_compute, watch_councils

    try:
        as_at = date.fromisoformat(args.as_at) if args.as_at else None
    except ValueError:
        print(
            f"--as-at: '{args.as_at}' is not a date: write it as year, month and day, such as 2011-06-30",
            file=sys.stderr,
        )
        return 2
    card = measure_card(args.measure)
    with CaseworkStore(_store_path(args)) as store:
        councils = watch_councils(store, card, args.la)
        found = [watch_compute(store, card, la=la, today=timezone.localdate(), as_at=as_at) for la in councils]
    if not found:
        print(f"No council has the {' and the '.join(card.returns)} loaded: there is no list.", file=sys.stderr)
        return 2
    for listed in found:
        print(f"{listed.la}, as at {long_date(listed.as_at)}: {listed.sentence()}.")
        for record in listed.records:
            print(f"  {record.child}  {record.crosses_on.isoformat()}  {record.evidence}")
    return 0


def cmd_measures(args: argparse.Namespace) -> int:
    from oversight.casework.engine import measure_cards

    for card in measure_cards():
        ni = f" ({card.legacy_ni})" if card.legacy_ni else ""
        print(f"{card.id} v{card.version}{ni}: {card.title} [{card.unit}; {card.polarity.phrase}]")
    return 0
