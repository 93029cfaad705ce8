"""Committee business by council (ADR 26): a council's bodies, their business and packs, its highlight reports and
its start jobs are its own; its public business is every reader's; and a pack or highlight report never shows a
period's figures its builder's council may not see, which it prints as not approved."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from docx import Document

from oversight.accounts.models import AuditEvent
from oversight.accounts.services import user_set_councils
from oversight.committee.models import AgendaItem, Body, Meeting, Part
from oversight.committee.pack import meeting_pack, pack_docx
from oversight.core.problems import ApplicationError
from oversight.improvement.models import HighlightReport
from oversight.onboarding.models import StartJob
from oversight.performance.services import LoadResult
from tests.conftest import make_user

COUNCIL, OTHER = "E06000049", "E06000050"  # Cheshire East, the service's own council, and another of the alliance
PACK = "/committees/scrutiny/meetings/2011-09-20/pack.docx"
HIGHLIGHT = "/highlight-reports/cheshire-east-2013/2013-09-02/"
SCORECARD_ROW = "Core assessments completed within 35 working days (CSC-CORE-35WD)"  # an exception in Q1 too


@pytest.fixture
def alliance(demo: LoadResult, settings: Any) -> dict[str, Client]:
    """Cheshire East the service's own council (so every body, report and scorecard of the demo is its), and a
    signed-in performance officer (who keeps committee business too) of each council."""
    settings.OVERSIGHT_COUNCIL = COUNCIL
    clients = {}
    for council in (COUNCIL, OTHER):
        user = make_user(f"officer-{council}", "performance officer")
        user_set_councils(user=user, councils=[council], actor=None, reason="a clerk of the alliance")
        clients[council] = Client()
        clients[council].force_login(user)
    return clients


def _text(docx: bytes) -> str:
    document = Document(io.BytesIO(docx))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def _meeting() -> Meeting:
    return Meeting.objects.get(body__slug="scrutiny", date=date(2011, 9, 20))


def test_a_pack_built_by_another_council_prints_its_draft_as_not_approved(
    alliance: dict[str, Client], q1_open: None
) -> None:
    theirs, own = (alliance[OTHER].get(PACK), alliance[COUNCIL].get(PACK))
    assert (theirs.status_code, own.status_code) == (200, 200)  # a Part 1 item's pack is public business
    other_text, own_text = _text(theirs.content), _text(own.content)
    for title in (
        "Appendix A: Children & Families Strategic Performance Scorecard, 2011-12 Quarter 1 (April–June 2011)",
        "Appendix B: Children & Families Strategic Performance Scorecard: three-year trends to 2010-11",
    ):
        assert title in other_text  # the appendices keep their letters and titles
        assert title in own_text
    assert other_text.count("Not approved. These figures are another council's") == 3  # scorecard, trends, exceptions
    assert SCORECARD_ROW not in other_text  # neither the scorecard's rows nor the exception report's entries
    assert "Exception report" in other_text
    assert "Cheshire East\n6.2%" in other_text  # the benchmark tables are published figures: every reader's
    assert "Not approved. These figures" not in own_text
    assert SCORECARD_ROW in own_text
    cli = _text(pack_docx(meeting_pack(_meeting())))  # `oversight pack build`: the administrator's, every council
    assert SCORECARD_ROW in cli
    assert "Not approved. These figures" not in cli


def test_with_the_quarter_approved_another_council_sees_its_figures_but_not_the_draft_years_trends(
    alliance: dict[str, Client], tmp_path: Path
) -> None:
    text = _text(alliance[OTHER].get(PACK).content)
    assert SCORECARD_ROW in text
    assert "Approved by director on 14 July 2011." in text
    # the trends run to 2010-11, a draft: that appendix alone is not approved
    assert text.count("Not approved. These figures are another council's") == 1
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(alliance[OTHER].get(PACK.replace(".docx", ".pdf")).content)
    words = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    trends = "Appendix B: Children & Families Strategic Performance Scorecard: three-year trends to 2010-11"
    assert f"{trends} Not approved. These figures are another council's" in words
    assert words.count("Not approved. These figures are another council's") == 1


def test_trends_with_a_draft_year_are_held_back_from_another_council_on_the_page_as_in_the_pack(
    alliance: dict[str, Client],
) -> None:
    """The trends to 2010-11 show 2008-09 and 2009-10 too. With 2010-11 approved and the two before it drafts, the
    page answers another council's user as if it were not there, and the pack prints that appendix as not approved:
    one rule (every year shown approved) for both."""
    from oversight.performance.models import PeriodSignoff, Scorecard

    strategic = Scorecard.objects.get(slug="strategic")
    PeriodSignoff.objects.update_or_create(
        scorecard=strategic, period="2010-11", defaults={"state": PeriodSignoff.State.APPROVED}
    )
    page = "/scorecards/strategic/2010-11/trend/"
    assert (alliance[OTHER].get(page).status_code, alliance[COUNCIL].get(page).status_code) == (404, 200)
    scorecard = "/scorecards/strategic/2011-12-Q1/"  # approved: its page links to the trends only where they open
    held = "The three-year trends to 2010-11 are not shown: a year of them is not yet approved."
    assert [(page in text, held in text) for text in _pages(alliance, scorecard)] == [(False, True), (True, False)]
    trend_links = [re.findall(r'/scorecards/strategic/[^"/]+/trend/', text) for text in _pages(alliance, "/")]
    assert [bool(links) for links in trend_links] == [False, True]  # the home page's link, by the same rule
    pack = _text(alliance[OTHER].get(PACK).content)
    assert "three-year trends to 2010-11" in pack
    assert pack.count("Not approved. These figures are another council's") == 1  # the trends alone
    for earlier in ("2008-09", "2009-10"):
        PeriodSignoff.objects.update_or_create(
            scorecard=strategic, period=earlier, defaults={"state": PeriodSignoff.State.APPROVED}
        )
    assert alliance[OTHER].get(page).status_code == 200
    assert "Not approved. These figures" not in _text(alliance[OTHER].get(PACK).content)
    assert [page in text for text in _pages(alliance, scorecard)] == [True, True]
    assert page in _pages(alliance, "/")[0]


def _pages(clients: dict[str, Client], address: str) -> list[str]:
    """The page at ``address`` as another council's user and as a member of its own council see it."""
    return [clients[council].get(address).content.decode() for council in (OTHER, COUNCIL)]


