"""Bulk entry of committee business from CSV files or the sheets of a workbook, all or nothing.

A CSV file is named after what it holds (``work_programme.csv``); a workbook holds a sheet per kind with the
same names. Kinds, read in this order so that later rows can name earlier ones: bodies, meetings, agenda,
reports (an item's cover report: portfolio holder, appendices, plan), report_sections (its numbered sections, by
the heading of the council's template), work_programme, task_groups, forward_plan, resolutions. A body's council
(its ONS code, empty for the service's own) is an optional column of bodies; a user importing from the page
changes only their own councils' bodies and their business (ADR 26), the command line any. Every row is
written through ``committee.services``, so it is validated and audited as a change made in a form would be; every
problem in every row is reported with its file, row and column, and then nothing is kept. Loading the same files
again changes nothing.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.db import transaction

from oversight.committee import services
from oversight.committee.models import AgendaItem, Body, Meeting, Part, Resolution, WorkProgrammeItem
from oversight.committee.template import report_template
from oversight.core.councils import EVERY_COUNCIL, CouncilScope
from oversight.core.problems import ApplicationError, ImportResult, Issue
from oversight.performance.importer import FileRejectedError, csv_table

VIA = "committee import"  # the audit trail's reason for every row written here
MAX_BYTES = 5 * 1024 * 1024

COLUMNS = {
    "bodies": "slug name kind selection_criteria",
    "meetings": "body date venue",
    "agenda": "body meeting order title purpose report_of part scorecard period",
    "reports": "body meeting order portfolio_holder appendices plan",
    "report_sections": "body meeting order section text",
    "work_programme": "body topic purpose origin corporate_priority frequency planned_meeting status status_reason "
    "status_on criteria",
    "task_groups": "body title progress actions",
    "forward_plan": "reference title decision decision_maker expected_on consultation scrutiny contact",
    "resolutions": "body meeting number text owner due_meeting status follow_up",
}
REQUIRED = {"bodies": "slug name kind", "meetings": "body date", "agenda": "body meeting order title",
            "reports": "body meeting order", "report_sections": "body meeting order section text",
            "work_programme": "body topic", "task_groups": "body title",
            "forward_plan": "reference title decision decision_maker expected_on",
            "resolutions": "body meeting number text"}  # fmt: skip


@dataclass
class Table:
    source: str
    kind: str
    rows: list[tuple[int, dict[str, str]]]


class _RowError(Exception):
    def __init__(self, column: str | None, message: str) -> None:
        super().__init__(message)
        self.column = column


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _table(source: str, kind: str, header: list[str], raw: list[tuple[int, list[object]]]) -> Table:
    names = [str(name).strip().lower() for name in header]
    missing = [column for column in COLUMNS[kind].split() if column not in names]
    if missing:
        raise FileRejectedError(Issue(source, 1, ", ".join(missing), "the header has no such column; add it"))
    rows = []
    for number, values in raw:
        if not any(_text(value) for value in values):
            continue  # blank lines between blocks, as people leave them
        rows.append((number, {name: _text(value) for name, value in zip(names, values, strict=False)}))
    return Table(source, kind, rows)


def _read(path: Path) -> list[Table]:
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise FileRejectedError(
            Issue(path.name, None, None, f"the file is {len(data):,} bytes; the limit is {MAX_BYTES:,}")
        )
    if data.startswith(b"PK\x03\x04"):
        return list(_sheets(path.name, data))
    kind = path.stem.lower()
    if kind not in COLUMNS:
        known = ", ".join(f"{name}.csv" for name in COLUMNS)
        raise FileRejectedError(Issue(path.name, None, None, f"name the file after what it holds: {known}"))
    source, header, raw, _ = csv_table(path.name, data)
    return [_table(source, kind, header, raw)]


def _sheets(name: str, data: bytes) -> Iterator[Table]:
    from openpyxl import load_workbook  # imported here: only workbook imports pay for it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise FileRejectedError(Issue(name, None, None, f"the workbook cannot be read: {error}")) from None
    found = False
    for sheet in book.worksheets:
        kind = sheet.title.strip().lower()
        if kind not in COLUMNS:
            continue  # guide sheets and anything else are not data
        found = True
        rows: list[list[object]] = [list(values) for values in sheet.iter_rows(values_only=True)]
        header = [_text(value) for value in rows[0]] if rows else []
        yield _table(f"{name}, sheet '{sheet.title}'", kind, header, list(enumerate(rows[1:], start=2)))
    book.close()
    if not found:
        raise FileRejectedError(Issue(name, None, None, "no sheet is named " + ", ".join(COLUMNS)))


def _date(row: dict[str, str], column: str) -> date | None:
    text = row.get(column, "")
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _RowError(column, f"'{text}' is not a date; write it as YYYY-MM-DD") from None


def _day(row: dict[str, str], column: str) -> date:
    found = _date(row, column)
    if found is None:
        raise _RowError(column, "this cell is empty; fill it in")
    return found


def _choice(row: dict[str, str], column: str, choices: list[tuple[str, str]], default: str) -> str:
    text = row.get(column, "").strip()
    if not text:
        return default
    for value, label in choices:
        if text.lower() in (value, label.lower()):
            return value
    raise _RowError(column, f"'{text}' is not one of: " + ", ".join(label for _, label in choices))


def _body(row: dict[str, str]) -> Body:
    body = Body.objects.filter(slug=row["body"]).first()
    if body is None:
        raise _RowError("body", f"there is no body '{row['body']}'; add it to bodies first")
    return body


def _meeting(row: dict[str, str], column: str, body: Body) -> Meeting | None:
    on = _date(row, column)
    if on is None:
        return None
    meeting = body.meetings.filter(date=on).first()
    if meeting is None:
        raise _RowError(column, f"{body.name} has no meeting on {on.day} {on:%B %Y}; add it to meetings first")
    return meeting


def _held(row: dict[str, str], body: Body) -> Meeting:
    meeting = _meeting(row, "meeting", body)
    if meeting is None:
        raise _RowError("meeting", "this cell is empty; fill it in")
    return meeting


def _bodies(row: dict[str, str]) -> None:
    kind = _choice(row, "kind", Body.Kind.choices, "")
    services.body_save(slug=row["slug"], name=row["name"], kind=kind, selection_criteria=row["selection_criteria"],
                       council=row.get("council"), via=VIA)  # fmt: skip


def _meetings(row: dict[str, str]) -> None:
    services.meeting_save(body=_body(row), on=_day(row, "date"), venue=row["venue"], via=VIA)


def _agenda(row: dict[str, str]) -> None:
    meeting = _held(row, _body(row))
    if not row["order"].isdigit():
        raise _RowError("order", f"'{row['order']}' is not a whole number")
    part = int(_choice(row, "part", [(str(v), str(label)) for v, label in Part.choices], "1"))
    services.agenda_item_save(meeting=meeting, order=int(row["order"]), title=row["title"], purpose=row["purpose"],
                              report_of=row["report_of"], part=part, scorecard_slug=row["scorecard"],
                              period=row["period"], via=VIA)  # fmt: skip


def _item(row: dict[str, str]) -> AgendaItem:
    meeting = _held(row, _body(row))
    item = meeting.agenda.filter(order=int(row["order"])).first() if row["order"].isdigit() else None
    if item is None:
        raise _RowError("order", f"the meeting of {meeting.date:%-d %B %Y} has no item {row['order']}; add it first")
    return item


def _reports(row: dict[str, str]) -> None:
    item = _item(row)
    appendices = row["appendices"].replace(",", " ").split()
    services.agenda_item_report_save(item=item, sections={}, appendices=appendices, plan_slug=row["plan"],
                                     portfolio_holder=row["portfolio_holder"], via=VIA)  # fmt: skip


def _report_sections(row: dict[str, str]) -> None:
    headings = report_template().sections
    if row["section"] not in headings:
        raise _RowError("section", f"'{row['section']}' is not a section of the template: " + "; ".join(headings))
    services.report_section_save(item=_item(row), heading=row["section"], text=row["text"], via=VIA)


def _work_programme(row: dict[str, str]) -> None:
    body = _body(row)
    services.work_item_save(
        body=body,
        topic=row["topic"],
        purpose=row["purpose"],
        origin=row["origin"],
        corporate_priority=row["corporate_priority"],
        frequency=_choice(row, "frequency", WorkProgrammeItem.Frequency.choices, WorkProgrammeItem.Frequency.ONCE),
        planned_meeting=_meeting(row, "planned_meeting", body),
        status=_choice(row, "status", WorkProgrammeItem.Status.choices, WorkProgrammeItem.Status.ON_TRACK),
        status_reason=row["status_reason"],
        status_on=_date(row, "status_on"),
        criteria=row["criteria"],
        via=VIA,
    )


def _task_groups(row: dict[str, str]) -> None:
    services.task_group_save(body=_body(row), title=row["title"], progress=row["progress"], actions=row["actions"],
                             via=VIA)  # fmt: skip


def _forward_plan(row: dict[str, str]) -> None:
    expected_on = _day(row, "expected_on")
    services.forward_plan_save(reference=row["reference"], title=row["title"], decision=row["decision"],
                               decision_maker=row["decision_maker"], expected_on=expected_on,
                               consultation=row["consultation"], scrutiny=row["scrutiny"], contact=row["contact"],
                               via=VIA)  # fmt: skip


def _resolutions(row: dict[str, str]) -> None:
    body = _body(row)
    meeting = _held(row, body)
    services.resolution_save(
        meeting=meeting,
        number=row["number"],
        text=row["text"],
        owner=row["owner"],
        due_meeting=_meeting(row, "due_meeting", body),
        status=_choice(row, "status", Resolution.Status.choices, Resolution.Status.OPEN),
        follow_up=row["follow_up"],
        via=VIA,
    )


WRITERS: dict[str, Callable[[dict[str, str]], None]] = {
    "bodies": _bodies,
    "meetings": _meetings,
    "agenda": _agenda,
    "reports": _reports,
    "report_sections": _report_sections,
    "work_programme": _work_programme,
    "task_groups": _task_groups,
    "forward_plan": _forward_plan,
    "resolutions": _resolutions,
}


class _RollbackError(Exception):
    """Raised inside the import's transaction when any row had a problem, so that none is kept."""


