"""``oversight user …`` commands."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from oversight.accounts.roles import Role

ROLE_NAMES = {role.value.replace(" ", "-"): role for role in Role if role is not Role.CASE_ACCESS}


def cmd_user_create(args: argparse.Namespace) -> int:
    from oversight.commandline import setup

    setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
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
        user = user_create(username=args.username, password=password, roles=roles, email=args.email or "")
    except AccountError as error:
        print(str(error), file=sys.stderr)
        return 1
    extra = " with case-level access" if args.case_access else ""
    print(f"Created {user.username} as {ROLE_NAMES[args.role].value}{extra}.")
    return 0


def register(commands: Any) -> None:
    user = commands.add_parser("user", help="manage user accounts")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    create = user_commands.add_parser("create", help="create a user with a role")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=sorted(ROLE_NAMES), help="what the user may do")
    create.add_argument("--email")
    create.add_argument("--case-access", action="store_true", help="may see pseudonymised child-level records")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    create.set_defaults(func=cmd_user_create)
