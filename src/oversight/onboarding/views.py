"""Thin views: the start page takes the council and the files and hands them to a job; the job's page shows how
far it has got, refreshing itself (no JavaScript), and lands on the scorecard when it is done."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from oversight.accounts.services import user_council_scope
from oversight.benchmarks.reference import reference_ensure
from oversight.onboarding import worker
from oversight.onboarding.forms import StartForm
from oversight.onboarding.models import StartJob
from oversight.onboarding.services import STEP_NAMES, uploads_folder
from oversight.uploads import uploads_kept

REFRESH_SECONDS = 2


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    reference_ensure()  # the councils to choose from
    scope = user_council_scope(request.user)
    form = StartForm(request.POST, request.FILES) if request.method == "POST" else StartForm()
    if request.method == "POST" and form.is_valid() and not scope.allows(form.cleaned_data["council"].code):
        form.add_error("council", "Choose a council of yours: a user starts only their own councils.")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        folder = uploads_folder() / secrets.token_hex(16)
        returns = uploads_kept(data["returns"], folder / "returns")
        published = uploads_kept(data["published"] or [], folder / "published")
        job = StartJob.objects.create(
            la=data["council"].code,
            council=data["council"].code,
            folder=str(folder),
            returns=[path.name for path in returns],
            published=[path.name for path in published],
            created_by=request.user if request.user.is_authenticated else None,
        )
        worker.job_launch(job)
        return redirect("onboarding:job", job_id=job.pk)
    jobs = [job for job in StartJob.objects.select_related("created_by") if scope.allows(job.council)][:5]
    return render(request, "onboarding/start.html", {"form": form, "jobs": jobs})


def job(request: HttpRequest, job_id: int) -> HttpResponse:
    found = get_object_or_404(StartJob, pk=job_id)
    if not user_council_scope(request.user).business_visible(found.council, public=False):
        raise Http404(f"There is no start job {job_id}.")  # another council's start, as if it were not there
    if found.state == StartJob.State.DONE and found.period and "stay" not in request.GET:
        messages.success(request, " ".join(found.summary))
        return redirect("performance:scorecard", slug=found.scorecard, period=found.period)
    files: dict[str, list[str]] = {}
    for name, message in found.problems:
        files.setdefault(name or "", []).append(message)
    refresh = REFRESH_SECONDS if found.is_running and "stay" not in request.GET else None
    context = {"job": found, "refresh": refresh, "steps": STEP_NAMES, "problems": sorted(files.items())}
    response = render(request, "onboarding/job.html", context)
    if refresh is not None:
        # The Refresh header reloads the page without JavaScript; the page offers to stop it (WCAG 2.2.1).
        response["Refresh"] = str(refresh)
    return response
