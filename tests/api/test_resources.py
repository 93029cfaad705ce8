"""The API's reads: pagination in a stable order, filters, problem details, and writes through the services."""

from __future__ import annotations

from django.test import Client

from oversight.accounts.models import AuditEvent
from oversight.performance.models import Change, Commentary, Observation
from oversight.performance.services import LoadResult
from tests.api.conftest import TokenClient


def test_pages_follow_each_other_in_a_stable_order(demo: LoadResult, token_client: TokenClient) -> None:
    reader = token_client("reader", "read")
    whole = reader.get("/api/v1/observations?scorecard=strategic&limit=1000").json()
    pages = [reader.get(f"/api/v1/observations?scorecard=strategic&limit=7&offset={o}").json() for o in range(0, 21, 7)]

    assert [item for page in pages for item in page["items"]] == whole["items"][:21]
    assert {page["count"] for page in pages} == {whole["count"]}
    keys = [(item["indicator"], item["period"]) for item in whole["items"]]
    assert len(set(keys)) == len(keys)


def test_filters_narrow_every_list(demo: LoadResult, token_client: TokenClient) -> None:
    reader = token_client("reader", "read")
    items = reader.get("/api/v1/observations?indicator=CSC-CORE-35WD&period=2011-12-Q1").json()["items"]
    assert [(item["indicator"], item["period"], item["value"]) for item in items] == [
        ("CSC-CORE-35WD", "2011-12-Q1", 63.1)
    ]
    assert items[0]["lineage"]["batch"]
    red = reader.get("/api/v1/scorecards/strategic/periods/2011-12-Q1/ratings?rating=red").json()["items"]
    assert red
    assert {item["rating"] for item in red} == {"red"}
    catalogue = reader.get("/api/v1/indicators/CSC-CORE-35WD").json()
    assert (catalogue["unit"], catalogue["polarity"], catalogue["frequency"]) == ("percent", "higher", "quarterly")
    signoff = reader.get("/api/v1/scorecards/strategic/periods/2011-12-Q1/sign-off").json()
    assert signoff["state"] in ("approved", "published")
    assert signoff["version"].startswith("Approved by")


def test_problems_name_the_parameter_and_say_what_is_wrong(demo: LoadResult, token_client: TokenClient) -> None:
    reader = token_client("reader", "read")

    bad_period = reader.get("/api/v1/observations?period=2011-12-Q7")
    bad_limit = reader.get("/api/v1/observations?limit=0")
    missing = reader.get("/api/v1/indicators/NO-SUCH")

    assert bad_period.status_code == 422
    assert bad_period["Content-Type"] == "application/problem+json"
    assert [(e["field"], e["pointer"]) for e in bad_period.json()["errors"]] == [("period", "period")]
    assert bad_limit.status_code == 422
    assert [e["field"] for e in bad_limit.json()["errors"]] == ["limit"]
    assert missing.status_code == 404
    assert missing.json()["title"] == "Not Found"


def test_a_nul_character_is_refused_with_its_place_before_any_database_sees_it(
    q1_open: None, token_client: TokenClient, client: Client
) -> None:
    officer = token_client("performance officer", "write")
    commentary = Commentary.objects.count()

    in_query = officer.get("/api/v1/indicators?scorecard=strat%00egic")
    in_path = officer.get("/api/v1/indicators/CSC%00CORE")
    in_body = officer.put(
        "/api/v1/commentary/CSC-CORE-35WD/2011-12-Q2", {"text": "Up\u0000 again"}, content_type="application/json"
    )
    in_cell = officer.post(
        "/api/v1/observations:bulk",
        {"rows": [{"indicator": "CSC-CORE-35WD", "period": "2011-12-Q2", "value": 60, "note": "a\u0000b"}]},
        content_type="application/json",
    )
    on_a_page = client.get("/scorecards/?q=%00")

    assert [(r.status_code, r["Content-Type"]) for r in (in_query, in_path, in_body, in_cell)] == [
        (422, "application/problem+json")
    ] * 4
    assert [e["field"] for e in in_query.json()["errors"]] == ["scorecard"]
    assert [e["field"] for e in in_path.json()["errors"]] == ["path"]
    assert [(e["pointer"], "NUL" in e["detail"]) for e in in_body.json()["errors"]] == [("/text", True)]
    assert [(e["row"], e["field"]) for e in in_cell.json()["errors"]] == [(1, "note")]
    assert on_a_page.status_code == 400
    assert "NUL character" in on_a_page.content.decode()
    assert Commentary.objects.count() == commentary


