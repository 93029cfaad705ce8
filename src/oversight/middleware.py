"""What a page says, and what the log records, when the database cannot answer."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

from oversight.core.text import neutralised

logger = logging.getLogger("oversight.database")

RETRY_SECONDS = 5
_MB = 1024 * 1024


def database_unavailable(request: HttpRequest, exception: DatabaseError) -> HttpResponse:
    """The page that says to try again (503, with Retry-After), the failure's cause logged with the request.

    Drawn without the request's context, whose processors read the signed-in user from the database that failed."""
    logger.error(
        "%s %s answered 503: the database failed: %s",
        request.method,
        neutralised(request.path),
        neutralised(str(exception)),
        exc_info=exception,
    )
    body = render_to_string("database_unavailable.html", {"retry_seconds": RETRY_SECONDS})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_SECONDS)
    return response


class DatabaseErrorMiddleware:
    """Answer a database failure in a view with the page that says to try again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DatabaseError):
            return None
        return database_unavailable(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's answer to an error outside a view (handler500): a middleware that reads the session or the signed-in
    user while the database is down or restarting gets the page that says to try again; anything else, Django's."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DatabaseError):
        return database_unavailable(request, exception)
    return defaults.server_error(request)


class RequestSizeMiddleware:
    """Refuse a request whose body is larger than oversight accepts, before any of it is read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit: int = settings.OVERSIGHT_MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            message = (
                f"This upload is {length / _MB:,.1f} MB; oversight accepts at most {limit / _MB:,.0f} MB in one go. "
                "Nothing was saved: upload fewer or smaller files."
            )
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


NUL = "\x00"
NUL_REFUSED = "A NUL character (%00) cannot be part of an address or a search; remove it and ask again."


def nul_places(request: HttpRequest) -> list[str]:
    """The parts of the request's address holding a NUL character: 'path', and each query parameter's name. No
    database stores or looks one up (PostgreSQL refuses it outright)."""
    places = ["path"] if NUL in request.path else []
    return places + [name for name, values in request.GET.lists() if NUL in name + "".join(values)]


class NulCharacterMiddleware:
    """Refuse an address or query parameter holding a NUL character with a plain message (the API, in front of this,
    answers with a problem naming each place: ``api.middleware``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if nul_places(request):
            return HttpResponse(NUL_REFUSED, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
