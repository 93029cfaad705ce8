from __future__ import annotations

from typing import Any

from django import forms

from oversight.committee.models import Appendix, Body, Meeting, Resolution, WorkProgrammeItem
from oversight.dates import DayMonthYearField
from oversight.performance.limits import LONG_TEXT


class _BodyForm(forms.Form):
    """A form about one body, whose meeting field (``meeting_field``) offers that body's meetings by date."""

    meeting_field = ""
    no_meeting = ""

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", self.no_meeting)] + [(str(m.pk), f"{m.date:%-d %B %Y}") for m in body.meetings.all()]
        self.fields[self.meeting_field].choices = choices  # type: ignore[attr-defined]
        self.body = body

    def meeting(self) -> Meeting | None:
        pk = self.cleaned_data.get(self.meeting_field)
        return self.body.meetings.get(pk=int(pk)) if pk else None


class WorkItemForm(_BodyForm):
    meeting_field = "planned_meeting"
    no_meeting = "Not planned yet"

    topic = forms.CharField(label="Topic", max_length=300)
    purpose = forms.CharField(label="Purpose and key issues", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    origin = forms.CharField(
        label="Origin", max_length=300, required=False, help_text="For example, Requested at Committee in July 2011"
    )
    corporate_priority = forms.CharField(
        label="Corporate priority",
        max_length=200,
        required=False,
        help_text="For example, Support our Children and Young People",
    )
    frequency = forms.ChoiceField(label="Reporting", choices=WorkProgrammeItem.Frequency.choices)
    planned_meeting = forms.ChoiceField(label="Planned meeting", required=False)
    status = forms.ChoiceField(label="Status", choices=WorkProgrammeItem.Status.choices)
    status_reason = forms.CharField(
        label="Reason", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when the item is deferred or discontinued",
    )  # fmt: skip
    status_on = DayMonthYearField(
        label="Date discontinued or completed (optional)", required=False, help_text="For example, 13 6 2011"
    )
    criteria = forms.CharField(
        label="Selection criteria", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="How the item meets the committee's criteria for scrutiny",
    )  # fmt: skip


class ResolutionForm(_BodyForm):
    meeting_field = "due_meeting"
    no_meeting = "No meeting set"

    number = forms.CharField(label="Minute number", max_length=20, help_text="For example, 80(c)")
    text = forms.CharField(label="Resolved", widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.CharField(label="Owner", max_length=200, required=False, help_text="Who is to follow it up")
    due_meeting = forms.ChoiceField(label="Due at", required=False)
    status = forms.ChoiceField(label="Follow-up status", choices=Resolution.Status.choices)
    follow_up = forms.CharField(
        label="Follow-up", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What was done, required once it is done",
    )  # fmt: skip


class ReportForm(forms.Form):
    """An agenda item's cover report: a box for each numbered section of the council's template, the appendices
    it carries and the improvement plan they show."""

    portfolio_holder = forms.CharField(
        label="Portfolio holder", max_length=200, required=False, help_text="For example, Councillor Hilda Gaddum"
    )
    appendices = forms.MultipleChoiceField(
        label="Appendices", required=False, choices=Appendix.choices, widget=forms.CheckboxSelectMultiple,
        help_text="Every figure in them comes from the system, for the period the item presents",
    )  # fmt: skip
    plan = forms.ChoiceField(label="Improvement plan", required=False, help_text="For the plan appendices")

    def __init__(self, *args: Any, sections: tuple[str, ...], plans: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [("", "No plan"), *plans]  # type: ignore[attr-defined]
        self.headings = {f"section_{number}": heading for number, heading in enumerate(sections, start=1)}
        for name, heading in self.headings.items():
            self.fields[name] = forms.CharField(
                label=f"{name.removeprefix('section_')}. {heading}", required=False, max_length=LONG_TEXT,
                widget=forms.Textarea(attrs={"rows": 4}),
            )  # fmt: skip

    def section_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.headings]

    def sections(self) -> dict[str, str]:
        return {heading: self.cleaned_data[name] for name, heading in self.headings.items()}
