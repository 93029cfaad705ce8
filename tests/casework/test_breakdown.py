"""A measure card's breakdown: the figure's records counted by age band and sex, and recorded on the scorecard."""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from oversight.casework.breakdown import MeasureBreakdown
from oversight.casework.engine import card_from_mapping, measure_card, measure_compute
from oversight.casework.issues import CaseworkError
from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.scorecard import casework_observations_record
from oversight.casework.store import CaseworkStore
from oversight.casework.synthetic import synthetic_council, synthetic_returns
from oversight.core.periods import parse_period
from tests.casework.conftest import Casebook

CODE = "E06000049"


def _cells(breakdowns: Sequence[MeasureBreakdown], dimension: str) -> list[tuple[str, int, int | None]]:
    for breakdown in breakdowns:
        if breakdown.dimension.name == dimension:
            return [(cell.category, cell.numerator, cell.denominator) for cell in breakdown.cells]
    raise AssertionError(f"no breakdown by {dimension}")


def test_a_count_is_broken_down_by_age_band_and_sex_on_the_last_day(casebook: Casebook) -> None:
    # On 30 June 2011: Ann is 0 (born 1 Jan 2011), Ben 4 (his 5th birthday is 1 July), Cat 5 (born 30 June 2006),
    # Dan 16 and Eve 15. Fay left care before the day and is not counted.
    for child, dob, sex in [
        ("ann", "2011-01-01", "F"),
        ("ben", "2006-07-01", "M"),
        ("cat", "2006-06-30", "F"),
        ("dan", "1995-01-01", "M"),
        ("eve", "1995-07-01", "F"),
        ("fay", "2000-01-01", "F"),
    ]:
        casebook.child(child, dob, sex=sex)
        casebook.episode(child, "2011-02-01", "2011-05-01" if child == "fay" else None)
    (result,) = measure_compute(
        casebook.store, measure_card("cla_count_at_end"), parse_period("2011-12-Q1"), la=casebook.la
    )
    assert result.numerator == 5
    assert _cells(result.breakdowns, "age_band") == [
        ("Under 1", 1, None), ("1 to 4", 1, None), ("5 to 9", 1, None), ("10 to 15", 1, None), ("16 and over", 1, None)
    ]  # fmt: skip
    assert _cells(result.breakdowns, "sex") == [("Male", 2, None), ("Female", 3, None)]


