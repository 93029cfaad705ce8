"""Comparisons from real published figures, checked against a calculation made here from the raw CSV files:
statistical-neighbour mean, median and ranks, with ties and suppressed neighbours."""

from __future__ import annotations

import csv
import statistics
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oversight.benchmarks import selectors
from oversight.benchmarks.models import IndicatorLink, LocalAuthority, NeighbourSet, PublishedSeries
from oversight.benchmarks.selectors import PublishedYear, ShowValue
from oversight.benchmarks.services import (
    comparators_fill,
    indicator_link_remove,
    indicator_link_save,
    published_import,
)
from oversight.benchmarks.views import comparison_csv
from oversight.core.rag import Polarity
from oversight.performance.models import ComparatorValue, Indicator
from oversight.performance.services import LoadResult
from tests.benchmarks.test_import import C1, D3, PUBLISHED
from tests.conftest import make_user

D5 = PUBLISHED / "dfe_csc_oe_d5_cpps_at31march_by_duration_2013_to_2025.csv"
SN_2021 = PUBLISHED / "dfe_csc_oe_New_Statistical_Neighbour_Groupings_April_2021.csv"


def _neighbours_from_csv() -> dict[str, list[str]]:
    with SN_2021.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return {row[0]: [row[i] for i in range(5, 25, 2) if row[i]] for row in rows[1:] if row[0]}


