from __future__ import annotations

from django import forms

from oversight.benchmarks.models import ComparatorGroup, LocalAuthority, PublishedSeries
from oversight.performance.forms import MultipleFileField, MultipleFileInput


class PublishedImportForm(forms.Form):
    """DfE's published files, each with its metadata file if there is one."""

    upload = MultipleFileField(
        label="Published files",
        help_text="Explore Education Statistics CSVs with their metadata files (name.meta.csv), LAIT's long "
        "parquet or data dictionary, or statistical-neighbour groupings. If any file has a problem, nothing "
        "is imported.",
        widget=MultipleFileInput(attrs={"accept": ".csv,.parquet"}),
    )


class LinkForm(forms.Form):
    """Which published series gives an indicator its England, region and neighbour comparators."""

    series = forms.ModelChoiceField(
        queryset=PublishedSeries.objects.order_by("title"),
        label="Published measure",
        help_text="The DfE or LAIT series that measures the same thing as this indicator.",
    )
    authority = forms.ModelChoiceField(
        queryset=LocalAuthority.objects.filter(ended__isnull=True).order_by("name"),
        label="Council",
        help_text="The council whose figures these are.",
    )
    comparator_group = forms.ModelChoiceField(
        queryset=ComparatorGroup.objects.order_by("name"),
        required=False,
        label="Compare with (optional)",
        empty_label="DfE statistical neighbours for each year",
        help_text="A group of councils chosen locally, instead of DfE's statistical neighbours.",
    )
    remove = forms.BooleanField(required=False, label="Remove the link and its comparators")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        series = self.fields["series"]
        if not isinstance(series, forms.ModelChoiceField):
            raise AssertionError("isinstance(series, forms.ModelChoiceField)")
        series.label_from_instance = lambda obj: f"{obj.title} [{obj.code}]"  # type: ignore[method-assign]
        for name in ("series", "authority", "comparator_group"):
            self.fields[name].error_messages["required"] = f"Choose the {self.fields[name].label.lower()}"  # type: ignore[union-attr]
        self.fields["series"].error_messages["invalid_choice"] = "Choose a measure from the list"

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("remove"):
            for name in ("series", "authority"):
                if name in self.errors:
                    del self.errors[name]
        return data
