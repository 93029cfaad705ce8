"""Early warnings on the pages: the count for every reader, the list for case-level access only, every view audited."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from oversight.casework.engine import measure_card, measure_compute, measure_results_record
from oversight.casework.store import CaseworkStore
from oversight.core.periods import parse_period
from oversight.performance.models import Indicator, Priority, Scorecard
from oversight.performance.services import observation_computed

from .conftest import LA, Casebook, pseudonym
from .test_views import _client, _views

WATCH = "/casework/measures/cla_reviews_on_time/watch/"
SENTENCE = "2 children may miss a review due by 14 July 2011"


@pytest.fixture
def watch_store(tmp_path: Path, settings: Any) -> Path:
    """Two children with a review due within 10 working days of 30 June 2011, and the 2011-12 Q1 figure."""
    path = tmp_path / "casework.duckdb"
    settings.OVERSIGHT_CASEWORK_STORE = path
    with CaseworkStore(path) as store:
        store.open(create=True)
        casebook = Casebook(store)
        casebook.episode("FIRST", "2011-06-10", rne="S")  # review 1 due 8 July
        casebook.episode("THIRD", "2010-06-01", rne="S")
        for held in "2010-06-20", "2010-09-14", "2011-01-14":
            casebook.review("THIRD", held)  # review 4 due 14 July
        casebook.episode("LATER", "2011-02-01", rne="S")
        casebook.review("LATER", "2011-04-15")  # review 2 due 15 July: after the 10 working days
        results = measure_compute(store, measure_card("cla_reviews_on_time"), parse_period("2011-12-Q1"), la=LA)
        measure_results_record(store, results, run_at=datetime(2026, 11, 23, tzinfo=UTC), run_by="analyst")
    return path


@pytest.fixture
def indicator(db: None, watch_store: Path) -> Indicator:
    scorecard = Scorecard.objects.create(slug="cla", title="Children looked after")
    priority = Priority.objects.create(scorecard=scorecard, code="P1", title="Stability")
    indicator = Indicator.objects.create(
        code="NI66", priority=priority, title="Reviews on time", unit="percent", polarity="higher"
    )
    observation_computed(
        indicator=indicator,
        period="2011-12-Q1",
        value=Decimal(50),
        numerator=Decimal(1),
        denominator=Decimal(2),
        source="casework measure cla_reviews_on_time v1",
        via="test",
    )
    return indicator


def test_a_reader_sees_the_count_on_the_indicator_page_and_cannot_open_the_list(indicator: Indicator) -> None:
    client = _client("reader")
    page = client.get("/indicators/NI66/").content.decode()
    assert f"As at 30 June 2011: {SENTENCE}." in page
    assert WATCH not in page
    assert pseudonym("FIRST").hex[:10] not in page
    refused = client.get(WATCH + "?as_at=2011-06-30")
    assert refused.status_code == 403
    assert "08/07/2011" not in refused.content.decode()
    assert _views() == []


def test_case_level_access_opens_the_list_from_the_indicator_page_and_the_view_is_audited(
    indicator: Indicator,
) -> None:
    client = _client("reader", "case-level access")
    page = client.get("/indicators/NI66/").content.decode()
    link = f'<a href="{WATCH}?la={LA}&amp;as_at=2011-06-30">See who, and when each crosses the line</a>'
    assert link in page
    assert _views() == []  # the count alone names no child
    listed = client.get(f"{WATCH}?la={LA}&as_at=2011-06-30")
    assert listed.status_code == 200
    body = listed.content.decode()
    assert f"{SENTENCE}." in body
    assert body.index("<td>8 July 2011</td>") < body.index("<td>14 July 2011</td>")  # earliest first
    assert "Review 1 due 08/07/2011, not held by 30/06/2011" in body
    assert "Review 4 due 14/07/2011 (the last held 14/01/2011), not held by 30/06/2011" in body
    assert "15/07/2011" not in body
    assert pseudonym("FIRST").hex in body
    assert f'href="/casework/measures/cla_reviews_on_time/2011-12/records/?la={LA}"' in body
    [event] = _views()
    assert event.object_id == f"cla_reviews_on_time watch 2011-06-30 {LA}"
    assert event.after == {
        "measure": "cla_reviews_on_time",
        "measure_version": 1,
        "as_at": "2011-06-30",
        "la": LA,
        "list": "watch",
        "records_shown": 2,
        "records_in_list": 2,
    }
    assert event.actor_name == "reader-case-levelaccess"


def test_the_measure_page_gives_every_reader_the_count_and_case_level_access_the_link(
    db: None, watch_store: Path
) -> None:
    client = _client("reader")
    reader = client.get("/casework/measures/cla_reviews_on_time/").content.decode()
    assert "Early warning: children looked after with a review due within 10 working days" in reader
    assert f"{LA}, as at " in reader  # the default day: the returns run to 2040, so today
    assert WATCH not in reader
    assert "$as_at" in reader  # the list's SQL is shown beside the measure's
    no_list = client.get("/casework/measures/cla_starts/").content.decode()
    assert "Early warning" not in no_list


def test_the_measure_page_counts_again_once_a_load_changes_the_store(db: None, watch_store: Path) -> None:
    """The counts are kept between requests for the rows as they stand: a load that changes them is shown at once."""
    other = "E06000050"
    client = _client("reader")
    before = client.get("/casework/measures/cla_reviews_on_time/").content.decode()
    assert f"{LA}, as at " in before
    assert f"{other}, as at " not in before
    with CaseworkStore(watch_store) as store:
        Casebook(store, la=other).episode("FOURTH", "2011-06-10", rne="S")

    after = client.get("/casework/measures/cla_reviews_on_time/").content.decode()
    assert f"{LA}, as at " in after
    assert f"{other}, as at " in after


def test_a_day_that_is_not_a_date_or_is_past_the_returns_is_explained(db: None, watch_store: Path) -> None:
    client = _client("reader", "case-level access")
    response = client.get(WATCH + "?as_at=30/06/2011")
    assert response.status_code == 404
    assert "is not a date: write it as year, month and day, such as 2011-06-30" in response.content.decode()
    past = client.get(WATCH + "?as_at=2041-01-01").content.decode()
    assert "would miss what happened after that" in past
    assert _views() == []
