"""The demo: Cheshire East's 2011-12 Quarter 1 scorecard, transcribed into the import format.

The same loader feeds ``make demo`` and the tests, so what a user sees is what the tests check.
"""

from __future__ import annotations

import sys
from pathlib import Path

from oversight.performance.services import LoadResult, import_files

DATA_DIR = Path(__file__).resolve().parent / "data"


def demo_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.csv"))


def demo_load(*, progress: bool = False) -> LoadResult:
    if not progress:
        return import_files(demo_files())
    from tqdm import tqdm

    with tqdm(unit=" rows", desc="Loading the demo", disable=not sys.stderr.isatty()) as bar:
        return import_files(demo_files(), progress=bar.update)
