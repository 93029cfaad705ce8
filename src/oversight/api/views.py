"""The REST API, version 1 (/api/v1/): read the scorecard, its figures, ratings and plans; write figures and
commentary through the same services as the pages; pull every approved figure as a feed.

Each operation is thin: it checks its parameters, calls a selector or a service, and shapes the answer. Who may
call it is decided before it runs (``auth``), from the access table."""

from __future__ import annotations

import copy
import csv
import io
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from pydantic import Field

from oversight.accounts.forms import client_ip
from oversight.accounts.roles import Capability
from oversight.accounts.services import user_council_scope
from oversight.api import schemas as s
from oversight.api.auth import Caller, SessionAuth, TokenAuth
from oversight.api.problems import (
    INVALID_REQUEST,
    MEDIA_TYPE,
    PERIOD_LOCKED,
    REJECTED_ROWS,
    FieldProblem,
    Problem,
    ProblemError,
    issue_problems,
    problem_response,
    validation_problems,
)
from oversight.api.selectors import (
    FeedFigure,
    PeriodState,
    actions_of,
    benchmark_values_filtered,
    breakdowns_filtered,
    checkpoints_of,
    commentary_filtered,
    comparators_filtered,
    feed_figures,
    indicators_filtered,
    observations_filtered,
    periods_of,
    recommendations_of,
    targets_filtered,
)
from oversight.benchmarks.models import PublishedValue
from oversight.casework import selectors as casework_selectors
from oversight.casework.issues import CaseworkError
from oversight.casework.services import case_records_view_record
from oversight.core.periods import Period, PeriodError, parse_period
from oversight.core.problems import ApplicationError
from oversight.core.rag import Rating
from oversight.improvement.models import Action, Checkpoint, Plan, Recommendation
from oversight.improvement.selectors import plans_all, rag_explanation
from oversight.performance import services
from oversight.performance.models import (
    Breakdown,
    Commentary,
    ComparatorValue,
    Indicator,
    Observation,
    Scorecard,
    Target,
    version_text,
)
from oversight.performance.selectors import ScorecardRow, indicator_shown, scorecard_shown, scorecard_view
from oversight.performance.signoff import PeriodLockedError
from oversight.reports.cells import safe_cell

DESCRIPTION = """oversight's REST API: the scorecard, its figures and ratings, improvement plans and published
benchmarks, for a council's data team, warehouse or corporate performance system. docs/api.md says how to pull
the approved figures and push a quarter's values. Send a token as `Authorization: Bearer ovs_…`; a signed-in
browser session works too (writes then need the CSRF token). Errors are problem details (RFC 9457)."""


class OversightAPI(NinjaAPI):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The document is built from the operations, which are all registered before the first request: built once
        # for each path prefix, it is the same until the process ends (building it takes a third of a second).
        self._documents: dict[str, OpenAPISchema] = {}

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The document, with every refusal's body given as what it is: problem details (RFC 9457)."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        if path_prefix not in self._documents:
            self._documents[path_prefix] = self._openapi_schema_build(path_prefix)
        return copy.deepcopy(self._documents[path_prefix])  # a caller may change its copy

    def _openapi_schema_build(self, path_prefix: str) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    if int(status) >= 400 and "application/json" in response.get("content", {}):
                        response["content"] = {MEDIA_TYPE: response["content"]["application/json"]}
        return schema

    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__  # unique here, and what a generated client names its methods


api = OversightAPI(
    title="oversight",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs_url=None,  # the interactive page loads scripts from elsewhere, which the pages' policy forbids
    openapi_url="/openapi.json",
)

# The refusals every operation may answer with, documented so that a client (and schemathesis) can check them.
REFUSALS: dict[int, type[Problem]] = {401: Problem, 403: Problem, 422: Problem, 429: Problem}
READ = {**REFUSALS, 404: Problem}


# Errors as problem details ---------------------------------------------------------------------------------------


