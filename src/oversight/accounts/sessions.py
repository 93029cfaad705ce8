"""Sliding session expiry without a database write on every request."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    """Django's database sessions, remembering when the session read from the database expires."""

    expires_at: datetime | None = None

    def _get_session_from_db(self) -> Any:
        stored = super()._get_session_from_db()  # type: ignore[misc]  # not in the type stubs
        self.expires_at = stored.expire_date if stored is not None else None
        return stored


class SessionRefreshMiddleware:
    """Move a session's expiry on when it was last moved on longer ago than the refresh interval.

    Django can save the session on every request (SESSION_SAVE_EVERY_REQUEST), but on the embedded database that
    makes every page view a write, which waits behind an import. Saving at most once an interval keeps the idle
    timeout to within that interval and leaves page views as reads.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if isinstance(session, SessionStore) and not session.is_empty():
            session.get("_auth_user_id")  # read the session, and so its expiry, if nothing has yet
            moved_on = timedelta(seconds=settings.SESSION_COOKIE_AGE - settings.OVERSIGHT_SESSION_REFRESH_SECONDS)
            if session.expires_at is not None and session.expires_at - timezone.now() < moved_on:
                session.modified = True
        return self.get_response(request)
