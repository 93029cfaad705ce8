from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from oversight.benchmarks.ees import EesFile, EesRow, ees_parse, ees_read, number_of, symbol_of

PUBLISHED = Path(__file__).resolve().parent.parent / "data" / "published"
B1 = PUBLISHED / "dfe_csc_oe_b1_children_in_need_2013_to_2025.csv"
C1 = PUBLISHED / "dfe_csc_oe_c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
D3 = PUBLISHED / "dfe_csc_oe_d3_cpps_subsequent_plan_2013_to_2025.csv"
D5 = PUBLISHED / "dfe_csc_oe_d5_cpps_at31march_by_duration_2013_to_2025.csv"
STABILITY = PUBLISHED / "dfe_csc_oe_la_cla_placement_stability.csv"
ADOPTION = PUBLISHED / "dfe_csc_oe_national_cla_adopted_average_time_between_adoption_process_stages.csv"

HEADER = "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
HEADER += "old_la_code,new_la_code,la_name,category,count,percent\n"


def only(file: EesFile, **match: object) -> EesRow:
    found = [row for row in file.rows if all(getattr(row, key) == value for key, value in match.items())]
    assert len(found) == 1, found
    return found[0]


@pytest.fixture(scope="module")
def d3() -> EesFile:
    return ees_read(D3)


@pytest.mark.parametrize(
    ("path", "rows", "indicators", "filters"),
    [
        (B1, 2132, 8, ("category",)),
        (C1, 2132, 10, ("category",)),
        (D3, 2132, 3, ("category",)),
        (D5, 2132, 11, ("category",)),
        (STABILITY, 5010, 2, ("cla_group", "placement_stability")),
        (ADOPTION, 315, 0, ("cla_group", "stage_of_adoption_process", "age_start_poc", "number")),
    ],
)
def test_every_published_file_loads_without_problems(
    path: Path, rows: int, indicators: int, filters: tuple[str, ...]
) -> None:
    file = ees_read(path)

    assert file.issues == ()
    assert len(file.rows) == rows
    assert len(file.indicator_columns) == indicators
    assert file.filter_columns == filters


def test_england_2025_repeat_plans_is_24_5_percent(d3: EesFile) -> None:
    england = only(d3, time_period="2025", geographic_level="National")

    assert d3.indicator_columns == ("CPP_start", "CPP_subsequent", "CPP_subsequent_percent")
    assert (england.country_code, england.area_name, england.time_identifier) == (
        "E92000001",
        "England",
        "Reporting year",
    )
    assert england.value("CPP_subsequent_percent") == Decimal("24.5")
    assert england.value("CPP_start") == Decimal(61840)
    assert england.filters == {"category": "Child Protection Plans which are a second or subsequent plan"}
    assert england.region_code == england.la_name == ""


def test_suppressed_cell_keeps_its_symbol_and_meaning_and_has_no_value(d3: EesFile) -> None:
    scilly = only(d3, time_period="2025", old_la_code="420")
    hampshire = only(d3, time_period="2024", old_la_code="850")

    start = scilly.indicators["CPP_start"]
    assert (start.value, start.symbol, start.meaning) == (
        None,
        "c",
        "confidential: suppressed to protect confidentiality",
    )
    assert scilly.value("CPP_subsequent") == Decimal(0)  # a published zero stays a zero
    assert only(d3, time_period="2024", old_la_code="420").indicators["CPP_subsequent_percent"].symbol == "z"
    assert hampshire.indicators["CPP_subsequent_percent"].symbol == "u"
    assert hampshire.indicators["CPP_subsequent_percent"].meaning == "low reliability"


def test_london_inner_and_outer_rows_sit_beside_the_london_region(d3: EesFile) -> None:
    regional = {
        row.region_code: row for row in d3.rows if row.time_period == "2025" and row.geographic_level == "Regional"
    }
    camden = only(d3, time_period="2025", new_la_code="E09000007")

    assert regional["E12000007"].region_name == "London"
    assert regional["E13000001"].region_name == "Inner London"
    assert regional["E13000002"].region_name == "Outer London"
    assert regional["E13000001"].value("CPP_subsequent_percent") == Decimal(19)
    assert (camden.old_la_code, camden.la_name, camden.region_name) == ("202", "Camden", "Inner London")
    assert (
        len([row for row in d3.rows if row.time_period == "2025" and row.geographic_level == "Local authority"]) == 153
    )


def test_quoted_names_with_commas_stay_whole() -> None:
    bristol = only(ees_read(B1), time_period="2025", old_la_code="801")

    assert bristol.la_name == "Bristol, City of"
    assert bristol.value("Anypoint_episodes") == Decimal(5117)
    assert bristol.value("awaiting_assessment") == Decimal(86)


def test_byte_order_mark_is_dropped_and_columns_found_by_name_in_any_order() -> None:
    file = ees_read(STABILITY)
    cumbria = [row for row in file.rows if row.time_period == "2025" and row.old_la_code == "909"]

    assert STABILITY.read_bytes().startswith(b"\xef\xbb\xbf")
    assert file.rows[0].time_period == "2025"
    assert {row.new_la_code for row in cumbria} == {"E10000006"}  # la_name precedes new_la_code in this file
    assert {row.la_name for row in cumbria} == {"Cumbria"}
    assert {row.indicators["children_percent"].symbol for row in cumbria} == {"z"}
    total = only(
        file, time_period="2025", geographic_level="National", filters={
            "cla_group": "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years",
            "placement_stability": "Living with the same carer for at least 2 years",
        },
    )  # fmt: skip
    assert (total.value("children_count"), total.value("children_percent")) == (Decimal(19680), Decimal(69))


