"""Committee business: the services that keep it, the bulk import, the demo's scrutiny committee, the forms."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import Workbook

from oversight.accounts.models import AuditEvent
from oversight.committee import services
from oversight.committee.loader import COLUMNS, committee_import
from oversight.committee.models import Body, Meeting, Resolution, WorkProgrammeItem
from oversight.committee.selectors import body_view, resolutions_overdue
from oversight.core.problems import ApplicationError
from oversight.performance.models import ReportingStep
from oversight.performance.services import LoadResult
from tests.conftest import make_user

TODAY = date(2011, 12, 1)


@pytest.fixture
def scrutiny(db: None) -> Body:
    body = services.body_save(slug="panel", name="Panel", kind=Body.Kind.SCRUTINY)
    for day in (date(2011, 7, 26), date(2011, 9, 20), date(2011, 11, 15)):
        services.meeting_save(body=body, on=day)
    return body


def _on(body: Body, day: date) -> Meeting:
    return body.meetings.get(date=day)


def test_a_work_programme_item_is_saved_audited_and_saved_again_as_a_no_op(scrutiny: Body) -> None:
    planned = _on(scrutiny, date(2011, 11, 15))
    item = services.work_item_save(
        body=scrutiny, topic="CAMHS and Cared for Children", origin="Resolution 81(e)", planned_meeting=planned
    )
    events = AuditEvent.objects.filter(object_type="committee.workprogrammeitem")
    assert events.count() == 1
    assert events.get().after["planned_meeting"] == str(planned)
    again = services.work_item_save(
        body=scrutiny, topic="CAMHS and Cared for Children", origin="Resolution 81(e)", planned_meeting=planned
    )
    assert again.pk == item.pk
    assert events.count() == 1


def test_a_deferred_or_discontinued_item_needs_its_reason_and_date(scrutiny: Body) -> None:
    with pytest.raises(ApplicationError, match="why the item was deferred"):
        services.work_item_save(body=scrutiny, topic="Virtual Head", status=WorkProgrammeItem.Status.DEFERRED)
    with pytest.raises(ApplicationError, match="date the item was discontinued"):
        services.work_item_save(
            body=scrutiny, topic="NEETS", status=WorkProgrammeItem.Status.DISCONTINUED, status_reason="Superseded"
        )
    other = services.body_save(slug="cabinet", name="Cabinet", kind=Body.Kind.CABINET)
    elsewhere = services.meeting_save(body=other, on=date(2011, 10, 3))
    with pytest.raises(ApplicationError, match="not one of Panel's"):
        services.work_item_save(body=scrutiny, topic="Budget", planned_meeting=elsewhere)
    assert not WorkProgrammeItem.objects.exists()


def test_a_resolution_is_due_at_a_later_meeting_and_overdue_while_open_after_it(scrutiny: Body) -> None:
    july, september = _on(scrutiny, date(2011, 7, 26)), _on(scrutiny, date(2011, 9, 20))
    with pytest.raises(ApplicationError, match="later meeting"):
        services.resolution_save(meeting=september, number="1", text="Noted.", due_meeting=july)
    with pytest.raises(ApplicationError, match="what was done"):
        services.resolution_save(meeting=july, number="80(c)", text="Quarterly.", status=Resolution.Status.DONE)
    late = services.resolution_save(meeting=july, number="80(c)", text="Bring the scorecard quarterly.",
                                    owner="Quality Assurance Manager", due_meeting=september)  # fmt: skip
    services.resolution_save(meeting=july, number="82(c)", text="Revisit in six months.")  # no due meeting
    assert resolutions_overdue(TODAY) == [late]
    assert resolutions_overdue(date(2011, 9, 20)) == []  # due today is not yet late
    assert body_view(scrutiny, TODAY).overdue == [late]
    services.resolution_save(meeting=july, number="80(c)", text="Bring the scorecard quarterly.",
                             owner="Quality Assurance Manager", due_meeting=september, status=Resolution.Status.DONE,
                             follow_up="On the agenda of 20 September 2011.")  # fmt: skip
    assert resolutions_overdue(TODAY) == []


def _write(folder: Path, kind: str, rows: list[dict[str, str]]) -> Path:
    path = folder / f"{kind}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS[kind].split())
        writer.writeheader()
        writer.writerows(rows)
    return path


def _row(kind: str, **values: str) -> dict[str, str]:
    return {column: values.get(column, "") for column in COLUMNS[kind].split()}


def test_a_good_import_writes_every_row_and_again_changes_nothing(scrutiny: Body, tmp_path: Path) -> None:
    files = [
        _write(tmp_path, "work_programme", [_row("work_programme", body="panel", topic="Academies",
                                                 planned_meeting="2011-11-15", status="On track")]),
        _write(tmp_path, "resolutions", [_row("resolutions", body="panel", meeting="2011-07-26", number="84",
                                              text="That the forward plan be noted.", status="no-action")]),
        _write(tmp_path, "forward_plan", [_row("forward_plan", reference="CE11/12-17", title="Carers Strategy",
                                               decision="To endorse the strategy.", decision_maker="Cabinet",
                                               expected_on="2011-10-03", scrutiny="Children and Families")]),
    ]  # fmt: skip
    result = committee_import(files)
    assert result.ok, result.issues
    assert result.rows == 3
    assert WorkProgrammeItem.objects.get(topic="Academies").planned_meeting == _on(scrutiny, date(2011, 11, 15))
    before = AuditEvent.objects.count()
    assert committee_import(files).ok
    assert AuditEvent.objects.count() == before


def test_a_workbook_imports_its_sheets(scrutiny: Body, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "work_programme"
    sheet.append(COLUMNS["work_programme"].split())
    sheet.append(["panel", "SEN review", "", "", "", "When appropriate", None, "", "", None, ""])
    book.create_sheet("Guide").append(["Not data"])
    path = tmp_path / "programme.xlsx"
    book.save(path)
    result = committee_import([path])
    assert result.ok, result.issues
    assert WorkProgrammeItem.objects.get(topic="SEN review").frequency == WorkProgrammeItem.Frequency.WHEN_APPROPRIATE


def test_a_bad_file_is_rejected_whole_with_every_problem_by_row_and_column(scrutiny: Body, tmp_path: Path) -> None:
    path = _write(tmp_path, "work_programme", [
        _row("work_programme", body="panel", topic="Fine on its own"),
        _row("work_programme", body="nobody", topic="Orphan"),
        _row("work_programme", body="panel", topic="Dated", planned_meeting="20/09/2011"),
        _row("work_programme", body="panel", topic="Unplanned", planned_meeting="2011-10-18"),
        _row("work_programme", body="panel", topic="Odd", status="Postponed"),
        _row("work_programme", body="panel", topic=""),
        _row("work_programme", body="panel", topic="NEETS", status="discontinued", status_reason="Superseded"),
    ])  # fmt: skip
    result = committee_import([path])
    assert [str(issue) for issue in result.issues] == [
        "work_programme.csv, row 3, column 'body': there is no body 'nobody'; add it to bodies first",
        "work_programme.csv, row 4, column 'planned_meeting': '20/09/2011' is not a date; write it as YYYY-MM-DD",
        "work_programme.csv, row 5, column 'planned_meeting': Panel has no meeting on 18 October 2011; add it to "
        "meetings first",
        "work_programme.csv, row 6, column 'status': 'Postponed' is not one of: On track, Deferred, Completed, "
        "Discontinued",
        "work_programme.csv, row 7, column 'topic': this cell is empty; fill it in",
        "work_programme.csv, row 8: Give the date the item was discontinued and the reason.",
    ]
    assert not WorkProgrammeItem.objects.exists()  # not even the good first row


def test_a_file_without_a_known_name_or_column_is_refused(scrutiny: Body, tmp_path: Path) -> None:
    stray = tmp_path / "minutes.csv"
    stray.write_text("body,number\n", encoding="utf-8")
    short = tmp_path / "resolutions.csv"
    short.write_text("body,meeting,number\n", encoding="utf-8")
    issues = [str(issue) for issue in committee_import([stray, short]).issues]
    assert issues[0].startswith("minutes.csv: name the file after what it holds: bodies.csv")
    assert (
        issues[1] == "resolutions.csv, row 1, column 'text, owner, due_meeting, status, follow_up': the header "
        "has no such column; add it"
    )


def test_the_demo_holds_the_scrutiny_committee_of_20_september_2011(demo: LoadResult) -> None:
    body = Body.objects.get(slug="scrutiny")
    days = [meeting.date for meeting in body.meetings.all()]
    assert days[:2] == [date(2011, 7, 26), date(2011, 9, 20)]
    assert days[-1] == date(2012, 4, 10)
    september = body.meetings.get(date=date(2011, 9, 20))
    assert september.agenda.count() == 11
    scorecard = september.agenda.get(order=7)
    assert (scorecard.scorecard_slug, scorecard.period) == ("strategic", "2011-12-Q1")
    quarterly = Resolution.objects.get(meeting__body=body, number="80(c)")
    assert quarterly.text.startswith("That the newly developed performance scorecard be brought to the Committee")
    assert body.work_programme.filter(status=WorkProgrammeItem.Status.DISCONTINUED).count() == 14
    assert body_view(body, date(2011, 9, 20)).forward_plan[0].reference == "CE11/12-17"
    step = ReportingStep.objects.get(scorecard__slug="strategic", body=body.name)
    assert step.meetings == [day.isoformat() for day in days]  # the calendar follows the committee's meetings


def test_a_clerk_adds_a_work_item_and_a_resolution_and_the_home_page_shows_what_is_overdue(
    demo: LoadResult,
) -> None:
    client = Client()
    client.force_login(make_user("clerk", "clerk"))
    november = Meeting.objects.get(body__slug="scrutiny", date=date(2011, 11, 15))
    response = client.post("/committees/scrutiny/work-programme/add/", {
        "topic": "Fostering Inspection", "frequency": "once", "planned_meeting": str(november.pk),
        "status": "deferred", "status_reason": "",
    })  # fmt: skip
    assert response.status_code == 200
    assert "Say why the item was deferred." in response.content.decode()
    response = client.post("/committees/scrutiny/work-programme/add/", {
        "topic": "Fostering Inspection", "frequency": "once", "planned_meeting": str(november.pk), "status": "on-track",
    })  # fmt: skip
    assert response.status_code == 302
    response = client.post("/committees/scrutiny/meetings/2011-09-20/resolutions/add/", {
        "number": "95", "text": "That the Fostering Inspection report be brought to the Committee.",
        "owner": "Head of Service", "due_meeting": str(november.pk), "status": "open",
    })  # fmt: skip
    assert response.status_code == 302
    page = client.get("/committees/scrutiny/").content.decode()
    assert "Fostering Inspection" in page
    assert "That the Fostering Inspection report" in page
    assert "Overdue" in page
    assert "That the Fostering Inspection report" in client.get("/").content.decode()
    assert AuditEvent.objects.filter(object_type="committee.resolution", reason="web form").count() == 1
    added = Resolution.objects.get(number="95")
    response = client.post(f"/committees/scrutiny/resolutions/{added.pk}/", {
        "number": "95", "text": added.text, "owner": added.owner, "due_meeting": str(november.pk), "status": "done",
        "follow_up": "Reported to the Committee on 15 November 2011.",
    })  # fmt: skip
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.status == Resolution.Status.DONE
    assert "That the Fostering Inspection report" not in client.get("/").content.decode()
    reader = Client()
    reader.force_login(make_user("councillor-x", "reader"))
    assert reader.post("/committees/scrutiny/work-programme/add/", {"topic": "Mine"}).status_code == 403


def test_the_import_page_lists_every_problem_and_the_command_imports(scrutiny: Body, tmp_path: Path) -> None:
    from oversight.cli import main

    bad = _write(tmp_path, "resolutions", [_row("resolutions", body="panel", meeting="2011-08-01", number="1",
                                                text="Noted.")])  # fmt: skip
    client = Client()
    client.force_login(make_user("clerk", "clerk"))
    with bad.open("rb") as upload:
        response = client.post("/committees/import/", {"files": upload})
    assert response.status_code == 200
    assert "Panel has no meeting on 1 August 2011" in response.content.decode()
    good = _write(tmp_path, "resolutions", [_row("resolutions", body="panel", meeting="2011-07-26", number="1",
                                                 text="Noted.", status="No follow-up needed")])  # fmt: skip
    assert main(["committee", "import", str(good)]) == 0
    assert Resolution.objects.get(number="1").status == Resolution.Status.NO_ACTION