@api.exception_handler(ProblemError)
def _problem(request: HttpRequest, error: ProblemError) -> HttpResponse:
    return problem_response(error)


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    problems = validation_problems(error.errors)
    detail = "The request has problems; each is listed with its place."
    return problem_response(ProblemError(422, detail, type_=INVALID_REQUEST, errors=problems))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    detail = "Send a token as 'Authorization: Bearer …', or sign in; a revoked or unknown token is refused."
    return problem_response(ProblemError(401, detail, headers={"WWW-Authenticate": "Bearer"}))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return problem_response(ProblemError(404, str(error) or "There is nothing at this address."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return problem_response(ProblemError(error.status_code, str(error)))


@api.exception_handler(PeriodLockedError)
def _locked(request: HttpRequest, error: PeriodLockedError) -> HttpResponse:
    return problem_response(ProblemError(409, str(error), type_=PERIOD_LOCKED))


@api.exception_handler(ApplicationError)
def _refused(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    return problem_response(ProblemError(422, str(error)))


# Parameters ------------------------------------------------------------------------------------------------------


class Paging(Schema):
    limit: int = Field(100, ge=1, le=1000, description="How many items a page holds")
    offset: int = Field(0, ge=0, le=10_000_000, description="How many items to skip")


class Filters(Paging):
    scorecard: str | None = Field(None, max_length=50, description="A scorecard's short name, e.g. strategic")
    period: str | None = Field(None, max_length=16, description="A period code, e.g. 2011-12-Q1 or 2011-12")
    indicator: str | None = Field(None, max_length=24, description="An indicator's code")


def _page(rows: QuerySet[Any] | Sequence[Any], paging: Paging, shape: Any) -> dict[str, Any]:
    """One page of ``rows`` (already in a stable order), each item shaped for the answer."""
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    window = rows[paging.offset : paging.offset + paging.limit]
    return {"count": count, "limit": paging.limit, "offset": paging.offset, "items": [shape(row) for row in window]}


def _period(code: str, name: str = "period") -> Period:
    """A period code from the address or the query, or a 422 naming the parameter and what is wrong."""
    try:
        return parse_period(code)
    except PeriodError as error:
        problem = FieldProblem(pointer=name, field=name, detail=str(error))
        raise ProblemError(422, f"'{code}' is not a period.", type_=INVALID_REQUEST, errors=[problem]) from None


def _filters(request: HttpRequest, filters: Filters) -> dict[str, Any]:
    """The filters of a list of period figures, with whose figures the caller may see (ADR 26)."""
    period = _period(filters.period).code if filters.period else None
    scope = user_council_scope(_caller(request).user)
    return {"scorecard": filters.scorecard, "period": period, "indicator": filters.indicator, "scope": scope}


def _attributes(row: object, *names: str) -> dict[str, Any]:
    """The named attributes of ``row``, as an answer gives them unchanged."""
    return {name: getattr(row, name) for name in names}


def _caller(request: HttpRequest) -> Caller:
    caller = getattr(request, "auth", None)
    if not isinstance(caller, Caller):
        raise AssertionError("every operation runs after authentication")
    return caller


def _via(caller: Caller) -> str:
    """How a write came, as the indicator's history and an upload's lineage name it: the API, and which token."""
    return f"API ({caller.token.name})" if caller.token is not None else "API (signed-in session)"


# The scorecard: scorecards, periods and sign-off, ratings -------------------------------------------------------


@api.get("/scorecards", response={200: s.Page[s.ScorecardOut], **READ}, url_name="scorecards", tags=["scorecard"])
def scorecards_list(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    """Every scorecard."""
    rows = Scorecard.objects.order_by("slug", "id")
    return _page(rows, paging, lambda card: {"slug": card.slug, "title": card.title, "description": card.description})


def _period_out(state: PeriodState) -> dict[str, Any]:
    signoff = state.signoff
    return {
        "scorecard": state.scorecard.slug,
        "period": state.period.code,
        "label": state.period.label,
        "state": signoff.state if signoff is not None else "draft",
        "version": version_text(signoff),
        "submitted_by": signoff.submitted_by_name if signoff else "",
        "submitted_at": signoff.submitted_at if signoff else None,
        "approved_by": signoff.approved_by_name if signoff else "",
        "approved_at": signoff.approved_at if signoff else None,
        "published_by": signoff.published_by_name if signoff else "",
        "published_at": signoff.published_at if signoff else None,
    }


@api.get(
    "/scorecards/{slug}/periods", response={200: s.Page[s.PeriodOut], **READ}, url_name="periods", tags=["scorecard"]
)
def periods_list(request: HttpRequest, slug: str, paging: Query[Paging]) -> dict[str, Any]:
    """The periods a scorecard reports, newest first, each with where its sign-off stands."""
    scorecard = get_object_or_404(Scorecard, slug=slug)
    return _page(periods_of(scorecard), paging, _period_out)


@api.get(
    "/scorecards/{slug}/periods/{period}/sign-off",
    response={200: s.PeriodOut, **READ},
    url_name="signoff",
    tags=["scorecard"],
)
def signoff_read(request: HttpRequest, slug: str, period: str) -> dict[str, Any]:
    """Where a period's sign-off stands: draft, submitted, approved or published, by whom and when."""
    scorecard = get_object_or_404(Scorecard, slug=slug)
    shown = _period(period)
    states = {state.period.code: state for state in periods_of(scorecard)}
    return _period_out(states.get(shown.code) or PeriodState(scorecard, shown, None))


class RatingFilters(Paging):
    rating: Literal["green", "amber", "red", "not_rated"] | None = None
    indicator: str | None = Field(None, max_length=24)


def _rating_out(row: ScorecardRow) -> dict[str, Any]:
    actual = row.actual
    target = row.target
    return {
        "indicator": row.indicator.code,
        "title": row.indicator.title,
        "period": actual.period.code if actual is not None else row.period.code,
        "value": s.number(actual.value) if actual is not None else None,
        "value_text": actual.text if actual is not None else "",
        "status": actual.status_label if actual is not None else "",
        "rating": row.rag.rating.value,
        "rating_label": row.rag.rating.label,
        "reason": row.rag.reason,
        "caution": actual.caution if actual is not None else "",
        "target": s.number(target.value) if target is not None else None,
        "target_text": target.text if target is not None else "",
        "direction": row.versus_previous.direction.label,
        "direction_reason": row.versus_previous.description,
        "comparator": row.comparator_summary,
        "due": row.due,
    }


@api.get(
    "/scorecards/{slug}/periods/{period}/ratings",
    response={200: s.Page[s.RatingOut], **READ},
    url_name="ratings",
    tags=["scorecard"],
)
def ratings_list(request: HttpRequest, slug: str, period: str, filters: Query[RatingFilters]) -> dict[str, Any]:
    """Each indicator's rating and its reason for the period, as the scorecard page shows them, in its order."""
    shown = _period(period)
    scorecard = scorecard_shown(slug, shown, user_council_scope(_caller(request).user))
    rows = scorecard_view(scorecard, shown).rows
    if filters.rating:
        rows = [row for row in rows if row.rag.rating is Rating(filters.rating)]
    if filters.indicator:
        rows = [row for row in rows if row.indicator.code == filters.indicator]
    return _page(rows, filters, _rating_out)


# The catalogue --------------------------------------------------------------------------------------------------


class IndicatorFilters(Paging):
    scorecard: str | None = Field(None, max_length=50)


def _indicator_out(indicator: Indicator) -> dict[str, Any]:
    return {
        "code": indicator.code,
        "title": indicator.title,
        "scorecard": indicator.priority.scorecard.slug,
        "priority": indicator.priority.code,
        "description": indicator.description,
        "definition": indicator.definition,
        "unit": indicator.unit,
        "decimal_places": indicator.decimal_places,
        "polarity": indicator.polarity,
        "frequency": indicator.frequency,
        "aggregation": indicator.aggregation,
        "year_type": indicator.year_type,
        "owner": indicator.owner,
        "amber_tolerance": indicator.tolerance_text,
        "minimum_cohort": indicator.rating_basis.minimum_cohort,
        "legacy_ni_ref": indicator.legacy_ni_ref,
        "service_plan_code": indicator.service_plan_code,
        "source": indicator.source,
    }


@api.get("/indicators", response={200: s.Page[s.IndicatorOut], **READ}, url_name="indicators", tags=["catalogue"])
def indicators_list(request: HttpRequest, filters: Query[IndicatorFilters]) -> dict[str, Any]:
    """The indicator catalogue: polarity, unit, frequency and owner of each, by code."""
    return _page(indicators_filtered(scorecard=filters.scorecard), filters, _indicator_out)


@api.get("/indicators/{code}", response={200: s.IndicatorOut, **READ}, url_name="indicator", tags=["catalogue"])
def indicator_read(request: HttpRequest, code: str) -> dict[str, Any]:
    return _indicator_out(get_object_or_404(Indicator.objects.select_related("priority__scorecard"), code=code))


# Figures: observations, targets, comparators, commentary, breakdowns ---------------------------------------------


def _observation_out(row: Observation) -> dict[str, Any]:
    batch = row.batch
    return {
        "indicator": row.indicator.code,
        "period": row.period,
        "value": s.number(row.value),
        "numerator": s.number(row.numerator),
        "denominator": s.number(row.denominator),
        "cohort": row.cohort,
        "status": row.status,
        "note": row.note,
        "lineage": {
            "source": row.source,
            "batch": batch.filename if batch is not None else None,
            "imported_at": batch.imported_at if batch is not None else None,
            "imported_by": batch.imported_by if batch is not None else None,
            "updated_at": row.updated_at,
        },
    }


@api.get("/observations", response={200: s.Page[s.ObservationOut], **READ}, url_name="observations", tags=["figures"])
def observations_list(request: HttpRequest, filters: Query[Filters]) -> dict[str, Any]:
    """Values, with their numerator, denominator, status and lineage, by indicator code and period."""
    return _page(observations_filtered(**_filters(request, filters)), filters, _observation_out)


def _indicator_period(request: HttpRequest, indicator: str, period: str) -> tuple[Indicator, Period]:
    """The indicator and period an address names, if the caller is a member of the indicator's council (ADR 26)."""
    return indicator_shown(indicator, user_council_scope(_caller(request).user)), _period(period)


@api.get(
    "/observations/{indicator}/{period}",
    response={200: s.ObservationOut, **READ},
    url_name="observation",
    tags=["figures"],
)
def observation_read(request: HttpRequest, indicator: str, period: str) -> dict[str, Any]:
    found, shown = _indicator_period(request, indicator, period)
    row = get_object_or_404(
        Observation.objects.select_related("indicator", "batch"), indicator=found, period=shown.code
    )
    return _observation_out(row)


@api.put(
    "/observations/{indicator}/{period}",
    response={200: s.ObservationOut, 409: Problem, **READ},
    url_name="observation",
    tags=["figures"],
)
def observation_write(request: HttpRequest, indicator: str, period: str, payload: s.ObservationIn) -> dict[str, Any]:
    """Record one value, as the indicator's edit page does: refused (409) for an approved period."""
    found, shown = _indicator_period(request, indicator, period)
    services.observation_record(
        indicator=found,
        period=shown.code,
        value=payload.value,
        status=payload.status,
        note=payload.note,
        user=_caller(request).user,
        reason=payload.reason,
        via=_via(_caller(request)),
    )
    row = Observation.objects.select_related("indicator", "batch").get(indicator=found, period=shown.code)
    return _observation_out(row)


@api.post(
    "/observations:bulk",
    response={200: s.BulkOut, **REFUSALS},
    url_name="observations-bulk",
    tags=["figures"],
)
def observations_bulk(request: HttpRequest, payload: s.BulkIn) -> dict[str, Any]:
    """Upload the rows of the values import table: all of them or, with any problem, none, each problem named by
    its row (counted from 1) and column, exactly as an import file's. Sending the same rows again changes nothing."""
    rows = [row.model_dump(exclude_unset=True) for row in payload.rows]
    caller = _caller(request)
    result = services.import_rows(f"{_via(caller)} upload", "values", rows, user=caller.user)
    if not result.ok:
        detail = f"Nothing was written: {len(result.issues)} problem(s) to fix first."
        raise ProblemError(422, detail, type_=REJECTED_ROWS, errors=issue_problems(result.issues))
    return {"rows": result.rows, "created": result.created, "updated": result.updated, "unchanged": result.unchanged}


def _target_out(row: Target) -> dict[str, Any]:
    return {
        "indicator": row.indicator.code,
        "period": row.period,
        "value": s.number(row.value),
        "operator": row.operator,
        "upper": s.number(row.upper),
        "note": row.note,
    }


@api.get("/targets", response={200: s.Page[s.TargetOut], **READ}, url_name="targets", tags=["figures"])
def targets_list(request: HttpRequest, filters: Query[Filters]) -> dict[str, Any]:
    return _page(targets_filtered(**_filters(request, filters)), filters, _target_out)


def _comparator_out(row: ComparatorValue) -> dict[str, Any]:
    return {
        "indicator": row.indicator.code,
        "period": row.period,
        "kind": row.kind,
        "label": row.name,
        "value": s.number(row.value),
        "stated_position": row.stated_position,
        "source": row.source,
        "note": row.note,
    }


@api.get("/comparators", response={200: s.Page[s.ComparatorOut], **READ}, url_name="comparators", tags=["figures"])
def comparators_list(request: HttpRequest, filters: Query[Filters]) -> dict[str, Any]:
    """England, regional, statistical neighbour and other comparators as recorded beside the figures."""
    return _page(comparators_filtered(**_filters(request, filters)), filters, _comparator_out)


def _commentary_out(row: Commentary) -> dict[str, Any]:
    return {
        "indicator": row.indicator.code,
        "period": row.period,
        "text": row.text,
        "author": row.author,
        "updated_at": row.updated_at,
    }


@api.get("/commentary", response={200: s.Page[s.CommentaryOut], **READ}, url_name="commentary", tags=["figures"])
def commentary_list(request: HttpRequest, filters: Query[Filters]) -> dict[str, Any]:
    return _page(commentary_filtered(**_filters(request, filters)), filters, _commentary_out)


@api.get(
    "/commentary/{indicator}/{period}",
    response={200: s.CommentaryOut, **READ},
    url_name="commentary-item",
    tags=["figures"],
)
def commentary_read(request: HttpRequest, indicator: str, period: str) -> dict[str, Any]:
    found, shown = _indicator_period(request, indicator, period)
    return _commentary_out(get_object_or_404(Commentary, indicator=found, period=shown.code))


@api.put(
    "/commentary/{indicator}/{period}",
    response={200: s.CommentaryOut, 409: Problem, **READ},
    url_name="commentary-item",
    tags=["figures"],
)
def commentary_write(request: HttpRequest, indicator: str, period: str, payload: s.CommentaryIn) -> dict[str, Any]:
    """Write a period's commentary, as the commentary page does: an owner only on their own indicators."""
    found, shown = _indicator_period(request, indicator, period)
    caller = _caller(request)
    if not caller.may(Capability.EDIT_COMMENTARY, found):
        raise ProblemError(403, f"You may write commentary only on your own indicators; {found.code} is not one.")
    saved = services.commentary_save(
        indicator=found, period=shown.code, text=payload.text, user=caller.user, via=_via(caller)
    )
    return _commentary_out(saved)


def _breakdown_out(row: Breakdown) -> dict[str, Any]:
    return {
        "indicator": row.indicator.code,
        "period": row.period,
        "dimension": row.dimension,
        "category": row.category,
        "order": row.order,
        "value": s.number(row.value),
        "numerator": s.number(row.numerator),
        "denominator": s.number(row.denominator),
        "note": row.note,
    }


@api.get("/breakdowns", response={200: s.Page[s.BreakdownOut], **READ}, url_name="breakdowns", tags=["figures"])
def breakdowns_list(request: HttpRequest, filters: Query[Filters]) -> dict[str, Any]:
    """A figure by ward, age, month …: every cell, unsuppressed (the API is for the council's own use)."""
    return _page(breakdowns_filtered(**_filters(request, filters)), filters, _breakdown_out)


# The feed: every approved figure, flat -------------------------------------------------------------------------


class FeedFilters(Schema):
    scorecard: str | None = Field(None, max_length=50, description="Only this scorecard")
    period: str | None = Field(None, max_length=16, description="Only this period, e.g. 2011-12-Q1")
    include: Literal["approved", "all"] = Field(
        "approved", description="approved: approved and published periods only; all: drafts too, marked by state"
    )


class FeedPaging(Paging, FeedFilters):
    limit: int = Field(1000, ge=1, le=10000)
    offset: int = Field(0, ge=0, le=10_000_000)


def _feed(request: HttpRequest, filters: FeedFilters) -> list[FeedFigure]:
    period = _period(filters.period).code if filters.period else None
    return feed_figures(
        scorecard=filters.scorecard,
        period=period,
        approved_only=filters.include == "approved",
        scope=user_council_scope(_caller(request).user),
    )


def _feed_row(figure: FeedFigure) -> dict[str, Any]:
    view, row = figure.view, figure.row
    actual, target, signoff = row.actual, row.target, view.signoff
    approval = signoff if signoff is not None and signoff.is_locked else None
    return {
        "scorecard": view.scorecard.slug,
        "indicator": row.indicator.code,
        "title": row.indicator.title,
        "period": actual.period.code if actual is not None else view.period.code,
        "unit": row.indicator.unit,
        "value": s.number(actual.value) if actual is not None else None,
        "numerator": s.number(actual.numerator) if actual is not None else None,
        "denominator": s.number(actual.denominator) if actual is not None else None,
        "status": actual.status_label if actual is not None else "",
        "rating": row.rag.rating.value,
        "reason": row.rag.reason,
        "target": s.number(target.value) if target is not None else None,
        "target_text": target.text if target is not None else "",
        "comparator": row.comparator_summary,
        "state": signoff.state if signoff is not None else "draft",
        # A reopened period keeps who approved it before; the feed names an approval only while it stands.
        "approved_by": approval.approved_by_name if approval is not None else "",
        "approved_at": approval.approved_at if approval is not None else None,
    }


@api.get("/feed", response={200: s.Page[s.FeedRow], **REFUSALS}, url_name="feed", tags=["feed"])
def feed_json(request: HttpRequest, filters: Query[FeedPaging]) -> dict[str, Any]:
    """Every figure of every approved period, rated as the scorecard rates it: scorecards and periods in order,
    each in the scorecard's own order. The same rows as /feed.csv."""
    return _page(_feed(request, filters), filters, _feed_row)


FEED_COLUMNS = list(s.FeedRow.model_fields)


@api.get(
    "/feed.csv",
    response={200: None, **REFUSALS},
    url_name="feed-csv",
    tags=["feed"],
    openapi_extra={
        "responses": {
            "200": {
                "description": "The feed as CSV (UTF-8), one figure a row, with a header row: "
                + ", ".join(FEED_COLUMNS),
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def feed_csv(request: HttpRequest, filters: Query[FeedFilters]) -> HttpResponse:
    """The feed as one CSV file, for a scheduled pull: the same rows and columns as /feed, every page at once."""
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=FEED_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for figure in _feed(request, filters):
        record = _feed_row(figure)
        writer.writerow({name: _csv_cell(record[name]) for name in FEED_COLUMNS})
    response = HttpResponse(output.getvalue().encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="oversight-feed.csv"'
    return response


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, datetime):
        return value.isoformat()
    return safe_cell(str(value))


# Published benchmarks and improvement plans ----------------------------------------------------------------------


class BenchmarkFilters(Paging):
    series: str | None = Field(None, max_length=200, description="A published series' code")
    place: str | None = Field(None, max_length=9, description="E92000001, a region's code or an LA number, e.g. 895")
    year_end: int | None = Field(None, ge=1900, le=2200, description="The calendar year the period ends in")


def _benchmark_out(row: PublishedValue) -> dict[str, Any]:
    return {
        "series": row.series.code,
        "title": row.series.title,
        "period": row.period,
        "year_end": row.year_end,
        "level": row.level,
        "place": row.place,
        "value": s.number(row.value),
        "reason": row.reason,
        "numerator": s.number(row.numerator),
        "denominator": s.number(row.denominator),
    }


@api.get(
    "/benchmarks/values",
    response={200: s.Page[s.BenchmarkValueOut], **READ},
    url_name="benchmark-values",
    tags=["benchmarks"],
)
def benchmark_values_list(request: HttpRequest, filters: Query[BenchmarkFilters]) -> dict[str, Any]:
    """DfE's published figures for England, regions and councils, as imported, with the symbol for a figure
    withheld."""
    rows = benchmark_values_filtered(series=filters.series, place=filters.place, year_end=filters.year_end)
    return _page(rows, filters, _benchmark_out)


@api.get("/plans", response={200: s.Page[s.PlanOut], **READ}, url_name="plans", tags=["improvement"])
def plans_list(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    def shape(plan: Plan) -> dict[str, Any]:
        return _attributes(plan, "slug", "title", "local_authority", "accountable_body", "status")

    return _page(plans_all().order_by("slug", "id"), paging, shape)


@api.get(
    "/plans/{slug}/recommendations",
    response={200: s.Page[s.RecommendationOut], **READ},
    url_name="recommendations",
    tags=["improvement"],
)
def recommendations_list(request: HttpRequest, slug: str, paging: Query[Paging]) -> dict[str, Any]:
    def shape(item: Recommendation) -> dict[str, Any]:
        fields = _attributes(item, "reference", "order", "section", "text", "timescale", "due_on", "status")
        return {**fields, "plan": item.plan.slug, "source": item.source.slug, "signed_off_on": item.signed_off_on}

    return _page(recommendations_of(get_object_or_404(Plan, slug=slug)), paging, shape)


class PlanFilters(Paging):
    recommendation: int | None = Field(None, ge=0, le=100_000, description="A recommendation's number (R8 is 8)")


@api.get("/plans/{slug}/actions", response={200: s.Page[s.ActionOut], **READ}, url_name="actions", tags=["improvement"])
def actions_list(request: HttpRequest, slug: str, filters: Query[PlanFilters]) -> dict[str, Any]:
    def shape(item: Action) -> dict[str, Any]:
        recommendation = item.recommendation
        fields = _attributes(item, "order", "text", "officers", "due_on", "status")
        return {**fields, "plan": recommendation.plan.slug, "recommendation": recommendation.reference}

    return _page(actions_of(get_object_or_404(Plan, slug=slug), filters.recommendation), filters, shape)


@api.get(
    "/plans/{slug}/checkpoints",
    response={200: s.Page[s.CheckpointOut], **READ},
    url_name="checkpoints",
    tags=["improvement"],
)
def checkpoints_list(request: HttpRequest, slug: str, filters: Query[PlanFilters]) -> dict[str, Any]:
    """Progress on each action at each checkpoint, with its RAG and the reason for it in words."""

    def shape(item: Checkpoint) -> dict[str, Any]:
        recommendation = item.action.recommendation
        fields = _attributes(item, "label", "as_at", "narrative", "rag")
        return {
            **fields,
            "plan": recommendation.plan.slug,
            "recommendation": recommendation.reference,
            "action": item.action.order,
            "rag_reason": rag_explanation(item),
            "author": item.author_name,
        }

    return _page(checkpoints_of(get_object_or_404(Plan, slug=slug), filters.recommendation), filters, shape)


# Child-level records: with case-level access (and a token's case-level scope), every read audited -----------------


class RecordsQuery(Schema):
    la: str | None = Field(None, max_length=9, description="The council's code; needed when several are loaded")
    list: Literal["numerator", "denominator", "left_out"] | None = Field(None, description="Which records to list")
    page: int = Field(1, ge=1, le=1_000_000, description="Pages of 50 records")


@api.get(
    "/casework/measures/{measure}/periods/{period}/records",
    response={200: s.CaseRecordsOut, **READ},
    url_name="case-records",
    tags=["casework"],
)
def case_records_read(request: HttpRequest, measure: str, period: str, query: Query[RecordsQuery]) -> dict[str, Any]:
    """The pseudonymised records behind a computed figure, as the drill-through page lists them; each read is in
    the audit trail as the page's are."""
    try:
        view = casework_selectors.records_view(
            measure,
            _period(period).code,
            la=query.la,
            part=query.list,
            page=str(query.page),
            scope=user_council_scope(_caller(request).user),
        )
    except CaseworkError as error:
        raise ProblemError(404, str(error)) from None
    if isinstance(view, casework_selectors.CouncilChoice) and not view.councils:
        raise ProblemError(404, f"No council has the {' and the '.join(view.card.returns)} loaded.")
    if isinstance(view, casework_selectors.CouncilChoice):
        problem = FieldProblem(pointer="la", field="la", detail=f"name one of: {', '.join(view.councils)}")
        raise ProblemError(422, "More than one council is loaded.", type_=INVALID_REQUEST, errors=[problem])
    case_records_view_record(viewer=_caller(request).user, view=view, ip_address=client_ip(request))
    return {
        "measure": view.card.id,
        "measure_version": view.card.version,
        "period": view.period.code,
        "la": view.la,
        "to_date": view.to_date,
        "figure": view.figure,
        "part": view.part,
        "page": view.page,
        "pages": view.pages,
        "total": view.total,
        "records": [
            {
                "child": record.child,
                "in_numerator": record.in_numerator,
                "in_denominator": record.in_denominator,
                "evidence": record.evidence,
                "days": record.days,
            }
            for record in view.records
        ],
    }
