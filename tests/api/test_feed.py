"""The feed: every approved figure, flat, as JSON and CSV, rated as the web scorecard rates it."""

from __future__ import annotations

import csv
import io

from oversight.api.views import FEED_COLUMNS
from oversight.performance.models import PeriodSignoff
from oversight.performance.services import LoadResult
from tests.api.conftest import TokenClient


def test_the_feed_holds_every_figure_of_the_approved_periods_as_the_scorecard_rates_it(
    demo: LoadResult, token_client: TokenClient
) -> None:
    warehouse = token_client("reader", "read")
    approved = PeriodSignoff.objects.filter(state__in=["approved", "published"])
    assert approved.exists()

    feed = warehouse.get("/api/v1/feed?limit=10000").json()

    assert feed["count"] == len(feed["items"]) > 0
    assert {(item["scorecard"], item["state"]) for item in feed["items"]} <= {
        (signoff.scorecard.slug, signoff.state) for signoff in approved
    }
    q1 = [item for item in feed["items"] if item["scorecard"] == "strategic"]
    signoff = approved.get(scorecard__slug="strategic", period="2011-12-Q1")
    assert {item["approved_by"] for item in q1} == {signoff.approved_by_name}
    core = next(item for item in q1 if item["indicator"] == "CSC-CORE-35WD")
    assert (core["period"], core["value"], core["target"], core["rating"]) == ("2011-12-Q1", 63.1, 85.0, "red")
    assert core["reason"] == "Red: 63.1% is 21.9 points below the target of at least 85% (amber within 5 points)."
    ratings = warehouse.get("/api/v1/scorecards/strategic/periods/2011-12-Q1/ratings?limit=1000").json()["items"]
    shown = {item["indicator"]: (item["rating"], item["reason"]) for item in ratings if item["due"]}
    assert {item["indicator"]: (item["rating"], item["reason"]) for item in q1} == shown


def test_the_csv_feed_has_the_same_rows_and_documented_columns(demo: LoadResult, token_client: TokenClient) -> None:
    warehouse = token_client("reader", "read")
    items = warehouse.get("/api/v1/feed?limit=10000").json()["items"]

    response = warehouse.get("/api/v1/feed.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == FEED_COLUMNS
    assert [(row["indicator"], row["period"], row["reason"]) for row in rows] == [
        (item["indicator"], item["period"], item["reason"]) for item in items
    ]
    core = next(row for row in rows if row["indicator"] == "CSC-CORE-35WD")
    assert (core["value"], core["target"], core["rating"]) == ("63.1", "85", "red")


def test_drafts_are_left_out_unless_asked_for(q1_open: None, token_client: TokenClient) -> None:
    warehouse = token_client("reader", "read")

    approved = warehouse.get("/api/v1/feed?scorecard=strategic&limit=10000").json()
    everything = warehouse.get("/api/v1/feed?scorecard=strategic&include=all&limit=10000").json()

    assert all(item["period"] != "2011-12-Q1" for item in approved["items"])
    drafts = [item for item in everything["items"] if item["period"] == "2011-12-Q1"]
    assert drafts
    assert {item["state"] for item in drafts} == {"draft"}
    assert {(item["approved_by"], item["approved_at"]) for item in drafts} == {("", None)}
