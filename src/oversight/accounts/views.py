from __future__ import annotations

import csv
import io

from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from oversight.accounts.forms import SignInForm
from oversight.accounts.selectors import audit_events, audit_rows


class SignInView(auth_views.LoginView):
    template_name = "sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


def audit(request: HttpRequest) -> HttpResponse:
    events = audit_events(object_type=request.GET.get("type", ""))
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/audit.html",
        {"page": page, "rows": audit_rows(page), "type": request.GET.get("type", "")},
    )


AUDIT_COLUMNS = ["at", "actor", "action", "object_type", "object_id", "object", "before", "after", "reason", "ip"]


def audit_export(request: HttpRequest) -> HttpResponse:
    from oversight.reports.cells import safe_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(AUDIT_COLUMNS)
    for event in audit_events(object_type=request.GET.get("type", "")).iterator():
        row = [event.at.isoformat(), event.actor_name, event.action, event.object_type, event.object_id,
               event.object_repr, event.before, event.after, event.reason, event.ip_address or ""]  # fmt: skip
        writer.writerow([safe_cell(str(cell)) for cell in row])
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="oversight-audit.csv"'
    return response
