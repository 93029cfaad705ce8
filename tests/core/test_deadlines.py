from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight.core.deadlines import deadline, standing


def test_a_lag_in_calendar_days() -> None:
    assert deadline(date(2011, 6, 30), 14, working_days=False) == date(2011, 7, 14)


def test_a_lag_in_working_days_skips_weekends_and_bank_holidays() -> None:
    # 10 working days after Good Friday 2011: Easter Monday (25 April), the royal wedding (29 April) and the early
    # May bank holiday (2 May) do not count.
    assert deadline(date(2011, 4, 22), 10, working_days=True) == date(2011, 5, 11)


def test_a_body_that_meets_on_set_dates_sees_it_at_its_next_meeting() -> None:
    meetings = [date(2011, 7, 26), date(2011, 9, 20), date(2011, 10, 18)]
    assert deadline(date(2011, 6, 30), 42, working_days=False, meetings=meetings) == date(2011, 9, 20)
    assert deadline(date(2011, 6, 30), 0, working_days=False, meetings=meetings) == date(2011, 7, 26)
    # No meeting late enough: the lag alone decides, rather than no deadline at all.
    assert deadline(date(2011, 12, 31), 42, working_days=False, meetings=meetings) == date(2012, 2, 11)


def test_where_a_step_stands_in_words() -> None:
    due = date(2011, 10, 14)
    assert standing(due, None, date(2011, 10, 3)).words == "Due in 11 days (14 October 2011)"
    assert standing(due, None, date(2011, 10, 13)).words == "Due in 1 day (14 October 2011)"
    assert standing(due, None, due).words == "Due today (14 October 2011)"
    late = standing(due, None, date(2011, 10, 17))
    assert (late.is_late, late.late_days, late.words) == (True, 3, "Late by 3 days (due 14 October 2011)")
    assert standing(due, date(2011, 10, 12), date(2011, 10, 17)).words == "Done on 12 October 2011"
    assert standing(due, date(2011, 10, 15), date(2011, 10, 17)).words == "Done on 15 October 2011, 1 day late"


def test_a_negative_lag_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        deadline(date(2011, 6, 30), -1, working_days=False)


@given(st.dates(date(2000, 1, 1), date(2030, 12, 31)), st.integers(0, 60), st.booleans())
def test_a_deadline_is_never_before_the_period_ends_and_grows_with_the_lag(end: date, lag: int, working: bool) -> None:
    due = deadline(end, lag, working_days=working)
    assert due >= end
    assert deadline(end, lag + 1, working_days=working) > due
