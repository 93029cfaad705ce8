"""``oversight token``: an administrator creates, lists and revokes tokens from the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _run(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OVERSIGHT_HOME": str(home)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "oversight", *args], input=stdin, env=env, capture_output=True, text=True, check=False
    )


def test_a_token_is_shown_once_listed_with_its_last_use_and_revoked(tmp_path: Path) -> None:
    made = _run(
        tmp_path, "user", "create", "warehouse", "--role", "reader", "--password-stdin", stdin="a long pass phrase\n"
    )
    assert made.returncode == 0, made.stderr
    assert _run(tmp_path, "token", "create", "nobody", "--name", "x").returncode == 1

    created = _run(tmp_path, "token", "create", "warehouse", "--name", "data warehouse")

    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("ovs_")
    assert "cannot be shown again" in created.stderr
    prefix = token.split("_")[1]
    listed = _run(tmp_path, "token", "list").stdout.splitlines()
    assert listed[1].split("\t")[:5] == [prefix, "data warehouse", "warehouse", "read", "no"]
    assert listed[1].split("\t")[6] == "never"
    assert token not in (tmp_path / "oversight.sqlite3").read_bytes().decode("latin-1")
    revoked = _run(tmp_path, "token", "revoke", prefix, "--reason", "replaced")
    assert revoked.returncode == 0, revoked.stderr
    assert _run(tmp_path, "token", "list").stdout.splitlines()[1].split("\t")[7] != ""
    assert _run(tmp_path, "token", "revoke", prefix).returncode == 1
    assert _run(tmp_path, "token", "create", "warehouse", "--name", "x", "--case-level").returncode == 1
