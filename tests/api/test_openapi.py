"""The OpenAPI document: committed, the same as the one served, and true of the running code (schemathesis)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from oversight.performance.services import LoadResult
from tests.api.conftest import TokenClient
from tests.conftest import make_user

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
OPERATIONS = [
    (method.upper(), path)
    for path, operations in json.loads(DOCUMENT.read_text(encoding="utf-8"))["paths"].items()
    for method in operations
]
WRITES = [(method, path) for method, path in OPERATIONS if method not in ("GET", "HEAD")]


def test_the_committed_document_is_the_served_one(db: None) -> None:
    served = Client().get("/api/v1/openapi.json")
    assert served.status_code == 200
    committed = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    assert served.json() == committed, "the API changed: run `.venv/bin/python scripts/openapi.py` and commit it"


@contextmanager
def _connections_kept() -> Iterator[None]:
    """Django closes the database connection at the end of a request it serves outside a transaction; here every
    request runs inside the test's, as the test client's do, so the application is called as the test client calls
    it: without that."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def served_schema() -> Any:
    """The served document, loaded once for the module through the WSGI application (serving it reads nothing from
    the database), whose requests the checks then make."""
    with _connections_kept():
        return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def schema(db: None, served_schema: Any) -> Iterator[Any]:
    """The served document, each request the checks make served inside the test's transaction."""
    with _connections_kept():
        yield served_schema


def _token(role: str, scope: str) -> dict[str, str]:
    from oversight.api.services import token_create

    _, secret = token_create(
        user=make_user(f"{role}-{scope}".replace(" ", "-"), role), name=role, scope=scope, actor=None
    )
    return {"Authorization": f"Bearer {secret}"}


# A few examples an operation: enough to reach every parameter and refusal, few enough for the suite to stay quick.
EXAMPLES = settings(
    max_examples=5,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@override_settings(OVERSIGHT_API_REQUESTS_PER_MINUTE=1_000_000)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_the_api_keeps_to_its_document(demo: LoadResult, schema: Any, method: str, path: str) -> None:
    """No server error, and every answer's status and body as documented, for generated requests by an officer
    whose token may write."""
    operation = schema[path][method]
    headers = _token("performance officer", "write")
    checks = [not_a_server_error, response_schema_conformance, status_code_conformance]

    @EXAMPLES
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    run()


@override_settings(OVERSIGHT_API_REQUESTS_PER_MINUTE=1_000_000)
@pytest.mark.parametrize(("method", "path"), WRITES, ids=[f"{m} {p}" for m, p in WRITES])
def test_every_write_is_refused_without_the_role_or_the_scope(
    demo: LoadResult, schema: Any, token_client: TokenClient, method: str, path: str
) -> None:
    """Whatever the request, a write by a read-only token, or by a reader's token that may write, is refused (403)
    before anything is looked at, and changes nothing."""
    from oversight.performance.models import Change

    refused = [_token("performance officer", "read"), _token("reader", "write")]
    changes = Change.objects.count()

    @EXAMPLES
    @given(case=operation_strategy(schema, path, method))
    def run(case: Any) -> None:
        for headers in refused:
            response = case.call(headers=headers)
            assert response.status_code == 403, (headers, response.status_code, response.text)

    run()
    assert Change.objects.count() == changes


def operation_strategy(schema: Any, path: str, method: str) -> Any:
    return schema[path][method].as_strategy()
