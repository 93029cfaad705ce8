"""``oversight user …`` commands."""

from __future__ import annotations

from typing import Any


def register(commands: Any) -> None:
    user = commands.add_parser("user", help="manage user accounts")
    user.add_subparsers(dest="user_command", required=True)
