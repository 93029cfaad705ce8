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
    default_minimum_cohort,
    default_policy,
    rag_rate,
)
from oversight.core.targets import Operator, TargetRule, implied_operator
from oversight.core.units import Unit

PERCENT_HIGHER = RatingBasis(Unit.PERCENT, 1, Polarity.HIGHER, RagPolicy(Decimal(5)))
PERCENT_LOWER = RatingBasis(Unit.PERCENT, 1, Polarity.LOWER, RagPolicy(Decimal(5)))


def bare(value: str | int, polarity: Polarity = Polarity.HIGHER) -> TargetRule:
    """A target given as a bare number, whose operator comes from the polarity."""
    return TargetRule(implied_operator(polarity), Decimal(value), stated=False)


def test_core_assessments_are_red_with_the_reason_in_words() -> None:
    result = rag_rate(PERCENT_HIGHER, Decimal("63.1"), bare(85))
    assert result.rating is Rating.RED
    assert result.reason == ("Red: 63.1% is 21.9 points below the target of at least 85% (amber within 5 points).")


def test_a_miss_within_the_tolerance_is_amber() -> None:
    result = rag_rate(PERCENT_HIGHER, Decimal(80), bare(85))
    assert result.rating is Rating.AMBER
    assert result.reason.startswith("Amber: 80% is 5 points below the target of at least 85%")


def test_lower_is_better_zero_against_five_or_less_is_green() -> None:
    result = rag_rate(PERCENT_LOWER, Decimal(0), bare(5, Polarity.LOWER))
    assert result.rating is Rating.GREEN
    assert result.reason == "Green: 0% is below the target of 5% or less."


def test_exactly_on_target_is_green_and_says_meets() -> None:
    result = rag_rate(PERCENT_HIGHER, Decimal(95), bare(95))
    assert result.rating is Rating.GREEN
    assert result.reason == "Green: 95% meets the target of at least 95%."


def test_a_value_equal_to_a_strict_target_misses_it() -> None:
    """Observation 3: 'below 5%' is not met by 5%, which was once rated 'Green: equals the 5% target'."""
    basis = RatingBasis(Unit.PERCENT, 1, Polarity.LOWER, RagPolicy(Decimal(1)))
    result = rag_rate(basis, Decimal(5), TargetRule(Operator.BELOW, Decimal(5)))
    assert result.rating is Rating.AMBER
    assert result.reason == "Amber: 5% is not below the target of less than 5% (amber within 1 point)."
    green = rag_rate(basis, Decimal("4.9"), TargetRule(Operator.BELOW, Decimal(5)))
    assert green.reason == "Green: 4.9% is below the target of less than 5%."


def test_a_range_target_is_met_inside_it_and_missed_outside() -> None:
    basis = RatingBasis(Unit.PERCENT, 0, Polarity.NEITHER, RagPolicy(Decimal(5)))
    band = TargetRule(Operator.BETWEEN, Decimal(60), Decimal(70))
    assert rag_rate(basis, Decimal(65), band).reason == "Green: 65% is within the target of between 60% and 70%."
    above = rag_rate(basis, Decimal(73), band)
    assert above.rating is Rating.AMBER
    assert above.reason == "Amber: 73% is 3 points above the target of between 60% and 70% (amber within 5 points)."
    assert rag_rate(basis, Decimal(50), band).rating is Rating.RED


def test_gaps_and_targets_use_the_indicators_precision() -> None:
    """Observation 8: '84.29 points' beside a figure shown to one place."""
    result = rag_rate(PERCENT_HIGHER, Decimal("0.71"), bare(85))
    assert result.reason == "Red: 0.7% is 84.3 points below the target of at least 85% (amber within 5 points)."
    whole = RatingBasis(Unit.PERCENT, 0, Polarity.HIGHER, RagPolicy(Decimal(5)))
    assert "is 7 points below the target of at least 90%" in rag_rate(whole, Decimal("82.86"), bare(90)).reason
    assert "the target of at least 84.95%" in rag_rate(PERCENT_HIGHER, Decimal(80), bare("84.95")).reason


