"""Sliding session expiry without a database write on every request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_REFRESHED = "oversight:refreshed"  # when the session's expiry was last moved on, in seconds since the epoch


class SessionRefreshMiddleware:
    """Move a signed-in session's expiry on when it was last moved on longer ago than the refresh interval.

    Django can save the session on every request (SESSION_SAVE_EVERY_REQUEST), but on the embedded database that
    makes every page view a write, which waits behind an import. Saving at most once an interval keeps the idle
    timeout to within that interval and leaves page views as reads.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        now = int(time.time())
        if (
            not session.is_empty()
            and now - int(session.get(_REFRESHED, 0)) >= settings.OVERSIGHT_SESSION_REFRESH_SECONDS
        ):
            session[_REFRESHED] = now
        response = self.get_response(request)
        if session.modified and not session.is_empty():  # saved anyway (signing in, say): count it as a refresh
            session[_REFRESHED] = now
        return response
