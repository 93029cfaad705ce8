"""Dates as people write them: day, month and year in three boxes (the GOV.UK date input), shown day first."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

_PARTS = ("day", "month", "year")


class DayMonthYearWidget(forms.MultiWidget):
    """Three boxes, Day, Month and Year, with numeric keyboards on phones and no locale-dependent date picker.

    A date sent whole as YYYY-MM-DD under the field's own name (a link such as ``?on=2012-02-01``) is read too.
    """

    template_name = "widgets/day_month_year.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        def box(width: str) -> forms.TextInput:
            return forms.TextInput({"inputmode": "numeric", "class": f"date-input__box date-input__box--{width}"})

        super().__init__([box("2"), box("2"), box("4")], attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value.count("-") == 2:  # YYYY-MM-DD
            year, month, day = value.split("-")
            return [day, month, year]
        return [None, None, None]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if name in data:
            return data[name]
        parts = [str(data.get(f"{name}_{index}", "")).strip() for index in range(3)]
        if not any(parts):
            return ""
        day, month, year = parts
        return f"{year}-{month.zfill(2)}-{day.zfill(2)}" if all(parts) else "-".join(parts) + "-incomplete"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["parts"] = list(zip(_PARTS, context["widget"]["subwidgets"], strict=True))
        return context

    def id_for_label(self, id_: str) -> str:
        return id_  # the fieldset's legend labels the three boxes; each box has its own label


class DayMonthYearField(forms.DateField):
    widget = DayMonthYearWidget
    input_formats = ["%Y-%m-%d"]
    default_error_messages = {
        "invalid": "Enter a real date as a day, month and year, for example 30 9 2011.",
    }
