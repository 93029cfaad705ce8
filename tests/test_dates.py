from __future__ import annotations

from datetime import date

from django import forms

from oversight.dates import DayMonthYearField


class _Form(forms.Form):
    on = DayMonthYearField(label="Show the plan as at", required=False)


def test_a_date_is_read_from_its_day_month_and_year_boxes() -> None:
    form = _Form({"on_0": "30", "on_1": "9", "on_2": "2011"})
    assert form.is_valid()
    assert form.cleaned_data["on"] == date(2011, 9, 30)


def test_a_date_sent_whole_in_a_link_is_read_too() -> None:
    form = _Form({"on": "2012-02-01"})
    assert form.is_valid()
    assert form.cleaned_data["on"] == date(2012, 2, 1)


def test_an_impossible_or_incomplete_date_is_refused_with_words_that_say_how_to_write_it() -> None:
    for data in ({"on_0": "31", "on_1": "2", "on_2": "2012"}, {"on_0": "30", "on_1": "", "on_2": "2011"}):
        form = _Form(data)
        assert not form.is_valid()
        assert form.errors["on"] == ["Enter a real date as a day, month and year, for example 30 9 2011."]


def test_no_date_is_no_date_when_none_is_required() -> None:
    form = _Form({})
    assert form.is_valid()
    assert form.cleaned_data["on"] is None


def test_the_boxes_show_the_date_day_first_with_a_label_each() -> None:
    html = str(_Form(initial={"on": date(2011, 9, 30)})["on"])
    assert [label for label in ("Day", "Month", "Year") if f">{label}</label>" in html] == ["Day", "Month", "Year"]
    assert html.index('value="30"') < html.index('value="9"') < html.index('value="2011"')
    assert 'inputmode="numeric"' in html
    assert 'type="date"' not in html
