"""The scorecard page's query count does not grow with the number of indicators."""

from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oversight.core.periods import parse_period
from oversight.performance.models import (
    Commentary,
    ComparatorValue,
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


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/scorecards/big/2011-12-Q1/")
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
