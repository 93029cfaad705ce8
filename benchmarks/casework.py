"""How fast the casework engine loads SSDA903 returns and computes the measure catalogue. Prints figures only.

Seeded synthetic returns (``oversight.casework.synthetic``, about 250 children starting care a year per
council, so some 430 looked after at each 31 March) at two scales: one council-year, and 20 councils with
five years each, loaded one council at a time as ``oversight casework load`` does, into a fresh DuckDB file.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from oversight.casework.engine import measure_cards, measure_compute
from oversight.casework.pseudonym import DEVELOPMENT_KEY, Pseudonymiser
from oversight.casework.store import CaseworkStore
from oversight.casework.synthetic import synthetic_council, synthetic_returns
from oversight.core.periods import parse_period

SEED = 20261123
FIRST_YEAR_ENDING, LAST_YEAR_ENDING = 2017, 2021
T = TypeVar("T")


def timed(action: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def data_rows(paths: list[Path]) -> int:
    return sum(sum(1 for _ in path.open(encoding="utf-8")) - 1 for path in paths)


def compute_all(store: CaseworkStore, period: str) -> int:
    return sum(len(measure_compute(store, card, parse_period(period))) for card in measure_cards())


def scale(folder: Path, councils: int, years: tuple[int, int], label: str, starts_per_year: int = 250) -> None:
    pseudonymiser = Pseudonymiser(DEVELOPMENT_KEY.encode(), is_development_key=True)
    codes = [f"E06{900000 + n:06d}" for n in range(councils)]

    def generate() -> list[tuple[str, list[Path]]]:
        return [
            (
                code,
                list(
                    synthetic_returns(
                        synthetic_council(
                            code,
                            seed=SEED,
                            first_year_ending=years[0],
                            last_year_ending=years[1],
                            starts_per_year=starts_per_year,
                        ),
                        folder,
                    )
                ),
            )
            for code in codes
        ]

    generated, seconds = timed(generate)
    rows = sum(data_rows(paths) for _, paths in generated)
    files = sum(len(paths) for _, paths in generated)
    print(f"{label}: {councils} council(s) x {years[1] - years[0] + 1} year(s), {rows:,} rows in {files} files")
    print(f"  generate the returns                       {seconds:8.2f} s")
    with CaseworkStore(folder / "casework.duckdb") as store:
        start = time.perf_counter()
        for code, paths in generated:
            result = store.load(paths, pseudonymiser=pseudonymiser, la=code)
            assert result.ok, result.issues[:5]
        seconds = time.perf_counter() - start
        print(f"  load (check, pseudonymise, store)          {seconds:8.2f} s   {rows / seconds:10,.0f} rows/s")
        last = f"{years[1] - 1}-{years[1] % 100:02d}"
        results, seconds = timed(lambda: compute_all(store, last))
        measures = len(measure_cards())
        print(
            f"  compute the catalogue for {last}            {seconds:8.2f} s   ({measures} measures, {results} results)"
        )
        quarter_cards = [card for card in measure_cards() if not card.year_end_only]
        _, seconds = timed(lambda: [measure_compute(store, card, parse_period(f"{last}-Q3")) for card in quarter_cards])
        print(f"  compute {len(quarter_cards)} quarterly measures for {last}-Q3     {seconds:8.2f} s")
    size = (folder / "casework.duckdb").stat().st_size / 1024 / 1024
    print(f"  store size                                 {size:8.1f} MB")


def main() -> int:
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    last = (LAST_YEAR_ENDING, LAST_YEAR_ENDING)
    for label, councils, years, starts in [
        ("one council-year", 1, last, 250),
        ("20 councils x 5 years", 20, (FIRST_YEAR_ENDING, LAST_YEAR_ENDING), 250),
        ("one council-year at 40 times the size (large files)", 1, last, 10_000),
    ]:
        with tempfile.TemporaryDirectory(prefix="oversight-casework-bench-") as folder:
            scale(Path(folder), councils, years, label, starts)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS)                            {peak:8.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
