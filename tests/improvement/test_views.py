from __future__ import annotations

import re
from datetime import date
from html import unescape

from django.test import Client

from oversight.improvement.models import Checkpoint, Decision, Recommendation
from oversight.performance.services import LoadResult
from tests.conftest import make_user

PLAN = "/plans/cheshire-east-2011/"
SUSTAIN = "/plans/cheshire-east-2011/recommendations/8/"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_plan_on_a_page_summarises_status_rag_and_slippage(demo: LoadResult, client: Client) -> None:
    response = client.get(PLAN, {"on": "2012-02-01"})
    assert response.status_code == 200
    text = _text(response.content.decode())
    assert "Plan on a page · as at 1 February 2012" in text
    assert "23 recommendations" in text
    assert "18 past due" in text
    assert "Safeguarding Children & Young people 13 recommendations, 0 signed off" in text
    assert "Services for Cared for Children 10 recommendations, 0 signed off" in text
    assert "19 Nov 2011 Not rated Past due; No recent update" in text


def test_the_recommendation_page_shows_the_timeline_in_date_order(demo: LoadResult, client: Client) -> None:
    response = client.get("/plans/cheshire-east-2011/recommendations/2/", {"on": "2011-10-01"})
    text = _text(response.content.decode())
    assert "Due 19 August 2011" in text
    september = text.index("Progress at End of September")
    november = text.index("Progress at end of November")
    january = text.index("Progress at end of January")
    assert september < november < january
    assert "Auditing by GM shows that there have been no children unseen" in text
    assert "Past due: due 19 August 2011, 43 days ago, and not signed off." in text


def test_impact_measures_show_their_question_and_latest_rating(demo: LoadResult, client: Client) -> None:
    text = _text(client.get(SUSTAIN).content.decode())
    assert "How well did we do it? Core assessments completed within 35 working days 63.1%" in text
    assert "Red Red: 63.1% is 21.9 points below the target of at least 85%" in text
    assert text.index("How well did we do it?") < text.index("Is anyone better off?")


def test_an_officer_records_progress_with_a_rated_reason(demo: LoadResult) -> None:
    officer = Client()
    officer.force_login(make_user("officer", "performance officer"))
    url = SUSTAIN + "actions/1/progress/"
    refused = officer.post(
        url,
        {
            "label": "end of November",
            "as_at": "2011-11-30",
            "narrative": "Weekly IA monitoring",
            "rag": "amber",
            "rag_reason": "",
        },
    )
    assert refused.status_code == 200
    assert "Say why the progress has this rating." in refused.content.decode()
    saved = officer.post(
        url,
        {
            "label": "end of November",
            "as_at": "2011-11-30",
            "narrative": "Weekly IA monitoring",
            "rag": "amber",
            "rag_reason": "Core assessments still below target",
        },
    )
    assert saved.status_code == 302
    checkpoint = Checkpoint.objects.get(
        action__recommendation__order=8,
        label="end of November",
        action__recommendation__plan__slug="cheshire-east-2011",
    )
    assert (checkpoint.rag, checkpoint.author_name) == ("amber", "officer")


def test_a_reader_and_an_officer_cannot_record_a_sign_off(demo: LoadResult, client: Client) -> None:
    officer = Client()
    officer.force_login(make_user("officer", "performance officer"))
    data = {"board": "Improvement Board", "decided_on": "2013-09-30", "outcome": "signed_off", "note": ""}
    assert client.post(SUSTAIN + "decision/", data).status_code == 403
    assert officer.post(SUSTAIN + "decision/", data).status_code == 403
    assert not Decision.objects.exists()


def test_an_approver_signs_off_by_recording_the_decision(demo: LoadResult) -> None:
    approver = Client()
    approver.force_login(make_user("chair", "approver"))
    data = {"board": "Improvement Board", "decided_on": "2013-09-30", "outcome": "signed_off", "note": ""}
    assert approver.post(SUSTAIN + "decision/", data).status_code == 302
    recommendation = Recommendation.objects.get(plan__slug="cheshire-east-2011", order=8)
    assert recommendation.is_signed_off
    assert recommendation.signed_off_on == date(2013, 9, 30)
    text = _text(approver.get(PLAN, {"on": "2013-10-01"}).content.decode())
    assert "Signed off 30 Sep 2013" in text


def test_inspection_pages_show_the_record_of_main_findings_and_history(demo: LoadResult, client: Client) -> None:
    text = _text(client.get("/inspections/cheshire-east-slac-2011/").content.decode())
    assert "Ambition and prioritisation Good grade 2 of 4" in text
    assert "Lead inspector Pietro Battista" in text
    history = _text(client.get("/inspections/areas/annual-performance-rating/").content.decode())
    assert "Performs well in 2009 → Performs well in 2010" in history


