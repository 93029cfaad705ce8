"""The scorecard: indicators grouped under priorities, and their values, targets, comparators and commentary.

Periods are stored as their canonical code (see ``oversight.core.periods``) with the start date
beside it, so that rows sort by time and the code stays readable in the database.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from oversight.core.councils import ONS_CODE, ONS_CODE_WORDS
from oversight.core.periods import Period, PeriodKind, YearType, parse_period
from oversight.core.rag import (
    Polarity,
    RagPolicy,
    RatingBasis,
    ToleranceKind,
    default_minimum_cohort,
    default_policy,
)
from oversight.core.targets import Operator, TargetRule, target_rule
from oversight.core.units import Unit, format_value
from oversight.performance.limits import LONG_TEXT, NOTE_TEXT


def _choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    return [(member.value, member.value.replace("_", " ")) for member in enum]


class Area(models.Model):
    """A local authority, region or England: what a comparator can be."""

    class Kind(models.TextChoices):
        LA = "la", "Local authority"
        REGION = "region", "Region"
        ENGLAND = "england", "England"

    code = models.CharField(max_length=9, unique=True, help_text="ONS code, e.g. E06000049")
    old_la_number = models.CharField(max_length=3, blank=True, help_text="The old 3-digit LA number, e.g. 895")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Scorecard(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=LONG_TEXT)
    # The council whose figures these are, by ONS code; empty: the service's own council (ADR 26). Its drafts and
    # unapproved figures are for its members only.
    council = models.CharField(
        max_length=9,
        blank=True,
        validators=[RegexValidator(ONS_CODE, ONS_CODE_WORDS)],
    )

    def __str__(self) -> str:
        return self.title


class Priority(models.Model):
    """A strategic priority (e.g. DCHI002) or a section of a scorecard."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="priorities")
    code = models.CharField(max_length=30)
    title = models.CharField(max_length=400)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["scorecard", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["scorecard", "code"], name="priority_code_unique")]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class Indicator(models.Model):
    class Frequency(models.TextChoices):
        MONTHLY = "monthly"
        QUARTERLY = "quarterly"
        ANNUAL = "annual"

    class Aggregation(models.TextChoices):
        IN_PERIOD = "in_period", "in period"
        YEAR_TO_DATE = "year_to_date", "year to date"
        SNAPSHOT = "snapshot", "snapshot at period end"

    code = models.CharField(max_length=24, unique=True)
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="indicators")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=LONG_TEXT, help_text="As worded on the scorecard")
    definition = models.TextField(blank=True, max_length=LONG_TEXT)
    unit = models.CharField(max_length=20, choices=_choices(Unit))
    decimal_places = models.PositiveSmallIntegerField(default=1)
    polarity = models.CharField(max_length=10, choices=_choices(Polarity))
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY)
    aggregation = models.CharField(max_length=20, choices=Aggregation.choices, default=Aggregation.IN_PERIOD)
    year_type = models.CharField(max_length=10, choices=_choices(YearType), default=YearType.FINANCIAL)
    legacy_ni_ref = models.CharField("previous National Indicator", max_length=40, blank=True)
    service_plan_code = models.CharField(max_length=60, blank=True)
    owner = models.CharField(max_length=200, blank=True)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_indicators",
        help_text="The account that may update this indicator's commentary",
    )
    minimum_cohort = models.PositiveIntegerField(
        null=True, blank=True, help_text="Below this cohort a figure carries a caution; blank for the unit's default"
    )
    rate_small_cohorts = models.BooleanField(
        default=False,
        help_text="Rate a figure below the minimum cohort, with its caution, rather than leave it unrated",
    )
    # What an import accepts: a value below 0, or a percentage above 100, only where the indicator says it may be.
    may_be_negative = models.BooleanField(default=False)
    may_exceed_100 = models.BooleanField(default=False)
    amber_tolerance = models.DecimalField(null=True, blank=True, max_digits=16, decimal_places=4)
    tolerance_kind = models.CharField(max_length=10, choices=_choices(ToleranceKind), blank=True)
    comparator_margin = models.DecimalField(
        null=True,
        blank=True,
        max_digits=16,
        decimal_places=4,
        help_text="Within this many units of a comparator counts as in line",
    )
    source = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True, max_length=LONG_TEXT)

    class Meta:
        ordering = ["priority__scorecard", "priority__order", "order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def rating_basis(self) -> RatingBasis:
        unit = Unit(self.unit)
        if self.amber_tolerance is None:
            policy = default_policy(unit)
        else:
            policy = RagPolicy(self.amber_tolerance, ToleranceKind(self.tolerance_kind or ToleranceKind.ABSOLUTE))
        minimum = self.minimum_cohort if self.minimum_cohort is not None else default_minimum_cohort(unit)
        return RatingBasis(unit, self.decimal_places, Polarity(self.polarity), policy, minimum, self.rate_small_cohorts)

    @property
    def tolerance_text(self) -> str:
        basis = self.rating_basis
        return basis.policy.describe(basis.unit, basis.decimal_places)

    @property
    def margin(self) -> Decimal:
        return self.comparator_margin if self.comparator_margin is not None else Decimal(1)

    def show(self, value: Decimal | None) -> str:
        return "" if value is None else format_value(value, Unit(self.unit), self.decimal_places)


class PeriodField(models.CharField):  # type: ignore[type-arg]
    """A period code, validated on assignment through forms and the importer."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max_length", 16)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class PeriodValue(models.Model):
    """Fields common to everything recorded for an indicator in a period."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT)
    period = PeriodField()
    period_start = models.DateField(editable=False)
    period_kind = models.CharField(max_length=20, choices=_choices(PeriodKind), editable=False)
    note = models.TextField(blank=True, max_length=NOTE_TEXT)

    class Meta:
        abstract = True

    def set_period(self, period: Period) -> None:
        self.period = period.code
        self.period_start = period.start
        self.period_kind = period.kind.value

    @property
    def period_obj(self) -> Period:
        return parse_period(self.period)


class ImportBatch(models.Model):
    """One accepted import file: the lineage of every row it wrote."""

    filename = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.filename} ({self.imported_at:%d %b %Y %H:%M})"