def test_a_part_2_pack_and_a_councils_forms_are_for_its_own_users(alliance: dict[str, Client]) -> None:
    AgendaItem.objects.filter(meeting=_meeting(), order=7).update(part=Part.PRIVATE)
    pages = [
        PACK,
        "/committees/scrutiny/meetings/2011-09-20/items/7/report/",
        "/committees/scrutiny/work-programme/add/",
        "/committees/scrutiny/meetings/2011-07-26/resolutions/add/",
    ]
    public = ["/committees/", "/committees/scrutiny/", "/committees/scrutiny/meetings/2011-09-20/"]
    assert [alliance[OTHER].get(page).status_code for page in pages + public] == [404] * 4 + [200] * 3
    assert [alliance[COUNCIL].get(page).status_code for page in pages + public] == [200] * 7
    offered = [PACK in alliance[council].get(public[2]).content.decode() for council in (OTHER, COUNCIL)]
    assert offered == [False, True]  # the meeting's page offers a Part 2 pack to its own council's users alone
    posted = alliance[OTHER].post(pages[2], {"topic": "Not theirs", "frequency": "once", "status": "on-track"})
    assert posted.status_code == 404
    assert not Body.objects.get(slug="scrutiny").work_programme.filter(topic="Not theirs").exists()


def test_a_body_given_to_another_council_is_that_councils(alliance: dict[str, Client]) -> None:
    from oversight.committee.services import body_set_council

    with pytest.raises(ApplicationError, match="council: A council's ONS code is a letter and eight digits"):
        body_set_council(slug="scrutiny", council="Cheshire West", actor=None, reason="a slip")
    with pytest.raises(ApplicationError, match="Say why the committee's council changes"):
        body_set_council(slug="scrutiny", council=OTHER, actor=None, reason=" ")
    body_set_council(slug="scrutiny", council=OTHER.lower(), actor=None, reason="the alliance's joint committee")
    assert Body.objects.get(slug="scrutiny").council == OTHER
    event = AuditEvent.objects.get(object_type="committee.body", reason="the alliance's joint committee")
    assert (event.before, event.after) == ({"council": ""}, {"council": OTHER})
    form = "/committees/scrutiny/work-programme/add/"
    assert (alliance[OTHER].get(form).status_code, alliance[COUNCIL].get(form).status_code) == (200, 404)
    offered = [form in alliance[council].get("/committees/scrutiny/").content.decode() for council in (OTHER, COUNCIL)]
    assert offered == [True, False]  # its forms are offered to its own council's users alone


def _highlight(council: str) -> None:
    HighlightReport.objects.filter(plan__slug="cheshire-east-2013").update(
        council=council, scorecard_id=1, period="2011-12-Q1", indicators="CSC-CORE-35WD"
    )


