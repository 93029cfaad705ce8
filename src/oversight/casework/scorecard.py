"""Record computed measures on the scorecard, as observations that say where they came from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from oversight.casework.engine import MeasureResult, measure_value
from oversight.casework.issues import CaseworkError
from oversight.core.units import Unit
from oversight.performance.models import Indicator, Observation
from oversight.performance.services import BreakdownFigure, ComputedBreakdown, ComputedFigure, figures_computed

VIA_LIMIT = 300  # Change.via's length


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def run_description(result: MeasureResult, *, run_id: int, run_at: datetime, run_by: str) -> str:
    """'casework run 2026-11-23T10:00:00Z #12 by alice: episodes.csv 38a66aa23848, header.csv ebec1f5789e9'.

    Cut to the length the change history keeps; the store's runs table keeps every file of run #12.
    """
    head = f"casework run {run_at:%Y-%m-%dT%H:%M:%SZ} #{run_id} by {run_by}: "
    files = [f"{i.file_name} {i.sha256[:12]}" for i in result.inputs]
    text = head + ", ".join(files)
    while len(text) > VIA_LIMIT and files:
        files.pop()
        more = len(result.inputs) - len(files)
        text = head + ", ".join(files) + f" and {more} more file{'s' if more > 1 else ''}"
    return text[:VIA_LIMIT]


def result_note(result: MeasureResult, *, run_id: int) -> str:
    card = result.card
    if card.unit is Unit.DAYS:
        parts = f"{result.numerator} days over {result.denominator}"
    elif result.denominator_basis is not None:
        parts = f"{result.numerator} per {result.denominator:,} children, the {result.denominator_basis}"
    elif result.denominator is not None:
        parts = f"{result.numerator} of {result.denominator}"
    else:
        parts = f"{result.numerator}"
    return (
        f"Computed by oversight from the {' and '.join(card.returns)} returns for {result.la}: {parts} "
        f"({_day(result.window_start)} to {_day(result.window_end)}; {card.label}; run #{run_id})."
    )


@transaction.atomic
def casework_observations_record(
    results: Sequence[MeasureResult],
    indicator_map: Mapping[str, str],
    *,
    run_ids: Sequence[int],
    run_at: datetime,
    run_by: str,
) -> list[Observation]:
    """Write each result whose measure is mapped to an indicator as that indicator's observation for the period.

    All or nothing: an unknown indicator, a unit that does not match, or results for more than one council
    stop the whole recording.
    """
    mapped = [
        (result, run_id) for result, run_id in zip(results, run_ids, strict=True) if result.card.id in indicator_map
    ]
    councils = sorted({result.la for result, _ in mapped})
    if len(councils) > 1:
        raise CaseworkError(
            f"the results are for {len(councils)} councils ({', '.join(councils)}); give --la to record one council's "
            "figures on the scorecard"
        )
    indicators = Indicator.objects.in_bulk(list(indicator_map.values()), field_name="code")
    problems = [f"there is no indicator '{code}'" for code in indicator_map.values() if code not in indicators]
    for result, _ in mapped:
        indicator = indicators.get(indicator_map[result.card.id])
        if indicator is not None and indicator.unit != result.card.unit:
            problems.append(
                f"{indicator.code} is measured as {indicator.unit} but {result.card.id} gives a {result.card.unit}"
            )
    if problems:
        raise CaseworkError("; ".join(problems))
    return figures_computed(
        [
            ComputedFigure(
                indicator=indicators[indicator_map[result.card.id]],
                period=result.period.code,
                value=result.value,
                numerator=Decimal(result.numerator),
                denominator=Decimal(result.denominator) if result.denominator is not None else None,
                source=result.source,
                note=result_note(result, run_id=run_id),
                via=run_description(result, run_id=run_id, run_at=run_at, run_by=run_by),
                breakdowns=_breakdowns(result, run_id=run_id, run_at=run_at, run_by=run_by),
            )
            for result, run_id in mapped
        ]
    )


def _breakdowns(result: MeasureResult, *, run_id: int, run_at: datetime, run_by: str) -> tuple[ComputedBreakdown, ...]:
    """The result's breakdowns, a dimension at a time, as the indicator's breakdown rows for the period."""
    via = run_description(result, run_id=run_id, run_at=run_at, run_by=run_by)
    returns = " and ".join(result.card.returns)
    note = f"Computed by oversight from the {returns} returns for {result.la} ({result.card.label}; run #{run_id})."
    return tuple(
        ComputedBreakdown(
            dimension=breakdown.dimension.slug,
            figures=tuple(
                BreakdownFigure(
                    cell.category,
                    measure_value(result.card, cell.numerator, cell.denominator),
                    # A count's figure is its records: no numerator and denominator beside it.
                    None if cell.denominator is None else Decimal(cell.numerator),
                    None if cell.denominator is None else Decimal(cell.denominator),
                )
                for cell in breakdown.cells
            ),
            note=note,
            via=via,
        )
        for breakdown in result.breakdowns
    )
