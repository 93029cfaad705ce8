from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight.core.periods import Period, PeriodError, PeriodKind, YearType, parse_period


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2011-12", date(2011, 4, 1), date(2012, 3, 31)),
        ("2011-12-Q1", date(2011, 4, 1), date(2011, 6, 30)),
        ("2011-12-Q3", date(2011, 10, 1), date(2011, 12, 31)),
        ("2011-12-Q4", date(2012, 1, 1), date(2012, 3, 31)),
        ("AY2010-11", date(2010, 9, 1), date(2011, 8, 31)),
        ("CY2011", date(2011, 1, 1), date(2011, 12, 31)),
        ("2012-M02", date(2012, 2, 1), date(2012, 2, 29)),
        ("R12-2011-M06", date(2010, 7, 1), date(2011, 6, 30)),
        ("1999-00", date(1999, 4, 1), date(2000, 3, 31)),
    ],
)
def test_period_codes_cover_the_right_dates(code: str, start: date, end: date) -> None:
    period = parse_period(code)
    assert (period.start, period.end, period.code) == (start, end, code)


def test_quarter_one_is_april_to_june() -> None:
    assert parse_period("2011-12-Q1").label == "2011-12 Quarter 1 (April–June 2011)"


def test_quarter_four_belongs_to_the_financial_year_it_ends() -> None:
    q4 = parse_period("2011-12-Q4")
    assert q4.fiscal_year.code == "2011-12"
    assert q4.start.year == 2012


def test_previous_quarter_crosses_the_year_end() -> None:
    assert parse_period("2011-12-Q1").previous().code == "2010-11-Q4"
    assert parse_period("2011-12-Q1").same_period_last_year().code == "2010-11-Q1"


def test_previous_month_crosses_january() -> None:
    assert parse_period("2012-M01").previous().code == "2011-M12"


def test_a_quarter_maps_to_the_year_of_each_type() -> None:
    q1 = parse_period("2011-12-Q1")
    assert q1.year_of_type(YearType.FINANCIAL).code == "2011-12"
    assert q1.year_of_type(YearType.ACADEMIC).code == "AY2011-12"
    assert q1.year_of_type(YearType.CALENDAR).code == "CY2011"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("2011-13", "second part should be 12"),
        ("2011-12-Q5", "not a period code"),
        ("2011-M13", "months run from 01 to 12"),
        ("Q1 2011", "not a period code"),
        ("", "not a period code"),
    ],
)
def test_bad_codes_say_what_is_expected(code: str, message: str) -> None:
    with pytest.raises(PeriodError, match=message):
        parse_period(code)


periods = st.one_of(
    st.builds(Period, st.just(PeriodKind.FINANCIAL_YEAR), st.integers(1990, 2090)),
    st.builds(Period, st.just(PeriodKind.FINANCIAL_QUARTER), st.integers(1990, 2090), st.integers(1, 4)),
    st.builds(Period, st.just(PeriodKind.ACADEMIC_YEAR), st.integers(1990, 2090)),
    st.builds(Period, st.just(PeriodKind.CALENDAR_YEAR), st.integers(1990, 2090)),
    st.builds(Period, st.just(PeriodKind.MONTH), st.integers(1990, 2090), st.integers(1, 12)),
    st.builds(Period, st.just(PeriodKind.ROLLING), st.integers(1990, 2090), st.integers(1, 12), st.integers(2, 36)),
)


@given(periods)
def test_codes_round_trip(period: Period) -> None:
    assert parse_period(period.code) == period


@given(periods, st.integers(-50, 50))
def test_shifting_forward_and_back_returns_the_same_period(period: Period, steps: int) -> None:
    assert period.shifted(steps).shifted(-steps) == period


@given(periods)
def test_the_previous_period_ends_the_day_before_this_one_starts(period: Period) -> None:
    if period.kind is PeriodKind.ROLLING:
        return  # rolling windows overlap by design
    assert (period.start - period.previous().end).days == 1


@given(periods)
def test_a_period_starts_before_it_ends(period: Period) -> None:
    assert period.start < period.end
