from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from oversight.api.services import token_create
from tests.conftest import make_user

TokenClient = Callable[..., Client]


@pytest.fixture
def token_client(db: None) -> TokenClient:
    """A client that sends a new token for an account with ``role`` (and the token's scope) on every request."""

    def make(role: str = "performance officer", scope: str = "write", *, username: str | None = None) -> Client:
        user = make_user(username or f"{role.replace(' ', '-')}-{scope}-client", role)
        _, secret = token_create(user=user, name=f"{role} {scope}", scope=scope, actor=None)
        return Client(headers={"authorization": f"Bearer {secret}"})

    return make
