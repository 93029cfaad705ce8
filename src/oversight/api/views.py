"""The REST API, version 1 (/api/v1/): read the scorecard, its figures, ratings and plans; write figures and
commentary through the same services as the pages; pull every approved figure as a feed.

Each operation is thin: it checks its parameters, calls a selector or a service, and shapes the answer. Who may
call it is decided before it runs (``auth``), from the access table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field

from oversight.accounts.roles import Capability
from oversight.api import schemas as s
from oversight.api.auth import Caller, SessionAuth, TokenAuth
from oversight.api.problems import (
    INVALID_REQUEST,
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
    PeriodState,
    breakdowns_filtered,
    commentary_filtered,
    comparators_filtered,
    indicators_filtered,
    observations_filtered,
    periods_of,
    targets_filtered,
)
from oversight.core.periods import Period, PeriodError, parse_period
from oversight.core.problems import ApplicationError
from oversight.core.rag import Rating
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
from oversight.performance.selectors import ScorecardRow, scorecard_view
from oversight.performance.signoff import PeriodLockedError

DESCRIPTION = """oversight's REST API: the scorecard, its figures and ratings, improvement plans and published
benchmarks, for a council's data team, warehouse or corporate performance system. docs/api.md says how to pull
the approved figures and push a quarter's values. Send a token as `Authorization: Bearer ovs_…`; a signed-in
browser session works too (writes then need the CSRF token). Errors are problem details (RFC 9457)."""

api = NinjaAPI(
    title="oversight",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs_url=None,  # the interactive page loads scripts from elsewhere, which the pages' policy forbids
    openapi_url="/openapi.json",
)
api.get_openapi_operation_id = lambda operation: operation.view_func.__name__  # type: ignore[method-assign]

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


def _filters(filters: Filters) -> dict[str, str | None]:
    period = _period(filters.period).code if filters.period else None
    return {"scorecard": filters.scorecard, "period": period, "indicator": filters.indicator}


def _caller(request: HttpRequest) -> Caller:
    caller = getattr(request, "auth", None)
    if not isinstance(caller, Caller):
        raise AssertionError("every operation runs after authentication")
    return caller


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
    scorecard = get_object_or_404(Scorecard, slug=slug)
    rows = scorecard_view(scorecard, _period(period)).rows
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
    return _page(observations_filtered(**_filters(filters)), filters, _observation_out)


def _indicator_period(indicator: str, period: str) -> tuple[Indicator, Period]:
    return get_object_or_404(Indicator, code=indicator), _period(period)


@api.get(
    "/observations/{indicator}/{period}",
    response={200: s.ObservationOut, **READ},
    url_name="observation",
    tags=["figures"],
)
def observation_read(request: HttpRequest, indicator: str, period: str) -> dict[str, Any]:
    found, shown = _indicator_period(indicator, period)
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
    found, shown = _indicator_period(indicator, period)
    services.observation_record(
        indicator=found,
        period=shown.code,
        value=payload.value,
        status=payload.status,
        note=payload.note,
        user=_caller(request).user,
        reason=payload.reason,
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
    result = services.import_rows("upload", "values", rows, user=_caller(request).user)
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
    return _page(targets_filtered(**_filters(filters)), filters, _target_out)


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
    return _page(comparators_filtered(**_filters(filters)), filters, _comparator_out)


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
    return _page(commentary_filtered(**_filters(filters)), filters, _commentary_out)


@api.get(
    "/commentary/{indicator}/{period}",
    response={200: s.CommentaryOut, **READ},
    url_name="commentary-item",
    tags=["figures"],
)
def commentary_read(request: HttpRequest, indicator: str, period: str) -> dict[str, Any]:
    found, shown = _indicator_period(indicator, period)
    return _commentary_out(get_object_or_404(Commentary, indicator=found, period=shown.code))


@api.put(
    "/commentary/{indicator}/{period}",
    response={200: s.CommentaryOut, 409: Problem, **READ},
    url_name="commentary-item",
    tags=["figures"],
)
def commentary_write(request: HttpRequest, indicator: str, period: str, payload: s.CommentaryIn) -> dict[str, Any]:
    """Write a period's commentary, as the commentary page does: an owner only on their own indicators."""
    found, shown = _indicator_period(indicator, period)
    caller = _caller(request)
    if not caller.may(Capability.EDIT_COMMENTARY, found):
        raise ProblemError(403, f"You may write commentary only on your own indicators; {found.code} is not one.")
    return _commentary_out(
        services.commentary_save(indicator=found, period=shown.code, text=payload.text, user=caller.user)
    )


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
    return _page(breakdowns_filtered(**_filters(filters)), filters, _breakdown_out)
