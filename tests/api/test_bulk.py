"""Done when: a machine client pushes a quarter's figures through the bulk endpoint and reads back the ratings and
reasons the web scorecard shows; a broken upload writes nothing and names each bad row and field."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.test import Client

from oversight.performance.models import Change, ImportBatch, Observation
from oversight.performance.services import LoadResult
from tests.api.conftest import TokenClient

BULK = "/api/v1/observations:bulk"


def _quarter_rows(source: str, period: str) -> list[dict[str, Any]]:
    """The strategic scorecard's figures for ``source``, as rows of the values table for ``period``."""
    rows = []
    for observation in Observation.objects.filter(period=source, indicator__priority__scorecard__slug="strategic"):
        row: dict[str, Any] = {"indicator": observation.indicator.code, "period": period, "status": "provisional"}
        if observation.value is not None:
            row["value"] = float(observation.value)
        else:
            row["note"] = observation.note or "not known"
        for name in ("numerator", "denominator"):
            if getattr(observation, name) is not None:
                row[name] = float(getattr(observation, name))
        rows.append(row)
    return rows


def _web_ratings(client: Client, period: str) -> dict[str, tuple[str, str]]:
    response = client.get(f"/scorecards/strategic/{period}/export.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    return {row["indicator_code"]: (row["rag"], row["rag_reason"]) for row in csv.DictReader(io.StringIO(text))}


def _api_ratings(client: Client, period: str) -> dict[str, tuple[str, str]]:
    ratings: dict[str, tuple[str, str]] = {}
    offset = 0
    while True:
        page = client.get(f"/api/v1/scorecards/strategic/periods/{period}/ratings?limit=10&offset={offset}").json()
        ratings.update({item["indicator"]: (item["rating_label"], item["reason"]) for item in page["items"]})
        offset += page["limit"]
        if offset >= page["count"]:
            return ratings


def test_a_machine_client_pushes_a_quarter_and_reads_back_the_ratings_the_web_shows(
    demo: LoadResult, token_client: TokenClient, client: Client
) -> None:
    machine = token_client("performance officer", "write")
    rows = _quarter_rows("2011-12-Q1", "2011-12-Q2")
    assert len(rows) > 10
    before = Observation.objects.filter(period="2011-12-Q2").count()

    response = machine.post(BULK, {"rows": rows}, content_type="application/json")

    assert response.status_code == 200, response.content
    assert response.json() == {"rows": len(rows), "created": len(rows) - before, "updated": before, "unchanged": 0}
    api_ratings = _api_ratings(machine, "2011-12-Q2")
    web_ratings = _web_ratings(client, "2011-12-Q2")
    assert api_ratings == web_ratings
    assert {rating for rating, _ in api_ratings.values()} >= {"Red", "Green"}
    changes = Change.objects.filter(period="2011-12-Q2", entity="value")
    assert changes.exists()
    assert set(changes.values_list("changed_by_name", flat=True)) == {"performance-officer-write-client"}
    assert set(changes.values_list("via", flat=True)) == {"import: API (performance officer write) upload"}


def test_sending_the_same_rows_again_changes_nothing(demo: LoadResult, token_client: TokenClient) -> None:
    machine = token_client("performance officer", "write")
    rows = _quarter_rows("2011-12-Q1", "2011-12-Q2")
    assert machine.post(BULK, {"rows": rows}, content_type="application/json").status_code == 200
    changes = Change.objects.count()

    again = machine.post(BULK, {"rows": rows}, content_type="application/json")

    assert again.status_code == 200
    assert again.json() == {"rows": len(rows), "created": 0, "updated": 0, "unchanged": len(rows)}
    assert Change.objects.count() == changes


def test_a_broken_upload_writes_nothing_and_names_each_bad_row_and_field(
    demo: LoadResult, token_client: TokenClient
) -> None:
    machine = token_client("performance officer", "write")
    rows = _quarter_rows("2011-12-Q1", "2011-12-Q2")[:3]
    rows += [
        {"indicator": "NO-SUCH", "period": "2011-12-Q2", "value": 5},
        {"indicator": rows[0]["indicator"], "period": "2011-12-Q9", "value": 5},
        {"indicator": rows[1]["indicator"], "period": "2011-12-Q3", "value": "lots", "colour": "red"},
        {"indicator": rows[2]["indicator"], "period": "2011-12-Q3", "value": 5, "status": "final"},
    ]
    observations, changes, batches = Observation.objects.count(), Change.objects.count(), ImportBatch.objects.count()

    response = machine.post(BULK, {"rows": rows}, content_type="application/json")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:oversight:problem:rejected-rows"
    assert problem["status"] == 422
    assert problem["detail"].startswith("Nothing was written")
    named = {(error["row"], error["field"]) for error in problem["errors"]}
    assert named == {(4, "indicator"), (5, "period"), (6, "value"), (6, "colour"), (7, "status")}
    pointers = {error["pointer"] for error in problem["errors"]}
    assert "/rows/5/value" in pointers
    assert all(error["detail"] for error in problem["errors"])
    assert (Observation.objects.count(), Change.objects.count(), ImportBatch.objects.count()) == (
        observations,
        changes,
        batches,
    )


def test_a_row_for_an_approved_period_is_refused_and_nothing_is_written(
    demo: LoadResult, token_client: TokenClient
) -> None:
    machine = token_client("performance officer", "write")
    rows = _quarter_rows("2011-12-Q1", "2011-12-Q2")[:2] + [
        {"indicator": "CSC-CORE-35WD", "period": "2011-12-Q1", "value": 12.5}
    ]
    changes = Change.objects.count()

    response = machine.post(BULK, {"rows": rows}, content_type="application/json")

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(error["row"], error["field"]) for error in errors] == [(3, "period")]
    assert "locked" in errors[0]["detail"]
    assert Change.objects.count() == changes


def test_a_payload_that_is_not_rows_is_refused_with_field_level_problems(
    demo: LoadResult, token_client: TokenClient
) -> None:
    machine = token_client("performance officer", "write")

    response = machine.post(BULK, {"rows": [{"indicator": ["a list"]}]}, content_type="application/json")

    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "urn:oversight:problem:invalid-request"
    assert [(error["row"], error["field"]) for error in problem["errors"]][0] == (1, "indicator")


def test_an_officer_of_another_council_cannot_push_its_figures(demo: LoadResult, token_client: TokenClient) -> None:
    from django.contrib.auth.models import User

    from oversight.accounts.services import user_set_councils
    from oversight.performance.models import Scorecard

    Scorecard.objects.update(council="E06000049")
    machine = token_client("performance officer", "write", username="other-officer")
    member = token_client("performance officer", "write", username="ce-officer")
    user_set_councils(user=User.objects.get(username="other-officer"), councils=["E06000050"], actor=None,
                      reason="another member's officer")  # fmt: skip
    rows = _quarter_rows("2011-12-Q1", "2011-12-Q2")
    before = (Observation.objects.count(), Change.objects.count())

    refused = machine.post(BULK, {"rows": rows}, content_type="application/json")

    assert refused.status_code == 422, refused.content
    details = {error["detail"] for error in refused.json()["errors"]}
    assert details == {f"no indicator '{row['indicator']}' of your council; only its own council's users change it"
                       for row in rows}  # fmt: skip
    assert (Observation.objects.count(), Change.objects.count()) == before  # nothing written
    assert member.post(BULK, {"rows": rows}, content_type="application/json").status_code == 200