def test_durations_are_text_unless_named_and_then_each_bad_cell_is_reported() -> None:
    file = ees_read(ADOPTION, indicators=["number"])
    k_cell = file.rows[24].indicators["number"]

    assert file.indicator_columns == ("number",)
    assert (k_cell.symbol, k_cell.value, k_cell.meaning) == ("k", None, "rounds to 0 but is not 0 (older DfE form)")
    first = file.issues[0]
    assert (first.file, first.row, first.place) == (ADOPTION.name, 2, "number")
    assert first.message.startswith("'00:10' is neither a number nor a DfE symbol")
    # The column mixes durations (years:months) with counts of children; only the durations are reported.
    durations = [row.row for row in file.rows if len(row.indicators["number"].text) == 5]
    assert [issue.row for issue in file.issues] == durations
    assert len(durations) == 266
    assert sum(1 for row in file.rows if row.value("number") is not None) == 44


def test_symbols_old_and_new_and_numbers_in_every_published_form() -> None:
    camden = "202425,Academic year,Local authority,E92000001,England,E12000007,London,202,E09000007,Camden,All"
    text = HEADER + "".join(
        f"{camden},{count},{pct}\n"
        for count, pct in [
            ('"1,234"', "2.5E-3"), ("c", "low"), ("x", "z"), ("k", "u"), (":", "~"), ("", "[c]"), ("-7", ".5"),
        ]
    )  # fmt: skip

    file = ees_parse(text, source="inline.csv")

    assert file.issues == ()
    assert file.indicator_columns == ("count", "percent")
    assert [row.time_period for row in file.rows] == ["202425"] * 7
    cells = [(row.indicators["count"], row.indicators["percent"]) for row in file.rows]
    assert (cells[0][0].value, cells[0][1].value) == (Decimal(1234), Decimal("0.0025"))
    assert [(a.symbol, b.symbol) for a, b in cells[1:6]] == [
        ("c", "low"),
        ("x", "z"),
        ("k", "u"),
        (":", "~"),
        ("", "c"),
    ]
    assert all(a.value is None and b.value is None for a, b in cells[1:6])
    assert (cells[6][0].value, cells[6][1].value) == (Decimal(-7), Decimal("0.5"))


def test_caller_can_name_a_numeric_looking_column_a_filter() -> None:
    text = HEADER + "2025,Reporting year,National,E92000001,England,,,,,,All,5,10\n"

    file = ees_parse(text, source="inline.csv", indicators=["percent"])

    assert file.filter_columns == ("category", "count")
    assert file.rows[0].filters["count"] == "5"


@pytest.mark.parametrize(("text", "message"), [("NaN", "'NaN' is neither"), ("12,34", "'12,34' is neither")])
def test_values_that_are_not_numbers_are_reported_not_guessed(text: str, message: str) -> None:
    body = HEADER + f'2025,Reporting year,National,E92000001,England,,,,,,All,"{text}",1\n'

    file = ees_parse(body, source="inline.csv", indicators=["count", "percent"])

    assert [(issue.row, issue.place, issue.message[: len(message)]) for issue in file.issues] == [(2, "count", message)]
    assert file.rows[0].value("count") is None
    assert file.rows[0].indicators["count"].symbol is None


def test_ragged_rows_blank_keys_and_unknown_indicator_names_are_reported() -> None:
    body = HEADER + "2025,Reporting year,National,E92000001,England\n" + ",Reporting year,National,,,,,,,,All,1,2\n"

    file = ees_parse(body, source="inline.csv", indicators=["count", "rate"])

    assert [str(issue) for issue in file.issues] == [
        "inline.csv, row 1, column 'rate': is named as an indicator but is not a figure column here.",
        "inline.csv, row 2: has 5 cells but the header has 13; the row was skipped.",
        "inline.csv, row 3, column 'time_period': is blank; every EES row needs it.",
    ]


def test_a_file_without_the_ees_columns_is_rejected_whole() -> None:
    file = ees_parse("la,value\nCamden,1\n", source="other.csv")

    assert file.rows == ()
    assert [str(issue) for issue in file.issues] == [
        "other.csv, row 1: Missing column(s) time_period, time_identifier, geographic_level: "
        "this does not look like an EES data file."
    ]


def test_a_file_that_is_not_utf8_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        HEADER.encode() + "2025,Reporting year,National,E92000001,England,,,,,,Caf\xe9,1,2\n".encode("latin-1")
    )

    file = ees_read(path)

    assert file.rows == ()
    assert file.issues[0].message.startswith("The file is not UTF-8 text")


def test_symbol_and_number_helpers() -> None:
    assert [symbol_of(text) for text in ("c", " low ", "[x]", "", "C", "[]", "cc")] == [
        "c",
        "low",
        "x",
        "",
        None,
        None,
        None,
    ]
    assert [number_of(text) for text in ("1,234.5", "1e3", "Infinity", "1,23", "")] == [
        Decimal("1234.5"), Decimal("1e3"), None, None, None,
    ]  # fmt: skip


def test_durations_are_read_as_months_when_asked() -> None:
    file = ees_read(ADOPTION, durations=True)

    assert file.issues == ()
    assert file.indicator_columns == ("number",)
    cells = [row.indicators["number"] for row in file.rows]
    assert (cells[0].text, cells[0].value) == ("00:10", Decimal(10))
    over_a_year = next(cell for cell in cells if cell.text == "01:10")
    assert over_a_year.value == Decimal(22)
    assert next(cell for cell in cells if cell.text == "2160").value == Decimal(2160)
