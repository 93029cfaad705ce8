"""Inspections and improvement plans.

Inspections are judged on the scale of their framework (each framework versioned, with its own grades).
An improvement plan holds recommendations (optionally under objectives), each from a source with its own
publication date; actions under a recommendation carry the officers and the progress at each checkpoint;
the evidence matrix and the board's decisions take a recommendation to sign-off. Nothing here is deleted:
a committee may have seen it. Writes go through ``services``; reads through ``selectors``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from oversight.core.councils import ONS_CODE, ONS_CODE_WORDS
from oversight.core.rag import Rating


class Framework(models.Model):
    """An inspection framework, or a rating scheme, in one version: its own grades in order, best first."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    body = models.CharField(max_length=100, default="Ofsted")
    version = models.CharField(max_length=60, help_text="e.g. 2009–2012")
    in_use_from = models.DateField(null=True, blank=True)
    in_use_to = models.DateField(null=True, blank=True)
    free_text = models.BooleanField(default=False, help_text="Judgements are words, not grades on a scale")
    proposed = models.BooleanField(default=False, help_text="A consulted-on framework, not (yet) in use")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["in_use_from", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"


class Grade(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="grades")
    order = models.PositiveSmallIntegerField(help_text="1 is the best")
    label = models.CharField(max_length=100)
    meaning = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["framework", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "label"], name="grade_label_unique")]

    def __str__(self) -> str:
        return self.label


class Inspection(models.Model):
    class Kind(models.TextChoices):
        ANNOUNCED = "announced"
        UNANNOUNCED = "unannounced"
        RATING = "rating", "annual rating"
        OTHER = "other"

    slug = models.SlugField(unique=True)
    local_authority = models.CharField(max_length=100)
    body = models.CharField(max_length=100, default="Ofsted")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="inspections")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=300)
    year = models.PositiveSmallIntegerField(help_text="The year of the judgements, for ordering and history")
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    lead_inspector = models.CharField(max_length=200, blank=True)
    report_url = models.URLField(blank=True)
    key_quotes = models.TextField(blank=True, help_text="One quotation a line")
    source_note = models.CharField(max_length=300, blank=True, help_text="Where this record was taken from")

    class Meta:
        ordering = ["-year", "-published_on", "slug"]

    def __str__(self) -> str:
        return self.title

    @property
    def quotes(self) -> list[str]:
        return [line.strip() for line in self.key_quotes.splitlines() if line.strip()]


class Judgement(models.Model):
    """One line of the record of main findings: an area, and the grade (or words) given to it."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="judgements")
    order = models.PositiveIntegerField(default=0)
    section = models.CharField(max_length=200, blank=True)
    area = models.CharField(max_length=200)
    area_key = models.SlugField(max_length=200, help_text="The area across inspections, for its history")
    grade = models.ForeignKey(Grade, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(max_length=300, blank=True, help_text="The judgement in words (free-text frameworks)")

    class Meta:
        ordering = ["inspection", "order"]

    def __str__(self) -> str:
        return f"{self.area}: {self.result}"

    @property
    def result(self) -> str:
        return self.grade.label if self.grade else self.text


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        ACTIVE = "active"
        CLOSED = "closed"

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=300)
    local_authority = models.CharField(max_length=100, blank=True)
    accountable_body = models.CharField(max_length=300, blank=True, help_text="Who the plan answers to")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title


class Objective(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="objectives")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=400)

    class Meta:
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return self.title


class Source(models.Model):
    """Where recommendations come from: an inspection's areas for improvement, a notice, a review, a resolution."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", "inspection area for improvement"
        NOTICE = "notice", "improvement notice"
        REVIEW = "review", "internal review"
        RESOLUTION = "resolution", "committee resolution"

    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=300)
    published_on = models.DateField(null=True, blank=True, help_text="Timescales are counted from this date")
    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["published_on", "slug"]

    def __str__(self) -> str:
        return self.title


class Recommendation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open"
        SIGNED_OFF = "signed_off", "signed off"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="recommendations")
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.PROTECT, related_name="recommendations"
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="recommendations")
    order = models.PositiveIntegerField(default=0)
    section = models.CharField(max_length=200, blank=True, help_text="The heading it sits under in the plan")
    text = models.TextField()
    timescale = models.CharField(max_length=100, blank=True, help_text="As the source states it")
    due_on = models.DateField(null=True, blank=True, help_text="Derived from the timescale and the source")
    reporting_schedule = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    signed_off_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.text[:60]}"

    @property
    def reference(self) -> str:
        return f"R{self.order}"

    @property
    def is_signed_off(self) -> bool:
        return self.status == self.Status.SIGNED_OFF


