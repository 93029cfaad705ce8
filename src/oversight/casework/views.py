"""Casework pages: the measure catalogue, generated from the cards, the records behind a computed figure, and an
alliance's members side by side."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from oversight.accounts.forms import client_ip
from oversight.accounts.services import user_council_scope
from oversight.casework import alliance as alliances
from oversight.casework import selectors, services
from oversight.casework.engine import RETURN_TITLES, measure_card, measure_cards
from oversight.casework.issues import CaseworkError
from oversight.casework.reference import la_label
from oversight.casework.watch import watch_card


def measures(request: HttpRequest) -> HttpResponse:
    cards = measure_cards()
    used = {name for card in cards for name in card.returns}
    returns = [title for name, title in RETURN_TITLES.items() if name in used]
    return render(request, "casework/measures.html", {"cards": cards, "returns": returns})


def measure(request: HttpRequest, measure: str) -> HttpResponse:
    try:
        card = measure_card(measure)
    except CaseworkError as error:
        raise Http404(str(error)) from None
    context = {"card": card, "watch": watch_card(card.id), "watch_lines": selectors.watch_lines(card.id)}
    return render(request, "casework/measure.html", context)


def records(request: HttpRequest, measure: str, period: str) -> HttpResponse:
    try:
        view = selectors.records_view(
            measure,
            period,
            la=request.GET.get("la") or None,
            to_date=request.GET["to_date"] == "1" if "to_date" in request.GET else None,
            part=request.GET.get("list"),
            page=request.GET.get("page"),
            scope=user_council_scope(request.user),
        )
    except CaseworkError as error:
        return render(request, "casework/unavailable.html", {"message": str(error)}, status=404)
    if isinstance(view, selectors.CouncilChoice):
        # With no council to choose (none you may see has the returns loaded), nothing is there: 404
        return render(request, "casework/records_choose.html", {"choice": view}, status=200 if view.councils else 404)
    services.case_records_view_record(viewer=request.user, view=view, ip_address=client_ip(request))
    return render(request, "casework/records.html", {"view": view})


def watch(request: HttpRequest, measure: str) -> HttpResponse:
    try:
        view = selectors.watch_view(
            measure,
            la=request.GET.get("la") or None,
            as_at=request.GET.get("as_at") or None,
            scope=user_council_scope(request.user),
        )
    except CaseworkError as error:
        return render(request, "casework/unavailable.html", {"message": str(error)}, status=404)
    services.watch_list_view_record(viewer=request.user, view=view, ip_address=client_ip(request))
    return render(request, "casework/watch.html", {"view": view})


def quality(request: HttpRequest) -> HttpResponse:
    return render(
        request, "casework/quality.html", {"councils": selectors.quality_councils(user_council_scope(request.user))}
    )


def quality_records(request: HttpRequest, la: str, rule: str) -> HttpResponse:
    try:
        view = selectors.quality_records(la, rule, request.GET.get("page"), scope=user_council_scope(request.user))
    except CaseworkError as error:
        return render(request, "casework/unavailable.html", {"message": str(error)}, status=404)
    services.quality_records_view_record(viewer=request.user, view=view, ip_address=client_ip(request))
    return render(request, "casework/quality_records.html", {"view": view})


def _alliance_view(request: HttpRequest) -> alliances.AllianceView | None:
    """The table the form asks for (None before it is submitted); a measure or period that is not there: 404."""
    measure, period = request.GET.get("measure", ""), request.GET.get("period", "")
    if not (measure and period):
        return None
    try:
        return alliances.alliance_view(measure, period, user_council_scope(request.user))
    except CaseworkError as error:
        raise Http404(str(error)) from None


def alliance(request: HttpRequest) -> HttpResponse:
    view = _alliance_view(request)
    context = {
        "view": view,
        "cards": alliances.alliance_measures(),
        "periods": alliances.alliance_periods(),
        "members": [la_label(council) for council in alliances.alliance_members()],
    }
    return render(request, "casework/alliance.html", context)


def alliance_export(request: HttpRequest) -> HttpResponse:
    view = _alliance_view(request)
    if view is None:
        raise Http404("Choose a measure and a period: ?measure=cla_starts&period=2011-12-Q1")
    response = HttpResponse(alliances.alliance_csv(view), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="alliance-{view.card.id}-{view.period.code}.csv"'
    return response
