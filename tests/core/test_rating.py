from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from oversight.core.rag import Polarity, RagPolicy, Rating, RatingBasis, ToleranceKind
from oversight.core.rating import Actual, Goal, Outturn, TargetChoice, target_choose
from oversight.core.targets import Operator, TargetRule
from oversight.core.units import Unit

PERCENT_HIGHER = RatingBasis(Unit.PERCENT, 1, Polarity.HIGHER, RagPolicy(Decimal(5)))

numbers = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
maybe_numbers = st.none() | numbers
bases = st.builds(
    RatingBasis,
    unit=st.sampled_from(Unit),
    decimal_places=st.integers(0, 2),
    polarity=st.sampled_from(Polarity),
    policy=st.builds(RagPolicy, numbers.map(abs), st.sampled_from(ToleranceKind)),
    minimum_cohort=st.none() | st.integers(1, 50),
)


@st.composite
def rules(draw: st.DrawFn) -> TargetRule:
    operator, value = draw(st.sampled_from(Operator)), draw(numbers)
    upper = value + draw(numbers.map(abs)) if operator is Operator.BETWEEN else None
    return TargetRule(operator, value, upper, stated=draw(st.booleans()) or operator is Operator.BETWEEN)


goals = st.none() | st.builds(Goal, st.none() | rules(), st.just("a target"))
actuals = st.none() | st.builds(
    Actual, maybe_numbers, st.just("a value"), st.just("not yet published"), st.none() | st.integers(0, 100)
)


@st.composite
def choices(
    draw: st.DrawFn, annual_in_quarter: bool | None = None
) -> tuple[RatingBasis, Actual | None, TargetChoice[Goal]]:
    basis, actual = draw(bases), draw(actuals)
    in_quarter = draw(st.booleans()) if annual_in_quarter is None else annual_in_quarter
    choice = target_choose(
        basis,
        actual,
        period_target=draw(goals),
        annual_target=draw(goals),
        over_year=draw(st.booleans()),
        annual_target_applies=draw(st.booleans()),
        annual_in_quarter=in_quarter,
        latest=draw(st.none() | st.just(Outturn("58%", "2010-11"))),
        period_label="Q1",
        year_label="2011-12",
    )
    return basis, actual, choice


@given(bases, actuals, goals, goals, st.booleans(), st.booleans())
def test_a_rating_never_contradicts_the_chosen_target_and_polarity(
    basis: RatingBasis,
    actual: Actual | None,
    period_target: Goal | None,
    annual_target: Goal | None,
    over_year: bool,
    applies: bool,
) -> None:
    choice = target_choose(
        basis,
        actual,
        period_target=period_target,
        annual_target=annual_target,
        over_year=over_year,
        annual_target_applies=applies,
    )
    if not choice.rag.is_rated:
        return
    assert actual is not None
    assert actual.value is not None
    assert choice.target is not None
    assert choice.target.value is not None
    assert choice.target in (period_target, annual_target)
    assert choice.target.rule is not None
    assert (choice.rag.rating is Rating.GREEN) == choice.target.rule.is_met(actual.value)


@given(choices())
def test_a_met_target_is_never_red_or_amber(drawn: tuple[RatingBasis, Actual | None, TargetChoice[Goal]]) -> None:
    basis, actual, choice = drawn
    if choice.rag.rating in (Rating.RED, Rating.AMBER):
        assert actual is not None
        assert actual.value is not None
        assert choice.target is not None
        assert choice.target.rule is not None
        assert not choice.target.rule.is_met(actual.value)


@given(choices(annual_in_quarter=True))
def test_an_annual_measure_in_a_quarter_is_never_rated(
    drawn: tuple[RatingBasis, Actual | None, TargetChoice[Goal]],
) -> None:
    _, _, choice = drawn
    assert choice.rag.rating is Rating.NOT_RATED
    assert choice.rag.reason.startswith("Not rated this quarter: an annual measure")


@given(goals, goals, st.booleans(), st.booleans())
def test_a_period_target_with_a_value_is_always_the_one_chosen(
    period_target: Goal | None, annual_target: Goal | None, over_year: bool, applies: bool
) -> None:
    choice = target_choose(
        PERCENT_HIGHER,
        Actual(Decimal(50), "50%"),
        period_target=period_target,
        annual_target=annual_target,
        over_year=over_year,
        annual_target_applies=applies,
    )
    if period_target is not None and period_target.value is not None:
        assert (choice.target, choice.label) == (period_target, "target")
    elif annual_target is not None and (over_year or applies):
        assert (choice.target, choice.label) == (annual_target, "target" if over_year else "annual target")
    else:
        assert choice.target is None


def test_a_quarter_judged_by_the_year_s_target_calls_it_the_annual_target() -> None:
    choice = target_choose(
        PERCENT_HIGHER,
        Actual(Decimal("63.1"), "63.1%"),
        period_target=None,
        annual_target=Goal(TargetRule(Operator.AT_LEAST, Decimal(85), stated=False), "at least 85%"),
        over_year=False,
        annual_target_applies=True,
    )
    assert choice.rag.reason == (
        "Red: 63.1% is 21.9 points below the annual target of at least 85% (amber within 5 points)."
    )


def test_a_count_with_only_a_whole_year_target_is_not_rated_in_a_quarter() -> None:
    choice = target_choose(
        RatingBasis(Unit.COUNT, 0, Polarity.LOWER, RagPolicy(Decimal(5), ToleranceKind.RELATIVE)),
        Actual(Decimal(49), "49"),
        period_target=None,
        annual_target=Goal(TargetRule(Operator.AT_MOST, Decimal(198), stated=False), "198 or less"),
        over_year=False,
        annual_target_applies=False,
        period_label="Q1 2011-12",
        year_label="2011-12",
    )
    assert choice.target is None
    assert choice.rag.reason == (
        "Not rated: 49 has no Q1 2011-12 target, and the 2011-12 target of 198 or less is for the whole year."
    )


def test_a_period_with_a_note_and_no_value_says_what_the_source_says() -> None:
    choice = target_choose(
        PERCENT_HIGHER,
        Actual(None, "", note="not yet published"),
        period_target=Goal(TargetRule(Operator.AT_LEAST, Decimal(85), stated=False), "at least 85%"),
        annual_target=None,
        over_year=False,
        annual_target_applies=True,
    )
    assert choice.rag.reason == "Not rated: no value for this period; the source says 'not yet published'."


def test_an_annual_measure_in_a_quarter_shows_its_latest_result() -> None:
    choice = target_choose(
        PERCENT_HIGHER,
        None,
        period_target=None,
        annual_target=Goal(TargetRule(Operator.AT_LEAST, Decimal(85), stated=False), "at least 85%"),
        over_year=True,
        annual_target_applies=True,
        annual_in_quarter=True,
        latest=Outturn("58%", "2010-11"),
    )
    assert choice.rag.reason == (
        "Not rated this quarter: an annual measure, reported when the year's results are out. "
        "The latest result is 58% for 2010-11."
    )
