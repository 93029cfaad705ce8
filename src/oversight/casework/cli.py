"""``oversight casework …`` commands."""

from __future__ import annotations

import argparse
from typing import Any


def register(commands: Any) -> None:
    casework = commands.add_parser("casework", help="load DfE returns and compute measures from them")
    casework.add_subparsers(dest="casework_command", required=True)
    _ = argparse
