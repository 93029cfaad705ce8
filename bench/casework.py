"""How fast the casework engine loads the DfE returns and computes the measure catalogue. Prints figures only.

Seeded synthetic returns, every child invented (``oversight.casework.synthetic`` for the SSDA903,
``oversight.casework.synthetic_cin`` for the CIN census), at two scales:

* one council-year: one council's SSDA903 CSV tables and CIN census XML for 2023-24;
* national: ``BENCH_COUNCILS`` councils (150 unless set) x five years, 2019-20 to 2023-24. The SSDA903 comes
  as national files with an LA column, one per table and year, as a national extract would; the CIN census
  as one XML file per council and year, as councils submit it. Each format is one load. About 250
  children start care and 2,000 referrals are made in each council each year, near England's averages.

For each scale it prints rows per second for loading each format, the seconds the whole catalogue takes for
2023-24 (every measure, every council), and at the end the peak memory of the process and of it with its
worker processes (the CIN census is read by one per core). Each step also shows the CPU time it used, and so
how many cores it kept busy: a step that keeps both cores busy can only get faster by doing less work.
Generating the files is timed apart and not counted.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import NamedTuple, TypeVar

from oversight.casework.engine import catalogue_compute, measure_cards
from oversight.casework.pseudonym import DEVELOPMENT_KEY, Pseudonymiser
from oversight.casework.reference import population_rows
from oversight.casework.store import CaseworkStore, LoadResult
from oversight.casework.synthetic import (
    SyntheticCouncil,
    synthetic_council,
    synthetic_national_returns,
    write_postcodes,
)
from oversight.casework.synthetic_cin import synthetic_cin_census, synthetic_cin_council
from oversight.core.periods import parse_period

SEED = 20261123
FIRST_YEAR_ENDING, LAST_YEAR_ENDING = 2020, 2024
PERIOD = "2023-24"
STARTS_PER_YEAR, REFERRALS_PER_YEAR = 250, 2_000
T = TypeVar("T")


class PeakMemory(threading.Thread):
    """The largest resident memory of this process and its worker processes together, sampled every 50 ms.

    ``ru_maxrss`` of the workers will not do: a worker is forked before it starts Python afresh, so its
    figure includes this process's memory at that moment.
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.05):
            self.peak = max(self.peak, sum(_rss(pid) for pid in [os.getpid(), *_children()]))

    def stop(self) -> int:
        self.stopped.set()
        self.join()
        return self.peak


def _children() -> list[int]:
    task = Path(f"/proc/{os.getpid()}/task")
    pids: list[int] = []
    for thread in task.iterdir() if task.exists() else []:
        try:
            pids += [int(pid) for pid in (thread / "children").read_text().split()]
        except OSError:
            continue
    return pids


def _rss(pid: int) -> int:
    """Resident memory in bytes (0 once the process has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class Took(NamedTuple):
    """How long a step took on the clock, and the CPU time it used: this process's, and that of the worker
    processes it waited for. On two cores a step can take no less than half its CPU time."""

    seconds: float
    cpu: float

    def __str__(self) -> str:
        return f"{self.seconds:8.2f} s   {self.cpu:6.1f} CPU-s ({self.cpu / self.seconds:.1f} cores)"


def _cpu() -> float:
    used = os.times()
    return used.user + used.system + used.children_user + used.children_system


def timed(action: Callable[[], T]) -> tuple[T, Took]:
    start, cpu = time.perf_counter(), _cpu()
    result = action()
    return result, Took(time.perf_counter() - start, _cpu() - cpu)


def councils(count: int) -> list[str]:
    """Real council codes, since a census names its council by its DfE number."""
    codes = sorted({row.new_la_code for row in population_rows()})
    if count > len(codes):
        raise SystemExit(f"BENCH_COUNCILS may be at most {len(codes)}, the councils in the ONS estimates")
    return codes[:count]


def ssda903_national(codes: list[str], years: tuple[int, int], folder: Path) -> tuple[list[Path], Path]:
    """Each council's returns, merged into one file per table and year with an LA column; and the postcode lookup
    of all their postcodes."""
    postcodes: dict[str, tuple[str, int, int]] = {}

    def built() -> Iterator[SyntheticCouncil]:  # one council at a time, as its files are merged
        for code in codes:
            council = synthetic_council(
                code, seed=SEED, first_year_ending=years[0], last_year_ending=years[1], starts_per_year=STARTS_PER_YEAR
            )
            postcodes.update(council.postcodes)
            yield council

    paths = synthetic_national_returns(built(), folder / "national")
    return paths, write_postcodes(postcodes.items(), folder / "postcodes.csv")


def cin_censuses(codes: list[str], years: tuple[int, int], folder: Path) -> list[Path]:
    paths: list[Path] = []
    for code in codes:
        council = synthetic_cin_council(
            code,
            seed=SEED,
            first_year_ending=years[0],
            last_year_ending=years[1],
            referrals_per_year=REFERRALS_PER_YEAR,
        )
        paths += synthetic_cin_census(council, folder / "cin")
    return paths


def report_load(label: str, result: LoadResult, took: Took) -> int:
    assert result.ok, result.issues[:5]
    rows = sum(table.rows for table in result.tables.values())
    print(f"  load {label:<38} {took}   {rows:>11,} rows   {rows / took.seconds:10,.0f} rows/s")
    return rows


def catalogue(store: CaseworkStore) -> None:
    cards = measure_cards()
    period = parse_period(PERIOD)
    results, took = timed(lambda: sum(len(found) for _, found in catalogue_compute(store, cards, period)))
    print(f"  compute the catalogue for {PERIOD}            {took}   ({len(cards)} measures, {results} results)")


def generate(codes: list[str], years: tuple[int, int], folder: Path) -> tuple[list[Path], Path, list[Path]]:
    """Write the returns and the postcode lookup: the SSDA903 files, the lookup, the census files."""
    ssda903, postcodes = ssda903_national(codes, years, folder)
    return ssda903, postcodes, cin_censuses(codes, years, folder)


Returns = tuple[list[Path], Path, list[Path]]  # the SSDA903 files, the postcode lookup, the census files


def generate_apart(codes: list[str], years: tuple[int, int], folder: Path) -> tuple[Returns, float]:
    """The returns, written by a process of their own, and the seconds it took: the loads are then timed in a
    process that, like `oversight casework load`, starts from files on disk rather than after the generator's
    work."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        returns, took = timed(lambda: pool.submit(generate, codes, years, folder).result())
    os.sync()  # the new files on disk first: the kernel writing them out would otherwise be billed to the load
    return returns, took.seconds


