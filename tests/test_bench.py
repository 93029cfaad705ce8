"""The speed scripts are not run by the suite (`make bench` runs them), but each must still import: a helper it
borrows from the tests that moves or is renamed would otherwise break `make bench` unseen."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
# Each script `make bench` runs (bench/[!_]*.py); the locust file is loaded by locust alone, which patches the
# standard library for its own event loop when imported.
SCRIPTS = sorted(path.stem for path in BENCH.glob("[!_]*.py"))


@pytest.mark.parametrize("name", SCRIPTS)
def test_each_speed_script_imports_with_what_it_borrows(name: str) -> None:
    module = importlib.import_module(f"bench.{name}")
    assert callable(module.main)
