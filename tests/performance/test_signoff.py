"""Signing off a quarter: the steps, the lock on every way in, the audit trail, and files that stay the same."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

from oversight.accounts.models import AuditEvent
from oversight.core.periods import parse_period
from oversight.performance.exports import render
from oversight.performance.models import Commentary, Indicator, Observation, PeriodSignoff, Scorecard
from oversight.performance.selectors import scorecard_view
from oversight.performance.services import LoadResult, import_files, observation_computed, observation_record
from oversight.performance.signoff import (
    PeriodLockedError,
    SignoffError,
    signoff_approve,
    signoff_publish,
    signoff_reopen,
    signoff_submit,
)
from tests.conftest import PASSWORD, make_user

Q1 = parse_period("2011-12-Q1")
LOCKED = "2011-12 Q1 on the scorecard “Children & Families Strategic Performance Scorecard” was approved by director on"


def _strategic() -> Scorecard:
    return Scorecard.objects.get(slug="strategic")


def test_the_demo_quarter_is_approved_and_locked(demo: LoadResult) -> None:
    signoff = PeriodSignoff.objects.get(scorecard__slug="strategic", period="2011-12-Q1")
    assert (signoff.state, signoff.approved_by_name) == ("published", "director")  # presented to scrutiny
    assert (signoff.approved_at.date(), signoff.published_at.date()) == (date(2011, 7, 14), date(2011, 9, 20))
    assert len(signoff.approved_rows) == 32
    assert signoff.approved_rows["CSC-CORE-35WD"]["rag"] == "Red"
    assert not PeriodSignoff.objects.filter(period="2011-12-Q2").exists()  # Q2 is a draft
    assert scorecard_view(_strategic(), Q1).version == (
        "Approved by director on 14 July 2011. Published by director on 20 September 2011. "
        "Note: Approved and signed off by the Children & Families senior management team."
    )
    assert scorecard_view(_strategic(), parse_period("2011-12-Q2")).version == "Draft — not yet approved."


def test_a_locked_period_refuses_the_edit_form(demo: LoadResult) -> None:
    client = Client()
    client.force_login(make_user("officer", "performance officer"))
    page = client.post(
        "/indicators/CSC-CORE-35WD/2011-12-Q1/edit/",
        {"value": "99", "status": "provisional", "note": "", "target": "85", "target_note": "", "commentary": ""},
    ).content.decode()
    assert LOCKED in page.replace("&amp;", "&").replace("&#x27;", "'")
    assert "an approver can reopen it, giving a reason" in page
    assert Observation.objects.get(indicator__code="CSC-CORE-35WD", period="2011-12-Q1").value == Decimal("63.1")


def test_a_locked_period_refuses_commentary_from_its_owner(demo: LoadResult) -> None:
    owner = make_user("owner-a", "owner")
    Indicator.objects.filter(code="CSC-REF-TO-IA").update(owner_user=owner)
    client = Client()
    client.force_login(owner)
    page = client.post("/indicators/CSC-REF-TO-IA/2011-12-Q1/commentary/", {"text": "Late."}).content.decode()
    assert "was approved by director on" in page
    assert not Commentary.objects.filter(indicator__code="CSC-REF-TO-IA", period="2011-12-Q1").exists()


def test_a_locked_period_refuses_an_import_naming_each_row(
    demo: LoadResult, write_csv: Callable[[str, str], Path]
) -> None:
    values = write_csv(
        "values.csv", "indicator,period,value\nCSC-CORE-35WD,2011-12-Q1,70\nCSC-CORE-35WD,2011-12-Q2,71\n"
    )
    targets = write_csv("targets.csv", "indicator,period,target\nCSC-CORE-35WD,2011-12,80\n")  # judged Q1
    result = import_files([values, targets])
    assert [(issue.file, issue.row, issue.place) for issue in result.issues] == [
        ("targets.csv", 2, "period"),
        ("values.csv", 2, "period"),
    ]
    assert all(issue.message.startswith(LOCKED) for issue in result.issues)
    assert not Observation.objects.filter(period="2011-12-Q2").exists()  # nothing written, not even Q2
    same = write_csv("same.csv", "indicator,period,value,status,source\n"
                     "CSC-CORE-35WD,2011-12-Q1,63.1,provisional,\"Appendix A, Q1 (April-June) actual\"\n")  # fmt: skip
    assert import_files([same]).ok  # sending the approved figure again changes nothing, so it is not refused


def test_a_locked_period_refuses_a_computed_figure(demo: LoadResult) -> None:
    with pytest.raises(PeriodLockedError, match="was approved by director on"):
        observation_computed(
            indicator=Indicator.objects.get(code="CSC-CORE-35WD"), period="2011-12-Q1", value=Decimal(70),
            numerator=Decimal(70), denominator=Decimal(100), source="casework measure x v1", via="casework compute",
        )  # fmt: skip
    with pytest.raises(PeriodLockedError):
        observation_record(
            indicator=Indicator.objects.get(code="CSC-CORE-35WD"), period="2011-12-Q1", value=Decimal(70),
            status="validated", note="", user=None,
        )  # fmt: skip


def test_the_cycle_from_draft_to_published_and_back(q1_open: None) -> None:
    officer, approver = make_user("officer", "performance officer"), make_user("chair", "approver")
    with pytest.raises(SignoffError, match=r"CSC-REF-TO-IA \(red, owner: "):
        signoff_submit(scorecard=_strategic(), period=Q1, user=officer)
    Commentary.objects.create(
        indicator=Indicator.objects.get(code="CSC-REF-TO-IA"), period="2011-12-Q1", period_start=Q1.start,
        period_kind=Q1.kind.value, text="Referral screening changed in May.",
    )  # fmt: skip
    with pytest.raises(SignoffError, match="Only an approver"):
        signoff_approve(scorecard=_strategic(), period=Q1, user=officer)
    with pytest.raises(SignoffError, match="must be submitted"):
        signoff_approve(scorecard=_strategic(), period=Q1, user=approver)
    assert signoff_submit(scorecard=_strategic(), period=Q1, user=officer).state == "submitted"
    approved = signoff_approve(scorecard=_strategic(), period=Q1, user=approver, note="Agreed at SMT.")
    assert approved.approved_by_name == "chair"
    assert approved.approved_rows["CSC-REF-TO-IA"]["rag"] == "Red"
    assert signoff_publish(scorecard=_strategic(), period=Q1, user=approver).state == "published"
    with pytest.raises(SignoffError, match="Give the reason"):
        signoff_reopen(scorecard=_strategic(), period=Q1, user=approver, reason=" ")
    signoff_reopen(scorecard=_strategic(), period=Q1, user=approver, reason="Q1 referrals corrected.")
    events = AuditEvent.objects.filter(object_type="period sign-off").order_by("id")
    steps = [(e.actor_name, e.before["state"], e.after["state"], e.reason) for e in events]
    assert steps[-4:] == [
        ("officer", "draft", "submitted", ""),
        ("chair", "submitted", "approved", "Agreed at SMT."),
        ("chair", "approved", "published", ""),
        ("chair", "published", "draft", "Q1 referrals corrected."),
    ]


def test_after_a_reopening_the_indicator_page_shows_both_versions(q1_open: None, client: Client) -> None:
    observation_record(
        indicator=Indicator.objects.get(code="CSC-CORE-35WD"), period="2011-12-Q1", value=Decimal("64.0"),
        status="validated", note="", user=None, reason="Late returns",
    )  # fmt: skip
    page = client.get("/indicators/CSC-CORE-35WD/").content.decode()
    reopened = page[page.index('id="reopened"') : page.index("</div>", page.index('id="reopened"'))]
    assert "As approved by director on" in reopened
    assert "reopened by reopener on" in reopened
    assert "Red: 63.1% is 21.9 points below the target of at least 85%" in reopened
    history = page[page.index('id="period-2011-12-Q1"') :]
    assert "Red: 64% is 21 points below the target of at least 85%" in history[: history.index("</tr>")]


def test_an_approved_periods_files_do_not_change_with_an_edit_elsewhere(demo: LoadResult) -> None:
    view = scorecard_view(_strategic(), Q1)
    before = {fmt: render(view, fmt) for fmt in ("csv", "xlsx", "pdf")}
    observation_record(
        indicator=Indicator.objects.get(code="CSC-CORE-35WD"), period="2011-12-Q2", value=Decimal("71.5"),
        status="provisional", note="", user=None,
    )  # fmt: skip
    after = {fmt: render(scorecard_view(_strategic(), Q1), fmt) for fmt in ("csv", "xlsx", "pdf")}
    for fmt in before:
        assert before[fmt] == after[fmt], fmt
    assert b"Approved by director on" in before["csv"]


def test_the_signoff_page_takes_each_step_without_javascript(q1_open: None) -> None:
    Commentary.objects.create(
        indicator=Indicator.objects.get(code="CSC-REF-TO-IA"), period="2011-12-Q1", period_start=Q1.start,
        period_kind=Q1.kind.value, text="Referral screening changed in May.",
    )  # fmt: skip
    officer, approver = Client(), Client()
    officer.login(username=make_user("officer", "performance officer").username, password=PASSWORD)
    approver.login(username=make_user("chair", "approver").username, password=PASSWORD)
    url = "/scorecards/strategic/2011-12-Q1/sign-off/"
    assert "Approve 2011-12" not in officer.get(url).content.decode()
    assert officer.post(url, {"step": "submit"}).status_code == 302
    assert approver.post(url, {"step": "approve", "note": "Agreed."}).status_code == 302
    page = approver.get(url).content.decode()
    assert "Approved by chair on" in page
    assert "Note: Agreed." in page
    refused = approver.post(url, {"step": "reopen", "reason": ""}).content.decode()
    assert "Give the reason for reopening" in refused


def test_a_locked_period_refuses_a_breakdown_naming_its_row(
    demo: LoadResult, write_csv: Callable[[str, str], Path]
) -> None:
    cells = write_csv(
        "wards.csv", "indicator,period,dimension,category,value\nNEET-16-18,2011-12-Q1,ward,Crewe North,9.9\n"
    )
    result = import_files([cells])
    assert [(issue.file, issue.row, issue.place) for issue in result.issues] == [("wards.csv", 2, "period")]
    assert result.issues[0].message.startswith(LOCKED.replace("2011-12 Q1", "2011-12 Q1", 1))