def settle() -> None:
    """Wait for the disk to finish writing the generated returns out. On a virtual machine the host goes on
    writing after the guest's sync returns, and a load started at once pays for it (docs/performance.md):
    the national SSDA903 load took 12.6 s straight after 2 GB was written and synced, 11.0 s 30 s later."""
    seconds = float(os.environ.get("BENCH_SETTLE_SECONDS", "30"))
    print(f"waiting {seconds:.0f} s for the disk to settle after writing the returns (BENCH_SETTLE_SECONDS)")
    time.sleep(seconds)


def scale(
    label: str, codes: list[str], years: tuple[int, int], folder: Path, generated: tuple[Returns, float]
) -> float:
    (ssda903, postcodes, cin), seconds = generated
    print(f"{label}: {len(codes)} council(s) x {years[1] - years[0] + 1} year(s)")
    print(f"  generate the returns (not counted)          {seconds:8.2f} s   {len(ssda903) + len(cin)} files")
    pseudonymiser = Pseudonymiser(DEVELOPMENT_KEY.encode(), is_development_key=True)
    start, cpu = time.perf_counter(), _cpu()
    with CaseworkStore(folder / "casework.duckdb") as store:
        lookup, took = timed(lambda: store.load_postcodes(postcodes))
        print(
            f"  load the postcode lookup                    {took}   {lookup.postcodes:>11,} rows   "
            f"{lookup.postcodes / took.seconds:10,.0f} rows/s"
        )
        result, took = timed(lambda: store.load(ssda903, pseudonymiser=pseudonymiser))
        rows = report_load("SSDA903 CSV", result, took)
        # One load for the whole census: it is staged and written a chunk at a time (readers.cin.CHUNK_BYTES)
        # while worker processes flatten the next, so memory stays that of a chunk.
        result, took = timed(lambda: store.load(cin, pseudonymiser=pseudonymiser))
        assert result.ok, result.issues[:5]
        rows += report_load("CIN census XML", result, took)
        catalogue(store)
    total = Took(time.perf_counter() - start, _cpu() - cpu)
    size = (folder / "casework.duckdb").stat().st_size / 1024 / 1024
    print(f"  load and compute, all told                  {total}   {rows:>11,} rows")
    print(f"  store size                                  {size:8.1f} MB")
    return total.seconds


NATIONAL_COUNCILS = 150
GOAL_SECONDS = 60  # national scale loaded and the whole catalogue computed, all told
GOAL_MB = 4 * 1024  # within this much memory, the worker processes included


def main() -> int:
    count = int(os.environ.get("BENCH_COUNCILS", str(NATIONAL_COUNCILS)))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    scales = [
        ("one council-year", councils(1), (LAST_YEAR_ENDING, LAST_YEAR_ENDING)),
        ("national", councils(count), (FIRST_YEAR_ENDING, LAST_YEAR_ENDING)),
    ]
    with tempfile.TemporaryDirectory(prefix="oversight-casework-bench-") as top:
        folders = [Path(top) / str(number) for number in range(len(scales))]
        generated = [
            generate_apart(codes, years, folder) for (_, codes, years), folder in zip(scales, folders, strict=True)
        ]
        settle()
        sampler = PeakMemory()
        sampler.start()
        totals = [
            scale(label, codes, years, folder, returns)
            for (label, codes, years), folder, returns in zip(scales, folders, generated, strict=True)
        ]
        together = sampler.stop() / 1024 / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS)                             {peak:8.1f} MB   (this process)")
    print(f"  with the worker processes reading XML       {together:8.1f} MB   (sampled every 50 ms)")
    if count == NATIONAL_COUNCILS:
        met = totals[-1] < GOAL_SECONDS and together < GOAL_MB
        print(
            f"goal at national scale: under {GOAL_SECONDS} s within {GOAL_MB / 1024:.0f} GB on 2 cores; this run "
            f"{totals[-1]:.2f} s within {together / 1024:.2f} GB: {'met' if met else 'not met'}"
        )
        print(
            "  the run is CPU-bound: where a machine's speed varies, compare runs by the untimed generation above "
            "(docs/performance.md)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
