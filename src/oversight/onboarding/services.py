"""A council's start, in one call: the standard scorecard made, its returns loaded and computed for every period
they cover, DfE's published figures loaded and each indicator linked to its series. Each step is an existing
service (the scorecard import, the casework store's load, the engine, the published import, the benchmark link);
this only puts them in order, and each step is all or nothing as that service is.

Running it again changes nothing unless something is new: files loaded before are skipped, the catalogue adds
only indicators it has gained (never overwriting what the council changed), figures are computed again only when
returns were loaded or a figure is missing, and links are made only where they are missing or different.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

from oversight.benchmarks.models import IndicatorLink, LocalAuthority, PublishedSeries
from oversight.benchmarks.reference import reference_ensure
from oversight.benchmarks.selectors import authority_by_code
from oversight.benchmarks.services import comparators_fill, indicator_link_save, published_import
from oversight.casework.engine import RETURNS, MeasureCard, measure_results_record, periods_compute
from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.scorecard import casework_observations_record
from oversight.casework.store import CaseworkStore
from oversight.core.periods import Period, parse_period
from oversight.core.problems import ApplicationError, Issue
from oversight.onboarding.catalogue import StandardScorecard, catalogue_files, standard_scorecard
from oversight.onboarding.steps import Steps
from oversight.performance.models import Indicator, Observation, Priority, Scorecard
from oversight.performance.services import import_files

VIA = "oversight start"
# DfE's published figures that come with oversight (published/SOURCES.md), loaded when a start is given none and
# holds none of the series its scorecard links to.
SHIPPED = Path(__file__).resolve().parent / "published"
# The periods worked out for each year a return covers (ending 31 March of ``year``): the financial year, its
# quarters, and the rolling twelve months to the end of each of its first three quarters (the fourth is the year).
STEP_NAMES = (
    "Creating the scorecard",
    "Loading the returns",
    "Loading DfE's published figures",
    "Computing the figures",
    "Linking to DfE's published figures",
)
_YEAR_PERIODS = ("{fy}", "{fy}-Q1", "{fy}-Q2", "{fy}-Q3", "{fy}-Q4", "R12-{y0}-M06", "R12-{y0}-M09", "R12-{y0}-M12")


class StartError(ApplicationError):
    """A start that cannot begin: the council is not one oversight knows, or the catalogue does not fit."""


@dataclass
class StartResult:
    scorecard: str = ""  # its slug
    la: str = ""  # the council's ONS code
    council: str = ""  # its name
    issues: list[Issue] = field(default_factory=list)  # problems that stopped a step: nothing of it was written
    notes: list[str] = field(default_factory=list)
    indicators_created: int = 0
    files_loaded: int = 0
    files_skipped: int = 0
    quality_issues: int = 0
    periods: list[str] = field(default_factory=list)
    years: set[str] = field(default_factory=set)  # the financial years the periods computed fall in
    figures: int = 0
    published_rows: int = 0
    benchmarked: list[str] = field(default_factory=list)  # indicator codes linked to a published series

    @property
    def ok(self) -> bool:
        return not self.issues


def uploads_folder() -> Path:
    """Where the start page's uploads wait for their job: in the data directory, its owner's alone (returns name
    children until they are pseudonymised)."""
    folder = Path(settings.OVERSIGHT_UPLOADS)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def council_authority(code: str) -> LocalAuthority:
    """The council by its ONS code, LA number or name, as benchmarking knows it (loading the reference data first)."""
    reference_ensure()
    authority = authority_by_code(code)
    if authority is None or not authority.code:
        raise StartError(f"'{code}' is not an LA number, ONS code or name of a council oversight knows")
    return authority


def council_start(
    la: str,
    *,
    returns: Sequence[Path] = (),
    published: Sequence[Path] = (),
    pseudonymiser: Pseudonymiser | None,
    store_path: Path,
    user_name: str,
    steps: Steps | None = None,
) -> StartResult:
    """Start (or carry on) a council's scorecard. ``pseudonymiser`` may be None only when no returns are given."""
    steps = steps or Steps()
    authority = council_authority(la)
    catalogue = standard_scorecard()
    result = StartResult(scorecard=catalogue.slug, la=authority.code, council=authority.name)
    steps.step(STEP_NAMES[0], len(catalogue.indicators))
    _scorecard_create(catalogue, result, steps)
    if not result.ok:
        return result
    loaded_anything = False
    if returns:
        if pseudonymiser is None:
            raise StartError("returns are pseudonymised on the way in: a pseudonymisation key is needed")
        steps.step(STEP_NAMES[1], len(returns))
        loaded_anything = _returns_load(returns, authority.code, pseudonymiser, store_path, user_name, result, steps)
        if not result.ok:
            return result
    if not published and not _published_held(catalogue):
        published = sorted(SHIPPED.glob("*.csv"))
        result.notes.append(
            "Loaded DfE's published figures that come with oversight (to 31 March 2025); "
            "load newer releases with --published."
        )
    if published:
        steps.step(STEP_NAMES[2], None)
        imported = published_import(list(published), user_name=user_name, progress=steps.advance)
        if not imported.ok:
            result.issues.extend(imported.issues)
            return result
        result.published_rows = imported.rows
        result.notes.extend(imported.notes)
    if store_path.exists():
        _figures_compute(catalogue, authority.code, store_path, user_name, result, steps, recompute=loaded_anything)
        if not result.ok:
            return result
    steps.step(STEP_NAMES[4], len(catalogue.indicators))
    _links_make(catalogue, authority, refresh=bool(published), result=result, steps=steps)
    return result


