"""An agenda item's committee report: its numbered sections and appendices kept per item and edited by a clerk,
the appendices in Word and tagged PDF with figures from the system, a Part 1 report as it may be published, a
Part 2 report stamped private, and the council's template as configuration."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from django.test.utils import override_settings
from docx import Document

from oversight.accounts.models import AuditEvent
from oversight.committee import services
from oversight.committee.loader import committee_import
from oversight.committee.models import AgendaItem, Appendix, Meeting
from oversight.committee.pack import Pack, PackError, meeting_pack, pack_docx, pack_pdf
from oversight.committee.template import STANDARD_SECTIONS, report_template, report_template_parse
from oversight.core.periods import parse_period
from oversight.core.problems import ApplicationError
from oversight.demo.casework import DEMO_COUNCILS, CaseworkDemo
from oversight.performance.disclosure import view_for_publication
from oversight.performance.models import Scorecard
from oversight.performance.selectors import scorecard_view
from oversight.performance.services import LoadResult
from tests.committee.test_pack import libreoffice_text
from tests.conftest import make_user
from tests.test_committee_outputs import WORKING_NOTES

REPORT = "/committees/scrutiny/meetings/2011-09-20/items/7/report/"


def _item() -> AgendaItem:
    return AgendaItem.objects.get(meeting__body__slug="scrutiny", meeting__date=date(2011, 9, 20), order=7)


def _meeting() -> Meeting:
    return Meeting.objects.get(body__slug="scrutiny", date=date(2011, 9, 20))


def _headings(docx: bytes) -> list[tuple[str, str]]:
    document = Document(io.BytesIO(docx))
    return [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style is not None and p.style.name.startswith("Heading")
    ]


def _pdf_text(pdf: bytes, folder: Path) -> str:
    path = folder / "pack.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    return " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split()
    )


def test_the_demo_item_carries_its_cover_report_and_appendices(demo: LoadResult, tmp_path: Path) -> None:
    item = _item()
    assert item.portfolio_holder == "Councillor Hilda Gaddum"
    assert [appendix.value for appendix in item.appendices_chosen] == [
        "scorecard", "trends", "explanations", "benchmark", "exceptions", "plan-on-a-page", "action-plan",
    ]  # fmt: skip
    pack = meeting_pack(_meeting())
    docx = pack_docx(pack)
    headings = _headings(docx)
    for number, heading in enumerate(STANDARD_SECTIONS, start=1):
        assert ("Heading 2", f"{number}. {heading}") in headings
    titles = [text for style, text in headings if style == "Heading 1" and text.startswith("Appendix")]
    assert [title.split(":")[0] for title in titles] == [f"Appendix {letter}" for letter in "ABCDEFG"]
    assert titles[1] == "Appendix B: Children & Families Strategic Performance Scorecard: three-year trends to 2010-11"
    assert titles[5] == "Appendix F: Announced Inspection Action Plan (v1) Draft: plan on a page"
    document = Document(io.BytesIO(docx))
    for table in document.tables[1:]:  # every appendix table's first row is a header row, repeated on each page
        assert table.rows[0]._tr.trPr.xpath("./w:tblHeader"), table.rows[0].cells[0].text
        assert table.style is not None
        assert table.style.name == "Table Grid"
    neet = next(t for t in document.tables if t.rows[0].cells[0].text == "Area")  # Appendix D's NEET table
    bold = {row.cells[0].text: all(run.bold for run in row.cells[1].paragraphs[0].runs) for row in neet.rows[1:]}
    assert bold["Cheshire East"]  # moving against the intended direction, as core.benchmark decides
    assert bold["Worcestershire"]
    assert not bold["North West"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "This report does two things." in text
    assert "Approved by director on 14 July 2011." in text  # the scorecard's period says it is approved
    assert "2010-11: Draft — not yet approved." in text  # and each trend year says whether it is
    pdf = _pdf_text(pack_pdf(pack), tmp_path)
    for title in titles:
        assert " ".join(title.split()) in pdf
    assert "1. Report summary This report does two things." in pdf
    assert "Cheshire East 6.2% Up 0.5 points (+8.8%)" in pdf
    assert "Internal" not in pdf  # a Part 1 report is for publication
    assert "For publication:" in pdf


def test_the_plan_on_a_page_and_the_action_plan_read_the_plans_recommendations_once(demo: LoadResult) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        pack = meeting_pack(_meeting())
    assert pack.plan is not None
    assert len(pack.plan.summary.items) == len(pack.plan.table.rows) == 23  # the 2011 plan's recommendations
    fetched = [q["sql"] for q in queries.captured_queries if 'FROM "improvement_recommendation"' in q["sql"]]
    assert len(fetched) == 1, fetched


def test_a_clerk_edits_an_items_sections_and_appendices_on_its_form(demo: LoadResult) -> None:
    client = Client()
    client.force_login(make_user("clerk", "clerk"))
    page = client.get("/committees/scrutiny/meetings/2011-09-20/").content.decode()
    assert REPORT in page
    form = client.get(REPORT).content.decode()
    assert "11. Access to information" in form
    assert "This report does two things." in form
    fields = {f"section_{n}": "" for n in range(1, 12)} | {"section_1": "Quarter 1 in brief.", "portfolio_holder": ""}
    response = client.post(REPORT, fields | {"appendices": ["scorecard", "action-plan"], "plan": ""})
    assert response.status_code == 200
    assert "Choose the improvement plan that the plan appendices show." in response.content.decode()
    response = client.post(REPORT, fields | {"section_2": "x" * 4001, "appendices": ["scorecard"]})
    assert response.status_code == 200
    assert "Ensure this value has at most 4000 characters" in response.content.decode()
    response = client.post(REPORT, fields | {"appendices": ["scorecard", "exceptions"], "plan": "cheshire-east-2011"})
    assert response.status_code == 302
    item = _item()
    assert item.appendices_chosen == [Appendix.SCORECARD, Appendix.EXCEPTIONS]
    assert dict(item.sections.values_list("heading", "text"))["Report summary"] == "Quarter 1 in brief."
    assert AuditEvent.objects.filter(object_type="committee.reportsection", reason="web form").exists()
    headings = _headings(pack_docx(meeting_pack(_meeting())))
    assert ("Heading 2", "1. Report summary") in headings
    assert ("Heading 2", "2. Decision requested") not in headings  # emptied, so left out
    assert [text.split(":")[0] for style, text in headings if style == "Heading 1" and text.startswith("Appendix")] == [
        "Appendix A",
        "Appendix B",
    ]
    reader = Client()
    reader.force_login(make_user("councillor-x", "reader"))
    assert reader.get(REPORT).status_code == 403


def test_an_item_without_a_scorecard_cannot_carry_its_appendices(demo: LoadResult) -> None:
    item = AgendaItem.objects.get(meeting=_meeting(), order=6)
    with pytest.raises(ApplicationError, match="presents no scorecard"):
        services.agenda_item_report_save(item=item, sections={}, appendices=["scorecard"])


def test_a_part_1_pack_withholds_small_numbers_and_a_part_2_pack_is_stamped_private(
    demo_casework_first: CaseworkDemo, tmp_path: Path
) -> None:
    scorecard = Scorecard.objects.get(slug=DEMO_COUNCILS[0].scorecard)
    published = view_for_publication(scorecard_view(scorecard, parse_period("2011-12-Q1")))
    assert published.withheld
    services.agenda_item_save(meeting=_meeting(), order=12, title="Synthetic council quarter 1", report_of="Director",
                              scorecard_slug=scorecard.slug, period="2011-12-Q1")  # fmt: skip
    item = AgendaItem.objects.get(meeting=_meeting(), order=12)
    services.agenda_item_report_save(item=item, sections={"Report summary": "Quarter 1."},
                                     appendices=["scorecard", "trends", "exceptions"])  # fmt: skip
    AgendaItem.objects.filter(meeting=_meeting(), order=7).delete()  # so that item 12 is the pack's item
    public = meeting_pack(_meeting())
    assert public.scorecard is not None
    code, period = published.withheld[0].split(", ")
    row = next(r for r in public.scorecard.rows if r.indicator.code == code)
    assert row.actual is not None
    assert row.actual.text == "c"
    assert "Withheld here (" in public.notice
    assert published.withheld[0] in public.notice  # and the trends' withheld years after the scorecard's
    text = _pdf_text(pack_pdf(public), tmp_path)
    assert "For publication:" in text
    assert "no child can be identified" in text
    assert "Internal" not in text
    assert "Part 2" not in text
    docx = Document(io.BytesIO(pack_docx(public)))
    assert any(p.text.startswith("For publication:") for p in docx.paragraphs)
    services.agenda_item_save(meeting=_meeting(), order=12, title="Synthetic council quarter 1", report_of="Director",
                              part=2, scorecard_slug=scorecard.slug, period="2011-12-Q1")  # fmt: skip
    private = meeting_pack(_meeting())
    assert private.notice == ""
    assert private.scorecard is not None
    shown = next(r for r in private.scorecard.rows if r.indicator.code == code)
    assert shown.actual is not None
    assert shown.actual.text != "c"
    assert Document(io.BytesIO(pack_docx(private))).paragraphs[0].text == "Part 2: private. Not for publication."
    assert "Part 2: private. Not for publication." in _pdf_text(pack_pdf(private), tmp_path)


def _logo(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (120, 40), (29, 112, 184)).save(path)
    return path


def test_another_councils_template_is_configuration(demo: LoadResult, tmp_path: Path) -> None:
    _logo(tmp_path / "crest.png")
    config = tmp_path / "report-template.toml"
    config.write_text(
        'council = "Borsetshire County Council"\nlogo = "crest.png"\n'
        'sections = ["Purpose of the report", "Recommendations", "Implications"]\n'
        '[wording]\nreport_to = "Meeting"\nprivate = "Exempt information: not for publication."\n',
        encoding="utf-8",
    )
    with override_settings(OVERSIGHT_REPORT_TEMPLATE=config):
        template = report_template()
        assert template.sections == ("Purpose of the report", "Recommendations", "Implications")
        services.agenda_item_report_save(
            item=_item(), sections={"Purpose of the report": "To report Quarter 1.", "Recommendations": "To note."},
            appendices=["scorecard"],
        )  # fmt: skip
        client = Client()
        client.force_login(make_user("clerk", "clerk"))
        assert "3. Implications" in client.get(REPORT).content.decode()
        pack = meeting_pack(_meeting())
    docx = pack_docx(pack)
    headings = _headings(docx)
    assert ("Heading 1", "Borsetshire County Council") in headings
    assert ("Heading 2", "1. Purpose of the report") in headings
    assert ("Heading 2", "2. Recommendations") in headings
    assert ("Heading 2", "1. Report summary") not in headings
    document = Document(io.BytesIO(docx))
    assert document.tables[0].rows[0].cells[0].text == "Meeting"
    assert document.inline_shapes
    assert document.paragraphs[0]._p.xpath(".//wp:docPr/@descr") == ["Borsetshire County Council logo"]
    text = _pdf_text(pack_pdf(pack), tmp_path)
    for said in ("Borsetshire County Council", "1. Purpose of the report", "2. Recommendations", "Meeting"):
        assert said in text


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('sectons = ["A"]', "has no key 'sectons'"),
        ("sections = []", "must be a list of headings"),
        ('sections = ["A", "A"]', "names a heading twice"),
        ('logo = "missing.png"', "is not a file"),
        ("[wording]\nreport = 'x'", "[wording] takes only"),
        ("council = ", "is not TOML"),
    ],
)
def test_a_template_with_a_slip_is_refused_naming_the_key(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(ApplicationError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        report_template_parse(text, folder=tmp_path, council="A council")


def test_the_sections_import_checks_the_templates_headings(demo: LoadResult, tmp_path: Path) -> None:
    sections = tmp_path / "report_sections.csv"
    sections.write_text("body,meeting,order,section,text\nscrutiny,2011-09-20,7,Summary,Words\n", encoding="utf-8")
    result = committee_import([sections])
    assert [(issue.row, issue.place) for issue in result.issues] == [(2, "section")]
    assert "is not a section of the template" in result.issues[0].message


def _words(text: str) -> list[str]:
    """The words of a text, a word broken across lines after its hyphen (2010-11, CSC-CORE-35WD) read whole."""
    return re.sub(r"-\s+", "-", text).split()


def _in_order(words: list[str], region: list[str]) -> bool:
    """Whether ``words`` stand in ``region`` in this order, whatever else comes between them (a row split across
    pages has the page's footer, the repeated header row and its other cells' ends between its words)."""
    rest = iter(region)
    return all(any(word == found for found in rest) for word in words)


def test_the_compact_scorecard_says_every_cell_of_every_row_even_where_rows_split(
    demo: LoadResult, tmp_path: Path
) -> None:
    pack = meeting_pack(_meeting())
    assert pack.scorecard is not None
    path = tmp_path / "scorecard.pdf"
    path.write_bytes(pack_pdf(Pack(pack.cover, pack.scorecard)))
    raw = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    words = _words(raw)
    rows = [row for group in pack.scorecard.groups for row in group.rows]
    codes = [row.indicator.code for row in rows]
    starts = []
    for code in codes:  # each code where it stands on its own, after the one before
        starts.append(next(i for i in range(starts[-1] + 1 if starts else 0, len(words)) if words[i] == code))
    for index, row in enumerate(rows):
        region = words[starts[index] : starts[index + 1] if index + 1 < len(rows) else len(words)]
        cells = [
            row.actual.text if row.actual else "–",
            row.target.text if row.target else "–",
            row.rag.rating.label,
            row.rag.reason,
            row.versus_previous.description,
            row.commentary.text if row.commentary else "",
        ]
        for cell in cells:
            assert _in_order(_words(cell), region), (row.indicator.code, cell)
        wrong = f"{row.rag.reason} 999.9%"  # the check fails when a cell says something the row does not
        assert not _in_order(_words(wrong), region)


def test_a_broken_template_is_named_on_the_form_and_refuses_the_pack(demo: LoadResult, tmp_path: Path) -> None:
    config = tmp_path / "report-template.toml"
    config.write_text('sectons = ["Purpose"]\n', encoding="utf-8")
    client = Client()
    client.force_login(make_user("clerk", "clerk"))
    with override_settings(OVERSIGHT_REPORT_TEMPLATE=config):
        response = client.get(REPORT)
        assert response.status_code == 500
        assert "has no key &#x27;sectons&#x27;" in response.content.decode()
        with pytest.raises(PackError, match="report template cannot be used"):
            meeting_pack(_meeting())


def test_the_cover_reports_details_are_printed_beside_their_labels(demo: LoadResult, tmp_path: Path) -> None:
    path = tmp_path / "pack.pdf"
    path.write_bytes(pack_pdf(meeting_pack(_meeting())))
    first = subprocess.run(["pdftotext", "-layout", "-l", "1", str(path), "-"], capture_output=True, text=True).stdout
    lines = [" ".join(line.split()) for line in first.splitlines()]
    assert "Report to Children and Families Scrutiny Committee" in lines
    assert "Date of meeting 20 September 2011" in lines
    assert "Portfolio holder Councillor Hilda Gaddum" in lines


def test_libreoffice_converts_the_demo_pack_with_every_appendix(demo: LoadResult, tmp_path: Path) -> None:
    text = " ".join(libreoffice_text(pack_docx(meeting_pack(_meeting())), tmp_path).split())
    for letter in "ABCDEFG":
        assert f"Appendix {letter}:" in text
    assert "Bold: moving against the intended direction." in text


def test_the_demo_pack_carries_no_working_notes(demo: LoadResult) -> None:
    document = Document(io.BytesIO(pack_docx(meeting_pack(_meeting()))))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert sorted({match.group(0) for match in WORKING_NOTES.finditer(text)}) == []