def test_a_percentage_is_broken_down_with_its_numerator_and_denominator(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    council = synthetic_council(CODE, seed=3, first_year_ending=2017, last_year_ending=2018, starts_per_year=80)
    assert store.load(list(synthetic_returns(council, tmp_path)), pseudonymiser=pseudonymiser, la=CODE).ok
    year = parse_period("2017-18")
    (count,) = measure_compute(store, measure_card("cla_count_at_end"), year)
    # By hand from what the generator made: the girls (sex 2) looked after on 31 March 2018, short breaks aside.
    end = year.end
    girls = sum(c.looked_after_on(end) and not c.short_breaks and c.sex == "2" for c in council.children)
    boys = sum(c.looked_after_on(end) and not c.short_breaks and c.sex == "1" for c in council.children)
    assert _cells(count.breakdowns, "sex") == [("Male", boys, None), ("Female", girls, None)]

    def age(day: date, born: date) -> int:
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    under_one = sum(c.looked_after_on(end) and not c.short_breaks and age(end, c.dob) < 1 for c in council.children)
    assert dict((category, n) for category, n, _ in _cells(count.breakdowns, "age_band")).get("Under 1", 0) == under_one
    (moves,) = measure_compute(store, measure_card("cla_three_plus_placements"), year)
    cells = _cells(moves.breakdowns, "age_band")
    assert sum(n for _, n, _ in cells) == moves.numerator
    assert sum(d or 0 for _, _, d in cells) == moves.denominator == count.numerator


@pytest.mark.django_db
def test_the_scorecard_path_records_the_breakdown_as_the_indicators_rows(casebook: Casebook) -> None:
    from oversight.performance.models import Breakdown, Change, Indicator, Priority, Scorecard

    scorecard = Scorecard.objects.create(slug="syn", title="Synthetic")
    priority = Priority.objects.create(scorecard=scorecard, code="P", title="P")
    Indicator.objects.create(
        code="SYN-COUNT", priority=priority, title="Looked after", unit="count", polarity="neither"
    )
    for child, dob, sex in [("ann", "2011-01-01", "F"), ("ben", "2006-07-01", "M")]:
        casebook.child(child, dob, sex=sex)
        casebook.episode(child, "2011-02-01")
    results = measure_compute(
        casebook.store, measure_card("cla_count_at_end"), parse_period("2011-12-Q1"), la=casebook.la
    )
    run = {"run_ids": [1], "run_at": datetime(2026, 1, 1, tzinfo=UTC), "run_by": "test"}
    casework_observations_record(results, {"cla_count_at_end": "SYN-COUNT"}, **run)
    rows = Breakdown.objects.filter(indicator__code="SYN-COUNT", period="2011-12-Q1")
    assert [(r.dimension, r.category, r.value, r.numerator) for r in rows.order_by("dimension", "order")] == [
        ("age-band", "Under 1", 1, None), ("age-band", "1 to 4", 1, None), ("sex", "Male", 1, None),
        ("sex", "Female", 1, None),
    ]  # fmt: skip
    # Ann and Ben leave before the day and Cat (a girl under 1) comes in: computed again, the categories only they
    # filled are kept at 0, so that each dimension still adds up to the figure, and the change is in the history.
    casebook.store.query("UPDATE episodes SET dec = DATE '2011-03-01', rec = 'E4A'")
    casebook.child("cat", "2011-01-01", sex="F")
    casebook.episode("cat", "2011-02-01")
    results = measure_compute(
        casebook.store, measure_card("cla_count_at_end"), parse_period("2011-12-Q1"), la=casebook.la
    )
    casework_observations_record(results, {"cla_count_at_end": "SYN-COUNT"}, **run)
    assert [(r.dimension, r.category, r.value) for r in rows.order_by("dimension", "order")] == [
        ("age-band", "Under 1", 1), ("age-band", "1 to 4", 0), ("sex", "Female", 1), ("sex", "Male", 0)
    ]  # fmt: skip
    zeroed = Change.objects.filter(indicator__code="SYN-COUNT", entity="breakdown", field="value", after="0")
    assert sorted(zeroed.values_list("via", flat=True)) == [
        "casework run 2026-01-01T00:00:00Z #1 by test: casebook casebook (age-band: 1 to 4)",
        "casework run 2026-01-01T00:00:00Z #1 by test: casebook casebook (sex: Male)",
    ]


def test_a_card_with_a_breakdown_it_cannot_count_is_refused() -> None:
    card = measure_card("cla_count_at_end")
    data = {"id": "x", "version": 1, "title": "x", "definition": "x", "numerator": "x", "denominator": None,
            "inclusions": [], "exclusions": [], "time_basis": "snapshot", "working_day_convention": None,
            "polarity": "neither", "unit": "count", "decimal_places": 0, "legacy_ni": None, "dfe_measure_id": None,
            "published_as": None, "year_end_only": False, "rules_unverified": [],
            "breakdown": ["age_band", "shoe_size", "Team"]}  # fmt: skip
    with pytest.raises(CaseworkError) as error:
        card_from_mapping(data, card.sql, name="x")
    assert str(error.value) == (
        "measure card x.yml: breakdown 'shoe_size' needs its SQL expression; the dimensions known by name are "
        "age_band, sex; breakdown 'Team' is not a name of lower-case letters, digits and underscores"
    )
    data["breakdown"] = {"legal_status": "CASE WHEN in_numerator THEN 'Counted' END"}
    assert [d.slug for d in card_from_mapping(data, card.sql, name="x").breakdown] == ["legal-status"]
