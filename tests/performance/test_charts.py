"""Every chart the demo draws has its periods in time order; a single period is said, not drawn."""

from __future__ import annotations

from decimal import Decimal

from oversight.core.periods import parse_period
from oversight.performance.charts import history_charts, trend_charts
from oversight.performance.models import Indicator, Scorecard
from oversight.performance.selectors import indicator_detail, trend_view
from oversight.performance.services import LoadResult
from oversight.reports.charts import Point, line_chart


def test_every_history_chart_of_the_demo_runs_in_time_order(demo: LoadResult) -> None:
    drawn = 0
    for code in Indicator.objects.values_list("code", flat=True):
        detail = indicator_detail(code)
        for group, chart in history_charts(detail).items():
            in_order = sorted({(row.period.start, row.period.short_label) for row in detail.history[group]})
            labels = [label for _, label in in_order]
            assert list(chart.periods) == [label for label in labels if label in chart.periods], (code, group)
            drawn += 1
    assert drawn > 40


def test_every_trend_chart_runs_in_time_order_the_strategic_one_for_dchi003_included(demo: LoadResult) -> None:
    for slug, year in (("strategic", "2010-11"), ("school-summary", "AY2010-11")):
        view = trend_view(Scorecard.objects.get(slug=slug), parse_period(year))
        expected = tuple(period.short_label for period in sorted(view.years, key=lambda period: period.start))
        charts = trend_charts(view)
        assert charts
        for chart in charts.values():
            assert chart.periods == tuple(label for label in expected if label in chart.periods)
    strategic = trend_view(Scorecard.objects.get(slug="strategic"), parse_period("2010-11"))
    dchi003 = next(rows for priority, rows in strategic.groups if priority.code == "DCHI003")
    lines = trend_charts(strategic)
    drawn = [lines[row.indicator.pk].periods for row in dchi003 if row.indicator.pk in lines]
    assert drawn  # its chart ran 2010/11 before 2009/10 before
    assert all(periods == tuple(sorted(periods)) for periods in drawn)


def test_points_given_newest_first_are_drawn_oldest_first() -> None:
    newest_first = [
        Point(period.short_label, "Value", Decimal(value), period.start)
        for period, value in (
            (parse_period("2010-11"), 60),
            (parse_period("2009-10"), 55),
            (parse_period("2008-09"), 50),
        )
    ]
    chart = line_chart(newest_first, title="t", description="d", unit_title="Percentage")
    assert chart is not None
    assert chart.periods == ("2008-09", "2009-10", "2010-11")


def test_a_single_period_is_said_rather_than_drawn_in_an_empty_frame() -> None:
    quarter = parse_period("2011-12-Q1")
    chart = line_chart(
        [
            Point(quarter.short_label, "Value", Decimal(63), quarter.start),
            Point(quarter.short_label, "Target", Decimal(85), quarter.start),
        ],
        title="Core assessments: quarters",
        description="d",
        unit_title="Percentage",
    )
    assert chart is not None
    assert str(chart.svg) == ""
    assert chart.description == (
        "Only 2011-12 Q1 has a figure so far, so there is no line to draw yet; the figures are below."
    )
