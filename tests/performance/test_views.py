import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from oversight.performance.models import Change, Observation
from oversight.performance.services import LoadResult
from tests.conftest import make_user


def test_the_home_page_lists_the_scorecards(demo: LoadResult, client: Client) -> None:
    page = client.get("/").content.decode()
    assert "Children &amp; Families Strategic Performance Scorecard" in page
    assert 'href="/scorecards/strategic/2011-12-Q1/"' in page


def test_the_scorecard_shows_ratings_with_their_reasons(demo: LoadResult, client: Client) -> None:
    page = client.get("/scorecards/strategic/2011-12-Q1/").content.decode()
    assert "2011-12 Quarter 1 (April–June 2011)" in page
    assert "Red: 63.1% is 21.9 points below the target of at least 85% (amber within 5 points)." in page
    assert '<strong class="tag tag--green">Green</strong>' in page
    assert "DCHI002: To raise standards" in page
    assert "Previous NI: NI 60" in page
    assert "(provisional)" in page
    assert "How to read this scorecard" in page
    assert "Column G" in page  # the Appendix C column explanations are on the page


def test_the_period_picker_works_without_javascript(demo: LoadResult, client: Client) -> None:
    response = client.get("/scorecards/strategic/2011-12-Q1/", {"period": "2010-11"})
    assert response.status_code == 302
    assert response["Location"] == "/scorecards/strategic/2010-11/"


def test_an_unknown_period_is_not_found(demo: LoadResult, client: Client) -> None:
    assert client.get("/scorecards/strategic/2011-13/").status_code == 404


def test_the_indicator_page_shows_definition_history_and_changes(demo: LoadResult, client: Client) -> None:
    page = client.get("/indicators/CSC-CORE-35WD/").content.decode()
    assert "Core assessments completed within 35 working days" in page
    assert "What is counted" in page
    assert "63.1%" in page
    assert "Who changed what" in page
    assert "import: values.csv" in page


def test_the_glossary_explains_the_acronyms(demo: LoadResult, client: Client) -> None:
    page = client.get("/glossary/").content.decode()
    for term in ("EYFS", "GRT", "FSM", "NEET", "C4C", "FFT"):
        assert f'id="term-{term.lower()}"' in page, term


