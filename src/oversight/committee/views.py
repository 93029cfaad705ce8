"""Thin views for committee reporting: the exception report, on the page and as files; the bodies, their meetings,
work programmes and resolutions, and the forms and import that keep them."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from oversight.accounts.services import user_council_scope
from oversight.committee import exports, selectors, services
from oversight.committee.exceptions import exception_report
from oversight.committee.forms import ReportForm, ResolutionForm, WorkItemForm
from oversight.committee.loader import COLUMNS, committee_import
from oversight.committee.models import AgendaItem, Body, Meeting, Part, Resolution, WorkProgrammeItem
from oversight.committee.pack import PACK_FORMATS, PackError, meeting_pack, pack_item, pack_render
from oversight.committee.template import report_template
from oversight.core.problems import ApplicationError
from oversight.improvement.selectors import plans_all
from oversight.performance.selectors import period_or_404, scorecard_shown
from oversight.uploads import uploads_saved

WORK_ITEM_FIELDS = [
    "topic",
    "purpose",
    "origin",
    "corporate_priority",
    "frequency",
    "status",
    "status_reason",
    "status_on",
    "criteria",
]


def exceptions(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    the_period = period_or_404(period)
    scorecard = scorecard_shown(slug, the_period, user_council_scope(request.user))
    report = exception_report(scorecard, the_period, publication=request.GET.get("for") == "publication")
    return render(request, "committee/exceptions.html", {"report": report})


def exceptions_export(request: HttpRequest, slug: str, period: str, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404("Exports are csv, xlsx or pdf.")
    the_period = period_or_404(period)
    scorecard = scorecard_shown(slug, the_period, user_council_scope(request.user))
    report = exception_report(scorecard, the_period)
    response = HttpResponse(exports.render(report, fmt), content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(report, fmt)}"'
    return response


# Committee business ------------------------------------------------------------------------------


def bodies(request: HttpRequest) -> HttpResponse:
    found = Body.objects.annotate(meeting_count=Count("meetings"))
    return render(request, "committee/bodies.html", {"bodies": found})


def _body(request: HttpRequest, slug: str, *, public: bool = False) -> Body:
    """The body ``slug``: its public business for every reader, the rest for its council's users (ADR 26)."""
    return selectors.body_shown(slug, user_council_scope(request.user), public=public)


def body(request: HttpRequest, slug: str) -> HttpResponse:
    view = selectors.body_view(_body(request, slug, public=True), timezone.localdate())
    context = {"view": view, "today": timezone.localdate(), "theirs": _theirs(request, view.body)}
    return render(request, "committee/body.html", context)


def _pack_shown(request: HttpRequest, found: Body, item: AgendaItem) -> bool:
    """Whether the user may have the pack of ``item``: a Part 1 report is public business, a Part 2 its council's."""
    return user_council_scope(request.user).business_visible(found.council, public=item.part == Part.PUBLIC)


def _theirs(request: HttpRequest, found: Body) -> bool:
    """Whether the body's business is the user's own council's to change (its forms are offered them alone)."""
    return user_council_scope(request.user).allows(found.council)


def _meeting(found: Body, on: str) -> Meeting:
    try:
        day = date.fromisoformat(on)
    except ValueError:
        raise Http404("A meeting is named by its date, YYYY-MM-DD.") from None
    held = selectors.meeting_find(found, day)
    if held is None:
        raise Http404(f"{found.name} has no meeting on {on}.")
    return held


def meeting(request: HttpRequest, slug: str, on: str) -> HttpResponse:
    found = _body(request, slug, public=True)
    held = _meeting(found, on)
    item = pack_item(held)
    context = {
        "body": found,
        "meeting": held,
        "agenda": list(held.agenda.all()),
        "resolutions": list(held.resolutions.select_related("due_meeting")),
        "due_here": list(held.resolutions_due.select_related("meeting")),
        "today": timezone.localdate(),
        "pack_item": item if item is not None and _pack_shown(request, found, item) else None,
        "theirs": _theirs(request, found),
    }
    return render(request, "committee/meeting.html", context)


