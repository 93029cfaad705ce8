"""The drill-through page: the records behind a figure, for case-level access only, every view audited."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from oversight.accounts.models import AuditEvent
from oversight.casework.engine import measure_card, measure_cards, measure_compute, measure_results_record
from oversight.casework.store import CaseworkStore
from oversight.core.periods import parse_period
from oversight.performance.models import Indicator, Priority, Scorecard
from oversight.performance.services import observation_computed
from tests.conftest import make_user

from .conftest import LA, Casebook
from .test_measures import _adoptions

RECORDS = "/casework/measures/cla_reviews_on_time/2011-12-Q1/records/"


@pytest.fixture
def case_store(tmp_path: Path, settings: Any) -> Path:
    """A store with reviews for 2011-12 Q1 and a figure computed from it, at the settings' store path."""
    path = tmp_path / "casework.duckdb"
    settings.OVERSIGHT_CASEWORK_STORE = path
    with CaseworkStore(path) as store:
        store.open(create=True)
        casebook = Casebook(store)
        casebook.episode("on time", "2011-04-01", rne="S")
        casebook.review("on time", "2011-05-05")
        casebook.episode("a day late", "2011-04-01", rne="S")
        casebook.review("a day late", "2011-05-06")
        for n in range(60):
            casebook.episode(f"start {n:02}", "2011-06-20", rne="S")  # first review due in July
        results = measure_compute(store, measure_card("cla_reviews_on_time"), parse_period("2011-12-Q1"), la=LA)
        measure_results_record(store, results, run_at=datetime(2026, 11, 23, tzinfo=UTC), run_by="analyst")
    return path


def _client(*roles: str) -> Client:
    client = Client()
    client.force_login(make_user("-".join(r.replace(" ", "") for r in roles), *roles))
    return client


def _views() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="case_record"))


def test_a_reader_without_case_level_access_is_refused_and_sees_no_record(db: None, case_store: Path) -> None:
    for client in _client("reader"), _client("administrator"), _client("performance officer"):
        response = client.get(RECORDS)
        assert response.status_code == 403
        body = response.content.decode()
        assert "Only users with case-level access can see child-level records." in body
        assert "05/05/2011" not in body
    assert _views() == []


def test_case_level_access_shows_each_record_with_its_dates_and_is_audited(db: None, case_store: Path) -> None:
    client = _client("reader", "case-level access")
    response = client.get(RECORDS)
    assert response.status_code == 200
    body = response.content.decode()
    assert "1 of 2: 50%" in body
    assert "In the denominator (2)" in body
    assert "Review 1 due 05/05/2011, held 05/05/2011: on time" in body
    assert "Review 1 due 05/05/2011, held 06/05/2011: late" in body
    numerator = client.get(RECORDS + "?list=numerator").content.decode()
    assert "held 05/05/2011: on time" in numerator
    assert "06/05/2011" not in numerator
    [second, first] = _views()  # newest first
    assert (first.actor_name, first.action, first.object_id) == (
        "reader-case-levelaccess",
        "view",
        f"cla_reviews_on_time 2011-12-Q1 {LA}",
    )
    assert first.after == {
        "measure": "cla_reviews_on_time",
        "measure_version": 1,
        "period": "2011-12-Q1",
        "to_date": False,
        "la": LA,
        "list": "denominator",
        "page": 1,
        "records_shown": 2,
        "records_in_list": 2,
    }
    assert (second.after["list"], second.after["records_shown"]) == ("numerator", 1)


def test_records_come_fifty_to_a_page(db: None, case_store: Path) -> None:
    client = _client("reader", "case-level access")
    starts = "/casework/measures/cla_starts/2011-12-Q1/records/"
    first = client.get(starts).content.decode()  # the 60 starters and the two children reviewed
    assert "Records counted: records 1 to 50 of 62" in first
    assert "Page 1 of 2." in first
    second = client.get(starts + f"?la={LA}&list=numerator&page=2").content.decode()
    assert "records 51 to 62 of 62" in second
    assert second.count("Started to be looked after ") == 12
    assert [event.after["records_shown"] for event in _views()] == [12, 50]


def test_a_figure_that_cannot_be_drilled_into_says_why(db: None, case_store: Path) -> None:
    client = _client("reader", "case-level access")
    response = client.get("/casework/measures/no_such_measure/2011-12/records/")
    assert response.status_code == 404
    assert "There is no measure &#x27;no_such_measure&#x27;" in response.content.decode()
    beyond = client.get("/casework/measures/cla_starts/2041-42/records/")
    assert "run to 31 March 2040" in beyond.content.decode()
    assert _views() == []


def test_the_catalogue_page_lists_every_measure_from_its_card(client: Client) -> None:
    body = client.get("/casework/measures/").content.decode()
    for card in measure_cards():
        assert f'<a href="/casework/measures/{card.id}/">{escape(card.title)}</a>' in body