def test_the_trend_view_shows_three_years_with_arrows(demo: LoadResult, client: Client) -> None:
    page = client.get("/scorecards/school-summary/AY2010-11/trend/").content.decode()
    for text in ("2008/09", "2010/11", "60.7%", "59.4%", "68%"):
        assert text in page, text
    assert "Worsened, then Improved" in page


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_exports_download(demo: LoadResult, client: Client, fmt: str) -> None:
    response = client.get(f"/scorecards/strategic/2011-12-Q1/export.{fmt}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="oversight-strategic-2011-12-Q1-internal.{fmt}"'
    assert len(response.content) > 1000


def test_editing_needs_a_signed_in_user(demo: LoadResult, anonymous_client: Client) -> None:
    response = anonymous_client.get("/indicators/CSC-CORE-35WD/2011-12-Q2/edit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


@pytest.fixture
def officer(db: None, client: Client) -> User:
    user = make_user("officer", "performance officer")
    client.force_login(user)
    return user


def test_an_invalid_edit_shows_the_error_summary_and_saves_nothing(
    demo: LoadResult, client: Client, officer: User
) -> None:
    response = client.post(
        "/indicators/CSC-CORE-35WD/2011-12-Q2/edit/", {"value": "abc", "status": "provisional", "commentary": ""}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'href="#id_value"' in page
    assert "Enter the value as a number, like 63.1, or leave it empty" in page
    assert not Observation.objects.filter(indicator__code="CSC-CORE-35WD", period="2011-12-Q2").exists()


def test_an_edit_saves_value_target_and_commentary_with_history(
    demo: LoadResult, client: Client, officer: User
) -> None:
    response = client.post(
        "/indicators/CSC-CORE-35WD/2011-12-Q2/edit/",
        {
            "value": "71.4",
            "status": "provisional",
            "note": "",
            "target": "85",
            "target_note": "",
            "commentary": "Improving after the Munro review.",
            "reason": "Q2 return",
        },
    )
    assert response.status_code == 302
    observation = Observation.objects.get(indicator__code="CSC-CORE-35WD", period="2011-12-Q2")
    assert observation.value == Decimal("71.4")
    change = Change.objects.get(indicator__code="CSC-CORE-35WD", entity="value", field="value", period="2011-12-Q2")
    assert (change.after, change.changed_by_name, change.via, change.reason) == (
        "71.4",
        "officer",
        "web form",
        "Q2 return",
    )
    page = client.get("/scorecards/strategic/2011-12-Q2/").content.decode()
    assert "Red: 71.4% is 13.6 points below the target of at least 85%" in page
    assert "Improved from 63.1% in 2011-12 Q1." in page


def test_the_import_page_lists_every_problem_and_writes_nothing(
    demo: LoadResult, client: Client, officer: User
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = Observation.objects.count()
    bad = SimpleUploadedFile("q2.csv", b"indicator,period,value\nCSC-CORE-35WD,2011-12-Q2,sixty\nNOPE,2011-12-Q2,1\n")
    page = client.post("/import/", {"upload": [bad]}).content.decode()
    assert "Nothing was imported: 2 problems to fix" in page
    assert "&#x27;sixty&#x27; is not a number" in page
    assert "no indicator with code &#x27;NOPE&#x27; in the catalogue" in page
    assert Observation.objects.count() == before
    good = SimpleUploadedFile("q2.csv", b"indicator,period,value\nCSC-CORE-35WD,2011-12-Q2,70.5\n")
    page = client.post("/import/", {"upload": [good]}).content.decode()
    assert "1 row from 1 file: 1 new, 0 updated, 0 unchanged." in page
    assert Observation.objects.count() == before + 1


def test_the_import_template_downloads(client: Client) -> None:
    response = client.get("/import/template.xlsx")
    assert response.status_code == 200
    assert response.content.startswith(b"PK")


@pytest.mark.parametrize(
    "address",
    [
        "/indicators/CSC-CORE-35WD/2011-12-Q2/edit/",
        "/benchmarks/indicators/NEET-16-18/link/",
        "/plans/cheshire-east-2011/recommendations/8/actions/1/progress/",
    ],
)
def test_every_hint_an_edit_form_points_at_is_on_the_page(
    demo: LoadResult, client: Client, officer: User, address: str
) -> None:
    response = client.get(address)
    assert response.status_code == 200
    page = response.content.decode()
    described = {ref for refs in re.findall(r'aria-describedby="([^"]+)"', page) for ref in refs.split()}
    ids = set(re.findall(r'\sid="([^"]+)"', page))
    assert described, "the form's inputs are described by their hints"
    assert described <= ids


@pytest.mark.parametrize(
    ("page", "link", "text"),
    [
        ("/scorecards/school-summary/AY2010-11/", "/scorecards/school-summary/AY2010-11/trend/", "2010/11"),
        ("/scorecards/strategic/2011-12-Q1/", "/scorecards/strategic/2010-11/trend/", "2010-11"),
    ],
    ids=["a year's scorecard reaches its own year", "a quarter's reaches the year before"],
)
def test_the_trend_link_reaches_the_latest_year_with_results(
    demo: LoadResult, client: Client, page: str, link: str, text: str
) -> None:
    html = client.get(page).content.decode()
    assert f'<a href="{link}">Three-year trends to {text}</a>' in html
    assert client.get(link).status_code == 200


def test_the_change_history_is_open_to_officers_and_folded_away_for_councillors(
    demo: LoadResult, client: Client, officer_client: Client
) -> None:
    folded = re.compile(r"<summary>Show the \d+ recorded changes to this indicator's figures</summary>")
    councillor = client.get("/indicators/CSC-CORE-35WD/").content.decode()
    officer = officer_client.get("/indicators/CSC-CORE-35WD/").content.decode()

    assert folded.search(councillor)
    assert 'aria-label="Change history"' in councillor  # still there, a click away
    assert not folded.search(officer)
    assert 'aria-label="Change history"' in officer


def test_annual_measures_not_due_this_quarter_are_listed_once_apart_from_the_rest(
    demo: LoadResult, client: Client
) -> None:
    from oversight.performance.models import Indicator

    page = client.get("/scorecards/strategic/2011-12-Q1/").content.decode()

    annual = Indicator.objects.filter(priority__scorecard__slug="strategic", frequency="annual").count()
    assert annual > 10
    assert page.count("Reported once a year: not due this quarter") == 1
    assert f"These {annual} indicators are measured once a year and are not rated in a quarter" in page
    assert "Not rated this quarter: an annual measure" not in page  # no longer said row by row
    # every indicator is still on the page, once
    for code in Indicator.objects.filter(priority__scorecard__slug="strategic").values_list("code", flat=True):
        assert page.count(f'<tr id="{code}">') == 1, code


def test_the_compact_view_keeps_actual_target_rating_and_direction_and_says_how_to_leave_it(
    demo: LoadResult, client: Client
) -> None:
    full = client.get("/scorecards/strategic/2011-12-Q1/").content.decode()
    compact = client.get("/scorecards/strategic/2011-12-Q1/", {"layout": "compact"}).content.decode()

    assert '<a href="?layout=compact">Compact view</a>' in full
    assert "scorecard--compact-view" not in full
    assert compact.count('class="scorecard scorecard--compact-view"') == full.count('class="scorecard"')
    assert '<a href="?">Show the full scorecard</a>' in compact


def test_a_councils_unapproved_figures_are_for_its_members_and_its_approved_ones_for_every_reader(
    demo: LoadResult,
) -> None:
    from oversight.accounts.services import user_set_councils
    from oversight.core.periods import parse_period
    from oversight.performance.models import Scorecard
    from oversight.performance.signoff import signoff_reopen

    Scorecard.objects.update(council="E06000049")
    member, other = make_user("ce-reader", "reader"), make_user("alliance-reader", "reader")
    user_set_councils(user=member, councils=["E06000049"], actor=None, reason="Cheshire East's councillor")
    user_set_councils(user=other, councils=["E06000050"], actor=None, reason="another member's councillor")
    pages = ["/scorecards/strategic/2011-12-Q1/", "/scorecards/strategic/2011-12-Q1/export.csv"]

    def answers(user: User) -> list[int]:
        client = Client()
        client.force_login(user)
        return [client.get(page).status_code for page in pages]

    assert (answers(member), answers(other)) == ([200, 200], [200, 200])  # Q1 is approved in the demo
    signoff_reopen(scorecard=Scorecard.objects.get(slug="strategic"), period=parse_period("2011-12-Q1"),
                   user=make_user("reopener", "approver"), reason="a late correction")  # fmt: skip
    assert (answers(member), answers(other)) == ([200, 200], [404, 404])
    homes = []
    for user in (member, other):
        client = Client()
        client.force_login(user)
        homes.append('href="/scorecards/strategic/2011-12-Q1/"' in client.get("/").content.decode())
    assert homes == [True, False]


def test_a_scorecards_council_is_changed_with_a_reason_in_the_audit_trail(demo: LoadResult) -> None:
    from oversight.accounts.models import AuditEvent
    from oversight.core.problems import ApplicationError
    from oversight.performance.models import Scorecard
    from oversight.performance.services import scorecard_set_council

    with pytest.raises(ApplicationError, match="Say why the scorecard's council changes"):
        scorecard_set_council(slug="strategic", council="E06000049", actor=None, reason="")
    scorecard_set_council(slug="strategic", council="e06000049", actor=None, reason="the alliance starts")
    assert Scorecard.objects.get(slug="strategic").council == "E06000049"
    event = AuditEvent.objects.get(object_type="performance.scorecard")
    assert (event.before, event.after, event.reason) == (
        {"council": ""},
        {"council": "E06000049"},
        "the alliance starts",
    )
