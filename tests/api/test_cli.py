"""``oversight token``: an administrator creates, lists and revokes tokens from the command line."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.processes import DemoHome, oversight_env, oversight_run


def _run(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return oversight_run(args, env=oversight_env(home), input=stdin)


def test_a_token_is_shown_once_listed_with_its_last_use_and_revoked(empty_home: DemoHome, tmp_path: Path) -> None:
    home, migrated = empty_home.copy(tmp_path / "data")
    assert migrated.returncode == 0, migrated.stderr
    made = _run(
        home, "user", "create", "warehouse", "--role", "reader", "--password-stdin", stdin="a long pass phrase\n"
    )
    assert made.returncode == 0, made.stderr
    assert _run(home, "token", "create", "nobody", "--name", "x").returncode == 1

    created = _run(home, "token", "create", "warehouse", "--name", "data warehouse")

    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("ovs_")
    assert "cannot be shown again" in created.stderr
    prefix = token.split("_")[1]
    listed = _run(home, "token", "list").stdout.splitlines()
    assert listed[1].split("\t")[:5] == [prefix, "data warehouse", "warehouse", "read", "no"]
    assert listed[1].split("\t")[6] == "never"
    assert token not in (home / "oversight.sqlite3").read_bytes().decode("latin-1")
    revoked = _run(home, "token", "revoke", prefix, "--reason", "replaced")
    assert revoked.returncode == 0, revoked.stderr
    assert _run(home, "token", "list").stdout.splitlines()[1].split("\t")[7] != ""
    assert _run(home, "token", "revoke", prefix).returncode == 1
    assert _run(home, "token", "create", "warehouse", "--name", "x", "--case-level").returncode == 1
