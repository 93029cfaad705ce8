from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from oversight.core.rag import Rating
from oversight.dates import DayMonthYearField
from oversight.improvement.models import Action, Decision, HighlightEntry, Plan, Source
from oversight.performance.models import Scorecard

RAG_CHOICES = [(rating.value, rating.label) for rating in Rating]


class CheckpointForm(forms.Form):
    label = forms.CharField(
        label="Checkpoint", max_length=100, help_text="As the plan names it, for example End of September"
    )
    as_at = DayMonthYearField(label="Progress as at", help_text="For example, 30 9 2011")
    narrative = forms.CharField(label="Evidence and progress", widget=forms.Textarea(attrs={"rows": 5}))
    rag = forms.ChoiceField(label="RAG rating", choices=RAG_CHOICES, widget=forms.RadioSelect)
    rag_reason = forms.CharField(
        label="Why this rating",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required for Red, Amber or Green: say what the rating rests on",
    )
    evidence_title = forms.CharField(label="Evidence title (optional)", max_length=300, required=False)
    evidence_url = forms.URLField(label="Link to the evidence (optional)", required=False, assume_scheme="https")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("rag", Rating.NOT_RATED.value) != Rating.NOT_RATED.value and not data.get("rag_reason", "").strip():
            self.add_error("rag_reason", "Say why the progress has this rating.")
        if data.get("evidence_url") and not data.get("evidence_title", "").strip():
            self.add_error("evidence_title", "Give the evidence link a title.")
        return data


class ActionForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=Action.Status.choices, widget=forms.RadioSelect)
    officers = forms.CharField(
        label="Responsible officer(s)",
        max_length=300,
        required=False,
        help_text="As the plan names them, for example Head of Safeguarding",
    )
    due_on = DayMonthYearField(label="Due date (optional)", required=False, help_text="For example, 31 3 2012")


class EvidenceRequirementForm(forms.Form):
    evidence = forms.CharField(
        label="Evidence required",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What will show the board that the recommendation is met, for example a themed audit report",
    )
    board = forms.CharField(label="Board", max_length=200, help_text="For example, Improvement Board")
    present_on = DayMonthYearField(
        label="To be presented on (optional)", required=False, help_text="For example, 28 10 2013"
    )


class DecisionForm(forms.Form):
    board = forms.CharField(label="Board", max_length=200, help_text="For example, Improvement Board")
    decided_on = DayMonthYearField(label="Date of the decision", help_text="For example, 30 9 2013")
    outcome = forms.ChoiceField(label="Decision", choices=Decision.Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="If more evidence is needed, say what",
    )

    def clean_decided_on(self) -> date:
        decided: date = self.cleaned_data["decided_on"]
        if decided > timezone.localdate():
            raise forms.ValidationError("A decision cannot be dated in the future.")
        return decided


class DueDateRevisionForm(forms.Form):
    due_on = DayMonthYearField(label="Revised due date", help_text="For example, 30 9 2013")
    reason = forms.CharField(
        label="Why the date moved",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The plan shows the revised date; its reason is on the recommendation's page",
    )
    approved_by = forms.CharField(
        label="Agreed by", max_length=200, help_text="The person or board that agreed it, for example Improvement Board"
    )
    agreed_on = DayMonthYearField(label="Date it was agreed", help_text="For example, 2 9 2013")

    def clean_agreed_on(self) -> date:
        agreed: date = self.cleaned_data["agreed_on"]
        if agreed > timezone.localdate():
            raise forms.ValidationError("A revision cannot be agreed in the future.")
        return agreed


def _indicator_codes(label: str) -> forms.CharField:
    return forms.CharField(label=label, max_length=1000, required=False, help_text="Their codes, separated by spaces")


class HighlightReportForm(forms.Form):
    plan = forms.ModelChoiceField(label="Improvement plan", queryset=Plan.objects.order_by("title"), empty_label=None)
    reported_on = DayMonthYearField(label="Reporting date", help_text="For example, 2 9 2013")
    title = forms.CharField(label="Title", max_length=300, help_text="For example, Director's highlight report")
    report_to = forms.CharField(label="Report to (optional)", max_length=200, required=False)
    report_of = forms.CharField(label="Report of (optional)", max_length=200, required=False)
    summary = forms.CharField(label="Introduction (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    scorecard = forms.ModelChoiceField(
        label="Scorecard for the performance extract (optional)",
        queryset=Scorecard.objects.order_by("title"),
        required=False,
        empty_label="None",
    )
    period = forms.CharField(
        label="Scorecard period (optional)", max_length=20, required=False, help_text="For example, 2013-14-Q1"
    )
    indicators = _indicator_codes("Indicators for the performance extract (optional)")
    staffing_indicators = _indicator_codes("Workforce indicators for the staffing section (optional)")
    local_authority = forms.CharField(
        label="Council's DfE number (optional)",
        max_length=9,
        required=False,
        help_text="For the adoption measures A1, A2 and A10, for example 895",
    )


class HighlightEntryForm(forms.Form):
    kind = forms.ChoiceField(label="What it is", choices=HighlightEntry.Kind.choices, widget=forms.RadioSelect)
    text = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.CharField(
        label="Owner", max_length=200, required=False, help_text="Who is responsible, for example Head of Service"
    )
    rag = forms.ChoiceField(label="RAG rating", choices=RAG_CHOICES, widget=forms.RadioSelect)


class AsAtForm(forms.Form):
    on = DayMonthYearField(label="Show the plan as at", required=False, help_text="For example, 1 2 2012")


class PlanImportForm(forms.Form):
    upload = forms.FileField(
        label="Action plan workbook",
        help_text="XLSX or CSV laid out as the action plan table. If it has any problem, nothing is imported.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    plan = forms.SlugField(
        label="Short name for the new plan",
        max_length=50,
        help_text="Letters, numbers and hyphens, for example cheshire-east-2011",
    )
    title = forms.CharField(
        label="Title (optional)",
        max_length=300,
        required=False,
        help_text="Leave empty to use the title above the table",
    )
    source = forms.ModelChoiceField(
        label="Where the recommendations come from",
        # Newest first, and a source without a date last on every engine (PostgreSQL puts nulls first when descending).
        queryset=Source.objects.order_by(F("published_on").desc(nulls_last=True), "title"),
        help_text="Its publication date sets the due dates",
        empty_label="Choose a source",
    )

    def clean_upload(self) -> object:
        upload = self.cleaned_data["upload"]
        if upload.size > settings.OVERSIGHT_MAX_IMPORT_BYTES:
            raise forms.ValidationError(f"The file is larger than {settings.OVERSIGHT_MAX_IMPORT_BYTES:,} bytes.")
        return upload

    def clean_plan(self) -> str:
        slug: str = self.cleaned_data["plan"]
        if slug == "import" or Plan.objects.filter(slug=slug, recommendations__isnull=False).exists():
            raise forms.ValidationError(f"There is already a plan called '{slug}'; choose another short name.")
        return slug
