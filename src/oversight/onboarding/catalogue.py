"""The standard children's services scorecard, as data: ``standard_scorecard.yml`` groups the casework measures
under priorities and gives each its indicator code; the measure cards give the rest. It is written out in the
import format (scorecards, priorities, indicators) so that the scorecard is made by the same import, with the
same checks and change history, as one a council writes by hand."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from oversight.casework.engine import RETURN_TITLES, MeasureCard, TimeBasis, measure_cards
from oversight.core.problems import ApplicationError

CATALOGUE_FILE = "standard_scorecard.yml"
_INDICATOR_KEYS = frozenset({"measure", "code", "published", "aggregation", "minimum_cohort"})


class CatalogueError(ApplicationError):
    """The standard scorecard's file does not fit the measure cards; the message lists every problem."""


@dataclass(frozen=True)
class StandardIndicator:
    code: str
    card: MeasureCard
    priority: str
    order: int
    published: tuple[str, ...]  # the published series that may benchmark it, in order of preference
    aggregation: str | None
    minimum_cohort: int | None


@dataclass(frozen=True)
class StandardPriority:
    code: str
    title: str
    order: int


@dataclass(frozen=True)
class StandardScorecard:
    slug: str
    title: str
    description: str
    priorities: tuple[StandardPriority, ...]
    indicators: tuple[StandardIndicator, ...]

    @property
    def indicator_map(self) -> dict[str, str]:
        """Each measure and the indicator it is recorded as: ``casework compute --indicator-map`` made whole."""
        return {indicator.card.id: indicator.code for indicator in self.indicators}


@cache
def standard_scorecard() -> StandardScorecard:
    """The scorecard described by the package's ``standard_scorecard.yml``."""
    text = resources.files("oversight.onboarding").joinpath(CATALOGUE_FILE).read_text(encoding="utf-8")
    return scorecard_from_mapping(yaml.safe_load(text), measure_cards())


def scorecard_from_mapping(data: Any, cards: Sequence[MeasureCard]) -> StandardScorecard:
    """Check the file's contents against the measure cards and build the scorecard; every problem in one error."""
    if not isinstance(data, Mapping) or not isinstance(data.get("scorecard"), Mapping):
        raise CatalogueError(f"{CATALOGUE_FILE}: give a 'scorecard' (slug, title, description) and 'priorities'")
    by_id = {card.id: card for card in cards}
    cohorts = data.get("minimum_cohort") or {}
    problems: list[str] = []
    priorities: list[StandardPriority] = []
    indicators: list[StandardIndicator] = []
    seen_codes: set[str] = set()
    seen_measures: set[str] = set()
    for p_order, priority in enumerate(data.get("priorities") or [], start=1):
        code, title = str(priority.get("code", "")), str(priority.get("title", ""))
        if not code or not title:
            problems.append(f"priority {p_order} needs a code and a title")
        priorities.append(StandardPriority(code, title, p_order))
        for i_order, item in enumerate(priority.get("indicators") or [], start=1):
            unknown = sorted(set(item) - _INDICATOR_KEYS)
            measure, indicator_code = str(item.get("measure", "")), str(item.get("code", ""))
            where = f"{code} indicator {i_order} ({measure or 'no measure'})"
            if unknown:
                problems.append(
                    f"{where}: {', '.join(unknown)} is not a field; use {', '.join(sorted(_INDICATOR_KEYS))}"
                )
            if measure not in by_id:
                problems.append(f"{where}: there is no measure card '{measure}'")
                continue
            if not indicator_code or len(indicator_code) > 24:
                problems.append(f"{where}: give a code of 1 to 24 characters")
            if indicator_code in seen_codes:
                problems.append(f"{where}: the code {indicator_code} is given twice")
            if measure in seen_measures:
                problems.append(f"{where}: the measure is on the scorecard twice")
            seen_codes.add(indicator_code)
            seen_measures.add(measure)
            indicators.append(
                StandardIndicator(
                    code=indicator_code,
                    card=by_id[measure],
                    priority=code,
                    order=i_order,
                    published=tuple(str(series) for series in item.get("published") or ()),
                    aggregation=item.get("aggregation"),
                    minimum_cohort=item.get("minimum_cohort", cohorts.get(str(by_id[measure].unit))),
                )
            )
    if problems:
        raise CatalogueError(f"{CATALOGUE_FILE}: " + "; ".join(problems))
    card = data["scorecard"]
    return StandardScorecard(
        slug=str(card.get("slug", "")),
        title=str(card.get("title", "")),
        description=" ".join(str(card.get("description", "")).split()),
        priorities=tuple(priorities),
        indicators=tuple(indicators),
    )


def _indicator_row(scorecard: StandardScorecard, indicator: StandardIndicator) -> dict[str, object]:
    card = indicator.card
    returns = " and ".join(RETURN_TITLES.get(name, name) for name in card.returns)
    dfe = f"; DfE: {card.dfe_measure_id}" if card.dfe_measure_id else ""
    aggregation = indicator.aggregation or ("snapshot" if card.time_basis is TimeBasis.SNAPSHOT else "in_period")
    return {
        "code": indicator.code,
        "scorecard": scorecard.slug,
        "priority": indicator.priority,
        "order": indicator.order,
        "title": card.title,
        "description": card.title,
        "definition": card.definition,
        "unit": card.unit.value,
        "decimal_places": card.decimal_places,
        "polarity": card.polarity.value,
        # A figure the return records once a year (at 31 March) cannot be given for a quarter.
        "frequency": "annual" if card.year_end_only else "quarterly",
        "aggregation": aggregation,
        "year_type": "financial",
        "legacy_ni_ref": card.legacy_ni or "",
        "minimum_cohort": "" if indicator.minimum_cohort is None else indicator.minimum_cohort,
        "source": f"Computed by oversight from the {returns} (casework measure {card.id}){dfe}"[:300],
        "notes": card.published_as or "",
    }


def catalogue_files(
    scorecard: StandardScorecard,
    folder: Path,
    *,
    scorecard_exists: bool,
    existing_priorities: set[str],
    existing_indicators: set[str],
) -> list[Path]:
    """The scorecard, its priorities and its indicators in the import format, in ``folder``: only those not there
    yet, so a second start adds what the catalogue has gained and never overwrites what a council has changed."""
    tables: dict[str, list[dict[str, object]]] = {
        "scorecards": [{"scorecard": scorecard.slug, "title": scorecard.title, "description": scorecard.description}]
        if not scorecard_exists
        else [],
        "priorities": [
            {"scorecard": scorecard.slug, "code": p.code, "title": p.title, "order": p.order}
            for p in scorecard.priorities
            if p.code not in existing_priorities
        ],
        "indicators": [
            _indicator_row(scorecard, indicator)
            for indicator in scorecard.indicators
            if indicator.code not in existing_indicators
        ],
    }
    paths = []
    for name, rows in tables.items():
        if not rows:
            continue
        path = folder / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        paths.append(path)
    return paths
