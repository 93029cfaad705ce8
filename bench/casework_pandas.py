"""The engine against the pandas reference (tests/casework/pandas_reference.py), timed on the same data.

Times the whole catalogue and each group, and prints the ratio of the times (above 1: the engine is faster).
Each group is timed on its own, working out the episode spells again if it reads them; the whole catalogue
works them out once.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# The pandas reference lives in the test tree, which the tests import it from; this script runs from the
# repository root or from anywhere else, so it puts the root on the path itself.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd
from tests.casework.pandas_reference import GROUPS, MEASURES, Figures, Returns, engine_afresh, pandas_catalogue

from oversight.casework.engine import measure_cards
from oversight.casework.pseudonym import DEVELOPMENT_KEY, Pseudonymiser
from oversight.casework.reference import population_rows
from oversight.casework.store import CaseworkStore
from oversight.casework.synthetic import synthetic_council, synthetic_postcode_area, synthetic_returns, write_postcodes
from oversight.casework.synthetic_cin import synthetic_cin_census, synthetic_cin_council
from oversight.core.periods import parse_period

SEED = 20261123
GOAL_TIMES = 10  # the engine's whole catalogue against pandas's, on the same data
GOAL_COUNCILS = 150  # national scale


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bench_councils(count: int) -> list[str]:
    """Real council codes, since a CIN census names its council by its DfE number and rates need estimates."""
    return sorted({row.new_la_code for row in population_rows()})[:count]


def main() -> int:
    councils, first, last = int(os.environ.get("BENCH_COUNCILS", "20")), 2017, 2021
    period = f"{last - 1}-{last % 100:02d}"
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, pandas {pd.__version__}")
    pseudonymiser = Pseudonymiser(DEVELOPMENT_KEY.encode(), is_development_key=True)
    with tempfile.TemporaryDirectory(prefix="oversight-pandas-bench-") as folder:
        root = Path(folder)
        path = root / "casework.duckdb"
        with CaseworkStore(path) as store:
            areas = [synthetic_postcode_area(code, seed=SEED) for code in bench_councils(councils)]
            lookup = write_postcodes((item for area in areas for item in area.items()), root / "postcodes.csv")
            store.load_postcodes(lookup)
            for code in bench_councils(councils):
                council = synthetic_council(
                    code, seed=SEED, first_year_ending=first, last_year_ending=last, adoptions=True
                )
                cin = synthetic_cin_council(code, seed=SEED, first_year_ending=first, last_year_ending=last)
                paths = [*synthetic_returns(council, root / code), *synthetic_cin_census(cin, root / "cin")]
                result = store.load(paths, pseudonymiser=pseudonymiser, la=code)
                assert result.ok, result.issues[:3]
            episodes, referrals = store.query("SELECT (SELECT count(*) FROM episodes), count(*) FROM cin_episodes")[0]
        window = parse_period(period)
        print(f"{councils} councils x {last - first + 1} years, {episodes:,} episodes, {referrals:,} referrals")
        print(f"period {period} (the adoption measures: the three years to its end)")
        with CaseworkStore(path, read_only=True) as store:
            returns = Returns.from_store(store)
        # The cards and the manifests parsed from their SQL are read once per process, as a command reads them
        # before it computes: not counted in the first run alone, which would make it unlike the others.
        print(f"measure cards and their SQL manifests read once, in {_timed(measure_cards):.2f} s (not counted)")
        runs = {"the whole catalogue": sorted(MEASURES)} | {
            group: [measure.__name__ for measure in measures] for group, measures in GROUPS.items()
        }
        engine: dict[str, Figures] = {}
        frames: dict[str, Figures] = {}
        times = {}
        # Each run starts from nothing worked out, on both sides: the engine opens the store afresh, as
        # `oversight casework compute` does (so builds its shared tables again), and pandas starts from the
        # tables as read, without the spells of the run before.
        for label, names in runs.items():
            duck = _timed(lambda names=names: engine.update(engine_afresh(path, period, names)))
            fresh = returns.afresh()
            panda = _timed(
                lambda names=names, fresh=fresh: frames.update(pandas_catalogue(fresh, window.start, window.end, names))
            )
            times[label] = (len(names), duck, panda)
    names = sorted(MEASURES)
    disagreements = [name for name in names if engine[name] != frames[name]]
    print(f"  {'':<22} {'measures':>8} {'engine':>9} {'pandas':>9} {'pandas/engine':>14}")
    for label, (count, duck, panda) in times.items():
        print(f"  {label:<22} {count:>8} {duck:8.2f}s {panda:8.2f}s {panda / duck:13.1f}x")
    print(f"  figures agree for {len(names) - len(disagreements)} of {len(names)} measures")
    _count, duck, panda = times["the whole catalogue"]
    goal = f"goal at national scale: the whole catalogue at least {GOAL_TIMES} times as fast as pandas"
    if councils < GOAL_COUNCILS:
        print(f"{goal}; judged with BENCH_COUNCILS={GOAL_COUNCILS}, not at {councils} councils")
    else:
        print(f"{goal}; this run {panda / duck:.1f} times: {'met' if panda / duck >= GOAL_TIMES else 'not met'}")
    print(f"peak memory (RSS) {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.1f} MB")
    for name in disagreements:
        print(f"  DISAGREE {name}: engine {engine[name]} pandas {frames[name]}")
    return 1 if disagreements else 0


if __name__ == "__main__":
    raise SystemExit(main())
