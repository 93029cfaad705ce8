"""Child-level records through the API: only with case-level access and a token's case-level scope, every read
audited as the drill-through page's are."""

from __future__ import annotations

from pathlib import Path

from django.test import Client

from oversight.accounts.models import AuditEvent
from oversight.api.services import token_create
from tests.casework.conftest import LA
from tests.casework.test_views import case_store  # noqa: F401 (the fixture: a store with a computed figure)
from tests.conftest import make_user

RECORDS = "/api/v1/casework/measures/cla_reviews_on_time/periods/2011-12-Q1/records"


def _machine(username: str, *roles: str, case_level: bool) -> Client:
    _, secret = token_create(user=make_user(username, *roles), name=username, scope="read", case_level=case_level,
                             actor=None)  # fmt: skip
    return Client(headers={"authorization": f"Bearer {secret}"})


def _views() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="case_record"))


def test_records_need_the_case_level_scope_and_access_and_each_read_is_audited(db: None, case_store: Path) -> None:  # noqa: F811
    without_scope = _machine("analyst", "reader", "case-level access", case_level=False)
    without_access = _machine("officer", "performance officer", case_level=False)
    analyst = _machine("analyst-2", "reader", "case-level access", case_level=True)

    assert without_scope.get(RECORDS).status_code == 403
    assert "case-level scope" in without_scope.get(RECORDS).json()["detail"]
    assert without_access.get(RECORDS).status_code == 403
    assert _views() == []

    response = analyst.get(RECORDS + "?list=numerator")

    assert response.status_code == 200
    body = response.json()
    assert (body["la"], body["part"], body["total"], body["figure"]) == (LA, "numerator", 1, "50%")
    assert [record["evidence"] for record in body["records"]] == ["Review 1 due 05/05/2011, held 05/05/2011: on time"]
    [event] = _views()
    assert (event.actor_name, event.action, event.after["list"], event.after["records_shown"]) == (
        "analyst-2",
        "view",
        "numerator",
        1,
    )
