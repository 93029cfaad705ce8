"""Seed 001's Appendix D (NEET, June 2011) in the demo: the bolding is computed, and it matches the cells the
pack says are bold — Cheshire East's rise in NEET, the highest among its neighbours, and its falling
percentage in learning."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client

from oversight.benchmarks import selectors
from oversight.benchmarks.demo import GROUP, appendix_d_rows
from oversight.benchmarks.models import ComparatorGroup, LocalAuthority, PublishedSeries, PublishedValue
from oversight.benchmarks.selectors import PublishedYear, ShowValue
from oversight.core.benchmark import Significance
from oversight.core.rag import Polarity
from oversight.performance.models import ComparatorValue
from oversight.performance.services import LoadResult


def _comparison(series: str, polarity: Polarity) -> selectors.Comparison:
    group = ComparatorGroup.objects.get(name=GROUP)
    return selectors.comparison(
        PublishedSeries.objects.get(code=f"appendix-d:{series}"), LocalAuthority.objects.get(number="895"),
        PublishedYear("June 2011", 2011), polarity=polarity, members=list(group.members.order_by("name")),
        group_label="statistical neighbours", show=ShowValue(None),
    )  # fmt: skip


def test_the_seeds_bolded_cells_are_bold_by_the_computed_rule(demo: LoadResult) -> None:
    neet = _comparison("neet", Polarity.LOWER)
    learning = _comparison("in-learning", Polarity.HIGHER)

    council = neet.council_row
    assert council.value == Decimal("6.2")
    assert council.bold.is_bold
    assert council.bold.reason == "Bold: moving against the intended direction."
    assert council.verdict is not None
    assert council.verdict.significance is Significance.SIMILAR  # 783 of 12,700: England's 6.5% is inside
    # "highest amongst statistical neighbours": Cheshire East's rise is the largest of the group.
    changes = {row.name: row.change_pct for row in neet.neighbour_rows}
    assert council.change_pct is not None
    assert all(change is not None and change < council.change_pct for change in changes.values())

    in_learning = learning.council_row
    assert in_learning.bold.is_bold
    assert "moving against the intended direction" in in_learning.bold.reason
    assert in_learning.change.against_polarity

    # England is the average the others are compared with; it is not bold in either table.
    assert neet.england_row is not None
    assert not neet.england_row.bold.is_bold
    assert learning.england_row is not None
    assert not learning.england_row.bold.is_bold


def test_every_printed_change_is_recovered_and_bold_only_when_the_rule_says(demo: LoadResult) -> None:
    polarity = {"neet": Polarity.LOWER, "not-known": Polarity.LOWER, "in-learning": Polarity.HIGHER}
    tables = {series: _comparison(series, direction) for series, direction in polarity.items()}
    for row in appendix_d_rows():
        table = tables[row.series]
        name = {"ENGLAND": "England"}.get(row.area, row.area.replace(" & ", " and "))
        shown = next(r for r in table.rows if r.name == name)
        assert shown.value == row.value
        assert shown.change_pct is not None
        assert shown.change_pct.quantize(Decimal("0.1")) == row.change_pct.quantize(Decimal("0.1")), row
        against = (row.change_pct > 0) if polarity[row.series] is Polarity.LOWER else (row.change_pct < 0)
        different = shown.verdict is not None and shown.verdict.significance.is_different
        assert shown.bold.is_bold == (against or different), row


def test_the_demo_links_the_neet_indicator_and_fills_its_quarter_one_comparators(demo: LoadResult) -> None:
    comparators = {
        c.label: c for c in ComparatorValue.objects.filter(indicator__code="NEET-16-18", period="2011-12-Q1")
    }
    assert comparators["England"].value == Decimal("6.5")
    assert comparators["North West"].value == Decimal("7.9")
    neighbours = [Decimal(v) for v in ("5.0", "6.3", "3.8", "5.8", "4.3", "3.0", "7.6", "8.0", "5.0", "6.6")]
    assert comparators["SN mean"].value == sum(neighbours) / 10
    assert comparators["SN median"].value == Decimal("5.4")
    assert comparators["SN mean"].note == f"Mean of 10 of 10 in the group “{GROUP}”."
    assert PublishedValue.objects.filter(series__code__startswith="appendix-d:", period="June 2011").count() == 39


def test_the_neet_benchmark_page_shows_appendix_d(demo: LoadResult, client: Client) -> None:
    page = client.get("/benchmarks/indicators/NEET-16-18/").content.decode()
    assert "Cheshire West and Chester" in page
    assert "<strong>6.2%</strong>" in page
    assert "Up 0.5 points (+8.8%)" in page
    assert "No funnel plot" in page
    scorecard = client.get("/scorecards/strategic/2011-12-Q1/").content.decode()
    # 783 of 12,700 (6.2%) is within sampling error of England's 6.5%, as the benchmark page says ("Similar").
    assert "2011-12 Q1 6.2% vs England 2011-12 Q1 6.5%: not significantly different at 95% confidence." in scorecard
    assert "Similar to England" in page
