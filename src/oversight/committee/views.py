"""Thin views for committee reporting: the exception report, on the page and as files."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from oversight.committee import exports
from oversight.committee.exceptions import exception_report
from oversight.core.periods import Period, PeriodError, parse_period
from oversight.performance.models import Scorecard


def _period(code: str) -> Period:
    try:
        return parse_period(code)
    except PeriodError as error:
        raise Http404(str(error)) from None


def exceptions(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    scorecard = get_object_or_404(Scorecard, slug=slug)
    report = exception_report(scorecard, _period(period), publication=request.GET.get("for") == "publication")
    return render(request, "committee/exceptions.html", {"report": report})


def exceptions_export(request: HttpRequest, slug: str, period: str, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404("Exports are csv, xlsx or pdf.")
    scorecard = get_object_or_404(Scorecard, slug=slug)
    report = exception_report(scorecard, _period(period))
    response = HttpResponse(exports.render(report, fmt), content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(report, fmt)}"'
    return response