def _la_cells(path: Path, column: str, period: str) -> dict[str, str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {
            row["old_la_code"]: row[column]
            for row in csv.DictReader(handle)
            if row["geographic_level"] == "Local authority" and row["time_period"] == period
        }


def _number(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text not in (None, "") else None
    except ArithmeticError:
        return None


def _lower_is_better_rank(values: dict[str, Decimal | None], subject: str) -> tuple[int, int, int]:
    """(position, tied, ranked) by sorting: the position is one more than the index of the first equal value."""
    present = sorted(value for value in values.values() if value is not None)
    mine = values[subject]
    assert mine is not None
    return present.index(mine) + 1, present.count(mine), len(present)


# (file, column, period, LA number, what the sample has): chosen because their neighbours include a
# suppressed or absent figure, and ties.
SAMPLES = [
    (C1, "rereferral_percent", "2022", "309", "an 'x' neighbour and a tie at 16.7"),
    (D3, "CPP_subsequent_percent", "2016", "883", "a 'c' neighbour and one with no row"),
    (D5, "2_years_or_more_percent", "2025", "929", "three 'c' neighbours and a five-way tie at 0"),
    (C1, "rereferral_percent", "2025", "895", "Cheshire East, every neighbour published"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "column", "period", "number", "why"), SAMPLES)
def test_neighbour_mean_median_and_ranks_equal_an_independent_calculation(
    path: Path, column: str, period: str, number: str, why: str
) -> None:
    assert published_import([path]).ok
    series = PublishedSeries.objects.get(code__startswith=f"ees:{column}@")
    authority = LocalAuthority.objects.get(number=number)
    neighbour_set = selectors.neighbour_set_for(selectors._period_end(int(period)))
    assert neighbour_set is not None
    assert neighbour_set.name == "April 2021"
    members = selectors.statistical_neighbours(authority, neighbour_set)

    found = selectors.comparison(
        series, authority, PublishedYear(period, int(period)), polarity=Polarity.LOWER, members=members,
        group_label="statistical neighbours", show=ShowValue(None),
    )  # fmt: skip

    expected_members = _neighbours_from_csv()[number]
    assert [member.number for member in members] == expected_members
    cells = _la_cells(path, column, period)
    raw = {code: cells.get(code) for code in expected_members}
    numbers = [value for code in expected_members if (value := _number(raw[code])) is not None]
    suppressed = sum(1 for text in raw.values() if text is not None and _number(text) is None)
    absent = sum(1 for text in raw.values() if text is None)
    assert (found.summary.members, found.summary.used) == (len(expected_members), len(numbers))
    assert (found.summary.suppressed, found.summary.absent) == (suppressed, absent)
    assert found.summary.mean == sum(numbers, Decimal(0)) / len(numbers)
    assert found.summary.median == statistics.median(numbers)
    if number != "895":
        assert suppressed + absent > 0, why

    group = {code: _number(raw[code]) for code in expected_members} | {number: _number(cells[number])}
    position, tied, ranked = _lower_is_better_rank(group, number)
    assert (found.group_rank.position, found.group_rank.tied, found.group_rank.ranked) == (position, tied, ranked)
    assert found.group_rank.excluded == suppressed + absent
    national = {code: _number(text) for code, text in cells.items()}
    position, tied, ranked = _lower_is_better_rank(national, number)
    assert (found.national_rank.position, found.national_rank.tied, found.national_rank.ranked) == (
        position,
        tied,
        ranked,
    )
    joint = "joint " if tied > 1 else ""
    assert found.national_rank.words == f"{joint}{position}{_suffix(position)} of {ranked}"


def _suffix(number: int) -> str:
    return "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


def test_the_samples_include_ties() -> None:
    tied_samples = 0
    for path, column, period, number, _ in SAMPLES:
        cells = _la_cells(path, column, period)
        values = [cells.get(code) for code in [*_neighbours_from_csv()[number], number]]
        present = [value for value in values if _number(value) is not None]
        tied_samples += len(present) != len(set(present))
    assert tied_samples >= 2


@pytest.mark.django_db
def test_published_periods_become_the_indicators_own(demo: LoadResult) -> None:
    neet = Indicator.objects.get(code="NEET-16-18")
    repeat = Indicator.objects.get(code="CP-REPEAT")
    ks2 = Indicator.objects.get(code="KS2-L4-ENG-MATHS")
    assert selectors.indicator_period(neet, "June 2011", 2011).code == "2011-12-Q1"
    assert selectors.indicator_period(repeat, "2025", 2025).code == "2024-25"
    assert selectors.indicator_period(repeat, "2024-25", 2025).code == "2024-25"
    assert selectors.indicator_period(ks2, "202425", 2025).code == "AY2024-25"


@pytest.mark.django_db
def test_linking_an_indicator_fills_its_scorecard_comparators_with_their_years(demo: LoadResult) -> None:
    assert published_import([D3]).ok
    indicator = Indicator.objects.get(code="CP-REPEAT")
    series = PublishedSeries.objects.get(code__startswith="ees:CPP_subsequent_percent@")
    cheshire_east = LocalAuthority.objects.get(number="895")

    indicator_link_save(indicator=indicator, series=series, authority=cheshire_east)

    rows = {
        (c.period, c.label): c
        for c in ComparatorValue.objects.filter(indicator=indicator, source__startswith="DfE published figures")
    }
    assert rows[("2024-25", "England")].value == Decimal("24.5")
    assert rows[("2024-25", "North West")].value == Decimal("23.3")
    cells = _la_cells(D3, "CPP_subsequent_percent", "2025")
    neighbours = [Decimal(cells[code]) for code in _neighbours_from_csv()["895"]]
    assert rows[("2024-25", "SN mean")].value == (sum(neighbours) / len(neighbours)).quantize(Decimal("0.0001"))
    assert rows[("2024-25", "SN median")].value == statistics.median(neighbours)
    assert rows[("2024-25", "SN mean")].note == "Mean of 10 of 10 statistical neighbours."
    assert {period for period, _ in rows} == {f"{year - 1}-{year % 100:02d}" for year in range(2013, 2026)}

    # Re-filling writes the same rows again, and nothing else.
    count = ComparatorValue.objects.count()
    comparators_fill(indicator)
    assert ComparatorValue.objects.count() == count


@pytest.mark.django_db
def test_a_suppressed_neighbour_is_left_out_and_the_group_size_shown(demo: LoadResult) -> None:
    assert published_import([C1]).ok
    indicator = Indicator.objects.get(code="CP-REPEAT")  # any percentage indicator will do for the wording
    series = PublishedSeries.objects.get(code__startswith="ees:rereferral_percent@")
    haringey = LocalAuthority.objects.get(number="309")
    indicator_link_save(indicator=indicator, series=series, authority=haringey)
    mean = ComparatorValue.objects.get(indicator=indicator, period="2021-22", label="SN mean")
    assert mean.note == "Mean of 9 of 10 (1 suppressed) statistical neighbours."


@pytest.mark.django_db
def test_a_series_follows_an_authority_back_through_its_reorganisation(tmp_path: Path) -> None:
    path = tmp_path / "northants.csv"
    head = (
        "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
        "old_la_code,new_la_code,la_name,rate\n"
    )
    rows = [
        "2020,Reporting year,Local authority,E92000001,England,E12000004,East Midlands,928,E10000021,Northamptonshire,40.1",  # noqa: E501
        "2022,Reporting year,Local authority,E92000001,England,E12000004,East Midlands,940,E06000061,North Northamptonshire,35.2",  # noqa: E501
    ]
    path.write_text(head + "\n".join(rows) + "\n", encoding="utf-8")
    assert published_import([path]).ok
    series = PublishedSeries.objects.get(code="ees:rate")
    north = LocalAuthority.objects.get(number="940")
    points = selectors.authority_series(series, north)
    assert [(point.year.period, point.value.value if point.value else None, point.name) for point in points] == [
        ("2020", Decimal("40.1"), "Northamptonshire"),
        ("2022", Decimal("35.2"), "North Northamptonshire"),
    ]


@pytest.fixture
def linked(demo: LoadResult) -> Indicator:
    assert published_import([D3]).ok
    indicator = Indicator.objects.get(code="CP-REPEAT")
    series = PublishedSeries.objects.get(code__startswith="ees:CPP_subsequent_percent@")
    indicator_link_save(indicator=indicator, series=series, authority=LocalAuthority.objects.get(number="895"))
    return indicator


def test_the_benchmark_page_shows_ranks_bolding_reasons_and_both_charts(linked: Indicator, client: Client) -> None:
    page = client.get("/benchmarks/indicators/CP-REPEAT/").content.decode()
    assert "Among Cheshire East and its statistical neighbours (April 2021 groupings): 5th of 11 (1st is best)." in page
    assert "Quartile band C (third quarter)" in page
    assert "<strong>24.7%</strong>" in page
    assert "Bold: moving against the intended direction." in page
    assert "Bold: significantly worse than the average and moving against the intended direction." in page
    assert page.count('<svg role="img"') == 2
    assert "Funnel plot of" in page
    older = client.get("/benchmarks/indicators/CP-REPEAT/?period=2016").content.decode()
    assert '<option value="2016" selected>' in older


def test_an_unlinked_indicator_says_so(demo: LoadResult, client: Client) -> None:
    page = client.get("/benchmarks/indicators/CSC-CORE-35WD/").content.decode()
    assert "not linked to a published measure" in page


def test_the_benchmark_pages_write_nothing_on_a_get(linked: Indicator) -> None:
    # The reference data comes with the database (benchmarks migration 0003); a page only reads. The session
    # is saved on every request (its idle timeout), which is the one write a page may make.
    officer = Client()
    officer.force_login(make_user("officer-get", "performance officer"))
    pages = ["/benchmarks/", "/benchmarks/indicators/CP-REPEAT/", "/benchmarks/indicators/CP-REPEAT/link/"]
    for path in pages:
        with CaptureQueriesContext(connection) as queries:
            assert officer.get(path).status_code == 200
        writes = [
            q["sql"]
            for q in queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) and "django_session" not in q["sql"]
        ]
        assert writes == [], path


def test_an_officer_links_an_indicator_in_the_browser_form(demo: LoadResult) -> None:
    assert published_import([D3]).ok
    officer = Client()
    officer.force_login(make_user("officer-b", "performance officer"))
    series = PublishedSeries.objects.get(code__startswith="ees:CPP_subsequent_percent@")
    cheshire_east = LocalAuthority.objects.get(number="895")

    missing = officer.post("/benchmarks/indicators/CP-REPEAT/link/", {"authority": cheshire_east.pk})
    assert missing.status_code == 200
    assert "There is a problem" in missing.content.decode()
    assert "Choose the published measure" in missing.content.decode()

    saved = officer.post("/benchmarks/indicators/CP-REPEAT/link/", {"series": series.pk, "authority": cheshire_east.pk})
    assert saved.status_code == 302
    assert ComparatorValue.objects.filter(indicator__code="CP-REPEAT", label="SN median").count() == 13
    history = Indicator.objects.get(code="CP-REPEAT").changes.get(entity="benchmark")
    assert (history.after, history.changed_by_name) == (f"{series.code} for Cheshire East", "officer-b")

    removed = officer.post("/benchmarks/indicators/CP-REPEAT/link/", {"remove": "on"})
    assert removed.status_code == 302
    assert not ComparatorValue.objects.filter(indicator__code="CP-REPEAT", label="SN median").exists()


@pytest.mark.django_db
def test_neighbour_groupings_change_with_the_year() -> None:
    from oversight.benchmarks.reference import reference_load

    reference_load()
    assert selectors.neighbour_set_for(selectors._period_end(2025)) == NeighbourSet.objects.get(name="April 2021")
    assert selectors.neighbour_set_for(selectors._period_end(2026)) == NeighbourSet.objects.get(name="May 2025")


def test_a_suppressed_neighbour_shows_its_reason_in_words(demo: LoadResult, client: Client) -> None:
    assert published_import([C1]).ok
    indicator_link_save(
        indicator=Indicator.objects.get(code="CP-REPEAT"),
        series=PublishedSeries.objects.get(code__startswith="ees:rereferral_percent@"),
        authority=LocalAuthority.objects.get(number="309"),
    )
    page = client.get("/benchmarks/indicators/CP-REPEAT/?period=2022").content.decode()
    assert "Not published: not available (‘x’)" in page
    assert "Mean of 9 of 10 (1 suppressed)." in page
    assert "A neighbour without a published figure is left out of the mean, the median and the ranks" in page


def test_a_national_rank_of_a_few_areas_says_it_is_not_among_all_councils(demo: LoadResult, client: Client) -> None:
    # Appendix D publishes June 2011 for Cheshire East, England, the North West and ten neighbours only.
    neet = Indicator.objects.get(code="NEET-16-18")
    link = selectors.link_for(neet)
    assert link is not None
    found = selectors.indicator_comparison(neet, link, PublishedYear("June 2011", 2011))

    assert (found.councils, len(found.missing)) == (152, 141)
    national = (
        "Nationally: 7th of 11 areas with a published figure (1st is best); 141 of the 152 English councils of the "
        "time are not in the published figures, so this is not a rank among all English councils."
    )
    assert found.rank_sentence.endswith(f"(1st is best). {national}")
    assert found.band_sentence.startswith("Quartile band C (third quarter) of the 11 areas with a published figure:")
    page = client.get("/benchmarks/indicators/NEET-16-18/").content.decode()
    assert national in page
    assert "Among all English councils" not in page


def test_a_national_rank_is_among_all_councils_when_every_council_of_the_year_has_a_row(linked: Indicator) -> None:
    link = selectors.link_for(linked)
    assert link is not None
    # 2016: 152 councils, four of them with a suppressed figure (a row, but no value).
    found = selectors.indicator_comparison(linked, link, PublishedYear("2016", 2016))

    assert (found.councils, found.missing) == (152, [])
    assert found.national_rank.sentence == "130th of 148 (1st is best); 4 members without a published value left out."
    assert found.rank_sentence.endswith(
        "Among all English councils: 130th of 148 (1st is best); 4 members without a published value left out."
    )


def test_a_comparison_names_its_grouping_and_says_when_the_period_predates_them_all(
    linked: Indicator, client: Client
) -> None:
    link = selectors.link_for(linked)
    assert link is not None
    old = selectors.indicator_comparison(linked, link, PublishedYear("2016", 2016))
    new = selectors.indicator_comparison(linked, link, PublishedYear("2025", 2025))

    assert old.group_label == "statistical neighbours (April 2021 groupings)"
    assert old.group_note == (
        "The statistical-neighbour groupings held date from April 2021 and May 2025, after this period (2016): "
        "none was in force then, so the earliest, April 2021, is used."
    )
    assert new.group_note == (
        "The statistical neighbours are DfE's April 2021 groupings, the latest of those held (April 2021 and "
        "May 2025) published by 31 March 2025."
    )
    assert old.group_note in client.get("/benchmarks/indicators/CP-REPEAT/?period=2016").content.decode()
    neet = client.get("/benchmarks/indicators/NEET-16-18/").content.decode()
    assert (
        "The comparator group “Appendix D neighbours, 2011” is chosen for this indicator; DfE&#x27;s "
        "statistical-neighbour groupings (April 2021 and May 2025) are not used."
    ) in neet
    home = client.get("/benchmarks/").content.decode()
    assert (
        "April 2021: used for periods ending from April 2021 until May 2025, and for every earlier period, as no "
        "older grouping is held"
    ) in home
    assert "May 2025: used for periods ending from May 2025 on" in home


def test_the_median_says_it_is_a_median(linked: Indicator, client: Client) -> None:
    link = selectors.link_for(linked)
    assert link is not None
    found = selectors.indicator_comparison(linked, link, PublishedYear("2025", 2025))
    rows = {row["area"]: row for row in csv.DictReader(comparison_csv(found).splitlines())}

    assert found.summary.note_for("median") == "Median of 10 of 10."
    median = rows["statistical neighbours (April 2021 groupings) median"]
    assert median["reason_missing"] == "Median of 10 of 10."
    assert rows["statistical neighbours (April 2021 groupings) mean"]["reason_missing"] == "Mean of 10 of 10."
    assert rows["comparators"]["reason_missing"] == found.group_note
    assert ComparatorValue.objects.get(indicator=linked, period="2024-25", label="SN median").note == (
        "Median of 10 of 10 statistical neighbours."
    )
    page = client.get("/benchmarks/indicators/CP-REPEAT/").content.decode()
    assert '<td colspan="3">Median of 10 of 10.</td>' in page


def test_unlinking_records_what_was_linked_in_the_history(linked: Indicator) -> None:
    officer = Client()
    officer.force_login(make_user("officer-u", "performance officer"))
    series = PublishedSeries.objects.get(code__startswith="ees:CPP_subsequent_percent@")

    removed = officer.post("/benchmarks/indicators/CP-REPEAT/link/", {"remove": "on"})

    assert removed.status_code == 302
    unlink, link = linked.changes.filter(entity="benchmark")[:2]
    assert (link.before, link.after) == ("", f"{series.code} for Cheshire East")
    assert (unlink.field, unlink.before, unlink.after) == ("measure", f"{series.code} for Cheshire East", "")
    assert (unlink.changed_by_name, unlink.via) == ("officer-u", "web form")
    page = officer.get("/benchmarks/indicators/CP-REPEAT/").content.decode()
    assert f"<td>{series.code} for Cheshire East</td><td>Not linked</td>" in page
    history = officer.get("/indicators/CP-REPEAT/").content.decode()
    assert f"<td>{series.code} for Cheshire East</td><td></td>" in history


def test_the_unlink_service_records_the_link_and_group_it_removes_and_nothing_when_unlinked(demo: LoadResult) -> None:
    neet = Indicator.objects.get(code="NEET-16-18")
    before = neet.changes.count()

    assert indicator_link_remove(indicator=neet, via="command line") is True
    assert indicator_link_remove(indicator=neet) is False

    assert neet.changes.count() == before + 1
    change = neet.changes.first()
    assert change is not None
    assert (change.before, change.after, change.via, change.changed_by_name) == (
        "appendix-d:neet for Cheshire East, compared with “Appendix D neighbours, 2011”",
        "",
        "command line",
        "system",
    )
    assert not ComparatorValue.objects.filter(indicator=neet, source__startswith="DfE published figures").exists()


def test_the_benchmarks_home_reads_in_the_same_number_of_queries_however_many_links(
    linked: Indicator, client: Client
) -> None:
    series = PublishedSeries.objects.get(code__startswith="ees:CPP_subsequent_percent@")
    authority = LocalAuthority.objects.get(number="895")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/benchmarks/").status_code == 200
        return len(captured)

    few = queries()
    for indicator in Indicator.objects.exclude(pk=linked.pk).order_by("code")[:12]:
        indicator_link_save(indicator=indicator, series=series, authority=authority)
    assert IndicatorLink.objects.count() >= 13
    assert queries() == few
