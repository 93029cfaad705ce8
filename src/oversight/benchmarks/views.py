"""Thin views: parse the request, call one selector or service, render."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from oversight.benchmarks import selectors, services
from oversight.benchmarks.forms import LinkForm, PublishedImportForm
from oversight.benchmarks.models import IndicatorLink, SourceFile
from oversight.performance.models import Indicator
from oversight.reports import charts
from oversight.uploads import uploads_saved


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "links": IndicatorLink.objects.select_related("indicator", "series", "authority").order_by("indicator__code"),
        "sources": SourceFile.objects.order_by("-imported_at")[:50],
        "neighbour_sets": selectors.neighbour_sets_described(),
        "series_count": selectors.series_all().count(),
    }
    return render(request, "benchmarks/home.html", context)


@require_http_methods(["GET", "POST"])
def published_upload(request: HttpRequest) -> HttpResponse:
    """Import published files from the browser, as ``oversight benchmark import`` does: all or nothing."""
    form = PublishedImportForm(request.POST or None, request.FILES or None)
    result, refreshed = None, 0
    if request.method == "POST" and form.is_valid():
        with uploads_saved(form.cleaned_data["upload"]) as paths:
            result = services.published_import(paths, user_name=request.user.get_username())
        if result.ok:
            refreshed = services.comparators_refresh_all()
    return render(request, "benchmarks/import.html", {"form": form, "result": result, "refreshed": refreshed})


def benchmark_charts(found: selectors.Comparison, indicator: Indicator) -> dict[str, charts.Chart]:
    result: dict[str, charts.Chart] = {}
    bars = [
        charts.Bar(row.name, row.value, row.is_council)
        for row in found.rows
        if row.kind in ("council", "neighbour") and row.value is not None
    ]
    england = found.england_row
    council = found.council_row
    described = (f"{council.name} {council.text}" if council.value is not None else f"{council.name} has no figure") + (
        f"; England {england.text}" if england is not None and england.value is not None else ""
    )
    left_out = len(found.members) - found.summary.used
    chart = charts.neighbour_bar_chart(
        bars,
        england=england.value if england is not None else None,
        title=f"{indicator.title}, {found.year.period}: {found.authority.name} and its {found.group_label}",
        description=f"Bar chart, highest at the top. {described}. "
        + (f"{left_out} comparator(s) without a published figure are not drawn. " if left_out else "")
        + "The same figures are in the comparator table below.",
        unit_title=charts.axis_title(indicator.get_unit_display()),
    )
    if chart is not None:
        result["bars"] = chart
    funnel = found.funnel
    if funnel is not None:
        outside = ", ".join(funnel.outside_998) or "none"
        plot = charts.funnel_chart(
            [charts.FunnelDot(p.name, float(p.denominator), p.percent, p.is_council) for p in funnel.points],
            funnel.limits,
            target_pct=funnel.target_pct,
            title=f"Funnel plot of {indicator.title}, {found.year.period}, all councils",
            description=f"Each council's percentage against the number of children it is taken over (log scale), "
            f"with England's {funnel.target_pct:.1f}% as the centre line and 95% and 99.8% control limits. "
            f"Councils outside the 99.8% limits: {outside}.",
            y_title="Percentage",
            x_title="Number of children (denominator)",
        )
        if plot is not None:
            result["funnel"] = plot
    return result


def indicator_benchmark(request: HttpRequest, code: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator.objects.select_related("priority__scorecard"), code=code)
    link = selectors.link_for(indicator)
    context: dict[str, object] = {"indicator": indicator, "link": link, "changes": selectors.link_changes(indicator)}
    if link is not None:
        years = selectors.published_years(link.series)
        context["years"] = years
        chosen = next(
            (year for year in years if year.period == request.GET.get("period")), years[-1] if years else None
        )
        if chosen is not None:
            found = selectors.indicator_comparison(indicator, link, chosen)
            rows = [(row, selectors.change_text(row, indicator)) for row in found.rows]
            context |= {
                "year": chosen,
                "found": found,
                "rows": rows,
                "charts": benchmark_charts(found, indicator),
                "verdict": found.council_row.verdict,
                "mean_text": indicator.show(found.summary.mean) if found.summary.mean is not None else "",
                "median_text": indicator.show(found.summary.median) if found.summary.median is not None else "",
                "median_note": found.summary.note_for("median"),
                "series": selectors.authority_series(link.series, link.authority),
            }
    return render(request, "benchmarks/indicator.html", context)


@require_http_methods(["GET", "POST"])
def link_edit(request: HttpRequest, code: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator, code=code)
    current = selectors.link_for(indicator)
    initial = (
        {}
        if current is None
        else {
            "series": current.series_id,
            "authority": current.authority_id,
            "comparator_group": current.comparator_group_id,
        }
    )
    form = LinkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["remove"]:
            services.indicator_link_remove(indicator=indicator, user=request.user)
            return redirect("benchmarks:indicator", code=indicator.code)
        services.indicator_link_save(
            indicator=indicator,
            series=data["series"],
            authority=data["authority"],
            comparator_group=data["comparator_group"],
            user=request.user,
        )
        return redirect("benchmarks:indicator", code=indicator.code)
    return render(request, "benchmarks/link_edit.html", {"indicator": indicator, "form": form, "current": current})


def comparison_csv(found: selectors.Comparison) -> str:
    """The comparator table as CSV: one row per area, with the reason for any missing figure and for bolding."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["area", "kind", "period", "value", "reason_missing", "previous_period", "change", "change_percent",
         "significance", "bold", "bold_reason"]
    )  # fmt: skip
    for row in found.rows:
        writer.writerow(
            [
                row.name,
                row.kind,
                found.year.period,
                "" if row.value is None else f"{row.value.normalize():f}",
                "" if row.value is not None else selectors.reason_text(row.reason),
                found.previous.period if found.previous else "",
                "" if row.change.change is None else f"{row.change.change.normalize():f}",
                "" if row.change_pct is None else f"{row.change_pct:.1f}",
                "" if row.verdict is None else row.verdict.significance.label,
                "yes" if row.bold.is_bold else "no",
                row.bold.reason,
            ]
        )
    summary = found.summary
    for label, value in (("mean", summary.mean), ("median", summary.median)):
        shown = "" if value is None else f"{value.quantize(Decimal('0.0001')).normalize():f}"
        writer.writerow(
            [f"{found.group_label} {label}", "group", found.year.period, shown, summary.note_for(label), "", "", "", "",
             "", ""]
        )  # fmt: skip
    writer.writerow(["rank", "", found.year.period, "", found.rank_sentence, "", "", "", "", "", ""])
    writer.writerow(["comparators", "", found.year.period, "", found.group_note, "", "", "", "", "", ""])
    return out.getvalue()