def test_the_catalogue_page_names_the_return_each_measure_is_computed_from(client: Client) -> None:
    body = client.get("/casework/measures/").content.decode()
    assert (
        escape(
            "from returns every council already sends the Department for Education: the children looked after "
            "return (SSDA903), the children in need census and the children's social work workforce census."
        )
        in body
    )
    referrals = measure_card("cin_referrals")
    assert re.search(rf">{re.escape(escape(referrals.title))}</a></th><td>CIN census</td>", body)
    starts = measure_card("cla_starts")
    assert re.search(rf">{re.escape(escape(starts.title))}</a></th><td>SSDA903</td>", body)


def test_a_measure_page_states_everything_its_card_says(client: Client) -> None:
    card = measure_card("cla_reviews_on_time")
    response = client.get("/casework/measures/cla_reviews_on_time/")
    assert response.status_code == 200
    body = response.content.decode()
    for text in [
        card.definition,
        card.numerator,
        card.denominator,
        *card.inclusions,
        *card.exclusions,
        *card.rules_unverified,
        "Working days after the start day up to and including the end day",
        "Children in the cohort on the last day of the period, judged on what happened during it (or before)",
        "Higher is better",
        "Percentage, published to 0 decimal places",
        "NI 66",
        "add_working_days(period_of_care_start, 20)",
    ]:
        assert escape(str(text)) in body, text
    assert client.get("/casework/measures/ni66/").status_code == 404


@pytest.fixture
def computed_indicator(db: None) -> Indicator:
    scorecard = Scorecard.objects.create(slug="cla", title="Children looked after")
    priority = Priority.objects.create(scorecard=scorecard, code="P1", title="Stability")
    indicator = Indicator.objects.create(
        code="NI66", priority=priority, title="Reviews on time", unit="percent", polarity="higher"
    )
    for period, source in ("2011-12-Q1", "casework measure cla_reviews_on_time v1"), ("2011-12-Q2", "reviews.csv"):
        observation_computed(
            indicator=indicator,
            period=period,
            value=Decimal(50),
            numerator=Decimal(1),
            denominator=Decimal(2),
            source=source,
            via="test",
        )
    return indicator


def test_a_computed_figure_links_to_its_measure_and_for_case_level_access_to_its_records(
    computed_indicator: Indicator,
) -> None:
    measure_link = '<a href="/casework/measures/cla_reviews_on_time/">How it is counted'
    records_link = f'<a href="{RECORDS}">Records behind it'
    reader = _client("reader").get("/indicators/NI66/").content.decode()
    assert reader.count(measure_link) == 1  # the Q2 figure came from elsewhere: no link
    assert records_link not in reader
    case_level = _client("reader", "case-level access").get("/indicators/NI66/").content.decode()
    assert case_level.count(measure_link) == 1
    assert case_level.count(records_link) == 1


def test_an_average_shows_each_record_with_its_days(tmp_path: Path, settings: Any, db: None) -> None:
    settings.OVERSIGHT_CASEWORK_STORE = tmp_path / "adoptions.duckdb"
    with CaseworkStore(settings.OVERSIGHT_CASEWORK_STORE) as store:
        store.open(create=True)
        _adoptions(Casebook(store))
    body = _client("reader", "case-level access").get("/casework/measures/adoption_a1/2017-18/records/?list=numerator")
    text = body.content.decode()
    assert "918 days over 4 records: an average of 230 days." in text
    assert "Records averaged: records 1 to 4 of 4" in text
    assert (
        "<td>248</td><td>In care from 01/05/2015; moved in with the adopters 04/01/2016; adopted 01/10/2016: 248 days"
        in text
    )


def test_records_left_out_of_the_denominator_have_a_list_of_their_own(tmp_path: Path, settings: Any, db: None) -> None:
    settings.OVERSIGHT_CASEWORK_STORE = tmp_path / "distances.duckdb"
    with CaseworkStore(settings.OVERSIGHT_CASEWORK_STORE) as store:
        store.open(create=True)
        casebook = Casebook(store)
        casebook.episode("far", "2011-01-01", miles=31.1, outside=True)
        casebook.episode("near", "2011-01-01", miles=2.0, outside=False)
        casebook.episode("no postcode", "2011-01-01")
    client = _client("reader", "case-level access")
    page = "/casework/measures/cla_placed_over_20_miles/2011-12/records/"
    text = client.get(page).content.decode()
    assert "1 of 2: 50%." in text
    assert "Left out of the denominator (1)" in text
    assert "not known" not in text
    left_out = client.get(page + "?list=left_out").content.decode()
    assert "Left out of the denominator: records 1 to 1 of 1" in left_out
    assert (
        "Looked after on 31/03/2012; placement from 01/01/2011: distance from home not known (a postcode blank, or "
        "not in the postcode lookup)" in left_out
    )
    assert "31.1 miles" not in left_out
    # A list that a measure does not have falls back to its denominator.
    assert "In the denominator: records 1 to 2 of 2" in client.get(page + "?list=other").content.decode()
