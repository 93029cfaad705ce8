"""The demo's synthetic council: its returns generated, loaded into the casework store and computed onto a
scorecard of its own, so that every figure there can be followed to the records behind it.

Every child is invented (``oversight.casework.synthetic``, seeded), and pseudonymised with the published
development key: this store is for the demo only.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from oversight.casework.engine import measure_card, measure_compute, measure_results_record
from oversight.casework.issues import CaseworkError, OutdatedStoreError
from oversight.casework.pseudonym import DEVELOPMENT_KEY, Pseudonymiser
from oversight.casework.scorecard import casework_observations_record
from oversight.casework.store import CaseworkStore
from oversight.casework.synthetic import synthetic_council, synthetic_postcodes, synthetic_returns
from oversight.core.periods import parse_period
from oversight.performance.models import Observation
from oversight.performance.services import import_files

DATA_DIR = Path(__file__).resolve().parent / "data" / "casework"
# The demo keeps its synthetic returns in a store of their own, so that a real store is never loaded with the
# development key; `oversight demo` serves the web app with this store.
DEMO_STORE_NAME = "casework-demo.duckdb"
DEMO_LA = "Z99000001"  # not a real council's code: the council is synthetic
DEMO_PERIODS = ("2010-11", "2011-12-Q1")  # a year, and the demo scorecard's quarter
# Each measure computed for the demo, and the indicator of the synthetic council's scorecard it is recorded as.
DEMO_INDICATORS = {
    "cla_count_at_end": "SYN-CLA-COUNT",
    "cla_starts": "SYN-CLA-STARTS",
    "cla_ceases": "SYN-CLA-CEASES",
    "cla_three_plus_placements": "SYN-NI62",
    "cla_long_term_stability": "SYN-NI63",
    "cla_reviews_on_time": "SYN-NI66",
    "cla_missing": "SYN-CLA-MISSING",
    "cla_placed_over_20_miles": "SYN-CLA-20MILES",
}

# Children starting to be looked after, month by month from April 2010 to December 2011: enough months for a
# control chart's limits, and 2011-12 to Quarter 3, from when its year end is projected.
DEMO_MONTHLY = {"cla_starts": "SYN-CLA-STARTS"}
DEMO_MONTHS = tuple(f"{2010 + (index + 3) // 12}-M{(index + 3) % 12 + 1:02d}" for index in range(21))


@dataclass(frozen=True)
class CaseworkDemo:
    store: Path
    children: int
    observations: int


def demo_casework_load(store_path: Path, *, run_by: str = "demo") -> CaseworkDemo:
    """Generate and load the synthetic council's returns, and record its figures for the demo periods.

    Loading again changes nothing: the same seed writes the same files, which the store skips, and figures
    already on the scorecard are not recomputed (``observations`` is then 0).
    """
    imported = import_files(sorted(DATA_DIR.glob("*.csv")))
    if not imported.ok:
        raise CaseworkError("; ".join(str(issue) for issue in imported.issues))
    council = synthetic_council(DEMO_LA, seed=2011, first_year_ending=2011, last_year_ending=2012, starts_per_year=40)
    pseudonymiser = Pseudonymiser(DEVELOPMENT_KEY.encode(), is_development_key=True)
    _replace_if_outdated(store_path)
    recorded = 0
    with tempfile.TemporaryDirectory() as folder, CaseworkStore(store_path) as store:
        store.load_postcodes(synthetic_postcodes([council], Path(folder) / "postcodes.csv"), user=run_by)
        files = list(synthetic_returns(council, Path(folder)))
        loaded = store.load(files, pseudonymiser=pseudonymiser, la=DEMO_LA, user=run_by)
        if not loaded.ok:
            raise CaseworkError("; ".join(str(issue) for issue in loaded.issues))
        if len(loaded.skipped) == len(files) and _recorded():
            return CaseworkDemo(store_path, len(council.children), 0)
        run_at = datetime.now(UTC)
        runs = [(code, DEMO_INDICATORS) for code in DEMO_PERIODS] + [(code, DEMO_MONTHLY) for code in DEMO_MONTHS]
        for code, measures in runs:
            period = parse_period(code)
            results = [
                result
                for measure in measures
                for result in measure_compute(store, measure_card(measure), period, la=DEMO_LA)
            ]
            run_ids = measure_results_record(store, results, run_at=run_at, run_by=run_by)
            recorded += len(
                casework_observations_record(results, DEMO_INDICATORS, run_ids=run_ids, run_at=run_at, run_by=run_by)
            )
    return CaseworkDemo(store_path, len(council.children), recorded)


def _replace_if_outdated(store_path: Path) -> None:
    """The demo's store holds nothing but what the demo generates: one made by an earlier version is made again."""
    if not store_path.exists():
        return
    try:
        with CaseworkStore(store_path, read_only=True) as store:
            store.open()
    except OutdatedStoreError:
        store_path.unlink()
        store_path.with_name(store_path.name + ".wal").unlink(missing_ok=True)


def _recorded() -> bool:
    """Whether every demo figure is on the scorecard already."""
    recorded = Observation.objects.filter(indicator__code__in=DEMO_INDICATORS.values(), period__in=DEMO_PERIODS)
    monthly = Observation.objects.filter(indicator__code__in=DEMO_MONTHLY.values(), period__in=DEMO_MONTHS)
    return (recorded.count(), monthly.count()) == (
        len(DEMO_INDICATORS) * len(DEMO_PERIODS),
        len(DEMO_MONTHLY) * len(DEMO_MONTHS),
    )