def test_a_highlight_report_is_its_councils_and_shows_another_councils_draft_as_not_approved(
    alliance: dict[str, Client], q1_open: None
) -> None:
    _highlight(OTHER)  # the other council's report, taking Cheshire East's scorecard, whose Q1 is reopened
    assert alliance[COUNCIL].get(HIGHLIGHT).status_code == 404
    assert HIGHLIGHT not in alliance[COUNCIL].get("/highlight-reports/").content.decode()
    assert HIGHLIGHT in alliance[OTHER].get("/highlight-reports/").content.decode()
    page = alliance[OTHER].get(HIGHLIGHT).content.decode()
    assert "2011-12 Quarter 1 (April–June 2011): Not approved." in page
    text = _text(alliance[OTHER].get(HIGHLIGHT + "report.docx").content)
    assert text.count("Not approved. These figures are another council's") == 3  # extract, staffing, tracker
    assert "CSC-CORE-35WD" not in text
    _highlight(COUNCIL)
    text = _text(alliance[COUNCIL].get(HIGHLIGHT + "report.docx").content)
    assert "Not approved." not in text
    assert SCORECARD_ROW in text


def test_a_highlight_report_a_user_starts_is_their_councils_and_another_councils_is_not_theirs_to_change(
    alliance: dict[str, Client],
) -> None:
    from oversight.improvement.models import Plan

    form = {
        "plan": str(Plan.objects.get(slug="cheshire-east-2013").pk),
        "title": "Highlight",
        "reported_on": "2013-10-01",
    }
    started = alliance[OTHER].post("/highlight-reports/new/", form)
    assert started.status_code == 302, started.content.decode()
    assert HighlightReport.objects.get(reported_on=date(2013, 10, 1)).council == OTHER
    again = alliance[OTHER].post("/highlight-reports/new/", form | {"reported_on": "2013-09-02", "title": "Not theirs"})
    assert "has another council's highlight report on 2 September 2013; choose another date." in (
        again.content.decode().replace("&#x27;", "'")
    )
    assert HighlightReport.objects.get(reported_on=date(2013, 9, 2)).title != "Not theirs"


def test_the_import_page_changes_only_the_users_own_councils_bodies(
    alliance: dict[str, Client], tmp_path: Path
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [
        SimpleUploadedFile("task_groups.csv", b"body,title,progress,actions\nscrutiny,Not theirs,,\n"),
        SimpleUploadedFile(
            "bodies.csv", b"slug,name,kind,selection_criteria,council\njoint,Joint,scrutiny,,E06000049\n"
        ),
    ]
    refused = alliance[OTHER].post("/committees/import/", {"files": files}).content.decode().replace("&#x27;", "'")
    assert "no body 'scrutiny' of your council; only its own council's users change it" in refused
    assert "E06000049 is not a council of yours; give the body to your own council" in refused
    assert not Body.objects.filter(slug="joint").exists()
    new = [SimpleUploadedFile("bodies.csv", b"slug,name,kind,selection_criteria\njoint,Joint,scrutiny,\n")]
    assert alliance[OTHER].post("/committees/import/", {"files": new}).status_code == 302
    assert Body.objects.get(slug="joint").council == OTHER  # a new body is its importer's council's


def test_a_user_starts_only_their_own_council(alliance: dict[str, Client], settings: Any, tmp_path: Path) -> None:
    from tests.onboarding.test_views import YEAR, _council_id, _uploads

    settings.OVERSIGHT_UPLOADS = tmp_path / "uploads"
    alliance[OTHER].get("/start/")  # loads the councils
    refused = alliance[OTHER].post("/start/", {"council": _council_id(), "returns": _uploads(*YEAR)})
    assert refused.status_code == 200
    assert "Choose a council of yours: a user starts only their own councils." in refused.content.decode()
    assert not StartJob.objects.exists()
    assert not (tmp_path / "uploads").exists()  # nothing kept of the files either


def test_a_start_job_is_its_councils(alliance: dict[str, Client]) -> None:
    StartJob.objects.create(pk=7, la=COUNCIL, council=COUNCIL, state=StartJob.State.FAILED)
    assert (alliance[COUNCIL].get("/start/jobs/7/").status_code, alliance[OTHER].get("/start/jobs/7/").status_code) == (
        200,
        404,
    )
    assert "/start/jobs/7/" in alliance[COUNCIL].get("/start/").content.decode()
    assert "/start/jobs/7/" not in alliance[OTHER].get("/start/").content.decode()


def test_with_no_council_named_every_user_sees_every_councils_business(demo: LoadResult, q1_open: None) -> None:
    Body.objects.update(council=OTHER)
    _highlight(OTHER)
    client = Client()
    user: User = make_user("officer", "performance officer")
    client.force_login(user)
    assert [client.get(page).status_code for page in (PACK, HIGHLIGHT, "/committees/scrutiny/work-programme/add/")] == [
        200,
        200,
        200,
    ]
    assert "Not approved. These figures" not in _text(client.get(PACK).content)
