"""The demo: Cheshire East's 2011-12 Quarter 1 scorecard, transcribed into the import format.

The same loader feeds ``make demo`` and the tests, so what a user sees is what the tests check.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from oversight.performance.services import LoadResult, import_files

DATA_DIR = Path(__file__).resolve().parent / "data"


def demo_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.csv"))


def demo_load(*, progress: bool = False) -> LoadResult:
    if not progress:
        result = import_files(demo_files())
    else:
        from tqdm import tqdm

        with tqdm(unit=" rows", desc="Loading the demo", disable=not sys.stderr.isatty()) as bar:
            result = import_files(demo_files(), progress=bar.update)
    if result.ok:
        # inspections and improvement plans (seeds 000–004); their impact measures need the catalogue
        from oversight.benchmarks.demo import appendix_d_load
        from oversight.committee.loader import committee_import
        from oversight.improvement.loader import improvement_load

        result.issues.extend(improvement_load(DATA_DIR / "improvement"))
        appendix_d_load()  # Appendix D's NEET comparator table, linked to the NEET indicator
        demo_signoff()
        # the scrutiny committee of 20 September 2011: its agenda, work programme, forward plan, July resolutions
        result.issues.extend(committee_import(sorted((DATA_DIR / "committee").glob("*.csv"))).issues)
    return result


def demo_approver() -> Any:
    """The demo's approver, 'director', who signs the demo's quarters off."""
    from django.contrib.auth.models import User

    from oversight.accounts.roles import Role
    from oversight.accounts.services import user_create

    approver = User.objects.filter(username="director").first()
    if approver is None:  # no password until `oversight demo` gives the demo accounts theirs
        import secrets

        approver = user_create(username="director", password=secrets.token_urlsafe(12), roles={Role.APPROVER})
        approver.set_unusable_password()
        approver.save(update_fields=["password"])
    return approver


def demo_signoff() -> None:
    """2011-12 Quarter 1 as the pack presents it: approved by the senior management team, then presented to the
    scrutiny committee on 20 September 2011, and so locked; Quarter 2 is a draft. The reporting calendar: the
    management team two weeks after a quarter ends, scrutiny at its first meeting six weeks or more after (the
    committee's meetings, as the committee app records them, are given to the step as they are loaded)."""
    from oversight.core.periods import parse_period
    from oversight.performance.models import ReportingStep, Scorecard
    from oversight.performance.signoff import signoff_record_approval

    approver = demo_approver()
    strategic = Scorecard.objects.get(slug="strategic")
    signoff_record_approval(
        scorecard=strategic,
        period=parse_period("2011-12-Q1"),
        user=approver,
        note="Approved and signed off by the Children & Families senior management team.",
        approved_on=date(2011, 7, 14),
        published_on=date(2011, 9, 20),
    )
    for order, (body, lag, done_when) in enumerate(
        [
            ("Children & Families senior management team", 14, ReportingStep.DoneWhen.APPROVED),
            ("Children and Families Scrutiny Committee", 42, ReportingStep.DoneWhen.PUBLISHED),
        ]
    ):
        ReportingStep.objects.update_or_create(
            scorecard=strategic, body=body, defaults={"order": order, "lag_days": lag, "done_when": done_when},
        )  # fmt: skip


# The officer also has case-level access, to follow the synthetic council's figures to the records behind them.
# The demo is a regional alliance too: each synthetic council has an officer of its own, who sees its drafts and
# records alone, and the analyst of the host council (Cheshire East, whose scorecard names no council) sees the
# members' approved figures side by side.
DEMO_ACCOUNTS = {
    "councillor": ("reader",),
    "officer": ("performance officer", "case-level access"),
    "director": ("approver",),
    "admin": ("administrator",),
    "officer-z1": ("performance officer", "case-level access"),
    "officer-z2": ("performance officer", "case-level access"),
    "analyst": ("reader",),
}
DEMO_HOST = "E06000049"  # Cheshire East, which hosts the demo's alliance
DEMO_MEMBERSHIPS: dict[str, tuple[str, ...]] = {
    "officer-z1": ("Z99000001",),
    "officer-z2": ("Z99000002",),
    "analyst": (DEMO_HOST,),
}


def demo_accounts(home: Path) -> dict[str, str]:
    """Accounts to try the demo with: one per role that matters, each with its own random password.

    The passwords are made on the first run and kept in ``demo-accounts.txt`` under the data directory
    (readable by its owner only), never in the code.
    """
    import secrets

    from django.contrib.auth.models import User

    from oversight.accounts.roles import Role
    from oversight.accounts.services import user_councils, user_create, user_roles, user_set_councils, user_set_roles

    path = home / "demo-accounts.txt"
    known: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            name, _, password = line.partition(" ")
            known[name] = password
    for name, roles in DEMO_ACCOUNTS.items():
        wanted = {Role(role) for role in roles}
        existing = User.objects.filter(username=name).first()
        councils = frozenset(DEMO_MEMBERSHIPS.get(name, ()))
        if existing is not None and not wanted <= user_roles(existing):  # made by an earlier version of the demo
            user_set_roles(user=existing, roles=user_roles(existing) | wanted, actor=None, reason="demo accounts")
        if existing is not None and user_councils(existing) != councils:
            user_set_councils(user=existing, councils=councils, actor=None, reason="demo accounts")
        if name in known and existing is not None:
            continue
        password = secrets.token_urlsafe(12)
        if existing is None:
            user_create(username=name, password=password, roles=wanted, councils=councils)
        else:  # the file was lost: give the account a new password rather than delete its history
            existing.set_password(password)
            existing.save(update_fields=["password"])
        known[name] = password
    path.write_text("".join(f"{name} {known[name]}\n" for name in DEMO_ACCOUNTS), encoding="utf-8")
    path.chmod(0o600)
    return {name: known[name] for name in DEMO_ACCOUNTS}
