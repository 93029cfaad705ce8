"""Benchmarking: local authorities and their reorganisations, statistical neighbours, published figures.

A published figure belongs to an authority by its old three-digit DfE number, which survives a change of
ONS code (North Yorkshire, Somerset and Buckinghamshire kept their numbers when they became unitary), so
a series follows an authority across code changes. Where an authority was replaced (Cheshire by Cheshire
East and Cheshire West and Chester), a ``Reorganisation`` links the two.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from oversight.core.rag import Polarity


class Region(models.Model):
    """An English region (E12…), or Inner or Outer London (E13…) as DfE publishes them."""

    code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=100, unique=True)
    lait_number = models.CharField(max_length=4, blank=True, help_text="LAIT's number for the region, e.g. 981")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class LocalAuthority(models.Model):
    class Kind(models.TextChoices):
        UNITARY = "UA", "Unitary authority"
        METROPOLITAN = "MD", "Metropolitan district"
        COUNTY = "SC", "Shire county"
        INNER_LONDON = "ILB", "Inner London borough"
        OUTER_LONDON = "OLB", "Outer London borough"

    number = models.CharField(max_length=3, unique=True, help_text="The old three-digit DfE LA number, e.g. 895")
    code = models.CharField(max_length=9, blank=True, help_text="Current (or last) ONS code, e.g. E06000049")
    name = models.CharField(max_length=200)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="authorities")
    kind = models.CharField(max_length=3, choices=Kind.choices, blank=True)
    ended = models.DateField(null=True, blank=True, help_text="Last day as an authority, if it was abolished")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.name


class AuthorityCode(models.Model):
    """Every ONS code an authority has had, with the years it was used (from the ONS population estimates)."""

    authority = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=9, unique=True)
    first_year = models.PositiveSmallIntegerField(null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["authority", "first_year"]

    def __str__(self) -> str:
        return f"{self.authority} {self.code}"


class Reorganisation(models.Model):
    predecessor = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="successions")
    successor = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="predecessions")
    effective = models.DateField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["effective", "predecessor__number", "successor__number"]
        constraints = [models.UniqueConstraint(fields=["predecessor", "successor"], name="reorganisation_unique")]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective:%d %B %Y})"


class Population(models.Model):
    """ONS mid-year estimate of children aged 0 to 17, for rates per 10,000."""

    place = models.CharField(max_length=9, help_text="E92000001, a region code or an LA number")
    year = models.PositiveSmallIntegerField()
    children = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["place", "year"], name="population_unique")]

    def __str__(self) -> str:
        return f"{self.place} {self.year}: {self.children}"


class NeighbourSet(models.Model):
    """One published edition of DfE's statistical-neighbour groupings, used for periods from its date on."""

    name = models.CharField(max_length=60, unique=True)
    published = models.DateField()
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["published"]

    def __str__(self) -> str:
        return self.name


class Neighbour(models.Model):
    neighbour_set = models.ForeignKey(NeighbourSet, on_delete=models.CASCADE, related_name="neighbours")
    authority = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="+")
    neighbour = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(help_text="1 = closest")
    closeness = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["neighbour_set", "authority", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["neighbour_set", "authority", "rank"], name="neighbour_rank_unique")
        ]

    def __str__(self) -> str:
        return f"{self.neighbour_set}: {self.authority_id} neighbour {self.rank}"


class ComparatorGroup(models.Model):
    """A group of authorities chosen by users (a regional alliance, a family of similar councils)."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(LocalAuthority, related_name="comparator_groups")
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SourceFile(models.Model):
    """A published file that was imported: the lineage of every figure it gave."""

    class Kind(models.TextChoices):
        EES = "ees", "Explore Education Statistics CSV"
        LAIT = "lait", "LAIT long parquet"
        LAIT_DICTIONARY = "lait_dictionary", "LAIT data dictionary"
        NEIGHBOURS = "neighbours", "Statistical-neighbour groupings"
        TRANSCRIBED = "transcribed", "Transcribed from a document"

    name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    rows = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.sha256[:12]})"


class PublishedSeries(models.Model):
    """A published series: one figure column of one publication, for one combination of its filters."""

    code = models.CharField(max_length=200, unique=True)
    title = models.CharField(max_length=400)
    publication = models.CharField(max_length=200, blank=True)
    filters = models.CharField(max_length=400, blank=True, help_text="Which breakdown: 'category = …'")
    polarity = models.CharField(max_length=10, choices=[(p.value, p.value) for p in Polarity], blank=True)
    units = models.CharField(max_length=100, blank=True, help_text="As published, e.g. '% of births'")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title


class PublishedValue(models.Model):
    class Level(models.TextChoices):
        ENGLAND = "england", "England"
        REGION = "region", "Region"
        LA = "la", "Local authority"

    series = models.ForeignKey(PublishedSeries, on_delete=models.CASCADE, related_name="values")
    period = models.CharField(max_length=30, help_text="As published: '2025', '2024-25', '2021/22'")
    year_end = models.PositiveSmallIntegerField(help_text="The calendar year the period ends in")
    level = models.CharField(max_length=10, choices=Level.choices)
    place = models.CharField(max_length=9, help_text="E92000001, the region's code, or the LA number")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    authority = models.ForeignKey(LocalAuthority, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(null=True, blank=True, max_digits=24, decimal_places=8)
    reason = models.CharField(max_length=10, blank=True, help_text="The symbol published instead of a figure")
    numerator = models.DecimalField(null=True, blank=True, max_digits=24, decimal_places=8)
    denominator = models.DecimalField(null=True, blank=True, max_digits=24, decimal_places=8)
    source = models.ForeignKey(SourceFile, on_delete=models.PROTECT, related_name="values")

    class Meta:
        ordering = ["series", "year_end", "level", "place"]
        constraints = [models.UniqueConstraint(fields=["series", "period", "place"], name="published_value_unique")]
        indexes = [models.Index(fields=["series", "year_end"])]

    def __str__(self) -> str:
        shown = self.value if self.value is not None else self.reason
        return f"{self.series.code} {self.period} {self.place}: {shown}"


class IndicatorLink(models.Model):
    """Which published series gives an indicator its comparators, and for which council."""

    indicator = models.OneToOneField("performance.Indicator", on_delete=models.CASCADE, related_name="benchmark")
    series = models.ForeignKey(PublishedSeries, on_delete=models.PROTECT, related_name="links")
    authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    comparator_group = models.ForeignKey(
        ComparatorGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Compare with this group instead of DfE's statistical neighbours",
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.indicator.code} ← {self.series.code}"