def test_a_miss_too_small_to_show_says_just() -> None:
    result = rag_rate(PERCENT_LOWER, Decimal("5.04"), bare(5, Polarity.LOWER))
    assert result.reason == "Amber: 5% is just above the target of 5% or less (amber within 5 points)."


def test_no_target_is_not_rated_and_says_why() -> None:
    result = rag_rate(PERCENT_HIGHER, Decimal("31.4"), None)
    assert result.rating is Rating.NOT_RATED
    assert result.reason == "Not rated: 31.4% has no target to be measured against."


def test_no_value_is_not_rated() -> None:
    assert rag_rate(PERCENT_HIGHER, None, bare(85)).reason == "Not rated: there is no value for this period yet."


def test_a_small_cohort_is_shown_with_a_caution_not_rated() -> None:
    basis = RatingBasis(Unit.PERCENT, 0, Polarity.HIGHER, RagPolicy(Decimal(5)), minimum_cohort=30)
    result = rag_rate(basis, Decimal(0), bare(60), cohort=6)
    assert result.rating is Rating.NOT_RATED
    assert "cohort of 6 is below the minimum of 30" in result.reason
    assert result.caution == "Caution: a cohort of 6, below the minimum of 30 for a reliable figure."


def test_a_small_cohort_is_rated_with_its_caution_where_the_indicator_says_so() -> None:
    basis = RatingBasis(Unit.PERCENT, 0, Polarity.HIGHER, RagPolicy(Decimal(5)), 30, rate_small_cohorts=True)
    result = rag_rate(basis, Decimal(0), bare(60), cohort=6)
    assert result.rating is Rating.RED
    assert result.reason.endswith("Caution: a cohort of 6, below the minimum of 30 for a reliable figure.")


def test_a_cohort_at_the_minimum_is_rated() -> None:
    basis = RatingBasis(Unit.PERCENT, 0, Polarity.HIGHER, RagPolicy(Decimal(5)), minimum_cohort=30)
    assert rag_rate(basis, Decimal(70), bare(60), cohort=30).rating is Rating.GREEN


def test_the_default_minimum_cohort_is_thirty_for_a_percentage_and_none_for_a_count() -> None:
    assert default_minimum_cohort(Unit.PERCENT) == 30
    assert default_minimum_cohort(Unit.RATE_PER_10000) == 30
    assert default_minimum_cohort(Unit.COUNT) is None


def test_polarity_neither_with_a_bare_number_is_never_rated() -> None:
    basis = RatingBasis(Unit.COUNT, 0, Polarity.NEITHER, default_policy(Unit.COUNT))
    result = rag_rate(basis, Decimal(221), bare(171, Polarity.NEITHER))
    assert result.rating is Rating.NOT_RATED
    assert "neither higher nor lower is better" in result.reason


def test_relative_tolerance_is_a_share_of_the_target() -> None:
    basis = RatingBasis(Unit.RATIO, 2, Polarity.LOWER, RagPolicy(Decimal(10), ToleranceKind.RELATIVE))
    assert rag_rate(basis, Decimal("1.09"), bare("1.00", Polarity.LOWER)).rating is Rating.AMBER
    red = rag_rate(basis, Decimal("1.31"), bare("1.00", Polarity.LOWER))
    assert red.rating is Rating.RED
    assert red.reason == "Red: 1.31 is 0.31 above the target of 1.00 or less (amber within 10% of the target)."


def test_default_policy_is_five_points_for_percentages() -> None:
    assert default_policy(Unit.PERCENT) == RagPolicy(Decimal(5), ToleranceKind.ABSOLUTE)
    assert default_policy(Unit.COUNT) == RagPolicy(Decimal(5), ToleranceKind.RELATIVE)


def test_one_point_is_singular() -> None:
    basis = RatingBasis(Unit.PERCENT, 1, Polarity.LOWER, RagPolicy(Decimal(1)))
    assert "amber within 1 point)" in rag_rate(basis, Decimal("6.2"), bare("4.9", Polarity.LOWER)).reason


# Properties: the rating can never contradict the target's operator and the polarity ----------------

