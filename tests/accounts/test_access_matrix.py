"""Every URL × every role → allowed or refused, as the access table says. A page without a rule fails here."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from pytest_django import DjangoDbBlocker

from oversight.accounts.access import PUBLIC, rule_for
from oversight.accounts.roles import ROLE_CAPABILITIES, Capability, Role
from oversight.performance.services import LoadResult
from tests.conftest import make_user
from tests.snapshot import DatabaseSnapshot

# One concrete address for every named page. Adding a page means adding it here, with its rule in access.py.
SAMPLES: dict[str, str] = {
    "sign-in": "/accounts/sign-in/",
    "sign-out": "/accounts/sign-out/",
    "static": "/static/oversight/oversight.css",
    "performance:home": "/",
    "performance:scorecard-latest": "/scorecards/strategic/",
    "performance:scorecard": "/scorecards/strategic/2011-12-Q1/",
    "performance:scorecard-export": "/scorecards/strategic/2011-12-Q1/export.csv",
    "performance:trend": "/scorecards/school-summary/AY2010-11/trend/",
    "performance:signoff": "/scorecards/strategic/2011-12-Q1/sign-off/",
    "committee:exceptions": "/scorecards/strategic/2011-12-Q1/exceptions/",
    "committee:exceptions-export": "/scorecards/strategic/2011-12-Q1/exceptions.csv",
    "performance:indicator": "/indicators/CSC-CORE-35WD/",
    "performance:indicator-edit": "/indicators/CSC-CORE-35WD/2011-12-Q1/edit/",
    "performance:commentary-edit": "/indicators/CSC-CORE-35WD/2011-12-Q1/commentary/",
    "performance:glossary": "/glossary/",
    "performance:import": "/import/",
    "performance:import-template": "/import/template.xlsx",
    "improvement:inspections": "/inspections/",
    "improvement:inspection": "/inspections/cheshire-east-slac-2011/",
    "improvement:area-history": "/inspections/areas/adoption-service/",
    "improvement:plans": "/plans/",
    "improvement:plan": "/plans/cheshire-east-2011/?on=2012-02-01",
    "improvement:plan-export": "/plans/cheshire-east-2011/export.xlsx",
    "improvement:recommendation": "/plans/cheshire-east-2011/recommendations/8/",
    "improvement:checkpoint-edit": "/plans/cheshire-east-2011/recommendations/8/actions/1/progress/",
    "improvement:action-edit": "/plans/cheshire-east-2011/recommendations/8/actions/1/",
    "improvement:plan-import": "/plans/import/",
    "improvement:evidence-add": "/plans/cheshire-east-2011/recommendations/8/evidence/",
    "improvement:decision": "/plans/cheshire-east-2011/recommendations/8/decision/",
    "improvement:due-revise": "/plans/cheshire-east-2011/recommendations/8/due/",
    "benchmarks:home": "/benchmarks/",
    "benchmarks:indicator": "/benchmarks/indicators/NEET-16-18/",
    "benchmarks:link-edit": "/benchmarks/indicators/NEET-16-18/link/",
    "benchmarks:import": "/benchmarks/import/",
    "accounts:audit": "/audit/",
    "accounts:audit-export": "/audit/export.csv",
    "committee:bodies": "/committees/",
    "committee:body": "/committees/scrutiny/",
    "committee:meeting": "/committees/scrutiny/meetings/2011-09-20/",
    "committee:meeting-pack": "/committees/scrutiny/meetings/2011-09-20/pack.docx",
    "committee:work-item-add": "/committees/scrutiny/work-programme/add/",
    "committee:work-item-edit": "/committees/scrutiny/work-programme/1/",
    "committee:resolution-add": "/committees/scrutiny/meetings/2011-07-26/resolutions/add/",
    "committee:resolution-edit": "/committees/scrutiny/resolutions/1/",
    "committee:item-report": "/committees/scrutiny/meetings/2011-09-20/items/7/report/",
    "committee:import": "/committees/import/",
    "committee:highlight-reports": "/highlight-reports/",
    "committee:highlight-report-new": "/highlight-reports/new/",
    "committee:highlight-report": "/highlight-reports/cheshire-east-2013/2013-09-02/",
    "committee:highlight-report-download": "/highlight-reports/cheshire-east-2013/2013-09-02/report.docx",
    "committee:highlight-entry-add": "/highlight-reports/cheshire-east-2013/2013-09-02/add/",
    "casework:measures": "/casework/measures/",
    "casework:measure": "/casework/measures/cla_reviews_on_time/",
    "casework:records": "/casework/measures/cla_starts/2011-12/records/",
    "casework:watch": "/casework/measures/cla_reviews_on_time/watch/",
    "casework:alliance": "/casework/alliance/?measure=cla_starts&period=2011-12-Q1",
    "casework:alliance-export": "/casework/alliance/export.csv?measure=cla_starts&period=2011-12-Q1",
    "casework:quality": "/casework/quality/",
    "casework:quality-records": "/casework/quality/E06000049/episodes_overlap/",
    "api:api-root": "/api/v1/",
    "api:openapi-json": "/api/v1/openapi.json",
    "api:scorecards": "/api/v1/scorecards",
    "api:periods": "/api/v1/scorecards/strategic/periods",
    "api:ratings": "/api/v1/scorecards/strategic/periods/2011-12-Q1/ratings?rating=red",
    "api:signoff": "/api/v1/scorecards/strategic/periods/2011-12-Q1/sign-off",
    "api:indicators": "/api/v1/indicators?scorecard=strategic",
    "api:indicator": "/api/v1/indicators/CSC-CORE-35WD",
    "api:observations": "/api/v1/observations?period=2011-12-Q1",
    "api:observation": "/api/v1/observations/CSC-CORE-35WD/2011-12-Q1",
    "api:observations-bulk": "/api/v1/observations:bulk",
    "api:targets": "/api/v1/targets?indicator=CSC-CORE-35WD",
    "api:comparators": "/api/v1/comparators?indicator=NEET-16-18",
    "api:commentary": "/api/v1/commentary?scorecard=strategic",
    "api:commentary-item": "/api/v1/commentary/CSC-CORE-35WD/2011-12-Q1",
    "api:breakdowns": "/api/v1/breakdowns",
    "api:benchmark-values": "/api/v1/benchmarks/values?place=895",
    "api:plans": "/api/v1/plans",
    "api:recommendations": "/api/v1/plans/cheshire-east-2011/recommendations",
    "api:actions": "/api/v1/plans/cheshire-east-2011/actions?recommendation=8",
    "api:checkpoints": "/api/v1/plans/cheshire-east-2011/checkpoints?recommendation=8",
    "api:feed": "/api/v1/feed?scorecard=strategic",
    "api:feed-csv": "/api/v1/feed.csv?period=2011-12-Q1",
    "api:case-records": "/api/v1/casework/measures/cla_starts/periods/2011-12/records",
    "onboarding:start": "/start/",
    "onboarding:job": "/start/jobs/1/",
    "admin:index": "/admin/",
    "admin:auth_user_changelist": "/admin/auth/user/",
    "admin:accounts_auditevent_changelist": "/admin/accounts/auditevent/",
}
GET_NOT_ALLOWED = {"sign-out", "api:observations-bulk"}  # these take POST only
NOTHING_THERE = {"api:api-root"}  # public, and answers 404 to everyone: the API's operations are below it


def _names(patterns: list[URLPattern | URLResolver], namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _names(pattern.url_patterns, inner)
        elif pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_every_named_page_has_an_access_rule() -> None:
    missing = sorted(name for name in _names(get_resolver().url_patterns) if rule_for(name) is None)
    assert missing == [], f"pages without a rule in oversight/accounts/access.py: {missing}"


def test_every_page_outside_the_admin_has_a_sample_in_this_matrix() -> None:
    names = {n for n in _names(get_resolver().url_patterns) if not n.startswith("admin:")}
    assert names - set(SAMPLES) == set(), "add a sample address for each new page to SAMPLES"


ROLES = [Role.ADMINISTRATOR, Role.PERFORMANCE_OFFICER, Role.OWNER, Role.APPROVER, Role.CLERK, Role.READER]


@pytest.fixture
def clients(demo: LoadResult) -> dict[str, Client]:
    clients = {"anonymous": Client()}
    for role in ROLES:
        client = Client()
        user = make_user(role.value.replace(" ", "-"), role.value)
        client.force_login(user)
        clients[role.value] = client
        if role is Role.OWNER:  # the sample indicator is this owner's own; other owners' are tested below
            from oversight.performance.models import Indicator

            Indicator.objects.filter(code="CSC-CORE-35WD").update(owner_user=user)
    from oversight.onboarding.models import StartJob

    StartJob.objects.create(pk=1, la="E06000049", state=StartJob.State.FAILED)  # the sample job page's
    return clients


def _expected(view_name: str, who: str) -> str:
    rule = rule_for(view_name)
    if rule == PUBLIC:
        return "allowed"
    if who == "anonymous":
        return "sign in"
    assert rule is not None
    return "allowed" if Capability(rule) in ROLE_CAPABILITIES[Role(who)] else "refused"


def _outcome(client: Client, url: str) -> str:
    response = client.get(url)
    response.close()
    if response.status_code == 403:
        return "refused"
    if response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/?next="):
        return "sign in"
    if response.status_code == 401 and url.startswith("/api/"):  # the API asks for a token or a session instead
        return "sign in"
    if response.status_code == 404:  # another council's records or drafts, answered as if they were not there
        return "not found"
    assert response.status_code in (200, 302, 405), (url, response.status_code)
    return "allowed"


def test_the_authorisation_matrix(clients: dict[str, Client]) -> None:
    mismatches = []
    for view_name, url in SAMPLES.items():
        if view_name in GET_NOT_ALLOWED | NOTHING_THERE:
            continue
        for who, client in clients.items():
            expected, actual = _expected(view_name, who), _outcome(client, url)
            if expected != actual:
                mismatches.append(f"{who} on {url}: expected {expected}, got {actual}")
    assert mismatches == []


def test_an_owner_edits_commentary_only_on_their_own_indicators(q1_open: None) -> None:
    from oversight.performance.models import Commentary, Indicator

    owner = make_user("owner-a", "owner")
    Indicator.objects.filter(code="CSC-CORE-35WD").update(owner_user=owner)
    client = Client()
    client.force_login(owner)
    own = client.post("/indicators/CSC-CORE-35WD/2011-12-Q1/commentary/", {"text": "Backlog cleared in July."})
    assert own.status_code == 302
    assert Commentary.objects.get(indicator__code="CSC-CORE-35WD", period="2011-12-Q1").text == (
        "Backlog cleared in July."
    )
    other = client.post("/indicators/CLA-STABILITY-LT/2011-12-Q1/commentary/", {"text": "Not mine."})
    assert other.status_code == 403
    assert "only on the indicators assigned to them" in other.content.decode()
    assert "Not mine." not in Commentary.objects.values_list("text", flat=True)
    assert client.get("/indicators/CSC-CORE-35WD/2011-12-Q1/edit/").status_code == 403  # figures are not theirs


# The council dimension (ADR 26). Every scorecard is Cheshire East's (E06000049, the council of the demo's figures,
# with the d2i sample return loaded as its casework beside the synthetic council's), and every user has case-level
# access beside their role. A user of another council of the alliance (E06000050) asking for Cheshire East's
# child-level records, or for any of its figures of a period that is not approved, is answered 404 on every route the
# table lets them into; its members are let in as the table says.
COUNCIL, OTHER_COUNCIL = "E06000049", "E06000050"
CHILD_LEVEL = {"casework:records", "casework:watch", "casework:quality-records", "api:case-records"}
# An indicator's pages show and change its every period, drafts included: its council's members only.
INDICATOR = {"performance:indicator", "performance:indicator-edit", "performance:commentary-edit",
             "api:observation", "api:commentary-item"}  # fmt: skip
# A scorecard's figures for the sample period: 2011-12 Q1, approved in the demo (the trend's AY2010-11 never is).
PERIOD_FIGURES = {
    "performance:scorecard-latest",
    "performance:scorecard",
    "performance:scorecard-export",
    "performance:signoff",
    "committee:exceptions",
    "committee:exceptions-export",
    "api:ratings",
}
DRAFT_ALWAYS = {"performance:trend"}
# The alliance side by side (casework:alliance, casework:alliance-export) is in none of these sets: every reader of
# every council opens it, and sees another council's figure only once approved (tests/casework/test_alliance.py).
# A council's committee business that is not public: changing its bodies' business, a cover report being written,
# its highlight reports and its start jobs (every body, report and job of the demo is the service's own council's,
# Cheshire East's). Its public business (the committees, a body, a meeting, a Part 1 item's pack, which shows another
# council's draft as not approved) is every reader's, as an approved scorecard is.
COUNCIL_BUSINESS = {
    "committee:work-item-add",
    "committee:work-item-edit",
    "committee:resolution-add",
    "committee:resolution-edit",
    "committee:item-report",
    "committee:highlight-report",
    "committee:highlight-report-download",
    "committee:highlight-entry-add",
    "onboarding:job",
}


def _council_clients(council: str) -> dict[str, Client]:
    from oversight.accounts.services import user_set_councils
    from oversight.performance.models import Indicator

    clients = {}
    for role in ROLES:
        user = make_user(f"{council}-{role.value.replace(' ', '-')}", role.value, Role.CASE_ACCESS.value)
        user_set_councils(user=user, councils=[council], actor=None, reason="a member of the alliance")
        if role is Role.OWNER:
            Indicator.objects.filter(code="CSC-CORE-35WD").update(owner_user=user)
        client = Client()
        client.force_login(user)
        clients[role.value] = client
    return clients


def _expected_across_councils(view_name: str, who: str, *, theirs: bool, approved: bool) -> str:
    rule = rule_for(view_name)
    assert rule is not None
    if rule != PUBLIC and Capability(rule) not in ROLE_CAPABILITIES[Role(who)] | {Capability.VIEW_CASES}:
        return "refused"
    hidden = CHILD_LEVEL | INDICATOR | DRAFT_ALWAYS | COUNCIL_BUSINESS | (set() if approved else PERIOD_FIGURES)
    return "not found" if view_name in hidden and not theirs else "allowed"


def _mismatches_across_councils(*, approved: bool) -> list[str]:
    mismatches = []
    for council in (OTHER_COUNCIL, COUNCIL):
        for who, client in _council_clients(council).items():
            for view_name, url in SAMPLES.items():
                if view_name in GET_NOT_ALLOWED | NOTHING_THERE or view_name.startswith("admin:"):
                    continue
                expected = _expected_across_councils(view_name, who, theirs=council == COUNCIL, approved=approved)
                actual = _outcome(client, url)
                if expected != actual:
                    mismatches.append(f"{who} of {council} on {url}: expected {expected}, got {actual}")
    return mismatches


@dataclass(frozen=True)
class Alliance:
    database: DatabaseSnapshot
    store: Path


@pytest.fixture(scope="module")
def alliance_built(
    demo_snapshot: DatabaseSnapshot, django_db_blocker: DjangoDbBlocker, tmp_path_factory: pytest.TempPathFactory
) -> Alliance:
    """The demo with its synthetic council's casework and the d2i sample return loaded as Cheshire East's (whose
    overlapping episodes give the data-quality sample its issues), every scorecard Cheshire East's: built once for
    the module, its rows kept and rolled back, its store kept for each test to copy."""
    from oversight.casework.pseudonym import DEVELOPMENT_KEY, Pseudonymiser
    from oversight.casework.store import CaseworkStore
    from oversight.demo.casework import demo_casework_load
    from oversight.onboarding.models import StartJob
    from oversight.performance.models import Scorecard
    from tests.casework.conftest import D2I

    with django_db_blocker.unblock(), transaction.atomic():
        result = demo_snapshot.restore()
        path = demo_casework_load(tmp_path_factory.mktemp("alliance") / "casework.duckdb").store
        with CaseworkStore(path) as store:
            loaded = store.load(
                sorted(D2I.glob("*.csv")),
                pseudonymiser=Pseudonymiser(DEVELOPMENT_KEY.encode(), is_development_key=True),
                la=COUNCIL,
            )
            assert loaded.ok
        Scorecard.objects.update(council=COUNCIL)
        StartJob.objects.create(pk=1, la=COUNCIL, state=StartJob.State.FAILED)
        built = Alliance(DatabaseSnapshot.take(result), path)
        transaction.set_rollback(True)
    return built


@pytest.fixture
def alliance(demo: LoadResult, alliance_built: Alliance, settings: Any, tmp_path: Path) -> None:
    """The alliance's rows written back, a copy of its store, and Cheshire East the service's own council."""
    alliance_built.database.restore()
    store = tmp_path / alliance_built.store.name
    shutil.copy(alliance_built.store, store)
    settings.OVERSIGHT_CASEWORK_STORE = store
    settings.OVERSIGHT_COUNCIL = COUNCIL


def test_the_authorisation_matrix_across_councils_with_the_quarter_approved(alliance: None) -> None:
    assert _mismatches_across_councils(approved=True) == []


def test_the_authorisation_matrix_across_councils_with_the_quarter_reopened(alliance: None, q1_open: None) -> None:
    assert _mismatches_across_councils(approved=False) == []
