"""``oversight token …``: create, list and revoke the API's tokens. The command line is the administrator's."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def cmd_token_create(args: argparse.Namespace) -> int:
    from oversight.commandline import ready

    ready()
    from django.contrib.auth.models import User

    from oversight.api.services import TokenError, token_create

    user = User.objects.filter(username=args.username).first()
    if user is None:
        print(f"There is no user called '{args.username}'; create the account first.", file=sys.stderr)
        return 1
    try:
        token, secret = token_create(
            user=user, name=args.name, scope=args.scope, case_level=args.case_level, actor=None
        )
    except TokenError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(f"Created the token {token} for {user.username}, scope {token.get_scope_display()}.", file=sys.stderr)
    print("Keep it now: it is not kept and cannot be shown again.", file=sys.stderr)
    print(secret)
    return 0


def cmd_token_list(args: argparse.Namespace) -> int:
    from oversight.commandline import ready

    ready()
    from oversight.api.selectors import tokens_all

    print("prefix\tname\taccount\tscope\tcase-level\tcreated\tlast used\trevoked")
    for token in tokens_all():
        print(
            "\t".join(
                [
                    token.prefix,
                    token.name,
                    token.user.username,
                    token.scope,
                    "yes" if token.case_level else "no",
                    f"{token.created_at:%Y-%m-%d %H:%M}",
                    f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never",
                    f"{token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "",
                ]
            )
        )
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    from oversight.commandline import ready

    ready()
    from oversight.api.models import ApiToken
    from oversight.api.services import TokenError, token_revoke

    token = ApiToken.objects.filter(prefix=args.prefix).first()
    if token is None:
        print(f"There is no token starting ovs_{args.prefix}; `oversight token list` lists them.", file=sys.stderr)
        return 1
    try:
        token_revoke(token=token, actor=None, reason=args.reason)
    except TokenError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(f"Revoked {token}: it no longer works.")
    return 0


def register(commands: Any) -> None:
    token = commands.add_parser("token", help="manage the REST API's tokens for machine clients")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser("create", help="create a token acting as an account; prints it once")
    create.add_argument("username", help="the account the token acts as: its roles decide what it may do")
    create.add_argument("--name", required=True, help="what will use it, e.g. corporate performance system")
    create.add_argument("--scope", choices=["read", "write"], default="read", help="write lets it change figures")
    create.add_argument("--case-level", action="store_true", help="may read child-level records (audited)")
    create.set_defaults(func=cmd_token_create)
    listing = token_commands.add_parser("list", help="list the tokens, with when each was last used")
    listing.set_defaults(func=cmd_token_list)
    revoke = token_commands.add_parser("revoke", help="stop a token working")
    revoke.add_argument("prefix", help="the token's prefix, as `oversight token list` shows it")
    revoke.add_argument("--reason", default="", help="why, for the audit trail")
    revoke.set_defaults(func=cmd_token_revoke)
