"""Year-end projections: each method, its working and its uncertainty, in words."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight.core.projection import Method, count_project, rate_project

counts = st.integers(min_value=0, max_value=100_000).map(Decimal)
months = st.integers(min_value=1, max_value=12)


def test_count_run_rate_and_same_period_last_year_worked_by_hand() -> None:
    # 30 in 9 months: 30 × 12 ÷ 9 = 40; last year 48 in all, 36 by the same month: 30 × 48 ÷ 36 = 40 too.
    projection = count_project(Decimal(30), 9, last_year_total=Decimal(48), last_year_same_period=Decimal(36))
    assert [(e.method, e.value) for e in projection.estimates] == [
        (Method.RUN_RATE, Decimal(40)),
        (Method.LAST_YEAR, Decimal(40)),
    ]
    assert projection.sentence.startswith(
        "Projected year end: 40 by the run rate (30 in the first 9 months × 12 ÷ 9); 40 by the same period last "
        "year (30 × last year's 48 ÷ the 36 of its same months)."
    )
    assert "the two methods give 40 to 40" in projection.sentence
    assert "approximate 95% interval" in projection.sentence
    assert projection.sentence.endswith("A projection is not a rating.")


def test_count_interval_worked_by_hand() -> None:
    # 12 × 30 × 3 ÷ 81 = 13.33…; 1.96 × √13.33… = 7.157; 40 ± 7.157.
    projection = count_project(Decimal(30), 9)
    assert float(projection.low) == pytest.approx(40 - 7.1566, abs=1e-3)
    assert float(projection.high) == pytest.approx(40 + 7.1566, abs=1e-3)
    assert [e.method for e in projection.estimates] == [Method.RUN_RATE]


def test_without_last_years_figures_there_is_one_method() -> None:
    projection = count_project(Decimal(30), 6, last_year_total=Decimal(50), last_year_same_period=Decimal(0))
    assert [e.method for e in projection.estimates] == [Method.RUN_RATE]


def test_rate_carries_the_year_so_far_forward() -> None:
    projection = rate_project(
        Decimal("80"), 6, last_year_rate=Decimal("90"), last_year_same_period=Decimal("75"), denominator=Decimal(200),
        scale=Decimal(100),
    )  # fmt: skip
    assert [(e.method, e.value) for e in projection.estimates] == [
        (Method.RUN_RATE, Decimal(80)),
        (Method.LAST_YEAR, Decimal(96)),
    ]
    assert projection.low < Decimal(80)
    assert projection.high == Decimal(96)
    assert "80 by the run rate (the 80 of the first 6 months)" in projection.sentence


def test_a_rate_without_counts_or_last_year_says_it_is_a_rough_guide() -> None:
    projection = rate_project(Decimal("12.5"), 9)
    assert projection.low == projection.high == Decimal("12.5")
    assert "treat it as a rough guide" in projection.sentence


def test_months_elapsed_must_be_in_the_year() -> None:
    with pytest.raises(ValueError, match="months elapsed must be 1 to 12"):
        count_project(Decimal(1), 0)


@given(counts, counts, counts)
def test_a_projection_of_a_complete_year_is_the_years_figure(total: Decimal, last: Decimal, same: Decimal) -> None:
    for projection in (
        count_project(total, 12, last_year_total=last, last_year_same_period=same),
        rate_project(total, 12, last_year_rate=last, last_year_same_period=same),
    ):
        assert projection.complete
        assert projection.value == projection.low == projection.high == total
        assert "The year is complete" in projection.sentence


@given(counts, months)
def test_run_rate_of_a_constant_monthly_count_is_twelve_times_it(monthly: Decimal, elapsed: int) -> None:
    assert count_project(monthly * elapsed, elapsed).value == monthly * 12


@given(counts, months, counts, counts)
def test_the_range_holds_every_method(ytd: Decimal, elapsed: int, last: Decimal, same: Decimal) -> None:
    projection = count_project(ytd, elapsed, last_year_total=last, last_year_same_period=same)
    for estimate in projection.estimates:
        assert projection.low <= estimate.value <= projection.high
    assert projection.low >= ytd or projection.complete  # never less than already counted


@given(
    st.integers(min_value=0, max_value=1000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(max(n, 1)))),
    st.integers(min_value=1, max_value=11),
)
def test_a_percentages_interval_stays_within_0_to_100(counted: tuple[int, int], elapsed: int) -> None:
    numerator, denominator = counted
    rate = Decimal(numerator) * 100 / denominator
    projection = rate_project(rate, elapsed, denominator=Decimal(denominator), scale=Decimal(100))
    assert Decimal(0) <= projection.low <= rate <= projection.high <= Decimal(100)


@given(counts, st.integers(min_value=1, max_value=11))
def test_same_period_last_year_matches_the_run_rate_when_last_year_was_even(ytd: Decimal, elapsed: int) -> None:
    projection = count_project(ytd, elapsed, last_year_total=Decimal(120), last_year_same_period=Decimal(10 * elapsed))
    run_rate, last_year = (estimate.value for estimate in projection.estimates)
    assert run_rate == pytest.approx(last_year)