def _published_held(catalogue: StandardScorecard) -> bool:
    """Whether any of the published series the scorecard links to has been loaded, from whichever file."""
    wanted = {series for indicator in catalogue.indicators for series in indicator.published}
    return PublishedSeries.objects.filter(code__in=wanted).exists()


def _scorecard_create(catalogue: StandardScorecard, result: StartResult, steps: Steps) -> None:
    """The scorecard, priorities and indicators the catalogue has and the database does not, by the import."""
    scorecard = Scorecard.objects.filter(slug=catalogue.slug).first()
    priorities = (
        set(Priority.objects.filter(scorecard=scorecard).values_list("code", flat=True)) if scorecard else set()
    )
    indicators = set(Indicator.objects.filter(code__in=catalogue.indicator_map.values()).values_list("code", flat=True))
    with tempfile.TemporaryDirectory() as folder:
        files = catalogue_files(
            catalogue,
            Path(folder),
            scorecard_exists=scorecard is not None,
            existing_priorities=priorities,
            existing_indicators=indicators,
        )
        if files:
            imported = import_files(files, progress=steps.advance)
            result.issues.extend(imported.issues)
            if imported.ok:
                result.indicators_created = len(catalogue.indicators) - len(indicators)


def _returns_load(
    paths: Sequence[Path],
    la: str,
    pseudonymiser: Pseudonymiser,
    store_path: Path,
    user_name: str,
    result: StartResult,
    steps: Steps,
) -> bool:
    """Load the returns for the council; True when any file was new to the store."""
    with CaseworkStore(store_path) as store:
        loaded = store.load(paths, pseudonymiser=pseudonymiser, la=la, user=user_name, progress=steps.advance)
    if not loaded.ok:
        result.issues.extend(loaded.issues)
        return False
    result.files_loaded = loaded.files - len(loaded.skipped)
    result.files_skipped = len(loaded.skipped)
    result.quality_issues = sum(loaded.quality.values())
    result.notes.extend(str(notice) for notice in loaded.notices)
    if pseudonymiser.is_development_key:
        result.notes.append("Pseudonymised with the published development key: use it for synthetic data only.")
    return result.files_loaded > 0


def year_spans(store: CaseworkStore, la: str) -> dict[str, tuple[int, int]]:
    """For each return loaded for the council, the first and last years (ending 31 March) its loads cover."""
    spans: dict[str, tuple[int, int]] = {}
    for table, first, last in store.query(
        "SELECT table_name, min(year_ending), max(year_ending) FROM loads WHERE la = $la AND year_ending IS NOT NULL "
        "GROUP BY table_name",
        {"la": la},
    ):
        held_in = RETURNS.get(str(table))
        if held_in is None:
            continue
        known = spans.get(held_in)
        spans[held_in] = (int(first), int(last)) if known is None else (min(known[0], first), max(known[1], last))
    return spans


def card_periods(card: MeasureCard, spans: dict[str, tuple[int, int]]) -> list[Period]:
    """The periods a measure is worked out for: each year every return it reads covers (a year-end measure for the
    year only), in order."""
    if not card.returns or any(name not in spans for name in card.returns):
        return []
    first = max(spans[name][0] for name in card.returns)
    last = min(spans[name][1] for name in card.returns)
    periods: list[Period] = []
    for year in range(first, last + 1):
        # A rolling twelve months to June, September or December reaches back into the year before: not in the
        # first year the returns cover.
        codes = _YEAR_PERIODS[:1] if card.year_end_only else _YEAR_PERIODS[: 5 if year == first else None]
        fy = f"{year - 1}-{year % 100:02d}"
        periods.extend(parse_period(code.format(fy=fy, y0=year - 1)) for code in codes)
    return periods


