from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from oversight.core.rag import Polarity
from oversight.core.targets import TargetError, TargetRule, target_parse
from oversight.performance.limits import LONG_TEXT, NOTE_TEXT
from oversight.performance.models import Observation


def _optional_number(text: str, field: str) -> Decimal | None:
    cleaned = text.strip().replace(",", "").removesuffix("%").strip()
    if not cleaned:
        return None
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise forms.ValidationError(f"Enter the {field} as a number, like 63.1, or leave it empty") from None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise forms.ValidationError(f"Enter the {field} as a number, like 63.1")
    return number


class PeriodEditForm(forms.Form):
    """One indicator in one period: its value, target and commentary together, as an owner updates them."""

    value = forms.CharField(required=False, label="Value", help_text="A number, like 63.1. Leave empty if not known.")
    status = forms.ChoiceField(choices=Observation.Status.choices, label="Status", widget=forms.RadioSelect)
    note = forms.CharField(
        required=False, label="Note", max_length=NOTE_TEXT, help_text="Why there is no value, or what to know about it."
    )
    target = forms.CharField(
        required=False,
        label="Target",
        max_length=60,
        help_text="A number, or one with its operator: below 5%, 5 or less, at least 85%, 60-70. "
        "Leave empty for no target.",
    )
    target_note = forms.CharField(
        required=False, label="Target as worded", max_length=NOTE_TEXT, help_text="e.g. below 5%"
    )
    commentary = forms.CharField(
        required=False, label="Commentary", max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 5})
    )
    reason = forms.CharField(
        required=False, label="Reason for the change", max_length=NOTE_TEXT, help_text="Recorded in the history."
    )

    def clean_value(self) -> Decimal | None:
        return _optional_number(self.cleaned_data["value"], "value")

    def __init__(self, *args: Any, polarity: Polarity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.polarity = polarity

    def clean_target(self) -> TargetRule | None:
        text = self.cleaned_data["target"].strip()
        if not text:
            return None
        try:
            return target_parse(text, self.polarity)
        except TargetError as error:
            raise forms.ValidationError(f"{str(error)[:1].upper()}{str(error)[1:]}.") from None

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("value") is None and not str(data.get("note", "")).strip() and "value" not in self.errors:
            self.add_error("value", "Enter a value, or say in the note why there is none")
        return data


class CommentaryForm(forms.Form):
    text = forms.CharField(label="Commentary", max_length=LONG_TEXT, widget=forms.Textarea(attrs={"rows": 8}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data: object, initial: object = None) -> list[object]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ImportForm(forms.Form):
    upload = MultipleFileField(
        label="Files to import",
        help_text="CSV or XLSX in the template's format. If any file has a problem, nothing is imported.",
        widget=MultipleFileInput(attrs={"accept": ".csv,.xlsx", "aria-describedby": "files-hint"}),
    )


class SignoffForm(forms.Form):
    """One sign-off step: which, and the note or reason it carries."""

    step = forms.ChoiceField(choices=[(s, s) for s in ("submit", "approve", "publish", "reopen")])
    note = forms.CharField(
        required=False, label="Note (optional)", max_length=NOTE_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        required=False,
        label="Why it is reopened",
        max_length=NOTE_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
