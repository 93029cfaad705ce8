"""``oversight demo``: load the demo and serve it."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from oversight.commandline import ready, report_rejected

DEMO_TODAY = "2011-10-17"  # the demo's reporting calendar reads as it did that Monday

# The council whose papers the demo is; the rest of the template is the standard one (committee/template.py).
DEMO_REPORT_TEMPLATE = """\
# The council's committee report template: see committee/template.py for every key.
council = "Cheshire East Council"
"""


def register(commands: Any) -> None:
    demo = commands.add_parser("demo", help="load the demo scorecard into the embedded database and serve it")
    demo.add_argument("--no-serve", action="store_true", help="load the demo and stop")
    demo.add_argument("--port", type=int, default=8000)
    demo.set_defaults(func=cmd_demo)


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
    from oversight.demo.casework import DEMO_COUNCILS, DEMO_STORE_NAME, demo_casework_load
    from oversight.demo.loader import DEMO_ACCOUNTS, DEMO_MEMBERSHIPS, demo_accounts
    from oversight.settings.base import HOME

    try:
        casework = demo_casework_load(HOME / DEMO_STORE_NAME)
        settings.OVERSIGHT_CASEWORK_STORE = casework.store  # the demo serves its own store
        councils = " and ".join(demo.la for demo in DEMO_COUNCILS)
        scorecards = " and ".join(f"'{demo.scorecard}'" for demo in DEMO_COUNCILS)
        print(
            f"Synthetic councils {councils}: {casework.children} invented children's returns in {casework.store}; "
            + (
                f"{casework.observations} figures computed onto the scorecards {scorecards}."
                if casework.observations
                else f"their figures are on the scorecards {scorecards}."
            )
        )
    except CaseworkError as error:
        print(f"The synthetic councils were not loaded: {error}.", file=sys.stderr)

    template = settings.OVERSIGHT_REPORT_TEMPLATE
    if not template.exists():  # the demo's committee reports are Cheshire East's, from the page or the command line
        template.write_text(DEMO_REPORT_TEMPLATE, encoding="utf-8")
        print(f"The committee reports' template (the council's name, sections and wording) is in {template}.")

    accounts = demo_accounts(HOME)
    print("Sign in with one of these demo accounts (also in demo-accounts.txt in the data directory):")
    for name, password in accounts.items():
        memberships = DEMO_MEMBERSHIPS.get(name, ())
        member = f" (council {', '.join(memberships)})" if memberships else ""
        print(f"  {name:<11} {password:<18} {', '.join(DEMO_ACCOUNTS[name])}{member}")
    if args.no_serve:
        return 0
    from django.core.management import call_command

    settings.OVERSIGHT_TODAY = settings.OVERSIGHT_TODAY or DEMO_TODAY
    # The start page loads into the demo's store, which holds synthetic children only: without a key of its own it
    # pseudonymises with the development key, as the demo's council was.
    settings.OVERSIGHT_DEVELOPMENT_KEY_ALLOWED = True
    url = f"http://127.0.0.1:{args.port}/"
    print(f"oversight is running at {url} (press Ctrl+C to stop)", flush=True)
    call_command("runserver", f"127.0.0.1:{args.port}", use_reloader=False, skip_checks=True)
    return 0