def _figures_compute(
    catalogue: StandardScorecard,
    la: str,
    store_path: Path,
    user_name: str,
    result: StartResult,
    steps: Steps,
    *,
    recompute: bool,
) -> None:
    """Work every measure out for every period its returns cover and record it as its indicator's figure: all of
    them when returns were loaded (a later return may revise an earlier year), else only figures not there yet."""
    with CaseworkStore(store_path) as store:
        spans = year_spans(store, la)
        wanted: dict[str, tuple[Period, list[MeasureCard]]] = {}
        for indicator in catalogue.indicators:
            for period in card_periods(indicator.card, spans):
                wanted.setdefault(period.code, (period, []))[1].append(indicator.card)
        mapping = catalogue.indicator_map
        if not recompute:
            held = set(
                Observation.objects.filter(indicator__code__in=mapping.values(), period__in=wanted).values_list(
                    "indicator__code", "period"
                )
            )
            wanted = {
                code: (period, cards)
                for code, (period, cards) in wanted.items()
                if any((mapping[card.id], code) not in held for card in cards)
            }
        ordered = sorted(wanted.values(), key=lambda item: (item[0].end, item[0].start))
        by_card: dict[str, tuple[MeasureCard, list[Period]]] = {}
        for period, cards in ordered:
            for card in cards:
                by_card.setdefault(card.id, (card, []))[1].append(period)
        steps.step(STEP_NAMES[3], len(by_card) + len(ordered))  # each measure computed, then each period recorded
        computed = periods_compute(store, list(by_card.values()), la=la, progress=steps.advance)
        run_at = datetime.now(UTC)
        for period, cards in ordered:
            results = [found for card in cards for found in computed[(card.id, period.code)]]
            run_ids = measure_results_record(store, results, run_at=run_at, run_by=user_name)
            with transaction.atomic():
                recorded = casework_observations_record(
                    results, mapping, run_ids=run_ids, run_at=run_at, run_by=user_name
                )
            result.figures += len(recorded)
            result.periods.append(period.code)
            result.years.add(period.fiscal_year.code)
            steps.advance()


def _links_make(
    catalogue: StandardScorecard, authority: LocalAuthority, *, refresh: bool, result: StartResult, steps: Steps
) -> None:
    """Link each indicator DfE publishes to its series for the council, unless it is linked so already (then its
    comparators are refilled when published figures were loaded). An indicator linked by hand to another series
    or council keeps its link."""
    wanted = {series for indicator in catalogue.indicators for series in indicator.published}
    known = {series.code: series for series in PublishedSeries.objects.filter(code__in=wanted)}
    links = {
        link.indicator.code: link
        for link in IndicatorLink.objects.filter(indicator__code__in=catalogue.indicator_map.values()).select_related(
            "indicator"
        )
    }
    indicators = Indicator.objects.in_bulk(list(catalogue.indicator_map.values()), field_name="code")
    for item in catalogue.indicators:
        series = next((known[code] for code in item.published if code in known), None)
        link = links.get(item.code)
        indicator = indicators.get(item.code)
        if indicator is None:  # trimmed from the scorecard by hand
            pass
        elif link is not None:
            if refresh:
                comparators_fill(indicator)
            result.benchmarked.append(item.code)
        elif series is not None:
            indicator_link_save(indicator=indicator, series=series, authority=authority, via=VIA)
            result.benchmarked.append(item.code)
        steps.advance()


def start_summary(result: StartResult) -> list[str]:
    """What a start did, a sentence a line: the same words on the command line and the start page."""
    lines = [
        f"Scorecard '{result.scorecard}' for {result.council} ({result.la}): "
        + (f"{result.indicators_created} indicators created." if result.indicators_created else "already there.")
    ]
    if result.files_loaded or result.files_skipped:
        lines.append(
            f"Loaded {result.files_loaded} file(s) of returns"
            + (f"; skipped {result.files_skipped} loaded before" if result.files_skipped else "")
            + (
                f"; {result.quality_issues:,} data-quality issue(s) kept with the data "
                "(oversight casework quality --details lists them)."
                if result.quality_issues
                else "; no data-quality issues."
            )
        )
    if result.published_rows:
        lines.append(f"Loaded {result.published_rows:,} published figures.")
    if result.periods:
        first, last = min(result.years), max(result.years)
        lines.append(
            f"Computed {result.figures:,} figures for {len(result.periods)} periods: "
            + (f"the years {first} to {last}" if first != last else f"the year {first}")
            + " with their quarters and rolling twelve months."
        )
    else:
        lines.append("No figures to compute: every figure the returns give is on the scorecard already.")
    lines.append(
        f"Benchmarked {len(result.benchmarked)} indicator(s) against DfE's published figures"
        + (f": {', '.join(result.benchmarked)}." if result.benchmarked else ": load DfE's files with --published.")
    )
    return lines
