from __future__ import annotations

import logging
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.test import Client, RequestFactory

from oversight.middleware import DatabaseErrorMiddleware, server_error


def _expiry(client: Client) -> object:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_reading_pages_does_not_write_the_session_until_the_refresh_interval_has_passed(
    client: Client, settings: Any
) -> None:
    assert client.get("/glossary/").status_code == 200
    first = _expiry(client)

    assert client.get("/glossary/").status_code == 200
    assert _expiry(client) == first

    settings.OVERSIGHT_SESSION_REFRESH_SECONDS = 0
    assert client.get("/glossary/").status_code == 200
    assert _expiry(client) > first  # type: ignore[operator]


def test_a_database_failure_answers_a_page_that_says_to_try_again_and_logs_its_cause(
    caplog: pytest.LogCaptureFixture,
) -> None:
    request = RequestFactory().get("/scorecards/strategic/2011-12-Q1/")
    middleware = DatabaseErrorMiddleware(lambda request: None)  # type: ignore[arg-type, return-value]

    with caplog.at_level(logging.ERROR, logger="oversight.database"):
        response = middleware.process_exception(request, OperationalError("database is locked"))

    assert response is not None
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert "Try again in a moment" in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert caplog.records[0].getMessage() == (
        "GET /scorecards/strategic/2011-12-Q1/ answered 503: the database failed: database is locked"
    )
    assert caplog.records[0].exc_info is not None


def test_other_errors_are_left_to_django() -> None:
    middleware = DatabaseErrorMiddleware(lambda request: None)  # type: ignore[arg-type, return-value]
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("not the database")) is None


def test_an_error_outside_a_view_answers_503_when_it_is_the_databases_and_500_otherwise() -> None:
    """What a middleware's failure gets (handler500): reading the session while the database restarts, say."""
    request = RequestFactory().get("/glossary/")
    try:
        raise OperationalError("the database system is shutting down")
    except OperationalError:
        response = server_error(request)
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert "Try again in a moment" in response.content.decode()
    try:
        raise ValueError("not the database")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert "Retry-After" not in response
