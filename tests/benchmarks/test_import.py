"""Importing published files: every file in tests/data/published loads, symbols survive as reasons,
re-import changes nothing, and a file with a problem writes nothing."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from oversight.benchmarks.importers import FileKind, detect, year_end
from oversight.benchmarks.models import (
    AuthorityCode,
    LocalAuthority,
    NeighbourSet,
    PublishedSeries,
    PublishedValue,
    Reorganisation,
    SourceFile,
)
from oversight.benchmarks.reference import reference_load
from oversight.benchmarks.services import published_import
from tests.conftest import DATA

PUBLISHED = DATA / "published"
C1 = PUBLISHED / "dfe_csc_oe_c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
D3 = PUBLISHED / "dfe_csc_oe_d3_cpps_subsequent_plan_2013_to_2025.csv"
LAIT = PUBLISHED / "lait_bds_long_slice.parquet"
LAIT_DICTIONARY = PUBLISHED / "lait_data_dictionary_slice.csv"
ALL_FILES = sorted(PUBLISHED.glob("*.csv")) + [LAIT]


def _raw_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.django_db
def test_every_published_file_and_the_lait_slice_import() -> None:
    result = published_import(ALL_FILES)

    assert result.ok, [str(issue) for issue in result.issues]
    assert result.files == 9
    assert result.created == result.rows == PublishedValue.objects.count()
    assert SourceFile.objects.count() == 9
    assert result.neighbour_sets == ["April 2021"]
    # The 170 LAIT rows for year '0' are left out, and said so.
    assert result.notes == ["lait_bds_long_slice.parquet: 170 row(s) left out: the year '0' is not a period."]
    # One value per figure cell: the re-referral file has 10 figure columns, each for every row kept.
    c1_rows = _raw_rows(C1)
    c1_values = PublishedValue.objects.filter(source__name=C1.name).count()
    assert c1_values == len(c1_rows) * 10


@pytest.mark.django_db
def test_suppression_symbols_survive_as_reasons_never_as_zero() -> None:
    published_import([C1, D3])
    expected: dict[str, int] = {}
    for path, column in ((C1, "rereferral_percent"), (D3, "CPP_subsequent_percent")):
        for row in _raw_rows(path):
            if row[column] in ("c", "x", "u", "k", "z", "low"):
                expected[row[column]] = expected.get(row[column], 0) + 1
                if row["geographic_level"] == "Local authority":
                    stored = PublishedValue.objects.get(
                        series__code__startswith=f"ees:{column}@", period=row["time_period"], place=row["old_la_code"]
                    )
                    assert stored.value is None
                    assert stored.reason == row[column]
    assert expected, "the files hold suppressed cells"
    stored_reasons = {
        symbol: PublishedValue.objects.filter(series__code__startswith="ees:rereferral_percent@", reason=symbol).count()
        + PublishedValue.objects.filter(series__code__startswith="ees:CPP_subsequent_percent@", reason=symbol).count()
        for symbol in expected
    }
    assert stored_reasons == expected


@pytest.mark.django_db
def test_lait_values_keep_scientific_notation_and_the_dash() -> None:
    published_import([LAIT_DICTIONARY, LAIT])
    connection = duckdb.connect()
    rows = connection.execute(
        """SELECT "Short Desc", "Years", CAST("LA Number" AS INTEGER), "Values" FROM read_parquet(?)
           WHERE "Values" ILIKE '%E%' OR "Values" = '-' ORDER BY "Values" = '-', 1, 2, 3""",
        [str(LAIT)],
    ).fetchall()
    scientific = [row for row in rows if row[3] != "-"]
    dashes = [row for row in rows if row[3] == "-"]
    assert scientific
    assert dashes
    short, years, number, text = scientific[0]
    stored = PublishedValue.objects.get(series__code=f"lait:{short}", period=years, place=str(number))
    assert stored.value == Decimal(text).quantize(Decimal("1e-8"))
    dash_places = {(f"lait:{s}", y, str(n)) for s, y, n, _ in dashes if n < 970 and y != "0"}
    stored_dashes = {
        (value.series.code, value.period, value.place)
        for value in PublishedValue.objects.filter(reason="-", level="la").select_related("series")
    }
    assert stored_dashes == dash_places
    assert PublishedValue.objects.filter(reason="-", value__isnull=False).count() == 0
    # Titles and polarity come from the data dictionary.
    series = PublishedSeries.objects.get(code="lait:ReReferral")
    assert series.title == "Re-referrals to children's social care within 12 months of the previous referral (%)"
    assert series.polarity == "lower"
    england = PublishedValue.objects.get(series=series, period="2025", place="E92000001")
    assert england.level == "england"


@pytest.mark.django_db
def test_reimport_is_idempotent() -> None:
    files = [D3, LAIT_DICTIONARY, LAIT, PUBLISHED / "dfe_csc_oe_New_Statistical_Neighbour_Groupings_April_2021.csv"]
    first = published_import(files)
    count = PublishedValue.objects.count()
    ids = set(PublishedValue.objects.values_list("id", flat=True)[:500])

    second = published_import(files)

    assert second.ok
    assert (second.created, second.updated, second.unchanged) == (0, 0, first.rows)
    assert PublishedValue.objects.count() == count
    assert ids <= set(PublishedValue.objects.values_list("id", flat=True))
    assert SourceFile.objects.count() == 4
    assert NeighbourSet.objects.count() == 2


@pytest.mark.django_db
def test_a_revised_figure_is_updated_and_its_source_recorded(tmp_path: Path) -> None:
    published_import([D3])
    text = D3.read_text(encoding="utf-8")
    revised = tmp_path / "d3_revised.csv"
    old = '2025,Reporting year,National,E92000001,England,"","",,"","",Child Protection Plans which are a second or subsequent plan,61840,15130,24.5'  # noqa: E501
    assert old in text
    revised.write_text(text.replace(old, old.removesuffix("24.5") + "24.6"), encoding="utf-8")

    result = published_import([revised])

    assert (result.created, result.updated) == (0, 1)
    stored = PublishedValue.objects.get(
        series__code__startswith="ees:CPP_subsequent_percent@", period="2025", place="E92000001"
    )
    assert stored.value == Decimal("24.6")
    assert stored.source.name == "d3_revised.csv"


@pytest.mark.django_db
def test_a_file_with_an_unknown_authority_rejects_the_whole_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    shutil.copy(D3, bad)
    lines = bad.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if ",Local authority," in line)
    fields = next(csv.reader([lines[row]]))
    fields[7] = "999"
    fields[8] = "E99999999"
    lines[row] = ",".join(f'"{f}"' if "," in f else f for f in fields)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = published_import([C1, bad])

    assert not result.ok
    assert [(issue.file, issue.row, issue.place) for issue in result.issues] == [("bad.csv", row + 1, "old_la_code")]
    assert "is not a known local authority" in result.issues[0].message
    assert PublishedValue.objects.count() == 0
    assert SourceFile.objects.count() == 0


@pytest.mark.django_db
def test_an_unrecognised_file_is_refused_with_what_was_expected(tmp_path: Path) -> None:
    other = tmp_path / "notes.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    result = published_import([other])
    assert not result.ok
    assert "Explore Education Statistics" in result.issues[0].message


def test_files_are_told_apart_by_their_contents() -> None:
    assert detect(C1) is FileKind.EES
    assert detect(LAIT) is FileKind.LAIT
    assert detect(LAIT_DICTIONARY) is FileKind.LAIT_DICTIONARY
    assert detect(PUBLISHED / "dfe_csc_oe_New_Statistical_Neighbour_Groupings_April_2021.csv") is FileKind.NEIGHBOURS


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2025", 2025),
        ("2024-25", 2025),
        ("2021/22", 2022),
        ("202425", 2025),
        ("2014-16", 2016),
        ("2013/14-15/16", 2016),
        ("2025 (Rev)", 2025),
        ("2099-00", 2100),
        ("0", None),
        ("June 2011", None),
    ],
)
def test_year_end_reads_every_form_of_published_year(period: str, expected: int | None) -> None:
    assert year_end(period) == expected


@pytest.mark.django_db
def test_reference_data_follows_authorities_across_code_changes_and_reorganisations() -> None:
    first = reference_load()
    again = reference_load()
    assert first.issues == again.issues == []
    assert LocalAuthority.objects.count() == first.authorities == again.authorities

    cheshire_east = LocalAuthority.objects.get(number="895")
    assert (cheshire_east.name, cheshire_east.code, cheshire_east.region.name) == (  # type: ignore[union-attr]
        "Cheshire East",
        "E06000049",
        "North West",
    )
    successors = Reorganisation.objects.filter(predecessor__name="Cheshire").values_list("successor__name", flat=True)
    assert sorted(successors) == ["Cheshire East", "Cheshire West and Chester"]
    for name, old, new in (
        ("North Yorkshire", "E10000023", "E06000065"),
        ("Somerset", "E10000027", "E06000066"),
        ("Buckinghamshire", "E10000002", "E06000060"),
    ):
        authority = LocalAuthority.objects.get(name=name)
        assert set(AuthorityCode.objects.filter(authority=authority).values_list("code", flat=True)) == {old, new}
        assert authority.code == new
    northamptonshire = LocalAuthority.objects.get(number="928")
    assert str(northamptonshire.ended) == "2021-03-31"
    assert sorted(northamptonshire.successions.values_list("successor__number", flat=True)) == ["940", "941"]


@pytest.mark.django_db
def test_a_row_under_an_authoritys_old_code_joins_its_series(tmp_path: Path) -> None:
    path = tmp_path / "old_code.csv"
    path.write_text(
        "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
        "old_la_code,new_la_code,la_name,rate\n"
        "2022,Reporting year,Local authority,E92000001,England,E12000003,Yorkshire and The Humber,,E10000023,"
        "North Yorkshire,31.5\n"
        "2024,Reporting year,Local authority,E92000001,England,E12000003,Yorkshire and The Humber,,E06000065,"
        "North Yorkshire,29.0\n",
        encoding="utf-8",
    )
    result = published_import([path])
    assert result.ok, result.issues
    assert list(PublishedValue.objects.order_by("year_end").values_list("place", "value")) == [
        ("815", Decimal("31.5")),
        ("815", Decimal("29.0")),
    ]
