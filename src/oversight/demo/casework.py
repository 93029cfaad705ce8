"""The demo's synthetic council: its returns generated, loaded into the casework store and computed onto a
scorecard of its own, so that every figure there can be followed to the records behind it.

Every child is invented (``oversight.casework.synthetic``, seeded), and pseudonymised with the published
development key: this store is for the demo only.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
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
DEMO_APPROVED = "2011-12-Q1"  # approved for both synthetic councils, so that the alliance can set them side by side
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


@dataclass(frozen=True)
class DemoCouncil:
    """A synthetic council of the demo's alliance: its returns' seed and size, its scorecard and indicators."""

    la: str
    scorecard: str
    seed: int
    starts_per_year: int
    indicators: dict[str, str]  # measure → the indicator of its scorecard the figure is recorded as


# The second member of the demo's alliance: another seed and size, the same measures onto a scorecard of its own.
DEMO_COUNCILS = (
    DemoCouncil(DEMO_LA, "synthetic-council", 2011, 40, DEMO_INDICATORS),
    DemoCouncil(
        "Z99000002",
        "second-synthetic-council",
        2012,
        60,
        {measure: code.replace("SYN-", "SY2-") for measure, code in DEMO_INDICATORS.items()},
    ),
)

# Children starting to be looked after, month by month from April 2010 to December 2011: enough months for a
# control chart's limits, and 2011-12 to Quarter 3, from when its year end is projected.
DEMO_MONTHLY = {"cla_starts": "SYN-CLA-STARTS"}
DEMO_MONTHS = tuple(f"{2010 + (index + 3) // 12}-M{(index + 3) % 12 + 1:02d}" for index in range(21))


@dataclass(frozen=True)
class CaseworkDemo:
    store: Path
    children: int  # in every synthetic council's returns
    observations: int


def demo_casework_load(
    store_path: Path, *, run_by: str = "demo", councils: Sequence[DemoCouncil] = DEMO_COUNCILS
) -> CaseworkDemo:
    """Generate and load the synthetic councils' returns, record their figures for the demo periods, each on its
    council's scorecard, and approve the demo's quarter on both. A test that needs no alliance loads the first
    council alone (``councils=DEMO_COUNCILS[:1]``), which takes about two thirds of the time.

    Loading again changes nothing: the same seeds write the same files, which the store skips, and figures
    already on the scorecards are not recomputed (``observations`` is then 0).
    """
    imported = import_files(sorted(DATA_DIR.glob("*.csv")))
    if not imported.ok:
        raise CaseworkError("; ".join(str(issue) for issue in imported.issues))
    generated = [
        (demo, synthetic_council(demo.la, seed=demo.seed, first_year_ending=2011, last_year_ending=2012,
                                 starts_per_year=demo.starts_per_year))
        for demo in councils
    ]  # fmt: skip
    pseudonymiser = Pseudonymiser(DEVELOPMENT_KEY.encode(), is_development_key=True)
    _replace_if_outdated(store_path)
    recorded = 0
    children = sum(len(council.children) for _, council in generated)
    with tempfile.TemporaryDirectory() as folder, CaseworkStore(store_path) as store:
        store.load_postcodes(
            synthetic_postcodes([council for _, council in generated], Path(folder) / "postcodes.csv"), user=run_by
        )
        skipped = True
        for demo, council in generated:
            files = list(synthetic_returns(council, Path(folder) / demo.la))
            loaded = store.load(files, pseudonymiser=pseudonymiser, la=demo.la, user=run_by)
            if not loaded.ok:
                raise CaseworkError("; ".join(str(issue) for issue in loaded.issues))
            skipped = skipped and len(loaded.skipped) == len(files)
        if skipped and _recorded(councils):
            _councils_approve(councils)
            return CaseworkDemo(store_path, children, 0)
        run_at = datetime.now(UTC)
        for demo in councils:
            runs = [(code, demo.indicators) for code in DEMO_PERIODS]
            if demo.la == DEMO_LA:
                runs += [(code, DEMO_MONTHLY) for code in DEMO_MONTHS]
            for code, measures in runs:
                period = parse_period(code)
                results = [
                    result
                    for measure in measures
                    for result in measure_compute(store, measure_card(measure), period, la=demo.la)
                ]
                run_ids = measure_results_record(store, results, run_at=run_at, run_by=run_by)
                recorded += len(
                    casework_observations_record(
                        results, demo.indicators, run_ids=run_ids, run_at=run_at, run_by=run_by
                    )
                )
    _councils_approve(councils)
    return CaseworkDemo(store_path, children, recorded)


def _host_council() -> None:
    """What the demo holds of Cheshire East (its scorecards, its scrutiny committee, its highlight reports) given to
    Cheshire East, the alliance's host: its drafts and private business are then for its own users, as the synthetic
    councils' are for theirs, though the demo names no council of its own (``OVERSIGHT_COUNCIL``)."""
    from oversight.committee.models import Body
    from oversight.committee.services import body_set_council
    from oversight.demo.loader import DEMO_HOST
    from oversight.improvement.models import HighlightReport
    from oversight.improvement.services import highlight_report_set_council
    from oversight.performance.models import Scorecard
    from oversight.performance.services import scorecard_set_council

    reason = "the demo's alliance is hosted by Cheshire East"
    own = {demo.scorecard for demo in DEMO_COUNCILS}
    for slug in Scorecard.objects.filter(council="").exclude(slug__in=own).values_list("slug", flat=True):
        scorecard_set_council(slug=slug, council=DEMO_HOST, actor=None, reason=reason)
    for slug in Body.objects.filter(council="").values_list("slug", flat=True):
        body_set_council(slug=slug, council=DEMO_HOST, actor=None, reason=reason)
    for plan, on in HighlightReport.objects.filter(council="").values_list("plan__slug", "reported_on"):
        highlight_report_set_council(plan_slug=plan, reported_on=on, council=DEMO_HOST, actor=None, reason=reason)


def _councils_approve(councils: Sequence[DemoCouncil]) -> None:
    """Each synthetic scorecard its council's, and the demo's quarter approved on each (as the management team of each
    council did), so that the alliance's analysts see both councils' figures side by side."""
    from oversight.demo.loader import demo_approver
    from oversight.performance.services import scorecard_set_council
    from oversight.performance.signoff import signoff_record_approval

    _host_council()
    approver = demo_approver()
    for demo in councils:
        scorecard = scorecard_set_council(
            slug=demo.scorecard, council=demo.la, actor=None, reason="the demo's synthetic council"
        )
        signoff_record_approval(
            scorecard=scorecard,
            period=parse_period(DEMO_APPROVED),
            user=approver,
            note="Approved by the synthetic council's children's services management team.",
            approved_on=date(2011, 7, 14),
        )


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


def _recorded(councils: Sequence[DemoCouncil]) -> bool:
    """Whether every demo figure of ``councils`` is on their scorecards already."""
    codes = [code for demo in councils for code in demo.indicators.values()]
    recorded = Observation.objects.filter(indicator__code__in=codes, period__in=DEMO_PERIODS)
    monthly = Observation.objects.filter(indicator__code__in=DEMO_MONTHLY.values(), period__in=DEMO_MONTHS)
    return (recorded.count(), monthly.count()) == (
        len(codes) * len(DEMO_PERIODS),
        len(DEMO_MONTHLY) * len(DEMO_MONTHS),
    )
