"""Run a start job off the request: a thread the request starts, which writes its progress to the job's row for the
page to show. One process needs nothing else running (``oversight demo``, ``make demo``); the uploads are removed
when the job ends, whatever the outcome, since returns name children."""

from __future__ import annotations

import logging
import shutil
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from oversight.casework.pseudonym import pseudonymiser_configured
from oversight.core.problems import ApplicationError, Issue
from oversight.onboarding.models import StartJob
from oversight.onboarding.services import STEP_NAMES, council_start, start_summary
from oversight.onboarding.steps import Steps

logger = logging.getLogger(__name__)
_SAVE_EVERY = 0.5  # seconds between writes of a step's progress: the page polls every two seconds


class JobSteps(Steps):
    """A start's progress, kept on its job's row."""

    def __init__(self, job: StartJob) -> None:
        self.job = job
        self.saved_at = 0.0

    def step(self, name: str, total: int | None) -> None:
        self.job.step, self.job.done, self.job.total = name, 0, total
        self.job.step_number = STEP_NAMES.index(name) + 1 if name in STEP_NAMES else self.job.step_number
        self._save(force=True)

    def advance(self, done: int = 1) -> None:
        self.job.done += done
        self._save()

    def _save(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self.saved_at >= _SAVE_EVERY:
            self.job.save(update_fields=["step", "step_number", "done", "total"])
            self.saved_at = now


def _problems(issues: list[Issue]) -> list[list[str]]:
    """Each problem as [file, message], the message worded as the command line words it."""
    return [[issue.file, str(issue)] for issue in issues]


def job_run(job_id: int) -> None:
    """Run the job: the start, then its outcome on its row. Never raises: an unexpected error is logged and the job
    says that it stopped."""
    job = StartJob.objects.select_related("created_by").get(pk=job_id)
    job.state = StartJob.State.RUNNING
    job.save(update_fields=["state"])
    folder = Path(job.folder)
    try:
        returns = [folder / "returns" / name for name in job.returns]
        published = [folder / "published" / name for name in job.published]
        allow = bool(getattr(settings, "OVERSIGHT_DEVELOPMENT_KEY_ALLOWED", False))
        result = council_start(
            job.la,
            returns=returns,
            published=published,
            pseudonymiser=pseudonymiser_configured(allow_development_key=allow) if returns else None,
            store_path=Path(settings.OVERSIGHT_CASEWORK_STORE),
            user_name=job.created_by.get_username() if job.created_by else "start page",
            steps=JobSteps(job),
        )
        job.notes = result.notes
        if result.ok:
            job.state, job.summary, job.scorecard = StartJob.State.DONE, start_summary(result), result.scorecard
            job.period = max(result.years) if result.years else ""
        else:
            job.state, job.problems = StartJob.State.FAILED, _problems(result.issues)
    except ApplicationError as error:
        job.state, job.problems = StartJob.State.FAILED, [["", f"{error}."]]
    except Exception:  # a thread's error would otherwise vanish, and the page would wait for ever
        logger.exception("start job %s stopped", job.pk)
        job.state = StartJob.State.FAILED
        job.problems = [["", "The start stopped on an unexpected error, which is in the server's log; nothing more "
                             "was loaded after the step it was on."]]  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        job.finished_at = timezone.now()
        job.save()


def _run_in_thread(job_id: int) -> None:
    try:
        job_run(job_id)
    finally:
        connection.close()  # the thread's own database connection
        close_old_connections()


def job_launch(job: StartJob) -> None:
    """Start the job in a thread of this process and return at once."""
    threading.Thread(target=_run_in_thread, args=(job.pk,), name=f"start-job-{job.pk}", daemon=True).start()
