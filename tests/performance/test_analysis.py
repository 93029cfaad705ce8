"""The indicator page's "Is this a real change?": its control chart, signals and year-end projection."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oversight.core.periods import Period, PeriodKind
from oversight.core.spc import ChartKind
from oversight.demo.casework import DATA_DIR, DEMO_MONTHS, CaseworkDemo
from oversight.performance.analysis import indicator_analysis, spc_signals
from oversight.performance.models import Indicator, Observation
from oversight.performance.services import LoadResult, import_files


def _signals(indicator: Indicator) -> list[str]:
    return spc_signals([indicator])[indicator.pk]


def _months(indicator: Indicator, values: list[int], first: Period) -> None:
    for step, value in enumerate(values):
        observation = Observation(indicator=indicator, value=Decimal(value))
        observation.set_period(first.shifted(step))
        observation.save()


def _indicator(demo: LoadResult) -> Indicator:
    """A count over the year: the synthetic council's catalogue, without its figures."""
    assert import_files(sorted(DATA_DIR.glob("*.csv"))).ok
    return Indicator.objects.get(code="SYN-CLA-STARTS")


def test_a_shift_is_shown_in_words_with_the_limits_and_the_projection(demo: LoadResult, client: Client) -> None:
    indicator = _indicator(demo)
    # A year at about 3 a month, then 9 months at about 6: a run of 9 above the centre line.
    _months(
        indicator, [3, 2, 4, 3, 2, 3, 4, 3, 2, 3, 4, 3, 6, 7, 6, 5, 6, 7, 6, 5, 6], Period(PeriodKind.MONTH, 2010, 4)
    )
    page = client.get("/indicators/SYN-CLA-STARTS/").content.decode()
    assert "Is this a real change?" in page
    assert '<th scope="col">Upper limit</th>' in page
    assert "9 points in a row, Apr 2011 to Dec 2011, are above the centre line (4.3): a real change, neither " \
        "better nor worse (neither higher nor lower is better)." in page  # fmt: skip
    assert "Projected year end: 72 by the run rate (54 in the first 9 months × 12 ÷ 9); 74.8 by the same " \
        "period last year (54 × last year&#x27;s 36 ÷ the 26 of its same months)." in page  # fmt: skip
    assert _signals(indicator) == [
        "9 points in a row, Apr 2011 to Dec 2011, are above the centre line (4.3): a real change, neither better "
        "nor worse (neither higher nor lower is better)."
    ]


def test_a_projection_waits_for_quarter_3_and_says_so(demo: LoadResult) -> None:
    indicator = _indicator(demo)
    _months(indicator, [3] * 15, Period(PeriodKind.MONTH, 2010, 4))  # to June 2011
    analysis = indicator_analysis(indicator)
    assert analysis.chart is not None
    assert analysis.chart.has_limits
    assert analysis.projection is None
    assert analysis.why_no_projection == (
        "A projection of 2011-12 to its year end will be given from Quarter 3 (2011-12 Quarter 3 (October–December "
        "2011)), as the reporting timetable expects; the figures so far reach June 2011."
    )


def test_too_few_points_say_why_there_are_no_limits(demo: LoadResult, client: Client) -> None:
    page = client.get("/indicators/NEET-16-18/").content.decode()
    assert "12 points are needed for control limits; this series has" in page
    assert _signals(Indicator.objects.get(code="NEET-16-18")) == []


def test_the_analysis_reads_in_one_query(demo: LoadResult) -> None:
    indicator = _indicator(demo)
    _months(indicator, list(range(24)), Period(PeriodKind.MONTH, 2010, 4))
    with CaptureQueriesContext(connection) as queries:
        indicator_analysis(indicator)
    assert len(queries) == 1


def test_the_demo_charts_the_synthetic_councils_starts_by_month(
    demo_casework_first: CaseworkDemo, client: Client
) -> None:
    assert Observation.objects.filter(indicator__code="SYN-CLA-STARTS", period__in=DEMO_MONTHS).count() == 21
    starts = client.get("/indicators/SYN-CLA-STARTS/").content.decode()
    assert "An XmR chart of 21 points" in starts
    assert "Projected year end:" in starts
    reviews = client.get("/indicators/SYN-NI66/").content.decode()
    assert "12 points are needed for control limits; this series has 1," in reviews


def test_a_percentage_with_its_counts_is_a_p_chart(demo: LoadResult) -> None:
    _indicator(demo)
    indicator = Indicator.objects.get(code="SYN-NI66")
    first = Period(PeriodKind.MONTH, 2010, 4)
    for step in range(12):
        observation = Observation(indicator=indicator, value=Decimal(80), numerator=Decimal(8), denominator=Decimal(10))
        observation.set_period(first.shifted(step))
        observation.save()
    analysis = indicator_analysis(indicator)
    assert analysis.chart is not None
    assert analysis.chart.kind is ChartKind.P
    assert analysis.chart.centre == pytest.approx(80)
    assert analysis.projection is not None
    assert analysis.projection.complete  # the whole of 2010-11 is in: its figure, not a projection
    assert analysis.projection.value == Decimal(80)


def test_only_signals_that_reach_the_latest_figure_are_current(demo: LoadResult) -> None:
    indicator = _indicator(demo)
    # A spike in the first month, then ordinary months: a signal, but not a current one.
    _months(indicator, [30, 10, 12, 9, 11, 10, 12, 9, 11, 10, 12, 9, 11, 10, 12], Period(PeriodKind.MONTH, 2010, 4))
    analysis = indicator_analysis(indicator)
    assert analysis.chart is not None
    assert [signal.points for signal in analysis.chart.signals] == [(0,)]
    assert _signals(indicator) == []
