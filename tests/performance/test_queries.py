"""A list page's query count does not grow with the number of rows it lists: the scorecard, its trend and exception
report and export as indicators are added, an indicator's page as periods are, the glossary as terms are."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oversight.core.periods import parse_period
from oversight.performance.models import (
    Commentary,
    ComparatorValue,
    GlossaryEntry,
    Indicator,
    Observation,
    Priority,
    Scorecard,
    Target,
)


def _build(count: int) -> None:
    scorecard, _ = Scorecard.objects.get_or_create(slug="big", defaults={"title": "Big scorecard"})
    priority, _ = Priority.objects.get_or_create(scorecard=scorecard, code="P1", defaults={"title": "Priority"})
    q1, year = parse_period("2011-12-Q1"), parse_period("2011-12")
    start = Indicator.objects.count()
    for number in range(start, start + count):
        indicator = Indicator.objects.create(
            code=f"IND-{number}", priority=priority, title=f"Indicator {number}", unit="percent", polarity="higher"
        )
        for period, value in ((q1, Decimal(number % 100)), (year.previous(), Decimal(50))):
            observation = Observation(indicator=indicator, value=value)
            observation.set_period(period)
            observation.save()
        target = Target(indicator=indicator, value=Decimal(60))
        target.set_period(year)
        target.save()
        comparator = ComparatorValue(indicator=indicator, kind="england", label="N", value=Decimal(55))
        comparator.set_period(year.previous())
        comparator.save()
        commentary = Commentary(indicator=indicator, text=f"Commentary {number}")
        commentary.set_period(q1)
        commentary.save()


def _queries(client: Client, url: str = "/scorecards/big/2011-12-Q1/") -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_scorecard_page_query_count_is_flat(db: None, client: Client) -> None:
    _build(5)
    small = _queries(client)
    _build(45)
    large = _queries(client)
    assert Indicator.objects.count() == 50
    assert large == small
    assert small <= 16  # session, user and roles, six for the scorecard, periods, glossary, session save


def test_export_query_count_is_flat(db: None, client: Client) -> None:
    _build(3)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/scorecards/big/2011-12-Q1/export.csv").status_code == 200
    _build(30)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/scorecards/big/2011-12-Q1/export.csv")
    assert len(many) == len(few)
    assert response.content.decode("utf-8-sig").count("\r\n") == 34  # header + 33 rows


@pytest.mark.parametrize(
    ("url", "most"),
    [
        ("/scorecards/big/2011-12/trend/", 9),  # with the user's councils, to check the scorecard's
        ("/scorecards/big/2011-12-Q1/exceptions/", 40),
        ("/", 20),
    ],
)
def test_scorecard_list_pages_query_count_is_flat(db: None, client: Client, url: str, most: int) -> None:
    _build(5)
    small = _queries(client, url)
    _build(45)
    large = _queries(client, url)
    assert Indicator.objects.count() == 50
    assert large == small
    assert small <= most


def _history(indicator: Indicator, years: range) -> None:
    for year in years:
        for number in (1, 2, 3, 4):
            observation = Observation(indicator=indicator, value=Decimal(year % 100 + number))
            observation.set_period(parse_period(f"{year}-{(year + 1) % 100:02d}-Q{number}"))
            observation.save()
        target = Target(indicator=indicator, value=Decimal(60))
        target.set_period(parse_period(f"{year}-{(year + 1) % 100:02d}"))
        target.save()


def test_indicator_page_query_count_is_flat_in_its_periods(db: None, client: Client) -> None:
    _build(1)
    indicator = Indicator.objects.get(code="IND-0")
    _history(indicator, range(2001, 2003))
    small = _queries(client, "/indicators/IND-0/")
    _history(indicator, range(2003, 2011))
    large = _queries(client, "/indicators/IND-0/")
    assert indicator.observation_set.count() == 2 + 40
    assert large == small


def test_glossary_query_count_is_flat(db: None, client: Client) -> None:
    def add(count: int) -> None:
        start = GlossaryEntry.objects.count()
        GlossaryEntry.objects.bulk_create(
            GlossaryEntry(term=f"TERM-{n}", kind="acronym", explanation=f"Term {n}")
            for n in range(start, start + count)
        )

    add(3)
    small = _queries(client, "/glossary/")
    add(30)
    large = _queries(client, "/glossary/")
    assert large == small


def test_a_packs_benchmark_tables_query_count_is_flat(db: None) -> None:
    """The committee pack's benchmarking appendix finds every indicator's published series in one query."""
    from oversight.committee.appendices import benchmark_tables
    from oversight.performance.selectors import scorecard_view

    def counted() -> int:
        view = scorecard_view(Scorecard.objects.get(slug="big"), parse_period("2011-12-Q1"))
        with CaptureQueriesContext(connection) as queries:
            assert benchmark_tables(view) == []  # none of these indicators is linked to a published series
        return len(queries)

    _build(5)
    small = counted()
    _build(45)
    assert (small, counted()) == (1, 1)