def test_plan_on_a_page_reads_in_the_same_number_of_queries_however_many_recommendations(
    demo: LoadResult, client: Client
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for slug in ("cheshire-east-2011", "cheshire-east-2013"):  # 23 and 5 recommendations
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/plans/{slug}/", {"on": "2013-10-01"}).status_code == 200
        counts[slug] = len(queries)
    assert counts["cheshire-east-2011"] == counts["cheshire-east-2013"]


def test_an_officer_adds_evidence_to_the_matrix_and_it_shows_in_next_sign_offs(demo: LoadResult) -> None:
    officer = Client()
    officer.force_login(make_user("officer", "performance officer"))
    missing = officer.post(SUSTAIN + "evidence/", {"evidence": "", "board": "Improvement Board"})
    assert "Evidence required: This field is required." in _text(missing.content.decode())
    added = officer.post(
        SUSTAIN + "evidence/",
        {"evidence": "Themed audit of core assessments", "board": "LSCB", "present_on": "2012-03-15"},
    )
    assert added.status_code == 302
    text = _text(officer.get(PLAN, {"on": "2012-02-01"}).content.decode())
    assert "Next sign-offs 15 Mar 2012: R8 to LSCB" in text
    page = _text(officer.get(SUSTAIN).content.decode())
    assert "Themed audit of core assessments LSCB 15 March 2012" in page


def test_repeated_requests_for_more_evidence_long_past_due_show_as_perpetual_limbo(demo: LoadResult) -> None:
    approver = Client()
    approver.force_login(make_user("chair", "approver"))
    for day, note in (("2012-03-01", "Audit results for a full quarter"), ("2012-06-01", "Audit results again")):
        data = {"board": "LSCB", "decided_on": day, "outcome": "more_evidence", "note": note}
        assert approver.post(SUSTAIN + "decision/", data).status_code == 302
    page = _text(approver.get(SUSTAIN, {"on": "2012-08-01"}).content.decode())
    assert "Perpetual limbo: open 256 days past due, and the board has asked for more evidence 2 times" in page
    assert page.index("LSCB: more evidence needed") < page.index("Audit results again")
    plan = _text(approver.get(PLAN, {"on": "2012-08-01"}).content.decode())
    assert "19 Nov 2011 Not rated Past due; No recent update; Perpetual limbo" in plan


def test_an_officer_imports_a_plan_workbook_through_the_page(demo: LoadResult) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from oversight.improvement.models import Plan, Source
    from tests.conftest import DATA

    officer = Client()
    officer.force_login(make_user("officer", "performance officer"))
    workbook = (DATA / "improvement" / "action_plan_2011.xlsx").read_bytes()
    source = Source.objects.get(slug="slac-2011-areas-for-improvement").pk
    taken = officer.post(
        "/plans/import/",
        {"upload": SimpleUploadedFile("plan.xlsx", workbook), "plan": "cheshire-east-2011", "source": source},
    )
    assert "There is already a plan called 'cheshire-east-2011'" in _text(taken.content.decode())
    bad = officer.post(
        "/plans/import/",
        {"upload": SimpleUploadedFile("notes.csv", b"Recommendation,Due\nx,y\n"), "plan": "uploaded", "source": source},
    )
    assert "Nothing was imported: 1 problem to fix" in _text(bad.content.decode())
    assert not Plan.objects.filter(slug="uploaded").exists()
    done = officer.post(
        "/plans/import/",
        {
            "upload": SimpleUploadedFile("plan.xlsx", workbook),
            "plan": "uploaded",
            "source": source,
            "title": "Uploaded plan",
        },
    )
    assert done.status_code == 302
    assert done["Location"] == "/plans/uploaded/"
    assert Plan.objects.get(slug="uploaded").recommendations.count() == 23


def test_a_plan_is_shown_as_at_its_latest_progress_entry_unless_asked_otherwise(
    demo: LoadResult, client: Client
) -> None:
    from django.db.models import Max

    from oversight.improvement.models import Checkpoint

    latest = Checkpoint.objects.filter(action__recommendation__plan__slug="cheshire-east-2011").aggregate(
        latest=Max("as_at")
    )["latest"]
    assert latest is not None

    text = _text(client.get(PLAN).content.decode())

    assert re.search(rf"As at {latest.day} {latest:%B %Y} ?: the date of the plan's latest progress entry\.", text)
    assert f"Plan on a page · as at {latest.day} {latest:%B %Y}" in text
    assert not re.search(r"\d{4} days ago", text)  # not measured from today, years after the plan
    asked = _text(client.get(PLAN, {"on": "2012-02-01"}).content.decode())
    assert re.search(
        r"As at 1 February 2012 ?\. Due dates, slippage and ratings are worked out as on that day\.", asked
    )
