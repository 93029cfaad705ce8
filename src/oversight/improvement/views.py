"""Thin views: parse the request, call one selector or service, render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from oversight.core.problems import ApplicationError
from oversight.core.rag import Rating
from oversight.improvement import exports, selectors, services
from oversight.improvement.forms import (
    ActionForm,
    AsAtForm,
    CheckpointForm,
    DecisionForm,
    DueDateRevisionForm,
    EvidenceRequirementForm,
    PlanImportForm,
)
from oversight.improvement.models import Action, Framework, Plan, Recommendation
from oversight.uploads import uploads_saved


def _as_at(request: HttpRequest, plan_slug: str) -> tuple[date, AsAtForm, bool]:
    """The date to show a plan as at: the one asked for, else its latest progress entry, else today; and whether
    it is the latest progress entry's."""
    form = AsAtForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["on"]:
        return form.cleaned_data["on"], form, False
    latest = selectors.plan_latest_progress(plan_slug)
    today = latest if latest is not None else timezone.localdate()
    return today, form if form.is_bound else AsAtForm(initial={"on": today}), latest is not None


def inspections(request: HttpRequest) -> HttpResponse:
    context = {
        "inspections": selectors.inspections_all(),
        "frameworks": Framework.objects.prefetch_related("grades"),
        "areas": selectors.areas_judged_more_than_once(),
    }
    return render(request, "improvement/inspections.html", context)


def inspection(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "improvement/inspection.html", {"inspection": selectors.inspection_detail(slug)})


def area_history(request: HttpRequest, area_key: str) -> HttpResponse:
    return render(request, "improvement/area_history.html", {"history": selectors.area_history(area_key)})


def plans(request: HttpRequest) -> HttpResponse:
    return render(request, "improvement/plans.html", {"plans": selectors.plans_all()})


@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest) -> HttpResponse:
    form = PlanImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with uploads_saved([data["upload"]]) as [path]:
            result = services.plan_import(
                path, plan_slug=data["plan"], source=data["source"], user=request.user, title=data["title"]
            )
        if result.ok:
            return redirect("improvement:plan", slug=data["plan"])
    return render(request, "improvement/plan_import.html", {"form": form, "result": result})


def plan_on_a_page(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_object_or_404(Plan, slug=slug)
    today, form, at_latest_progress = _as_at(request, slug)
    summary = selectors.plan_summary(plan, today)
    context = {"summary": summary, "form": form, "at_latest_progress": at_latest_progress}
    return render(request, "improvement/plan.html", context)


def plan_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404("Plans export as xlsx or pdf.")
    plan = get_object_or_404(Plan, slug=slug)
    response = HttpResponse(exports.render(plan, fmt), content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}-action-plan.{fmt}"'
    return response


def recommendation(request: HttpRequest, slug: str, order: int) -> HttpResponse:
    today, _, _ = _as_at(request, slug)
    detail = selectors.recommendation_detail(slug, order, today)
    return render(request, "improvement/recommendation.html", {"detail": detail, "today": today})


@require_http_methods(["GET", "POST"])
def checkpoint_edit(request: HttpRequest, slug: str, order: int, action: int) -> HttpResponse:
    def write(found: Action, data: dict[str, Any]) -> None:
        services.checkpoint_record(
            action=found,
            label=data["label"],
            as_at=data["as_at"],
            narrative=data["narrative"],
            rating=Rating(data["rag"]),
            rag_reason=data["rag_reason"],
            user=request.user,
            evidence_title=data["evidence_title"],
            evidence_url=data["evidence_url"],
        )

    def initial(_: Action) -> dict[str, Any]:
        return {"rag": Rating.NOT_RATED.value, "as_at": timezone.localdate()}

    page = ("improvement/checkpoint_edit.html", "Record progress", "Save progress")
    return _action_form(request, (slug, order, action), CheckpointForm, initial, write, page)


@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, slug: str, order: int, action: int) -> HttpResponse:
    """A service manager keeps an action's status, officers and due date up to date."""

    def write(found: Action, data: dict[str, Any]) -> None:
        services.action_update(
            action=found, status=data["status"], officers=data["officers"], due_on=data["due_on"], user=request.user
        )

    def initial(found: Action) -> dict[str, Any]:  # the action as it is
        return {"status": found.status, "officers": found.officers, "due_on": found.due_on}

    page = ("improvement/action_edit.html", "Change the action", "Save the action")
    return _action_form(request, (slug, order, action), ActionForm, initial, write, page)


def _action_form(
    request: HttpRequest,
    address: tuple[str, int, int],
    form_class: type[forms.Form],
    initial: Callable[[Action], dict[str, Any]],
    write: Callable[[Action, dict[str, Any]], None],
    page: tuple[str, str, str],
) -> HttpResponse:
    """A form about one key action (``address``: the plan's slug, the recommendation's and the action's order):
    written through ``write`` and back to the recommendation, or shown again with what was wrong.
    ``page``: the template, heading and button; ``initial`` gives the form's first values for the action."""
    slug, order, number = address
    found = get_object_or_404(
        Action.objects.select_related("recommendation__plan"),
        recommendation__plan__slug=slug,
        recommendation__order=order,
        order=number,
    )
    form = form_class(request.POST or None, initial=initial(found))
    if request.method == "POST" and form.is_valid():
        try:
            write(found, form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, str(error))
        else:
            return redirect("improvement:recommendation", slug=slug, order=order)
    template, heading, button = page
    context = {"action": found, "recommendation": found.recommendation, "form": form, "heading": heading}
    return render(request, template, {**context, "button": button})


def _recommendation_form(
    request: HttpRequest,
    slug: str,
    order: int,
    form_class: type[forms.Form],
    write: Callable[..., object],
    template: str,
    heading: str,
    button: str,
) -> HttpResponse:
    """A form about one recommendation: on a valid POST, one service call, then back to the recommendation."""
    found = get_object_or_404(Recommendation.objects.select_related("plan"), plan__slug=slug, order=order)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            write(recommendation=found, user=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, str(error))
        else:
            return redirect("improvement:recommendation", slug=slug, order=order)
    context = {"recommendation": found, "form": form, "heading": heading, "button": button}
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def decision_record(request: HttpRequest, slug: str, order: int) -> HttpResponse:
    return _recommendation_form(
        request,
        slug,
        order,
        DecisionForm,
        services.decision_record,
        "improvement/decision.html",
        "Record a board decision",
        "Record the decision",
    )


@require_http_methods(["GET", "POST"])
def evidence_add(request: HttpRequest, slug: str, order: int) -> HttpResponse:
    return _recommendation_form(
        request,
        slug,
        order,
        EvidenceRequirementForm,
        services.evidence_requirement_add,
        "improvement/evidence_add.html",
        "Add evidence to the matrix",
        "Add to the matrix",
    )


@require_http_methods(["GET", "POST"])
def due_revise(request: HttpRequest, slug: str, order: int) -> HttpResponse:
    return _recommendation_form(
        request,
        slug,
        order,
        DueDateRevisionForm,
        services.recommendation_due_revise,
        "improvement/due_revise.html",
        "Revise the due date",
        "Save the revised date",
    )
