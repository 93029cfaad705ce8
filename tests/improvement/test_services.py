from __future__ import annotations

from datetime import date

import pytest

from oversight.accounts.models import AuditEvent
from oversight.core.problems import ApplicationError
from oversight.core.rag import Rating
from oversight.improvement import services
from oversight.improvement.models import Action, Decision, Recommendation
from tests.conftest import make_user


def test_sign_off_is_refused_without_a_recorded_decision(recommendation: Recommendation) -> None:
    approver = make_user("chair", "approver")
    with pytest.raises(ApplicationError, match="cannot be signed off without a recorded decision"):
        services.recommendation_sign_off(recommendation=recommendation, user=approver)
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.OPEN
    assert recommendation.signed_off_on is None


def test_more_evidence_needed_does_not_allow_sign_off(recommendation: Recommendation) -> None:
    approver = make_user("chair", "approver")
    services.decision_record(
        recommendation=recommendation,
        board="Improvement Board",
        decided_on=date(2013, 9, 2),
        outcome=Decision.Outcome.MORE_EVIDENCE,
        note="Audit results",
        user=approver,
    )
    with pytest.raises(ApplicationError, match="without a recorded decision"):
        services.recommendation_sign_off(recommendation=recommendation, user=approver)
    assert not Recommendation.objects.get(pk=recommendation.pk).is_signed_off


def test_a_decision_to_sign_off_closes_the_recommendation_on_the_decision_date(recommendation: Recommendation) -> None:
    approver = make_user("chair", "approver")
    services.decision_record(
        recommendation=recommendation,
        board="Improvement Board",
        decided_on=date(2013, 10, 7),
        outcome=Decision.Outcome.SIGNED_OFF,
        note="",
        user=approver,
    )
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.SIGNED_OFF
    assert recommendation.signed_off_on == date(2013, 10, 7)
    event = AuditEvent.objects.filter(object_type="improvement.recommendation").get()
    assert event.actor_name == "chair"
    assert event.after["decision"] == "Improvement Board, 2013-10-07"
    with pytest.raises(ApplicationError, match="signed off on 2013-10-07; it is closed"):
        services.decision_record(
            recommendation=recommendation,
            board="Board",
            decided_on=date(2013, 11, 1),
            outcome=Decision.Outcome.MORE_EVIDENCE,
            note="again",
            user=approver,
        )


def test_more_evidence_needed_must_say_what_evidence(recommendation: Recommendation) -> None:
    with pytest.raises(ApplicationError, match="what more evidence"):
        services.decision_record(
            recommendation=recommendation,
            board="Board",
            decided_on=date(2013, 9, 2),
            outcome=Decision.Outcome.MORE_EVIDENCE,
            note=" ",
            user=None,
        )
    assert not Decision.objects.exists()


def test_a_checkpoint_rag_needs_its_reason_and_is_audited(recommendation: Recommendation) -> None:
    officer = make_user("officer", "performance officer")
    action = Action.objects.create(recommendation=recommendation, order=1, text="Change the form")
    with pytest.raises(ApplicationError, match="Say why the progress is Amber"):
        services.checkpoint_record(
            action=action,
            label="End of September",
            as_at=date(2011, 9, 30),
            narrative="Form changed",
            rating=Rating.AMBER,
            rag_reason="",
            user=officer,
        )
    checkpoint = services.checkpoint_record(
        action=action,
        label="End of September",
        as_at=date(2011, 9, 30),
        narrative="Form changed",
        rating=Rating.AMBER,
        rag_reason="Auditing not yet started",
        user=officer,
        evidence_title="PARIS form change note",
        evidence_url="https://example.org/note",
    )
    assert checkpoint.author_name == "officer"
    assert [e.title for e in checkpoint.evidence.all()] == ["PARIS form change note"]
    services.checkpoint_record(
        action=action,
        label="End of September",
        as_at=date(2011, 9, 30),
        narrative="Form changed; audit begun",
        rating=Rating.GREEN,
        rag_reason="Audit shows no unseen children",
        user=officer,
    )
    assert action.checkpoints.count() == 1
    update = AuditEvent.objects.filter(object_type="improvement.checkpoint", action="update").get()
    assert update.before["rag"] == "amber"
    assert update.after["rag"] == "green"


def test_the_due_date_derives_from_the_source_publication_date(recommendation: Recommendation) -> None:
    assert services.due_date_for(recommendation.source, "within six months") == date(2012, 2, 19)
    assert services.due_date_for(recommendation.source, "") is None
    with pytest.raises(ApplicationError, match="not a timescale"):
        services.due_date_for(recommendation.source, "shortly")


def test_an_action_update_is_audited_and_checks_its_status(recommendation: Recommendation) -> None:
    officer = make_user("officer", "performance officer")
    action = Action.objects.create(recommendation=recommendation, order=1, text="Change the form", officers="NM")
    with pytest.raises(ApplicationError, match="'done' is not a status"):
        services.action_update(action=action, status="done", officers="NM", due_on=None, user=officer)
    services.action_update(
        action=action, status="complete", officers="Nancy Meehan", due_on=date(2011, 9, 30), user=officer
    )
    event = AuditEvent.objects.get(object_type="improvement.action")
    assert event.before == {"status": "in_progress", "officers": "NM", "due_on": ""}
    assert event.after == {"status": "complete", "officers": "Nancy Meehan", "due_on": "2011-09-30"}
    recommendation.status = Recommendation.Status.SIGNED_OFF
    recommendation.save()
    action.refresh_from_db()
    with pytest.raises(ApplicationError, match="signed off; its actions are closed"):
        services.action_update(action=action, status="in_progress", officers="", due_on=None, user=officer)
    assert Action.objects.get(pk=action.pk).status == "complete"


def test_an_impact_measure_must_name_a_catalogued_indicator(demo: object, recommendation: Recommendation) -> None:
    with pytest.raises(ApplicationError, match="no indicator 'NOPE'"):
        services.impact_measure_link(recommendation=recommendation, indicator_code="NOPE", kind="how_well", user=None)
    measure = services.impact_measure_link(
        recommendation=recommendation, indicator_code="CSC-CORE-35WD", kind="how_well", user=None
    )
    assert measure.get_kind_display() == "How well did we do it?"
