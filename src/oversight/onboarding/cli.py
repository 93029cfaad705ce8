"""``oversight start``: a council's scorecard from its own returns, in one command."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from oversight.commandline import ready, report_rejected
from oversight.onboarding.steps import Steps


def register(commands: Any) -> None:
    start = commands.add_parser(
        "start",
        help="create the standard children's services scorecard for a council, load its returns, compute and "
        "benchmark it",
        description="Create the standard children's services scorecard (every casework measure an indicator, under "
        "its priority), load the returns given, compute every period they cover (years, quarters, rolling twelve "
        "months), load DfE's published files given and link each indicator DfE publishes to its series for the "
        "council, its region and its statistical neighbours. Run it again with a new year's returns to add that "
        "year: what is there already is left as it is.",
    )
    start.add_argument(
        "--la", required=True, metavar="CODE", help="the council: ONS code (E06000049), LA number or name"
    )
    start.add_argument(
        "--returns", nargs="+", default=[], metavar="PATH",
        help="SSDA903 CSV or XML, CIN census XML, Annex A workbooks, workforce census XML, or folders of them",
    )  # fmt: skip
    start.add_argument(
        "--published", nargs="+", default=[], metavar="PATH",
        help="DfE's published files (EES CSVs with their .meta.csv, LAIT), for England, region and neighbours; "
        "without them the first start loads those that come with oversight (to March 2025)",
    )  # fmt: skip
    start.add_argument(
        "--development-key",
        action="store_true",
        help="pseudonymise with the published development key (synthetic data only) when no key is set",
    )
    start.set_defaults(func=cmd_start)


class _Bars(Steps):
    """Each step of the start as a progress bar on the terminal (none when the output is not one)."""

    def __init__(self) -> None:
        self.bar: Any = None

    def step(self, name: str, total: int | None) -> None:
        from tqdm import tqdm

        self.close()
        self.bar = tqdm(total=total, desc=name, disable=not sys.stderr.isatty())

    def advance(self, done: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def cmd_start(args: argparse.Namespace) -> int:
    ready()
    from pathlib import Path

    from django.conf import settings

    from oversight.casework.cli import return_files
    from oversight.casework.pseudonym import PseudonymKeyError, pseudonymiser_configured
    from oversight.onboarding.services import StartError, council_start, start_summary

    returns = return_files(args.returns)
    published = [Path(name) for name in args.published]
    missing = [str(path) for path in [*returns, *published] if not path.is_file()]
    if missing:
        print(f"No such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        pseudonymiser = pseudonymiser_configured(allow_development_key=args.development_key) if returns else None
    except PseudonymKeyError as error:
        print(f"Nothing was loaded: {error}.", file=sys.stderr)
        return 2
    bars = _Bars()
    try:
        result = council_start(
            args.la,
            returns=returns,
            published=published,
            pseudonymiser=pseudonymiser,
            store_path=Path(settings.OVERSIGHT_CASEWORK_STORE),
            user_name="command line",
            steps=bars if sys.stderr.isatty() else Steps(),
        )
    except StartError as error:
        print(f"--la: {error}.", file=sys.stderr)
        return 2
    finally:
        bars.close()
    for note in result.notes:
        print(f"Note: {note}", file=sys.stderr)
    if not result.ok:
        return report_rejected(result.issues, done="loaded")
    for line in start_summary(result):
        print(line)
    return 0