figures = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
tolerances = st.decimals(min_value=0, max_value=50, places=1, allow_nan=False, allow_infinity=False)
rated_polarities = st.sampled_from([Polarity.HIGHER, Polarity.LOWER])
units = st.sampled_from(list(Unit))
kinds = st.sampled_from(list(ToleranceKind))


@st.composite
def bases(draw: st.DrawFn) -> RatingBasis:
    unit = draw(units)
    return RatingBasis(unit, draw(st.integers(0, 2)), draw(rated_polarities), RagPolicy(draw(tolerances), draw(kinds)))


@st.composite
def rules(draw: st.DrawFn, polarity: Polarity) -> TargetRule:
    """Any target an indicator of this polarity may have: a bare number, or an operator that agrees with it."""
    value = draw(figures)
    allowed = [o for o in Operator if o.favours in (polarity, Polarity.NEITHER)]
    operator = draw(st.sampled_from([None, *allowed]))
    if operator is None:
        return TargetRule(implied_operator(polarity), value, stated=False)
    if operator is Operator.BETWEEN:
        return TargetRule(operator, value, value + draw(st.decimals(min_value=0, max_value=100, places=1)))
    return TargetRule(operator, value)


@st.composite
def cases(draw: st.DrawFn) -> tuple[RatingBasis, Decimal, TargetRule]:
    basis = draw(bases())
    return basis, draw(figures), draw(rules(basis.polarity))


@given(cases())
def test_a_rating_never_contradicts_the_target_operator(case: tuple[RatingBasis, Decimal, TargetRule]) -> None:
    basis, value, target = case
    result = rag_rate(basis, value, target)
    if target.is_met(value):
        assert result.rating is Rating.GREEN
    else:
        assert result.rating in (Rating.AMBER, Rating.RED)


@given(cases())
def test_every_reason_starts_with_its_rating_word_and_names_the_target(
    case: tuple[RatingBasis, Decimal, TargetRule],
) -> None:
    basis, value, target = case
    result = rag_rate(basis, value, target)
    assert result.reason.startswith(result.rating.label + ":")
    assert target.words(basis.unit, basis.decimal_places) in result.reason


@given(cases(), st.decimals(min_value=0, max_value=100, places=2))
def test_a_worse_value_never_gets_a_better_rating(
    case: tuple[RatingBasis, Decimal, TargetRule], worsening: Decimal
) -> None:
    basis, value, target = case
    if target.operator in (Operator.EQUAL, Operator.BETWEEN):
        return  # a target band has two wrong directions
    worse = value - worsening if basis.polarity is Polarity.HIGHER else value + worsening
    order = [Rating.GREEN, Rating.AMBER, Rating.RED]
    before = order.index(rag_rate(basis, value, target).rating)
    after = order.index(rag_rate(basis, worse, target).rating)
    assert after >= before


@given(cases())
def test_amber_is_within_the_tolerance_and_red_beyond_it(case: tuple[RatingBasis, Decimal, TargetRule]) -> None:
    basis, value, target = case
    result = rag_rate(basis, value, target)
    band = basis.policy.band(target.nearest(value))
    if result.rating is Rating.AMBER:
        assert result.shortfall is not None
        assert 0 <= result.shortfall <= band
    if result.rating is Rating.RED:
        assert result.shortfall is not None
        assert result.shortfall > band


@pytest.mark.parametrize("polarity", [Polarity.HIGHER, Polarity.LOWER])
@given(value=figures)
def test_a_value_equal_to_a_bare_target_is_green(polarity: Polarity, value: Decimal) -> None:
    basis = RatingBasis(Unit.PERCENT, 1, polarity, RagPolicy(Decimal(0)))
    assert rag_rate(basis, value, bare(value, polarity)).rating is Rating.GREEN


def test_a_small_cohort_is_cautioned_even_without_a_target() -> None:
    basis = RatingBasis(Unit.PERCENT, 0, Polarity.HIGHER, RagPolicy(Decimal(5)), minimum_cohort=30)
    assert "cohort of 6 is below the minimum of 30" in rag_rate(basis, Decimal(0), None, cohort=6).reason