class Observation(PeriodValue):
    class Status(models.TextChoices):
        PROVISIONAL = "provisional"
        VALIDATED = "validated"

    value = models.DecimalField(null=True, blank=True, max_digits=16, decimal_places=4)
    numerator = models.DecimalField(null=True, blank=True, max_digits=16, decimal_places=4)
    denominator = models.DecimalField(null=True, blank=True, max_digits=16, decimal_places=4)
    cohort = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROVISIONAL)
    source = models.CharField(max_length=300, blank=True)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "period_start"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="observation_unique")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.value}"

    @property
    def is_provisional(self) -> bool:
        return self.status == self.Status.PROVISIONAL


class Target(PeriodValue):
    value = models.DecimalField(null=True, blank=True, max_digits=16, decimal_places=4)
    operator = models.CharField(
        max_length=8,
        blank=True,
        choices=[(o.value, o.name.lower().replace("_", " ")) for o in Operator],
        help_text="Blank for a bare number, which means what the indicator's polarity says",
    )
    upper = models.DecimalField(null=True, blank=True, max_digits=16, decimal_places=4, help_text="The top of a range")
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["indicator", "period_start"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="target_unique")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} target {self.value}"

    def rule(self, polarity: Polarity) -> TargetRule | None:
        if self.value is None:
            return None
        return target_rule(self.value, self.operator, self.upper, polarity)


class ComparatorValue(PeriodValue):
    class Kind(models.TextChoices):
        ENGLAND = "england", "England"
        REGION = "region", "Region"
        STATISTICAL_NEIGHBOURS = "statistical_neighbours", "Statistical neighbours"
        LA = "la", "Named local authority"
        EXTERNAL = "external", "External estimate"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    label = models.CharField(max_length=40, blank=True, help_text="As printed: SN, N, NW, FFT B …")
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT)
    value = models.DecimalField(null=True, blank=True, max_digits=16, decimal_places=4)
    stated_position = models.CharField(max_length=20, blank=True, help_text="The source's own word, if any")
    source = models.CharField(max_length=300, blank=True)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["indicator", "period_start", "kind", "label"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period", "kind", "label"], name="comparator_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} {self.name}"

    @property
    def name(self) -> str:
        return self.label or self.get_kind_display()


class Commentary(PeriodValue):
    text = models.TextField(max_length=LONG_TEXT)
    author = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["indicator", "period_start"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="commentary_unique")]
        verbose_name_plural = "commentary"

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} commentary"


class Breakdown(PeriodValue):
    """One cell of an indicator's figure for a period broken down by a dimension: a ward, an age, a month …

    ``dimension`` is a short name (ward, age, sex, ethnicity, month, team, category-of-abuse, or any other slug);
    ``order`` keeps the categories in the order the source gives them.
    """

    dimension = models.SlugField(max_length=40)
    category = models.CharField(max_length=100)
    order = models.PositiveIntegerField(default=0)
    value = models.DecimalField(null=True, blank=True, max_digits=16, decimal_places=4)
    numerator = models.DecimalField(null=True, blank=True, max_digits=16, decimal_places=4)
    denominator = models.DecimalField(null=True, blank=True, max_digits=16, decimal_places=4)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["indicator", "period_start", "dimension", "order", "category"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period", "dimension", "category"], name="breakdown_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} {self.dimension}: {self.category}"


