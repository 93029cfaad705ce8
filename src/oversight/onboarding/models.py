"""The job table: a start asked for in the browser, run off the request by a worker thread, polled by its page."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from oversight.core.councils import ONS_CODE, ONS_CODE_WORDS


class StartJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Stopped with problems"

    la = models.CharField(max_length=200, help_text="The council as it was chosen: ONS code, LA number or name")
    # The council the job starts, by ONS code; empty: the service's own council (ADR 26). Its job, for its members.
    council = models.CharField(max_length=9, blank=True, validators=[RegexValidator(ONS_CODE, ONS_CODE_WORDS)])
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    folder = models.CharField(max_length=500, help_text="Where the uploaded files wait; removed when the job ends")
    returns = models.JSONField(default=list, help_text="The names of the return files uploaded")
    published = models.JSONField(default=list, help_text="The names of DfE's published files uploaded")
    step = models.CharField(max_length=100, blank=True, help_text="The step running now")
    step_number = models.PositiveSmallIntegerField(default=0)
    done = models.PositiveIntegerField(default=0, help_text="How much of the step is done")
    total = models.PositiveIntegerField(null=True, blank=True, help_text="How much the step has to do, if known")
    problems = models.JSONField(default=list, help_text="What stopped it: [file, message] pairs, as the CLI says")
    summary = models.JSONField(default=list, help_text="What it did, a sentence each, as the CLI says")
    notes = models.JSONField(default=list)
    scorecard = models.CharField(max_length=50, blank=True)
    period = models.CharField(max_length=16, blank=True, help_text="The period the page lands on when it is done")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Start for {self.la} ({self.get_state_display()})"

    @property
    def is_running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)
