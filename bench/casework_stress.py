"""Load the synthetic national SSDA903 extract over a store already holding other councils, again and again.

A reproduction of an intermittent failure seen with DuckDB 2.0.0: loading 150 councils' five years over a store
holding 40 of them failed in about one load in ten with "Corrupted uncompressed string segment: dictionary is
outside the segment", the load rolled back and a retry worked. The same files are loaded ``STRESS_RUNS`` times
(20 unless set), each over a fresh copy of the same 40-council store, and every failure is printed with its
message. Prints figures only; the goal is no failure.

``STRESS_COUNCILS`` (150) and ``STRESS_BASE_COUNCILS`` (40) set the scale; ``STRESS_YEARS`` ("2019,2023") the
years ending of the returns.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from oversight.casework.pseudonym import DEVELOPMENT_KEY, Pseudonymiser
from oversight.casework.store import CaseworkStore

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from the repository
from bench.casework import councils, ssda903_national  # noqa: E402


def main() -> int:
    runs = int(os.environ.get("STRESS_RUNS", "20"))
    count = int(os.environ.get("STRESS_COUNCILS", "150"))
    base_count = int(os.environ.get("STRESS_BASE_COUNCILS", "40"))
    first, last = (int(year) for year in os.environ.get("STRESS_YEARS", "2019,2023").split(","))
    pseudonymiser = Pseudonymiser(DEVELOPMENT_KEY.encode(), is_development_key=True)
    print(f"DuckDB {duckdb.__version__}: {count} councils' SSDA903 for {first}-{last} over {base_count}, {runs} times")
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        started = time.perf_counter()
        base_files, _ = ssda903_national(councils(base_count), (first, last), folder / "base")
        files, _ = ssda903_national(councils(count), (first, last), folder / "all")
        print(f"Generated in {time.perf_counter() - started:.0f} s (not timed below)")
        base = folder / "base.duckdb"
        with CaseworkStore(base) as store:
            store.open(create=True)
            if not store.load(base_files, pseudonymiser=pseudonymiser).ok:
                raise SystemExit("the base store did not load")
        failures = 0
        for run in range(1, runs + 1):
            path = folder / "run.duckdb"
            for stale in folder.glob("run.duckdb*"):
                stale.unlink()
            shutil.copy(base, path)
            started = time.perf_counter()
            try:
                with CaseworkStore(path) as store:
                    result = store.load(files, pseudonymiser=pseudonymiser)
                outcome = "loaded" if result.ok else f"refused: {result.issues[0]}"
            except duckdb.Error as error:
                failures += 1
                outcome = f"FAILED: {error}"
            print(f"  run {run:>2}: {time.perf_counter() - started:5.1f} s, {outcome}", flush=True)
    print(f"{failures} failure(s) in {runs} loads; goal: none ({'met' if not failures else 'not met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
