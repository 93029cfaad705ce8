"""Committee business: the bodies a council's reports go to, their meetings and agendas, each body's work programme
and task-and-finish groups, the forward plan of key decisions, and the resolutions minutes record."""

from __future__ import annotations

from datetime import date

from django.core.validators import RegexValidator
from django.db import models

from oversight.core.councils import ONS_CODE, ONS_CODE_WORDS
from oversight.performance.limits import LONG_TEXT


class Body(models.Model):
    class Kind(models.TextChoices):
        CABINET = "cabinet", "Cabinet"
        SCRUTINY = "scrutiny", "Scrutiny committee"
        HEALTH_WELLBEING = "health-wellbeing", "Health and Wellbeing Board"
        SAFEGUARDING = "safeguarding", "Safeguarding board"
        IMPROVEMENT = "improvement", "Improvement board"
        CORPORATE_PARENTING = "corporate-parenting", "Corporate parenting board"
        MANAGEMENT = "management", "Senior management team"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    selection_criteria = models.TextField(
        blank=True, help_text="The criteria the body applies before taking an item onto its work programme"
    )
    # The council whose body this is, by ONS code; empty: the service's own council (ADR 26). Its meetings, agendas,
    # work programmes, resolutions and packs are its business.
    council = models.CharField(max_length=9, blank=True, validators=[RegexValidator(ONS_CODE, ONS_CODE_WORDS)])

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "bodies"

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    venue = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["body", "date"]
        constraints = [models.UniqueConstraint(fields=["body", "date"], name="committee_meeting_once_a_day")]

    def __str__(self) -> str:
        return f"{self.body.name}, {self.date.day} {self.date:%B %Y}"


class Part(models.IntegerChoices):
    """Part 1 is taken with the public and press present; Part 2 in their absence."""

    PUBLIC = 1, "Part 1 (public)"
    PRIVATE = 2, "Part 2 (private)"


class Appendix(models.TextChoices):
    """What a committee report may carry behind its cover report, in the order the pack prints them."""

    SCORECARD = "scorecard", "The scorecard"
    TRENDS = "trends", "Three-year trends"
    EXPLANATIONS = "explanations", "Explanations of columns and acronyms"
    BENCHMARK = "benchmark", "Benchmark tables (the figures beside other councils', in bold where they stand out)"
    EXCEPTIONS = "exceptions", "The exception report"
    PLAN_ON_A_PAGE = "plan-on-a-page", "The plan on a page"
    ACTION_PLAN = "action-plan", "The action plan"


# What a report of a scorecard's period carries until a clerk chooses otherwise: the scorecard, what its terms
# mean and the exceptions to it; the plan appendices follow when the item names a plan.
DEFAULT_APPENDICES = (Appendix.SCORECARD, Appendix.EXPLANATIONS, Appendix.EXCEPTIONS)
PLAN_APPENDICES = (Appendix.PLAN_ON_A_PAGE, Appendix.ACTION_PLAN)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    purpose = models.TextField(blank=True)
    report_of = models.CharField(max_length=200, blank=True)
    part = models.PositiveSmallIntegerField(choices=Part.choices, default=Part.PUBLIC)
    scorecard_slug = models.SlugField(blank=True, help_text="The scorecard the item presents, if any")
    period = models.CharField(max_length=20, blank=True, help_text="Its period code, e.g. 2011-12-Q1")
    portfolio_holder = models.CharField(max_length=200, blank=True)
    plan_slug = models.SlugField(blank=True, help_text="The improvement plan its plan appendices show, if any")
    # The appendices a clerk chose, as Appendix values in any order; null until chosen (the defaults apply).
    appendices = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "order"]
        constraints = [models.UniqueConstraint(fields=["meeting", "order"], name="committee_agenda_order")]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    @property
    def appendices_chosen(self) -> list[Appendix]:
        """The item's appendices in the pack's order: those chosen, or the defaults for what the item presents."""
        if self.appendices is not None:
            wanted = set(self.appendices)
        else:
            wanted = set(DEFAULT_APPENDICES if self.scorecard_slug and self.period else ())
            wanted |= set(PLAN_APPENDICES if self.plan_slug else ())
        return [appendix for appendix in Appendix if appendix.value in wanted]


