"""A scorecard CSV prepared for publication withholds small numbers and every sentence that repeats them."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.test import Client

from oversight.performance.models import Observation
from oversight.performance.services import LoadResult


def _rows(client: Client, query: str = "") -> dict[str, dict[str, str]]:
    response = client.get(f"/scorecards/strategic/2011-12-Q1/export.csv{query}")
    assert response.status_code == 200
    return {r["indicator_code"]: r for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}


def test_a_small_count_is_suppressed_for_publication_only(demo: LoadResult, client: Client) -> None:
    Observation.objects.filter(indicator__code="YJ-FTE", period="2011-12-Q1").update(value=Decimal(4))
    internal = _rows(client)["YJ-FTE"]
    assert internal["value"] == "4"
    published = _rows(client, "?for=publication")["YJ-FTE"]
    assert (published["value"], published["rag"]) == ("c", "Not shown")
    assert "4" not in published["rag_reason"] + published["direction_reason"] + published["direction_last_year"]
    assert published["rag_reason"].startswith("Not shown: c: suppressed to protect confidentiality")


def test_a_percentage_on_a_small_numerator_is_suppressed(demo: LoadResult, client: Client) -> None:
    Observation.objects.filter(indicator__code="CP-REPEAT", period="2011-12-Q1").update(
        numerator=Decimal(3), denominator=Decimal(21)
    )
    published = _rows(client, "?for=publication")
    assert published["CP-REPEAT"]["value"] == "c"
    assert published["CSC-CORE-35WD"]["value"] == "63.1"  # no counts known: nothing to suppress


def test_a_small_cohort_outturn_is_suppressed(demo: LoadResult, client: Client) -> None:
    Observation.objects.filter(indicator__code="KS2-L4EM-GRT", period="AY2010-11").update(cohort=4)
    row = _rows(client, "?for=publication")["KS2-L4EM-GRT"]
    assert row["outturn_2"] == "c"
    assert "0%" not in row["direction_reason"]


def test_the_neet_figure_with_large_counts_is_published(demo: LoadResult, client: Client) -> None:
    row = _rows(client, "?for=publication")["NEET-16-18"]
    assert row["value"] == "6.2"


def test_every_row_of_a_csv_says_how_it_may_be_handled(demo: LoadResult, client: Client) -> None:
    internal = _rows(client)
    published = _rows(client, "?for=publication")

    assert {row["handling"] for row in internal.values()} == {"Internal: not for publication"}
    assert {row["handling"] for row in published.values()} == {
        "For publication: counts from 1 to 5 suppressed (shown as c)"
    }
    assert len(internal) == len(published) == 32