class DueDateRevision(models.Model):
    """A recommendation's due date moved, with why and who agreed it. Never edited: a later revision supersedes
    it, and the latest is the date the recommendation is now due by."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="revisions")
    due_on = models.DateField(help_text="The revised due date")
    previous_due_on = models.DateField(null=True, blank=True, help_text="The date it was due before this revision")
    reason = models.TextField(help_text="Why the date moved")
    approved_by = models.CharField(max_length=200, help_text="Who agreed the new date: a person or a board")
    agreed_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_by_name = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recommendation", "agreed_on", "id"]

    def __str__(self) -> str:
        return f"{self.recommendation.reference} revised to {self.due_on}"


class Action(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "not started"
        IN_PROGRESS = "in_progress", "in progress"
        COMPLETE = "complete"

    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="actions")
    order = models.PositiveIntegerField(default=0)
    text = models.TextField(help_text="The key actions")
    officers = models.CharField(max_length=300, blank=True, help_text="Responsible officer(s), as named")
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)

    class Meta:
        ordering = ["recommendation", "order"]

    def __str__(self) -> str:
        return f"{self.recommendation.reference}.{self.order}"


class Checkpoint(models.Model):
    """Progress on an action at a checkpoint (e.g. end of September), with its RAG and the reason for it."""

    RATINGS = [(rating.value, rating.label) for rating in Rating]

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="checkpoints")
    label = models.CharField(max_length=100, help_text="As the plan names it, e.g. End of September")
    as_at = models.DateField()
    narrative = models.TextField(blank=True, help_text="Evidence and progress")
    rag = models.CharField(max_length=10, choices=RATINGS, default=Rating.NOT_RATED.value)
    rag_reason = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_name = models.CharField(max_length=150, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["action", "as_at"]
        constraints = [models.UniqueConstraint(fields=["action", "label"], name="checkpoint_label_unique")]

    def __str__(self) -> str:
        return f"{self.action} {self.label}"

    @property
    def rating(self) -> Rating:
        return Rating(self.rag)


class Evidence(models.Model):
    """A link to evidence (a document, an audit, a report) attached to a checkpoint."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="evidence")
    title = models.CharField(max_length=300)
    url = models.URLField(blank=True)
    added_by_name = models.CharField(max_length=150, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["checkpoint", "added_at"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title


class ImpactMeasure(models.Model):
    """A scorecard indicator that shows whether a recommendation is working (Outcomes Based Accountability)."""

    class Kind(models.TextChoices):
        HOW_MUCH = "how_much", "How much did we do?"
        HOW_WELL = "how_well", "How well did we do it?"
        BETTER_OFF = "better_off", "Is anyone better off?"

    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="impact_measures")
    indicator = models.ForeignKey("performance.Indicator", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)

    class Meta:
        ordering = ["recommendation", "kind"]
        constraints = [models.UniqueConstraint(fields=["recommendation", "indicator"], name="impact_measure_unique")]

    def __str__(self) -> str:
        return f"{self.recommendation.reference} {self.indicator.code} ({self.get_kind_display()})"


class EvidenceRequirement(models.Model):
    """A row of the evidence matrix: what will be presented, to which board, when."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="evidence_requirements")
    order = models.PositiveIntegerField(default=0)
    evidence = models.TextField(help_text="The evidence required")
    board = models.CharField(max_length=200)
    present_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["recommendation", "order"]

    def __str__(self) -> str:
        return f"{self.recommendation.reference}: {self.evidence[:60]}"


class Decision(models.Model):
    """What a board decided when the evidence for a recommendation was presented. Never edited."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "evidence accepted"
        MORE_EVIDENCE = "more_evidence", "more evidence needed"
        SIGNED_OFF = "signed_off", "signed off"

    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="decisions")
    board = models.CharField(max_length=200)
    decided_on = models.DateField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_by_name = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recommendation", "decided_on", "id"]

    def __str__(self) -> str:
        return f"{self.recommendation.reference} {self.get_outcome_display()} by {self.board} on {self.decided_on}"


class HighlightReport(models.Model):
    """A plan's highlight report at a reporting date (seed 004): what it is for, and which scorecard figures its
    performance extract, staffing section and target tracker take."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="highlight_reports")
    reported_on = models.DateField(help_text="The reporting date: the plan on a page is shown as at it")
    title = models.CharField(max_length=300)
    report_to = models.CharField(max_length=200, blank=True, help_text="e.g. Corporate Scrutiny Committee")
    report_of = models.CharField(max_length=200, blank=True, help_text="e.g. Director of Children's Services")
    summary = models.TextField(blank=True, help_text="The report's introduction, paragraphs separated by a blank line")
    scorecard = models.ForeignKey(
        "performance.Scorecard", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(max_length=20, blank=True, help_text="The scorecard period, e.g. 2013-14-Q1")
    indicators = models.CharField(
        max_length=1000, blank=True, help_text="The performance extract's indicator codes, separated by spaces"
    )
    staffing_indicators = models.CharField(
        max_length=1000, blank=True, help_text="The staffing section's indicator codes (workforce measures)"
    )
    local_authority = models.CharField(
        max_length=9, blank=True, help_text="The council's DfE number, for published figures such as A1, A2, A10"
    )
    # The council whose report this is, by ONS code; empty: the service's own council (ADR 26).
    council = models.CharField(max_length=9, blank=True, validators=[RegexValidator(ONS_CODE, ONS_CODE_WORDS)])

    class Meta:
        ordering = ["plan", "-reported_on"]
        constraints = [models.UniqueConstraint(fields=["plan", "reported_on"], name="highlight_report_unique")]

    def __str__(self) -> str:
        return f"{self.title} ({self.reported_on})"

    @property
    def indicator_codes(self) -> list[str]:
        return self.indicators.split()

    @property
    def staffing_codes(self) -> list[str]:
        return self.staffing_indicators.split()


class HighlightEntry(models.Model):
    """A key highlight, or a key challenge or risk, with its owner and RAG."""

    class Kind(models.TextChoices):
        HIGHLIGHT = "highlight", "key highlight"
        CHALLENGE = "challenge", "key challenge or risk"

    RATINGS = [(rating.value, rating.label) for rating in Rating]

    report = models.ForeignKey(HighlightReport, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    order = models.PositiveIntegerField(default=0)
    text = models.TextField()
    owner = models.CharField(max_length=200, blank=True)
    rag = models.CharField(max_length=10, choices=RATINGS, default=Rating.NOT_RATED.value)

    class Meta:
        ordering = ["report", "kind", "order"]
        constraints = [models.UniqueConstraint(fields=["report", "kind", "order"], name="highlight_entry_unique")]
        verbose_name_plural = "highlight entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.order}: {self.text[:60]}"

    @property
    def rating(self) -> Rating:
        return Rating(self.rag)
