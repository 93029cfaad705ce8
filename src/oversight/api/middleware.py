"""Every answer under /api/ as a problem document (RFC 9457), including those given before the API sees the request:
an address or query holding a NUL character (422, each place named), an address the API does not have (404) and a
method an address does not take (405)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from oversight.api.problems import INVALID_REQUEST, MEDIA_TYPE, FieldProblem, ProblemError, problem_response
from oversight.core.text import neutralised
from oversight.middleware import NUL_REFUSED, nul_places

_DETAILS = {
    404: "The API has nothing at this address; /api/v1/openapi.json lists its addresses.",
    405: "This address does not take that method; the Allow header lists those it takes.",
}


class ProblemMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        places = nul_places(request)
        if places:
            errors = [FieldProblem(pointer=neutralised(p), field=neutralised(p), detail=NUL_REFUSED) for p in places]
            return problem_response(ProblemError(422, NUL_REFUSED, type_=INVALID_REQUEST, errors=errors))
        response = self.get_response(request)
        detail = _DETAILS.get(response.status_code)
        if detail is None or response.get("Content-Type") == MEDIA_TYPE:
            return response
        headers = {"Allow": response["Allow"]} if response.has_header("Allow") else {}
        return problem_response(ProblemError(response.status_code, detail, headers=headers))
