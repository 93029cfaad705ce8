from __future__ import annotations

from django import forms
from django.conf import settings

from oversight.benchmarks.models import LocalAuthority
from oversight.performance.forms import MultipleFileField, MultipleFileInput


class StartForm(forms.Form):
    """The council, its returns and (optionally) DfE's published files: everything a start needs."""

    council = forms.ModelChoiceField(
        queryset=LocalAuthority.objects.filter(ended__isnull=True).exclude(code="").order_by("name"),
        label="Council",
        empty_label="Choose your council",
        help_text="Its returns are loaded under its ONS code; its region and statistical neighbours are DfE's.",
        error_messages={"required": "Choose the council", "invalid_choice": "Choose a council from the list"},
    )
    returns = MultipleFileField(
        label="Returns",
        help_text="The SSDA903 return (its CSV tables or XML), CIN census XML, Ofsted's Annex A workbook, the social "
        "work workforce census XML: one or more years, all at once. Children are pseudonymised as they are loaded.",
        widget=MultipleFileInput(attrs={"accept": ".csv,.xml,.xlsx"}),
        error_messages={"required": "Choose the return files to load"},
    )
    published = MultipleFileField(
        required=False,
        label="DfE's published figures (optional)",
        help_text="Explore Education Statistics CSVs (with their .meta.csv files) or LAIT files, for England, the "
        "region and the statistical neighbours. Figures imported before are used as they are; with none, oversight "
        "loads those that come with it (to March 2025).",
        widget=MultipleFileInput(attrs={"accept": ".csv,.parquet"}),
    )

    def clean_returns(self) -> list[object]:
        uploads = [upload for upload in self.cleaned_data.get("returns") or [] if upload is not None]
        if not uploads:  # a multiple file input sends an empty list, which the field takes for an answer
            raise forms.ValidationError("Choose the return files to load")
        names = [upload.name for upload in uploads]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:  # each is kept under its own name until it is loaded
            raise forms.ValidationError(f"Two files are named {', '.join(twice)}: rename one and choose them again")
        return uploads

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        limit = settings.OVERSIGHT_MAX_IMPORT_BYTES
        for name in ("returns", "published"):
            for upload in data.get(name) or []:
                if upload is not None and upload.size > limit:
                    self.add_error(name, f"{upload.name} is {upload.size / 1e6:,.1f} MB; each file may be "
                                         f"{limit / 1e6:,.0f} MB at most")  # fmt: skip
        return data
