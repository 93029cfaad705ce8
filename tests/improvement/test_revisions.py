"""Revised due dates: a recommendation that slipped gets a new date with its reason and who agreed it, and every
page and export that words its status says "Revised to …" rather than "On track"."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest
from django.test import Client

from oversight.accounts.models import AuditEvent
from oversight.core.problems import ApplicationError
from oversight.improvement.loader import improvement_load
from oversight.improvement.models import DueDateRevision, Recommendation
from oversight.improvement.selectors import plan_summary
from oversight.improvement.services import recommendation_due_revise
from oversight.performance.services import LoadResult
from tests.conftest import make_user

PLAN_2013 = "/plans/cheshire-east-2013/"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_a_revision_keeps_the_first_date_the_reason_and_who_agreed_it(recommendation: Recommendation) -> None:
    user = make_user("manager", "approver")
    revision = recommendation_due_revise(
        recommendation=recommendation,
        due_on=date(2011, 10, 31),
        reason="Supplier problems",
        approved_by="Improvement Board",
        agreed_on=date(2011, 9, 1),
        user=user,
    )
    assert (revision.previous_due_on, revision.recorded_by_name) == (date(2011, 8, 19), "manager")
    event = AuditEvent.objects.get(object_type="improvement.recommendation")
    assert event.before == {"due_on": "2011-08-19"}
    assert event.after["due_on"] == "2011-10-31"
    assert event.after["approved_by"] == "Improvement Board"
    later = recommendation_due_revise(
        recommendation=recommendation,
        due_on=date(2011, 12, 31),
        reason="Still waiting",
        approved_by="Improvement Board",
        agreed_on=date(2011, 10, 20),
        user=user,
    )
    assert later.previous_due_on == date(2011, 10, 31)
    recommendation.refresh_from_db()
    assert recommendation.due_on == date(2011, 8, 19)  # the first due date is kept


@pytest.mark.parametrize(
    ("reason", "approved_by", "due_on", "message"),
    [
        ("", "Board", date(2011, 10, 31), "Say why"),
        ("Why", " ", date(2011, 10, 31), "Name who agreed"),
        ("Why", "Board", date(2011, 8, 19), "already due on 19 August 2011"),
        ("Why", "Board", date(2011, 8, 31), "before the day it was agreed"),
    ],
)
def test_a_revision_needs_a_reason_an_approver_and_a_new_date(
    recommendation: Recommendation, reason: str, approved_by: str, due_on: date, message: str
) -> None:
    with pytest.raises(ApplicationError, match=message):
        recommendation_due_revise(
            recommendation=recommendation,
            due_on=due_on,
            reason=reason,
            approved_by=approved_by,
            agreed_on=date(2011, 9, 1),
            user=None,
        )
    assert not DueDateRevision.objects.exists()


def test_the_demo_2013_plan_says_revised_to_for_the_slipped_items(demo: LoadResult) -> None:
    summary = plan_summary(Recommendation.objects.get(plan__slug="cheshire-east-2013", order=1).plan, date(2013, 9, 2))
    statuses = {item.recommendation.order: item.status for item in summary.items}
    assert statuses[1] == statuses[2] == statuses[3] == "Revised to 30 Sep 2013"
    assert "On track" not in (statuses[1], statuses[2], statuses[3])
    assert summary.items[0].revision is not None
    assert summary.items[0].revision.reason.startswith("Delayed by further consideration")


def test_a_service_manager_revises_the_date_and_the_plan_page_shows_it(demo: LoadResult) -> None:
    client = Client()
    client.force_login(make_user("manager", "approver"))
    url = "/plans/cheshire-east-2011/recommendations/8/due/"
    data = {
        "due_on": "2012-03-31",
        "reason": "The audit moved to March",
        "approved_by": "LSCB",
        "agreed_on": "2011-11-01",
    }
    response = client.post(url, data)
    assert response.status_code == 302, _text(response.content.decode())
    page = _text(client.get("/plans/cheshire-east-2011/", {"on": "2011-12-01"}).content.decode())
    assert "31 Mar 2012 (revised; first due 19 Nov 2011)" in page
    assert "Revised to 31 Mar 2012" in page
    detail = _text(client.get("/plans/cheshire-east-2011/recommendations/8/").content.decode())
    assert "Revised due date 31 March 2012 (was 19 November 2011): The audit moved to March" in detail
    assert "Agreed by LSCB on 1 November 2011; recorded by manager." in detail


def test_a_reader_cannot_revise_a_due_date(demo: LoadResult, client: Client) -> None:
    assert client.get("/plans/cheshire-east-2011/recommendations/8/due/").status_code == 403


def test_the_load_rejects_a_revision_without_a_reason_with_its_row(demo: LoadResult, tmp_path: Path) -> None:
    (tmp_path / "revisions.csv").write_text(
        "plan,recommendation,due_on,reason,approved_by,agreed_on\ncheshire-east-2013,4,2013-12-31,,Board,2013-09-02\n",
        encoding="utf-8",
    )
    issues = improvement_load(tmp_path)
    assert [(issue.file, issue.row) for issue in issues] == [("revisions.csv", 2)]
    assert "Say why the due date moved" in issues[0].message
