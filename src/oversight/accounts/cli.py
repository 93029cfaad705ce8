"""``oversight user …`` commands."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import Any

from oversight.accounts.roles import Role

ROLE_NAMES = {role.value.replace(" ", "-"): role for role in Role if role is not Role.CASE_ACCESS}


def cmd_user_create(args: argparse.Namespace) -> int:
    from oversight.commandline import ready

    ready()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from oversight.accounts.services import AccountError, user_create

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"Password for {args.username}: ")
        if getpass.getpass("Password again: ") != password:
            print("The passwords do not match; nothing was created.", file=sys.stderr)
            return 1
    try:
        validate_password(password)
    except ValidationError as error:
        print("Choose another password: " + " ".join(error.messages), file=sys.stderr)
        return 1
    roles: set[Role] = {ROLE_NAMES[args.role]}
    if args.case_access:
        roles.add(Role.CASE_ACCESS)
    try:
        user = user_create(
            username=args.username, password=password, roles=roles, email=args.email or "", councils=args.council
        )
    except AccountError as error:
        print(str(error), file=sys.stderr)
        return 1
    extra = " with case-level access" if args.case_access else ""
    print(f"Created {user.username} as {ROLE_NAMES[args.role].value}{extra}.")
    return 0


def cmd_user_unlock(args: argparse.Namespace) -> int:
    from oversight.commandline import ready

    ready()
    from oversight.accounts.services import AccountError, sign_in_unlock

    try:
        cleared = sign_in_unlock(username=args.username, actor=None, reason=args.reason)
    except AccountError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(f"Unlocked {args.username}: {cleared} recent failed sign-in(s) no longer count.")
    return 0


def _change_user(username: str, change: Callable[[Any], str]) -> int:
    """Apply ``change`` to the user called ``username`` and print what it says, or why it cannot be done."""
    from oversight.commandline import ready

    ready()
    from django.contrib.auth.models import User

    from oversight.accounts.services import AccountError

    user = User.objects.filter(username=username).first()
    if user is None:
        print(f"There is no user called '{username}'.", file=sys.stderr)
        return 1
    try:
        said = change(user)
    except AccountError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(said)
    return 0


def cmd_user_case_access(args: argparse.Namespace) -> int:
    def change(user: Any) -> str:
        from oversight.accounts.services import user_set_case_access

        user_set_case_access(user=user, granted=args.grant, actor=None, reason=args.reason)
        return f"{args.username} {'has' if args.grant else 'no longer has'} case-level access."

    return _change_user(args.username, change)


def cmd_user_councils(args: argparse.Namespace) -> int:
    def change(user: Any) -> str:
        from oversight.accounts.services import user_set_councils

        user_set_councils(user=user, councils=args.set or [], actor=None, reason=args.reason)
        codes = ", ".join(sorted(code.upper() for code in args.set or [])) or "the service's own council"
        return f"{args.username} belongs to {codes}."

    return _change_user(args.username, change)


def register(commands: Any) -> None:
    user = commands.add_parser("user", help="manage user accounts")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    create = user_commands.add_parser("create", help="create a user with a role")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=sorted(ROLE_NAMES), help="what the user may do")
    create.add_argument("--email")
    create.add_argument("--case-access", action="store_true", help="may see pseudonymised child-level records")
    create.add_argument(
        "--council",
        action="append",
        default=[],
        metavar="CODE",
        help="a council the user belongs to, by ONS code (repeat for several; none: the service's own)",
    )
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    create.set_defaults(func=cmd_user_create)
    unlock = user_commands.add_parser("unlock", help="let an account locked by failed sign-ins sign in again")
    unlock.add_argument("username")
    unlock.add_argument("--reason", required=True, help="why, for the audit trail")
    unlock.set_defaults(func=cmd_user_unlock)
    access = user_commands.add_parser("case-access", help="grant or withdraw access to child-level records")
    access.add_argument("username")
    choice = access.add_mutually_exclusive_group(required=True)
    choice.add_argument("--grant", action="store_true", help="may see pseudonymised child-level records")
    choice.add_argument("--revoke", dest="grant", action="store_false", help="may no longer see them")
    access.add_argument("--reason", required=True, help="why, for the audit trail")
    access.set_defaults(func=cmd_user_case_access)
    councils = user_commands.add_parser("councils", help="set the councils whose records and drafts a user sees")
    councils.add_argument("username")
    which = councils.add_mutually_exclusive_group(required=True)
    which.add_argument("--set", nargs="+", metavar="CODE", help="the councils' ONS codes, replacing those held")
    which.add_argument(
        "--own", dest="set", action="store_const", const=[], help="no membership: the service's own council"
    )
    councils.add_argument("--reason", required=True, help="why, for the audit trail")
    councils.set_defaults(func=cmd_user_councils)
