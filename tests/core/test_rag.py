from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight.core.rag import (
    Polarity,
    RagPolicy,
    Rating,
    RatingBasis,
    ToleranceKind,
    default_policy,
    rag_rate,
    target_is_met,
)
from oversight.core.units import Unit

PERCENT_HIGHER = RatingBasis(Unit.PERCENT, 1, Polarity.HIGHER, RagPolicy(Decimal(5)))
PERCENT_LOWER = RatingBasis(Unit.PERCENT, 1, Polarity.LOWER, RagPolicy(Decimal(5)))


def test_core_assessments_are_red_with_the_reason_in_words() -> None:
    result = rag_rate(PERCENT_HIGHER, Decimal("63.1"), Decimal(85))
    assert result.rating is Rating.RED
    assert result.reason == (
        "Red: 63.1% is 21.9 points below the 85% target (higher is better; amber within 5 points)."
    )


def test_a_miss_within_the_tolerance_is_amber() -> None:
    result = rag_rate(PERCENT_HIGHER, Decimal(80), Decimal(85))
    assert result.rating is Rating.AMBER
    assert result.reason.startswith("Amber: 80% is 5 points below the 85% target")


def test_lower_is_better_zero_against_below_five_is_green() -> None:
    result = rag_rate(PERCENT_LOWER, Decimal(0), Decimal(5))
    assert result.rating is Rating.GREEN
    assert result.reason == "Green: 0% meets the 5% target (lower is better)."


def test_exactly_on_target_is_green_and_says_equals() -> None:
    result = rag_rate(PERCENT_HIGHER, Decimal(95), Decimal(95))
    assert result.rating is Rating.GREEN
    assert "equals the 95% target" in result.reason


def test_no_target_is_not_rated_and_says_why() -> None:
    result = rag_rate(PERCENT_HIGHER, Decimal("31.4"), None)
    assert result.rating is Rating.NOT_RATED
    assert result.reason == "Not rated: 31.4% has no target to be measured against."


def test_no_value_is_not_rated() -> None:
    assert rag_rate(PERCENT_HIGHER, None, Decimal(85)).reason == "Not rated: there is no value for this period yet."


def test_a_small_cohort_is_shown_with_a_caution_not_rated() -> None:
    basis = RatingBasis(Unit.PERCENT, 0, Polarity.HIGHER, RagPolicy(Decimal(5)), minimum_cohort=30)
    result = rag_rate(basis, Decimal(0), Decimal(60), cohort=6)
    assert result.rating is Rating.NOT_RATED
    assert "cohort of 6 is below the minimum of 30" in result.reason
    assert "caution" in result.reason


def test_a_cohort_at_the_minimum_is_rated() -> None:
    basis = RatingBasis(Unit.PERCENT, 0, Polarity.HIGHER, RagPolicy(Decimal(5)), minimum_cohort=30)
    assert rag_rate(basis, Decimal(70), Decimal(60), cohort=30).rating is Rating.GREEN


def test_polarity_neither_is_never_rated() -> None:
    basis = RatingBasis(Unit.COUNT, 0, Polarity.NEITHER, default_policy(Unit.COUNT))
    result = rag_rate(basis, Decimal(221), Decimal(171))
    assert result.rating is Rating.NOT_RATED
    assert "neither higher nor lower is better" in result.reason


def test_relative_tolerance_is_a_share_of_the_target() -> None:
    basis = RatingBasis(Unit.RATIO, 2, Polarity.LOWER, RagPolicy(Decimal(10), ToleranceKind.RELATIVE))
    assert rag_rate(basis, Decimal("1.09"), Decimal("1.00")).rating is Rating.AMBER
    red = rag_rate(basis, Decimal("1.31"), Decimal("1.00"))
    assert red.rating is Rating.RED
    assert red.reason == ("Red: 1.31 is 0.31 above the 1.00 target (lower is better; amber within 10% of the target).")


