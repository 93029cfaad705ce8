"""Every refusal and error of the API as problem details (RFC 9457), with a field-level message for each field."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema

from oversight.core.problems import Issue

MEDIA_TYPE = "application/problem+json"
# The problems oversight names itself; any other is an HTTP status, whose ``type`` RFC 9457 says is about:blank.
REJECTED_ROWS = "urn:oversight:problem:rejected-rows"
INVALID_REQUEST = "urn:oversight:problem:invalid-request"
PERIOD_LOCKED = "urn:oversight:problem:period-locked"


class FieldProblem(Schema):
    """One problem with one place in the request: a row and column of an upload, a field or a query parameter."""

    pointer: str  # a JSON Pointer into the body (/rows/2/value), or the query parameter's name
    row: int | None = None  # for an upload, the row as counted from 1, as the import counts a file's rows
    field: str | None = None  # the column, field or parameter
    detail: str


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: list[FieldProblem] = []


class ProblemError(Exception):
    """Raised anywhere in the API to answer with a problem; ``headers`` go on the response (Retry-After …)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        type_: str = "about:blank",
        errors: Sequence[FieldProblem] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.problem = Problem(
            type=type_, title=HTTPStatus(status).phrase, status=status, detail=detail, errors=list(errors)
        )
        self.headers = headers or {}


def problem_response(error: ProblemError) -> HttpResponse:
    body = json.dumps(error.problem.model_dump(), ensure_ascii=False)
    response = HttpResponse(body, status=error.problem.status, content_type=MEDIA_TYPE)
    for name, value in error.headers.items():
        response[name] = value
    return response


def validation_problems(errors: Iterable[dict[str, Any]]) -> list[FieldProblem]:
    """Pydantic's errors, as ninja reports them (``loc`` like ('body', 'payload', 'rows', 2, 'value') or
    ('query', 'limit')), as field problems."""
    problems = []
    for error in errors:
        loc = [part for part in error.get("loc", ()) if part not in ("body", "payload")]
        if loc and loc[0] in ("query", "path", "header", "cookie"):
            name = str(loc[-1]) if len(loc) > 1 else ""
            problems.append(FieldProblem(pointer=name, field=name or None, detail=str(error.get("msg", ""))))
            continue
        row = loc[1] + 1 if len(loc) > 1 and loc[0] == "rows" and isinstance(loc[1], int) else None
        # The place ends at the field: pydantic adds the member of a union it tried ('str', 'float') after it.
        place = loc[:3] if row is not None else loc[:1]
        pointer = "".join(f"/{part}" for part in place)
        field = str(place[-1]) if place and not isinstance(place[-1], int) else None
        problems.append(FieldProblem(pointer=pointer, row=row, field=field, detail=str(error.get("msg", ""))))
    return problems


def issue_problems(issues: Iterable[Issue]) -> list[FieldProblem]:
    """The import's problems with rows given in a request's ``rows``: each names its row (from 1) and column."""
    problems = []
    for issue in issues:
        pointer = "/rows"
        if issue.row is not None:
            pointer += f"/{issue.row - 1}"
            if issue.place:
                pointer += f"/{issue.place}"
        problems.append(FieldProblem(pointer=pointer, row=issue.row, field=issue.place, detail=issue.message))
    return problems


def problem_of(request: HttpRequest, status: int, detail: str, **kwargs: Any) -> HttpResponse:
    return problem_response(ProblemError(status, detail, **kwargs))
