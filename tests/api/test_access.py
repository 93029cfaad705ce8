"""Who may call the API: tokens and sessions, scopes, the access table for writes, the rate limit, revocation."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from oversight.accounts.access import API_WRITE_RULES
from oversight.accounts.models import AuditEvent
from oversight.accounts.roles import ROLE_CAPABILITIES, Role
from oversight.api.models import ApiToken
from oversight.api.services import TokenError, token_create, token_revoke
from oversight.performance.models import Change
from oversight.performance.services import LoadResult
from tests.api.conftest import TokenClient
from tests.conftest import make_user

WRITES = {
    "api:observation": ("put", "/api/v1/observations/CSC-CORE-35WD/2011-12-Q2", {"value": 41.5}),
    "api:commentary-item": ("put", "/api/v1/commentary/CSC-CORE-35WD/2011-12-Q2", {"text": "Better in July."}),
    "api:observations-bulk": (
        "post",
        "/api/v1/observations:bulk",
        {"rows": [{"indicator": "CSC-CORE-35WD", "period": "2011-12-Q2", "value": 41.5}]},
    ),
}
ROLES = [Role.ADMINISTRATOR, Role.PERFORMANCE_OFFICER, Role.OWNER, Role.APPROVER, Role.CLERK, Role.READER]


def test_every_write_has_a_rule() -> None:
    assert set(WRITES) == set(API_WRITE_RULES)


@pytest.mark.parametrize("scope", ["read", "write"])
def test_every_write_is_refused_without_the_right_role_or_scope(
    demo: LoadResult, token_client: TokenClient, scope: str
) -> None:
    mismatches = []
    for role in ROLES:
        machine = token_client(role.value, scope)
        for name, (method, url, body) in WRITES.items():
            changes = Change.objects.count()
            response = getattr(machine, method)(url, body, content_type="application/json")
            # An owner writes commentary on their own indicators only, and this one is not theirs.
            allowed = scope == "write" and API_WRITE_RULES[name] in ROLE_CAPABILITIES[role] and role is not Role.OWNER
            if (response.status_code == 200) != allowed:
                mismatches.append(f"{role} {scope} {method} {url}: {response.status_code}")
            if not allowed:
                assert response.status_code == 403, (role, url, response.content)
                assert response["Content-Type"] == "application/problem+json"
                assert Change.objects.count() == changes
    assert mismatches == []


def test_anonymous_requests_are_asked_for_a_token(demo: LoadResult) -> None:
    response = Client().get("/api/v1/scorecards")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["title"] == "Unauthorized"
    bulk = Client().post("/api/v1/observations:bulk", {"rows": []}, content_type="application/json")
    assert bulk.status_code == 401


def test_a_browser_session_reads_and_must_send_the_csrf_token_to_write(demo: LoadResult) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(make_user("officer", "performance officer"))
    assert browser.get("/api/v1/scorecards").status_code == 200
    method, url, body = WRITES["api:observation"]
    refused = browser.put(url, body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    browser.get("/")  # a page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    assert browser.put(url, body, content_type="application/json", headers={"X-CSRFToken": token}).status_code == 200


def test_a_revoked_token_is_refused_and_both_steps_are_audited(demo: LoadResult) -> None:
    admin = make_user("admin", "administrator")
    token, secret = token_create(user=make_user("warehouse", "reader"), name="warehouse", scope="read", actor=admin)
    assert ApiToken.objects.get(pk=token.pk).digest != secret
    assert secret not in str(ApiToken.objects.values())
    machine = Client(headers={"authorization": f"Bearer {secret}"})
    assert machine.get("/api/v1/scorecards").status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None

    token_revoke(token=token, actor=admin, reason="the warehouse moved")

    assert machine.get("/api/v1/scorecards").status_code == 401
    events = AuditEvent.objects.filter(object_type="api token").values_list("action", "actor_name")
    assert set(events) == {("create", "admin"), ("archive", "admin")}
    with pytest.raises(TokenError):
        token_revoke(token=token, actor=admin)


def test_a_token_for_case_level_records_needs_an_account_with_case_level_access(db: None) -> None:
    with pytest.raises(TokenError, match="no case-level access"):
        token_create(user=make_user("reader", "reader"), name="x", scope="read", case_level=True, actor=None)
    token, _ = token_create(
        user=make_user("analyst", "reader", "case-level access"), name="x", scope="read", case_level=True, actor=None
    )
    assert token.case_level


@override_settings(OVERSIGHT_API_REQUESTS_PER_MINUTE=3)
def test_a_token_over_its_rate_limit_is_told_to_wait(demo: LoadResult, token_client: TokenClient) -> None:
    machine = token_client("reader", "read")
    # Seven requests span at most two minutes' windows, so one window holds four, one over the limit of three.
    responses = [machine.get("/api/v1/scorecards") for _ in range(7)]
    assert [response.status_code for response in responses[:3]] == [200, 200, 200]
    limited = next(response for response in responses if response.status_code == 429)
    assert limited["Content-Type"] == "application/problem+json"
    assert 1 <= int(limited["Retry-After"]) <= 60
    browser = Client()
    browser.force_login(make_user("someone", "reader"))
    assert [browser.get("/api/v1/scorecards").status_code for _ in range(5)] == [200] * 5  # per token only
