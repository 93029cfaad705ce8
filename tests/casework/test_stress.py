"""Loading one council's returns over a store holding others, again and again: every load succeeds, alike.

With DuckDB 2.0.0 about one national load in ten over a store already holding councils failed with "Corrupted
uncompressed string segment" (bench/casework_stress.py reproduces it at national scale); this holds the same
write pattern to never failing, at a size the suite can afford.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.store import CaseworkStore
from oversight.casework.synthetic import synthetic_council, synthetic_national_returns

from .conftest import TEST_KEY

BASE = ("E06000049", "E06000050")  # held before each load
ALL = (*BASE, "E08000025", "E09000017", "E07000178")
LOADS = 6


def _returns(codes: tuple[str, ...], folder: Path) -> list[Path]:
    """A national extract of the councils' returns: one file per table and year, with an LA column."""
    councils = (
        synthetic_council(code, seed=seed, first_year_ending=2021, last_year_ending=2023, starts_per_year=60)
        for seed, code in enumerate(codes, start=1)
    )
    return synthetic_national_returns(councils, folder)


def _contents(path: Path) -> list[tuple[str, int]]:
    with CaseworkStore(path, read_only=True) as store:
        tables = ("children", "episodes", "reviews", "missing", "oc2", "oc3", "ad1", "data_quality")
        return [(table, int(store.query(f"SELECT count(*) FROM {table}")[0][0])) for table in tables]  # noqa: S608


def test_loading_over_a_store_that_holds_other_councils_never_fails_and_always_gives_the_same_store(
    tmp_path: Path,
) -> None:
    pseudonymiser = Pseudonymiser(TEST_KEY)
    base = tmp_path / "base.duckdb"
    with CaseworkStore(base) as store:
        store.open(create=True)
        assert store.load(_returns(BASE, tmp_path / "base"), pseudonymiser=pseudonymiser).ok
    files = _returns(ALL, tmp_path / "all")

    contents = []
    for run in range(LOADS):
        path = tmp_path / f"run-{run}.duckdb"
        shutil.copy(base, path)
        with CaseworkStore(path) as store:
            result = store.load(files, pseudonymiser=pseudonymiser)
        assert result.ok, result.issues[:3]
        contents.append(_contents(path))

    assert all(found == contents[0] for found in contents)
    assert dict(contents[0])["episodes"] > 500