class GlossaryEntry(models.Model):
    """Appendix C: what each scorecard column, acronym and RAG word means."""

    class Kind(models.TextChoices):
        COLUMN = "column"
        ACRONYM = "acronym"
        RAG = "rag", "RAG rating"

    term = models.CharField(max_length=60, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=200, blank=True)
    explanation = models.TextField(max_length=LONG_TEXT)

    class Meta:
        ordering = ["kind", "term"]
        verbose_name_plural = "glossary entries"

    def __str__(self) -> str:
        return self.term


class Change(models.Model):
    """Who changed what on an indicator, and when: written by the services, never edited."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="changes")
    period = models.CharField(max_length=16, blank=True)
    entity = models.CharField(max_length=20)  # value, target, comparator, commentary, breakdown, indicator
    field = models.CharField(max_length=40, blank=True)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    changed_by_name = models.CharField(max_length=150)
    changed_at = models.DateTimeField(auto_now_add=True)
    via = models.CharField(max_length=300, help_text="web form, or the import file")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.entity} {self.period} by {self.changed_by_name}"


class PeriodSignoff(models.Model):
    """Where a scorecard's period stands in its sign-off: draft, submitted, approved, published.

    No row means a draft. Approval locks the period's figures, targets and commentary and keeps the rows as they
    were approved, so that after a reopening the approved version can still be shown beside the current one.
    """

    class State(models.TextChoices):
        DRAFT = "draft"
        SUBMITTED = "submitted"
        APPROVED = "approved"
        PUBLISHED = "published"

    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="signoffs")
    period = PeriodField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    submitted_by_name = models.CharField(max_length=150, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by_name = models.CharField(max_length=150, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_note = models.TextField(blank=True, max_length=NOTE_TEXT)
    published_by_name = models.CharField(max_length=150, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    reopened_by_name = models.CharField(max_length=150, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(blank=True, max_length=NOTE_TEXT)
    approved_rows = models.JSONField(default=dict, blank=True)  # indicator code → the row as approved

    class Meta:
        ordering = ["scorecard", "period"]
        constraints = [models.UniqueConstraint(fields=["scorecard", "period"], name="signoff_unique")]

    def __str__(self) -> str:
        return f"{self.scorecard.slug} {self.period}: {self.state}"

    @property
    def is_locked(self) -> bool:
        return self.state in LOCKED_STATES

    @property
    def period_obj(self) -> Period:
        return parse_period(self.period)


def signed_on(moment: datetime | None) -> str:
    """'20 July 2011': the day of a sign-off step, in the council's time zone."""
    return f"{timezone.localtime(moment):%-d %B %Y}" if moment is not None else ""


def version_text(signoff: PeriodSignoff | None) -> str:
    """What a page or an export says of the version it shows."""
    if signoff is None or signoff.state == PeriodSignoff.State.DRAFT:
        reopened = (
            f" (reopened by {signoff.reopened_by_name} on {signed_on(signoff.reopened_at)}: {signoff.reopen_reason})"
            if signoff is not None and signoff.reopened_at
            else ""
        )
        return f"Draft — not yet approved{reopened}."
    if signoff.state == PeriodSignoff.State.SUBMITTED:
        when = signed_on(signoff.submitted_at)
        return f"Submitted for approval by {signoff.submitted_by_name} on {when}; not yet approved."
    published = (
        f" Published by {signoff.published_by_name} on {signed_on(signoff.published_at)}."
        if signoff.state == PeriodSignoff.State.PUBLISHED
        else ""
    )
    note = f" Note: {signoff.approval_note}" if signoff.approval_note else ""
    return f"Approved by {signoff.approved_by_name} on {signed_on(signoff.approved_at)}.{published}{note}"


class ReportingStep(models.Model):
    """A body a scorecard's period goes to, in order, and when: the senior management team two weeks after the
    quarter ends to approve it, the scrutiny committee at its next meeting to see it published."""

    class DoneWhen(models.TextChoices):
        APPROVED = "approved", "the period is approved"
        PUBLISHED = "published", "the period is published"

    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="reporting_steps")
    order = models.PositiveIntegerField(default=0)
    body = models.CharField(max_length=200, help_text="e.g. Children & Families senior management team")
    lag_days = models.PositiveIntegerField(help_text="Days after the period ends")
    working_days = models.BooleanField(default=False, help_text="Count the lag in working days")
    meetings = models.JSONField(
        default=list, blank=True, help_text="The body's meeting dates (YYYY-MM-DD), when it meets on set dates"
    )
    done_when = models.CharField(max_length=10, choices=DoneWhen.choices, default=DoneWhen.APPROVED)

    class Meta:
        ordering = ["scorecard", "order"]

    def __str__(self) -> str:
        return f"{self.scorecard.slug}: {self.body}"


# The states in which a period's figures are approved: locked against change, and shown to every reader.
LOCKED_STATES = (PeriodSignoff.State.APPROVED, PeriodSignoff.State.PUBLISHED)