def meeting_pack_download(request: HttpRequest, slug: str, on: str, fmt: str) -> HttpResponse:
    """The meeting's committee pack, built now for the user, as Word or tagged PDF: the figures of a period their
    council may not see are printed as not approved (ADR 26)."""
    if fmt not in PACK_FORMATS:
        raise Http404("A pack is docx or pdf.")
    found = _body(request, slug, public=True)
    held = _meeting(found, on)
    item = pack_item(held)
    if item is not None and not _pack_shown(request, found, item):
        raise Http404(f"{found.name} has no pack on {on}.")  # a Part 2 report, as if it were not there
    try:
        pack = meeting_pack(held, scope=user_council_scope(request.user))
    except PackError as error:
        raise Http404(str(error)) from None
    response = HttpResponse(pack_render(pack, fmt), content_type=PACK_FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="oversight-{slug}-{held.date:%Y-%m-%d}-pack.{fmt}"'
    return response


@require_http_methods(["GET", "POST"])
def item_report_edit(request: HttpRequest, slug: str, on: str, order: int) -> HttpResponse:
    """An agenda item's cover report: its numbered sections, appendices and plan, as the pack prints them."""
    found = _body(request, slug)
    held = _meeting(found, on)
    item = get_object_or_404(AgendaItem, meeting=held, order=order)
    try:
        template = report_template()
    except ApplicationError as error:  # the file is the administrator's to mend; the clerk is told why
        context = {"body": found, "meeting": held, "item": item, "problem": str(error)}
        return render(request, "committee/report_form.html", context, status=500)
    texts = dict(item.sections.values_list("heading", "text"))
    initial: dict[str, object] = {
        "portfolio_holder": item.portfolio_holder,
        "appendices": [appendix.value for appendix in item.appendices_chosen],
        "plan": item.plan_slug,
    }
    initial |= {f"section_{n}": texts.get(heading, "") for n, heading in enumerate(template.sections, start=1)}
    plans = [(plan.slug, plan.title) for plan in plans_all()]
    form = ReportForm(request.POST or None, initial=initial, sections=template.sections, plans=plans)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_report_save(
                item=item, sections=form.sections(), appendices=form.cleaned_data["appendices"],
                plan_slug=form.cleaned_data["plan"], portfolio_holder=form.cleaned_data["portfolio_holder"],
                user=request.user, via="web form",
            )  # fmt: skip
        except ApplicationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Saved the report for item {item.order}.")
            return redirect("committee:meeting", slug=slug, on=on)
    context = {"body": found, "meeting": held, "item": item, "form": form, "template": template}
    return render(request, "committee/report_form.html", context)


@require_http_methods(["GET", "POST"])
def work_item_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    found = _body(request, slug)
    item = get_object_or_404(WorkProgrammeItem, pk=pk, body=found) if pk is not None else None
    initial: dict[str, object] = {"status": WorkProgrammeItem.Status.ON_TRACK}
    if item is not None:
        initial = {name: getattr(item, name) for name in WORK_ITEM_FIELDS} | {
            "planned_meeting": item.planned_meeting_id or ""
        }
    form = WorkItemForm(request.POST or None, initial=initial, body=found)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in WORK_ITEM_FIELDS}
        if item is not None and data["topic"] != item.topic:
            form.add_error("topic", "The topic names the item; add a new item for a new topic.")
        else:
            try:
                services.work_item_save(
                    body=found, planned_meeting=form.meeting(), user=request.user, via="web form",
                    **data,
                )  # fmt: skip
            except ApplicationError as error:
                form.add_error(None, str(error))
            else:
                return redirect("committee:body", slug=slug)
    heading = "Change a work programme item" if item is not None else "Add to the work programme"
    return render(request, "committee/form_page.html", {"body": found, "form": form, "heading": heading})


@require_http_methods(["GET", "POST"])
def resolution_add(request: HttpRequest, slug: str, on: str) -> HttpResponse:
    found = _body(request, slug)
    return _resolution_form(request, found, _meeting(found, on), None)


@require_http_methods(["GET", "POST"])
def resolution_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = _body(request, slug)
    resolution = get_object_or_404(Resolution.objects.select_related("meeting"), pk=pk, meeting__body=found)
    return _resolution_form(request, found, resolution.meeting, resolution)


def _resolution_form(request: HttpRequest, found: Body, held: Meeting, resolution: Resolution | None) -> HttpResponse:
    initial: dict[str, object] = {"status": Resolution.Status.OPEN}
    if resolution is not None:
        initial = {name: getattr(resolution, name) for name in ("number", "text", "owner", "status", "follow_up")}
        initial["due_meeting"] = resolution.due_meeting_id or ""
    form = ResolutionForm(request.POST or None, initial=initial, body=found)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if resolution is not None and data["number"] != resolution.number:
            form.add_error("number", "The minute number names the resolution; record a new one for a new number.")
        else:
            try:
                services.resolution_save(
                    meeting=held, number=data["number"], text=data["text"], owner=data["owner"],
                    due_meeting=form.meeting(), status=data["status"], follow_up=data["follow_up"],
                    user=request.user, via="web form",
                )  # fmt: skip
            except ApplicationError as error:
                form.add_error(None, str(error))
            else:
                return redirect("committee:body", slug=found.slug)
    verb = "Follow up" if resolution is not None else "Record"
    heading = f"{verb} a resolution of {held.date.day} {held.date:%B %Y}"
    return render(request, "committee/form_page.html", {"body": found, "form": form, "heading": heading})


@require_http_methods(["GET", "POST"])
def committee_import_page(request: HttpRequest) -> HttpResponse:
    result = None
    if request.method == "POST":
        with uploads_saved(request.FILES.getlist("files")) as paths:
            result = committee_import(paths, user_council_scope(request.user))
        if result.ok:
            messages.success(request, f"Imported {result.rows} row{'s' if result.rows != 1 else ''}.")
            return redirect("committee:bodies")
    return render(request, "committee/import.html", {"result": result, "kinds": list(COLUMNS.items())})
