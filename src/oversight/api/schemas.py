"""What the API reads and writes. Figures are JSON numbers: oversight keeps at most four decimal places and fifteen
significant digits, which a JSON number carries exactly as written."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Generic, Literal, TypeVar

from ninja import Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from oversight.performance.limits import LONG_TEXT, NOTE_TEXT

Item = TypeVar("Item")


def _without_nul(value: object) -> object:
    """A text as a database can keep it: PostgreSQL stores no NUL character, so a text holding one is refused."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("holds a NUL character (\\u0000), which no text can; remove it")
    return value


Text = Annotated[str, AfterValidator(_without_nul)]


def number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


class Page(Schema, Generic[Item]):
    """One page of a list, in a stable order: ``offset`` and ``limit`` ask for the next."""

    count: int = Field(description="How many there are in all, on every page")
    limit: int
    offset: int
    items: list[Item]


class ScorecardOut(Schema):
    slug: str
    title: str
    description: str


class PeriodOut(Schema):
    """A period a scorecard reports, and where its sign-off stands."""

    scorecard: str
    period: str = Field(description="The period's code, e.g. 2011-12-Q1")
    label: str
    state: Literal["draft", "submitted", "approved", "published"]
    version: str = Field(description="What every page and export says of the version: approved by whom, when")
    submitted_by: str
    submitted_at: datetime | None
    approved_by: str
    approved_at: datetime | None
    published_by: str
    published_at: datetime | None


class IndicatorOut(Schema):
    code: str
    title: str
    scorecard: str
    priority: str
    description: str
    definition: str
    unit: str
    decimal_places: int
    polarity: str
    frequency: str
    aggregation: str
    year_type: str
    owner: str
    amber_tolerance: str = Field(description="The amber band in words, e.g. 'amber within 5 points'")
    minimum_cohort: int | None
    legacy_ni_ref: str
    service_plan_code: str
    source: str


class LineageOut(Schema):
    """Where a figure came from: the upload or file that last changed it, or the computation that made it."""

    source: str
    batch: str | None = Field(description="The import file or upload that wrote it last, if any")
    imported_at: datetime | None
    imported_by: str | None
    updated_at: datetime


class ObservationOut(Schema):
    indicator: str
    period: str
    value: float | None
    numerator: float | None
    denominator: float | None
    cohort: int | None
    status: Literal["provisional", "validated"]
    note: str
    lineage: LineageOut


class TargetOut(Schema):
    indicator: str
    period: str
    value: float | None
    operator: str = Field(description="Blank for a bare number, which means what the indicator's polarity says")
    upper: float | None
    note: str


class ComparatorOut(Schema):
    indicator: str
    period: str
    kind: str
    label: str
    value: float | None
    stated_position: str
    source: str
    note: str


class CommentaryOut(Schema):
    indicator: str
    period: str
    text: str
    author: str
    updated_at: datetime


class BreakdownOut(Schema):
    indicator: str
    period: str
    dimension: str
    category: str
    order: int
    value: float | None
    numerator: float | None
    denominator: float | None
    note: str


class RatingOut(Schema):
    """An indicator's row on the scorecard for a period: the rating and its reason exactly as the page shows them."""

    indicator: str
    title: str
    period: str = Field(description="The period the value is for (an annual measure's year on a quarter's card)")
    value: float | None
    value_text: str
    status: str
    rating: Literal["green", "amber", "red", "not_rated"]
    rating_label: str
    reason: str
    caution: str
    target: float | None
    target_text: str
    direction: str
    direction_reason: str
    comparator: str
    due: bool = Field(description="False for an annual measure on a quarter's scorecard")


class ObservationIn(Schema):
    """One figure, as the scorecard's edit page takes it."""

    model_config = ConfigDict(extra="forbid")

    value: Decimal | None = Field(None, max_digits=15, decimal_places=4)
    status: Literal["provisional", "validated"] = "provisional"
    note: Text = Field("", max_length=NOTE_TEXT)
    reason: Text = Field("", max_length=NOTE_TEXT, description="Why it changed, for the indicator's history")


class CommentaryIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: Text = Field(min_length=1, max_length=LONG_TEXT)


Cell = str | float | int | None


class ObservationRow(BaseModel):
    """A row of the values import table (docs/how-to/import.md): the same columns, checked the same way. (A plain
    model rather than a Schema, which would drop a column the table does not have before the import can name it.)"""

    model_config = ConfigDict(extra="allow")

    indicator: Cell = None
    period: Cell = None
    value: Cell = None
    numerator: Cell = None
    denominator: Cell = None
    cohort: Cell = None
    status: Cell = None
    source: Cell = None
    note: Cell = None
    confirmed: Cell = None

    @field_validator("*")
    @classmethod
    def _cell_without_nul(cls, value: object) -> object:
        return _without_nul(value)


class BulkIn(Schema):
    rows: list[ObservationRow] = Field(max_length=20000, description="The rows of the values import table")


class BulkOut(Schema):
    rows: int
    created: int
    updated: int
    unchanged: int


class FeedRow(Schema):
    """One approved figure, flat, as a corporate performance system or a warehouse loads it."""

    scorecard: str
    indicator: str
    title: str
    period: str
    unit: str
    value: float | None
    numerator: float | None
    denominator: float | None
    status: str
    rating: str
    reason: str
    target: float | None
    target_text: str
    comparator: str
    state: str
    approved_by: str
    approved_at: datetime | None


class BenchmarkValueOut(Schema):
    series: str = Field(description="The published series' code")
    title: str
    period: str
    year_end: int
    level: str
    place: str
    value: float | None
    reason: str = Field(description="The symbol published instead of a figure, e.g. c or x")
    numerator: float | None
    denominator: float | None


class PlanOut(Schema):
    slug: str
    title: str
    local_authority: str
    accountable_body: str
    status: str


class RecommendationOut(Schema):
    plan: str
    reference: str
    order: int
    section: str
    text: str
    source: str
    timescale: str
    due_on: date | None
    status: str
    signed_off_on: date | None


class ActionOut(Schema):
    plan: str
    recommendation: str
    order: int
    text: str
    officers: str
    due_on: date | None
    status: str


class CheckpointOut(Schema):
    plan: str
    recommendation: str
    action: int
    label: str
    as_at: date
    narrative: str
    rag: str
    rag_reason: str
    author: str


class CaseRecordOut(Schema):
    child: str = Field(description="The child's pseudonym: never a name or a real identifier")
    in_numerator: bool
    in_denominator: bool | None
    evidence: str = Field(description="The sentence that says why the record counts")
    days: int | None


class CaseRecordsOut(Schema):
    """One page of the child-level records behind a council's figure, as the drill-through page lists them."""

    measure: str
    measure_version: int
    period: str
    la: str
    to_date: bool
    figure: str
    part: Literal["numerator", "denominator", "left_out"] = Field(description="Which records: the list asked for")
    page: int
    pages: int
    total: int
    records: list[CaseRecordOut]
