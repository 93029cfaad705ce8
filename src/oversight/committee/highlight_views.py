"""Thin views for a plan's highlight report: the list, the report as a page, as Word or tagged PDF, and the form
that adds a key highlight, challenge or risk."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from oversight.accounts.services import user_council_scope
from oversight.committee.highlight import (
    HIGHLIGHT_FORMATS,
    highlight_render,
    highlight_report_get,
    highlight_reports_all,
    highlight_view,
)
from oversight.core.problems import ApplicationError
from oversight.core.rag import Rating
from oversight.improvement import services
from oversight.improvement.forms import HighlightEntryForm, HighlightReportForm
from oversight.improvement.models import HighlightReport


def _report(request: HttpRequest, plan: str, on: str) -> HighlightReport:
    try:
        day = date.fromisoformat(on)
    except ValueError:
        raise Http404("A reporting date is written YYYY-MM-DD.") from None
    return highlight_report_get(plan, day, user_council_scope(request.user))


def highlight_reports(request: HttpRequest) -> HttpResponse:
    reports = highlight_reports_all(user_council_scope(request.user))
    return render(request, "committee/highlight_reports.html", {"reports": reports})


def highlight_report(request: HttpRequest, plan: str, on: str) -> HttpResponse:
    view = highlight_view(_report(request, plan, on), user_council_scope(request.user))
    return render(request, "committee/highlight.html", {"view": view})


def highlight_report_download(request: HttpRequest, plan: str, on: str, fmt: str) -> HttpResponse:
    if fmt not in HIGHLIGHT_FORMATS:
        raise Http404("A highlight report is docx or pdf.")
    report = _report(request, plan, on)
    view = highlight_view(report, user_council_scope(request.user))
    response = HttpResponse(highlight_render(view, fmt), content_type=HIGHLIGHT_FORMATS[fmt])
    name = f"oversight-{report.plan.slug}-highlight-{report.reported_on:%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
def highlight_report_new(request: HttpRequest) -> HttpResponse:
    """Start a plan's highlight report at a reporting date (or change the one it has at that date)."""
    form = HighlightReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        scorecard = data.pop("scorecard")
        try:
            report = services.highlight_report_save(
                **data, scorecard_slug=scorecard.slug if scorecard else "", user=request.user,
                scope=user_council_scope(request.user),
            )  # fmt: skip
        except ApplicationError as error:
            form.add_error(None, str(error))
        else:
            return redirect("committee:highlight-report", plan=report.plan.slug, on=report.reported_on.isoformat())
    return render(request, "committee/highlight_report_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def highlight_entry_add(request: HttpRequest, plan: str, on: str) -> HttpResponse:
    report = _report(request, plan, on)
    form = HighlightEntryForm(request.POST or None, initial={"rag": Rating.NOT_RATED.value})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.highlight_entry_add(
                report=report,
                kind=data["kind"],
                text=data["text"],
                owner=data["owner"],
                rating=Rating(data["rag"]),
                user=request.user,
            )
        except ApplicationError as error:
            form.add_error(None, str(error))
        else:
            return redirect("committee:highlight-report", plan=plan, on=on)
    return render(request, "committee/highlight_entry_add.html", {"report": report, "form": form})