def test_an_address_or_method_the_api_does_not_have_is_a_problem_too(token_client: TokenClient) -> None:
    reader = token_client("reader", "read")

    unknown = reader.get("/api/v1/no-such-resource")
    wrong_method = reader.delete("/api/v1/indicators")

    assert (unknown.status_code, unknown["Content-Type"]) == (404, "application/problem+json")
    assert "/api/v1/openapi.json" in unknown.json()["detail"]
    assert (wrong_method.status_code, wrong_method["Content-Type"]) == (405, "application/problem+json")
    assert wrong_method["Allow"] == "GET"
    assert wrong_method.json()["title"] == "Method Not Allowed"


def test_a_value_for_an_approved_period_is_refused_as_a_conflict(demo: LoadResult, token_client: TokenClient) -> None:
    officer = token_client("performance officer", "write")
    changes = Change.objects.count()

    response = officer.put(
        "/api/v1/observations/CSC-CORE-35WD/2011-12-Q1", {"value": 70}, content_type="application/json"
    )

    assert response.status_code == 409
    assert response.json()["type"] == "urn:oversight:problem:period-locked"
    assert "locked" in response.json()["detail"]
    assert Change.objects.count() == changes


def test_writes_go_through_the_services_and_their_history(q1_open: None, token_client: TokenClient) -> None:
    officer = token_client("performance officer", "write", username="api-officer")

    value = officer.put(
        "/api/v1/observations/CSC-CORE-35WD/2011-12-Q1",
        {"value": 70, "status": "validated", "reason": "corrected by the data team"},
        content_type="application/json",
    )
    comment = officer.put(
        "/api/v1/commentary/CSC-CORE-35WD/2011-12-Q1", {"text": "Better after July."}, content_type="application/json"
    )

    assert value.status_code == 200
    assert (value.json()["value"], value.json()["status"]) == (70.0, "validated")
    assert Observation.objects.get(indicator__code="CSC-CORE-35WD", period="2011-12-Q1").value == 70
    change = Change.objects.filter(indicator__code="CSC-CORE-35WD", field="value").first()
    assert change is not None
    assert (change.changed_by_name, change.via, change.reason) == (
        "api-officer",
        "API (performance officer write)",
        "corrected by the data team",
    )
    assert comment.status_code == 200
    assert Commentary.objects.get(indicator__code="CSC-CORE-35WD", period="2011-12-Q1").author == "api-officer"
    assert Change.objects.filter(entity="commentary", via="API (performance officer write)").exists()
    assert not AuditEvent.objects.filter(actor_name="api-officer", object_type="api token").exists()


def test_plans_and_benchmarks_are_read_too(demo: LoadResult, token_client: TokenClient) -> None:
    reader = token_client("reader", "read")
    plans = reader.get("/api/v1/plans").json()["items"]
    assert "cheshire-east-2011" in {plan["slug"] for plan in plans}
    recommendations = reader.get("/api/v1/plans/cheshire-east-2011/recommendations").json()["items"]
    assert any(item["reference"] == "R8" for item in recommendations)
    actions = reader.get("/api/v1/plans/cheshire-east-2011/actions?recommendation=8").json()["items"]
    assert actions
    assert {item["recommendation"] for item in actions} == {"R8"}
    checkpoints = reader.get("/api/v1/plans/cheshire-east-2011/checkpoints?recommendation=8").json()["items"]
    assert all(item["rag_reason"] for item in checkpoints)
    values = reader.get("/api/v1/benchmarks/values?place=895&limit=5").json()
    assert values["count"] > 0
    assert {item["place"] for item in values["items"]} == {"895"}


def test_another_councils_figures_come_through_the_api_only_once_approved(
    demo: LoadResult, token_client: TokenClient, q1_open: None
) -> None:
    from django.contrib.auth.models import User

    from oversight.accounts.services import user_set_councils
    from oversight.performance.models import Scorecard

    Scorecard.objects.update(council="E06000049")
    member, other = token_client("reader", "read", username="ce"), token_client("reader", "read", username="other")
    user_set_councils(user=User.objects.get(username="other"), councils=["E06000050"], actor=None, reason="alliance")
    user_set_councils(user=User.objects.get(username="ce"), councils=["E06000049"], actor=None, reason="alliance")
    lists = [
        "/api/v1/observations?scorecard=strategic&period=2011-12-Q1",
        "/api/v1/commentary?scorecard=strategic&period=2011-12-Q1",
        "/api/v1/feed?scorecard=strategic&period=2011-12-Q1&include=all",
    ]
    counts = [[client.get(url).json()["count"] for url in lists] for client in (member, other)]
    assert min(counts[0]) > 0  # the member sees the reopened quarter
    assert counts[1] == [0, 0, 0]  # another council's user sees none of it
    year = "/api/v1/observations?scorecard=strategic&period=2010-11"  # never signed off: a draft
    assert (member.get(year).json()["count"] > 0, other.get(year).json()["count"]) == (True, 0)
    single = other.get("/api/v1/observations/CSC-CORE-35WD/2011-12-Q1")
    assert single.status_code == 404
    assert single.json()["detail"] == "There is no indicator 'CSC-CORE-35WD'."