class ReportSection(models.Model):
    """One numbered section of an item's cover report, as the clerk wrote it (the section list is the council's
    template: committee.template)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="sections")
    heading = models.CharField(max_length=200)
    text = models.TextField(max_length=LONG_TEXT, blank=True)

    class Meta:
        ordering = ["item", "pk"]
        constraints = [models.UniqueConstraint(fields=["item", "heading"], name="committee_section_heading")]

    def __str__(self) -> str:
        return f"{self.item}: {self.heading}"


class WorkProgrammeItem(models.Model):
    class Status(models.TextChoices):
        ON_TRACK = "on-track", "On track"
        DEFERRED = "deferred", "Deferred"
        COMPLETED = "completed", "Completed"
        DISCONTINUED = "discontinued", "Discontinued"

    class Frequency(models.TextChoices):
        ONCE = "once", "Once"
        QUARTERLY = "quarterly", "Quarterly"
        BIANNUAL = "bi-annual", "Bi-annual"
        REGULAR = "regular", "Regular"
        WHEN_APPROPRIATE = "when-appropriate", "When appropriate"

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="work_programme")
    topic = models.CharField(max_length=300)
    purpose = models.TextField(blank=True)
    origin = models.CharField(max_length=300, blank=True, help_text="e.g. a resolution, a councillor's request")
    corporate_priority = models.CharField(max_length=200, blank=True)
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.ONCE)
    planned_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="planned_items"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ON_TRACK)
    status_reason = models.TextField(blank=True, help_text="Why it was deferred or discontinued")
    status_on = models.DateField(null=True, blank=True, help_text="When it was discontinued or completed")
    criteria = models.TextField(blank=True, help_text="How the item meets the body's selection criteria")

    class Meta:
        ordering = ["body", "planned_meeting__date", "topic"]
        constraints = [models.UniqueConstraint(fields=["body", "topic"], name="committee_work_item_topic")]

    def __str__(self) -> str:
        return self.topic


class TaskGroup(models.Model):
    """A task-and-finish group a body has set up, with where it has got to."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="task_groups")
    title = models.CharField(max_length=300)
    progress = models.TextField(blank=True)
    actions = models.TextField(blank=True)

    class Meta:
        ordering = ["body", "title"]
        constraints = [models.UniqueConstraint(fields=["body", "title"], name="committee_task_group_title")]

    def __str__(self) -> str:
        return self.title


class ForwardPlanEntry(models.Model):
    """A key decision the executive expects to take, as the forward plan lists it."""

    reference = models.CharField(max_length=30, unique=True, help_text="e.g. CE11/12-17")
    title = models.CharField(max_length=300)
    decision = models.TextField()
    decision_maker = models.CharField(max_length=200)
    expected_on = models.DateField()
    consultation = models.TextField(blank=True)
    scrutiny = models.CharField(max_length=300, blank=True, help_text="The relevant scrutiny committee(s)")
    contact = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["expected_on", "reference"]
        verbose_name_plural = "forward plan entries"

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class Resolution(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        NO_ACTION = "no-action", "No follow-up needed"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="resolutions")
    number = models.CharField(max_length=20, help_text="The minute and letter, e.g. 80(c)")
    text = models.TextField()
    owner = models.CharField(max_length=200, blank=True)
    due_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="resolutions_due"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    follow_up = models.TextField(blank=True)

    class Meta:
        ordering = ["meeting__date", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="committee_resolution_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:60]}"

    def is_overdue(self, today: date) -> bool:
        """Still open after the meeting it was due at."""
        return self.status == self.Status.OPEN and self.due_meeting is not None and self.due_meeting.date < today