def test_default_policy_is_five_points_for_percentages() -> None:
    assert default_policy(Unit.PERCENT) == RagPolicy(Decimal(5), ToleranceKind.ABSOLUTE)
    assert default_policy(Unit.COUNT) == RagPolicy(Decimal(5), ToleranceKind.RELATIVE)


def test_one_point_is_singular() -> None:
    basis = RatingBasis(Unit.PERCENT, 1, Polarity.LOWER, RagPolicy(Decimal(1)))
    assert "amber within 1 point)" in rag_rate(basis, Decimal("6.2"), Decimal("4.9")).reason


# Properties: the rating can never contradict the target and polarity ---------------------------

figures = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
tolerances = st.decimals(min_value=0, max_value=50, places=1, allow_nan=False, allow_infinity=False)
rated_polarities = st.sampled_from([Polarity.HIGHER, Polarity.LOWER])
units = st.sampled_from(list(Unit))
kinds = st.sampled_from(list(ToleranceKind))


@st.composite
def bases(draw: st.DrawFn) -> RatingBasis:
    unit = draw(units)
    return RatingBasis(unit, draw(st.integers(0, 2)), draw(rated_polarities), RagPolicy(draw(tolerances), draw(kinds)))


@given(bases(), figures, figures)
def test_rag_is_never_red_or_amber_when_the_target_is_met(basis: RatingBasis, value: Decimal, target: Decimal) -> None:
    result = rag_rate(basis, value, target)
    if target_is_met(value, target, basis.polarity):
        assert result.rating is Rating.GREEN
    else:
        assert result.rating in (Rating.AMBER, Rating.RED)


@given(bases(), figures, figures)
def test_rag_is_never_green_when_the_target_is_missed(basis: RatingBasis, value: Decimal, target: Decimal) -> None:
    result = rag_rate(basis, value, target)
    if result.rating is Rating.GREEN:
        assert target_is_met(value, target, basis.polarity)


@given(bases(), figures, figures)
def test_every_reason_starts_with_its_rating_word(basis: RatingBasis, value: Decimal, target: Decimal) -> None:
    result = rag_rate(basis, value, target)
    assert result.reason.startswith(result.rating.label + ":")
    assert basis.polarity.phrase in result.reason


@given(bases(), figures, figures, st.decimals(min_value=0, max_value=100, places=2))
def test_a_worse_value_never_gets_a_better_rating(
    basis: RatingBasis, value: Decimal, target: Decimal, worsening: Decimal
) -> None:
    worse = value - worsening if basis.polarity is Polarity.HIGHER else value + worsening
    order = [Rating.GREEN, Rating.AMBER, Rating.RED]
    before = order.index(rag_rate(basis, value, target).rating)
    after = order.index(rag_rate(basis, worse, target).rating)
    assert after >= before


@given(bases(), figures, figures)
def test_amber_is_within_the_tolerance_and_red_beyond_it(basis: RatingBasis, value: Decimal, target: Decimal) -> None:
    result = rag_rate(basis, value, target)
    if result.rating is Rating.AMBER:
        assert result.shortfall is not None
        assert 0 < result.shortfall <= basis.policy.band(target)
    if result.rating is Rating.RED:
        assert result.shortfall is not None
        assert result.shortfall > basis.policy.band(target)


@pytest.mark.parametrize("polarity", [Polarity.HIGHER, Polarity.LOWER])
@given(value=figures)
def test_a_value_equal_to_its_target_is_green(polarity: Polarity, value: Decimal) -> None:
    basis = RatingBasis(Unit.PERCENT, 1, polarity, RagPolicy(Decimal(0)))
    assert rag_rate(basis, value, value).rating is Rating.GREEN


def test_a_small_cohort_is_cautioned_even_without_a_target() -> None:
    basis = RatingBasis(Unit.PERCENT, 0, Polarity.HIGHER, RagPolicy(Decimal(5)), minimum_cohort=30)
    assert "cohort of 6 is below the minimum of 30" in rag_rate(basis, Decimal(0), None, cohort=6).reason
