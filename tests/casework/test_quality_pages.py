"""The data-quality pages: issues kept with the loaded returns, by council, return and rule, for case-level users."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from oversight.accounts.models import AuditEvent
from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.store import CaseworkStore
from tests.conftest import make_user

from .conftest import D2I, LA

OVERLAPS = f"/casework/quality/{LA}/episodes_overlap/"


@pytest.fixture
def loaded(tmp_path: Path, settings: Any, pseudonymiser: Pseudonymiser) -> Path:
    path = tmp_path / "casework.duckdb"
    settings.OVERSIGHT_CASEWORK_STORE = path
    with CaseworkStore(path) as store:
        store.open(create=True)
        assert store.load(sorted(D2I.glob("*.csv")), pseudonymiser=pseudonymiser, la=LA, year_ending=2018).ok
    return path


def _client(*roles: str) -> Client:
    client = Client()
    client.force_login(make_user("-".join(r.replace(" ", "") for r in roles), *roles))
    return client


def test_without_case_level_access_the_data_quality_pages_are_refused(db: None, loaded: Path) -> None:
    for client in _client("performance officer"), _client("administrator"), _client("reader"):
        assert client.get("/casework/quality/").status_code == 403
        assert client.get(OVERLAPS).status_code == 403
    assert not AuditEvent.objects.filter(object_type="case_record").exists()


def test_the_report_counts_issues_by_council_return_and_rule_and_explains_each(db: None, loaded: Path) -> None:
    with CaseworkStore(loaded, read_only=True) as store:
        counts = store.quality_counts([LA])
    page = _client("performance officer", "case-level access").get("/casework/quality/").content.decode()

    assert f"{LA}: {sum(counts.values())} issues" in page
    assert f"SSDA903: {sum(counts.values())} issues" in page
    assert (
        f'<a href="{OVERLAPS}">An episode that overlaps the child&#x27;s next episode</a></th>'
        f'<td class="numeric">{counts["episodes_overlap"]}</td>' in page
    )
    assert counts["episodes_overlap"] == 62


def test_the_issues_behind_a_rule_come_a_page_at_a_time_with_file_and_row_and_each_view_is_audited(
    db: None, loaded: Path
) -> None:
    client = _client("performance officer", "case-level access")

    first = client.get(OVERLAPS).content.decode()
    second = client.get(OVERLAPS, {"page": "2"}).content.decode()

    assert "Issues 1 to 50 of 62" in first
    assert "Issues 51 to 62 of 62" in second
    assert first.count("<td>episodes.csv</td>") == 50
    assert second.count("<td>episodes.csv</td>") == 12
    events = AuditEvent.objects.filter(object_type="case_record").order_by("id")
    assert [(e.object_id, e.after["page"], e.after["records_shown"]) for e in events] == [
        (f"quality episodes_overlap {LA}", 1, 50),
        (f"quality episodes_overlap {LA}", 2, 12),
    ]


def test_a_rule_with_no_issues_for_the_council_is_not_found(db: None, loaded: Path) -> None:
    response = _client("performance officer", "case-level access").get(f"/casework/quality/{LA}/no_such_rule/")
    assert response.status_code == 404
    assert "No data-quality issues of the rule" in response.content.decode()