def committee_import(paths: list[Path], scope: CouncilScope = EVERY_COUNCIL) -> ImportResult:
    """Read every file, then write every row; on any problem nothing is kept and every problem is returned. A row
    for a body of a council outside ``scope`` is refused (the command line's scope is every council)."""
    result = ImportResult(files=len(paths))
    tables: list[Table] = []
    for path in paths:
        try:
            tables.extend(_read(path))
        except FileRejectedError as rejected:
            result.issues.append(rejected.issue)
    if result.issues:
        return result
    tables.sort(key=lambda table: list(COLUMNS).index(table.kind))
    try:
        with transaction.atomic():
            for table in tables:
                for number, row in table.rows:
                    result.rows += 1
                    _write(table, number, row, result.issues, scope)
            if result.issues:
                raise _RollbackError
    except _RollbackError:
        pass  # the problems are in result.issues; the transaction has undone every row
    return result


def _write(table: Table, number: int, row: dict[str, str], issues: list[Issue], scope: CouncilScope) -> None:
    blank = [column for column in REQUIRED[table.kind].split() if not row.get(column)]
    if blank:
        issues.extend(Issue(table.source, number, column, "this cell is empty; fill it in") for column in blank)
        return
    refused = _council_refused(table.kind, row, scope)
    if refused is not None:
        issues.append(Issue(table.source, number, *refused))
        return
    if table.kind == "bodies" and "council" not in row and not Body.objects.filter(slug=row["slug"]).exists():
        row = row | {"council": scope.home}  # a new body is its importer's council's
    try:
        with transaction.atomic():  # a refused row leaves the rows before it to be checked with the rest
            WRITERS[table.kind](row)
    except _RowError as error:
        issues.append(Issue(table.source, number, error.column, str(error)))
    except ApplicationError as error:
        issues.append(Issue(table.source, number, None, str(error)))


def _council_refused(kind: str, row: dict[str, str], scope: CouncilScope) -> tuple[str, str] | None:
    """The column and the words of a refusal if the row changes a body of a council outside ``scope``, or gives a
    body to one: a user changes only their own councils' committee business (ADR 26)."""
    column = "slug" if kind == "bodies" else "body"
    if column not in row:
        return None  # the forward plan is the executive's, named by no body
    found = Body.objects.filter(slug=row[column]).only("council").first()
    if found is not None and not scope.allows(found.council):
        return column, f"no body '{row[column]}' of your council; only its own council's users change it"
    given = row.get("council", "").strip().upper() if kind == "bodies" else ""
    if given and not scope.allows(given):
        return "council", f"{given} is not a council of yours; give the body to your own council"
    return None
