"""Thin views: parse the request, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from oversight.accounts.access import forbidden
from oversight.accounts.roles import Capability
from oversight.accounts.services import user_can, user_council_scope
from oversight.core.periods import Period
from oversight.core.problems import ApplicationError
from oversight.core.rag import Polarity
from oversight.performance import analysis, breakdowns, charts, exports, reporting, selectors, services, signoff
from oversight.performance.forms import CommentaryForm, ImportForm, PeriodEditForm, SignoffForm
from oversight.performance.import_template import import_template
from oversight.performance.models import (
    Commentary,
    Indicator,
    Observation,
    PeriodSignoff,
    Scorecard,
    Target,
    version_text,
)
from oversight.uploads import uploads_saved


def home(request: HttpRequest) -> HttpResponse:
    scorecards = []
    scope = user_council_scope(request.user)
    for scorecard in selectors.scorecards_all():
        periods = selectors.scorecard_periods_shown(scorecard, scope)
        scorecards.append((scorecard, periods, selectors.trend_year_shown(scorecard, periods, scope)))
    today = reporting.calendar_today(request.GET.get("on"))
    calendar = reporting.reporting_calendar(today)
    context = {
        "scorecards": scorecards,
        "calendar": calendar,
        "today": today,
        "late": sum(1 for row in calendar if row.standing.is_late),
        "due": sum(1 for row in calendar if row.waits_for and not row.standing.is_late),
    }
    return render(request, "performance/home.html", context)


def scorecard_latest(request: HttpRequest, slug: str) -> HttpResponse:
    scorecard = get_object_or_404(Scorecard, slug=slug)
    periods = selectors.scorecard_periods_shown(scorecard, user_council_scope(request.user))
    if not periods:
        raise Http404("This scorecard has no values yet.")
    return redirect("performance:scorecard", slug=slug, period=periods[0].code)


def scorecard(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    if "period" in request.GET:  # the period picker works as a plain form, without JavaScript
        return redirect("performance:scorecard", slug=slug, period=selectors.period_or_404(request.GET["period"]).code)
    the_period, scope = selectors.period_or_404(period), user_council_scope(request.user)
    scorecard = selectors.scorecard_shown(slug, the_period, scope)
    view = selectors.scorecard_view(scorecard, the_period)
    context = {
        "view": view,
        "periods": selectors.scorecard_periods_shown(scorecard, scope),
        "glossary": selectors.glossary_entries(),
        "compact": request.GET.get("layout") == "compact",
        "trends_visible": selectors.trends_visible(scorecard, view.trend_year, scope),
    }
    return render(request, "performance/scorecard.html", context)


def scorecard_export(request: HttpRequest, slug: str, period: str, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404("Exports are csv, xlsx or pdf.")
    the_period = selectors.period_or_404(period)
    scorecard = selectors.scorecard_shown(slug, the_period, user_council_scope(request.user))
    view = selectors.scorecard_view(scorecard, the_period)
    publication = request.GET.get("for") == "publication"
    body = exports.render(view, fmt, publication=publication)
    response = HttpResponse(body, content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(view, fmt, publication=publication)}"'
    return response


@require_http_methods(["GET", "POST"])
def signoff_page(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    """Where a period stands, what blocks it, and the step the signed-in user may take next."""
    the_period = selectors.period_or_404(period)
    scorecard = selectors.scorecard_shown(slug, the_period, user_council_scope(request.user))
    form = SignoffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        steps = {
            "submit": lambda: signoff.signoff_submit(scorecard=scorecard, period=the_period, user=request.user),
            "approve": lambda: signoff.signoff_approve(
                scorecard=scorecard, period=the_period, user=request.user, note=data["note"]
            ),
            "publish": lambda: signoff.signoff_publish(scorecard=scorecard, period=the_period, user=request.user),
            "reopen": lambda: signoff.signoff_reopen(
                scorecard=scorecard, period=the_period, user=request.user, reason=data["reason"]
            ),
        }
        try:
            done = steps[data["step"]]()
        except ApplicationError as error:
            form.add_error("reason" if data["step"] == "reopen" else None, str(error))
        else:
            messages.success(request, f"{the_period.label}: {version_text(done)}")
            return redirect("performance:signoff", slug=slug, period=the_period.code)
    view = selectors.scorecard_view(scorecard, the_period)
    state = view.signoff.state if view.signoff else PeriodSignoff.State.DRAFT
    context = {
        "view": view,
        "form": form,
        "state": state,
        "missing": signoff.missing_commentary(view) if state == PeriodSignoff.State.DRAFT else [],
        "may_submit": state == PeriodSignoff.State.DRAFT and user_can(request.user, Capability.EDIT_DATA),
        "may_approve": state == PeriodSignoff.State.SUBMITTED and user_can(request.user, Capability.APPROVE),
        "may_publish": state == PeriodSignoff.State.APPROVED and user_can(request.user, Capability.APPROVE),
        "may_reopen": bool(view.signoff and view.signoff.is_locked) and user_can(request.user, Capability.APPROVE),
    }
    return render(request, "performance/signoff.html", context)


def trend(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    the_period = selectors.period_or_404(period)
    scorecard = selectors.trend_shown(slug, the_period, user_council_scope(request.user))
    view = selectors.trend_view(scorecard, the_period)
    lines = charts.trend_charts(view)
    # Each row with its own line, so that the page does not look for it among every indicator's lines.
    groups = [(priority, [(row, lines.get(row.indicator.pk)) for row in rows]) for priority, rows in view.groups]
    return render(request, "performance/trend.html", {"view": view, "groups": groups})


def indicator(request: HttpRequest, code: str) -> HttpResponse:
    if "edit" in request.GET:  # the 'add or edit a period' form, without JavaScript
        return redirect(
            "performance:indicator-edit", code=code, period=selectors.period_or_404(request.GET["edit"]).code
        )
    detail = selectors.indicator_detail(code, user_council_scope(request.user))
    may_comment = user_can(request.user, Capability.EDIT_COMMENTARY, detail.indicator)
    context = {"detail": detail, "charts": charts.history_charts(detail), "may_comment": may_comment}
    context.update(breakdowns.indicator_breakdowns_context(detail.indicator, request.GET.get("for") == "publication"))
    context |= analysis.indicator_spc_context(detail.indicator)
    return render(request, "performance/indicator.html", context)


def _back_to_row(indicator: Indicator, period: Period) -> HttpResponse:
    """Back to the indicator page, at the row of the period just saved."""
    return HttpResponseRedirect(reverse("performance:indicator", args=[indicator.code]) + f"#period-{period.code}")


@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, code: str, period: str) -> HttpResponse:
    indicator = selectors.indicator_shown(code, user_council_scope(request.user))
    the_period = selectors.period_or_404(period)
    observation = Observation.objects.filter(indicator=indicator, period=the_period.code).first()
    target = Target.objects.filter(indicator=indicator, period=the_period.code).first()
    commentary = Commentary.objects.filter(indicator=indicator, period=the_period.code).first()
    polarity = Polarity(indicator.polarity)
    initial = {
        "value": ""
        if observation is None or observation.value is None
        else indicator.show(observation.value).rstrip("%"),
        "status": observation.status if observation else Observation.Status.PROVISIONAL,
        "note": observation.note if observation else "",
        "target": "" if (rule := target.rule(polarity) if target else None) is None else rule.code,
        "target_note": target.note if target else "",
        "commentary": commentary.text if commentary else "",
    }
    form = PeriodEditForm(request.POST or None, initial=initial, polarity=polarity)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.period_edit(indicator=indicator, period=the_period.code, user=request.user, **data)
        except ApplicationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{the_period.label} saved.")
            return _back_to_row(indicator, the_period)
    context = {"indicator": indicator, "period": the_period, "form": form}
    return render(request, "performance/indicator_edit.html", context)


@require_http_methods(["GET", "POST"])
def commentary_edit(request: HttpRequest, code: str, period: str) -> HttpResponse:
    indicator = selectors.indicator_shown(code, user_council_scope(request.user))
    if not user_can(request.user, Capability.EDIT_COMMENTARY, indicator):
        return forbidden(request, "Owners can edit commentary only on the indicators assigned to them.")
    the_period = selectors.period_or_404(period)
    current = Commentary.objects.filter(indicator=indicator, period=the_period.code).first()
    form = CommentaryForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.commentary_save(
                indicator=indicator, period=the_period.code, text=form.cleaned_data["text"], user=request.user
            )
        except ApplicationError as error:
            form.add_error("text", str(error))
        else:
            messages.success(request, f"Commentary for {the_period.label} saved.")
            return _back_to_row(indicator, the_period)
    context = {"indicator": indicator, "period": the_period, "form": form}
    return render(request, "performance/commentary_edit.html", context)


def glossary(request: HttpRequest) -> HttpResponse:
    return render(request, "performance/glossary.html", {"entries": selectors.glossary_entries()})


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        with uploads_saved(form.cleaned_data["upload"]) as paths:
            result = services.import_files(paths, user=request.user)
    return render(request, "performance/import.html", {"form": form, "result": result})


def import_template_download(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(import_template(), content_type=exports.FORMATS["xlsx"])
    response["Content-Disposition"] = 'attachment; filename="oversight-import-template.xlsx"'
    return response
