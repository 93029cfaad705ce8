"""The children's social work workforce census: read, refused whole when damaged, pseudonymised, and its measures.

Every figure here was counted by hand from the files in tests/data/workforce (SOURCES.md there says what each
holds): the LIIA sample (a council of 30 workers, 21 in post at 30 September 2022) and a census written for
these tests with one of each edge.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from oversight.casework.engine import measure_card, measure_compute, measure_records
from oversight.casework.issues import CaseworkError
from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.readers import Format, detect_format
from oversight.casework.store import CaseworkStore
from oversight.core.periods import parse_period
from tests.processes import oversight_env, oversight_run

from .conftest import TEST_KEY
from .pandas_reference import GROUPS, Returns, engine_catalogue, pandas_catalogue
from .test_views import _client

DATA = Path(__file__).resolve().parent.parent / "data" / "workforce"
SAMPLE = DATA / "liia_social_work_workforce_2022_sample.xml"
HAND_MADE = DATA / "hand_made_2023.xml"
SAMPLE_LA, HAND_MADE_LA = "E09000002", "E06000049"  # LEA 301 (Barking and Dagenham), 895 (Cheshire East)
MEASURES = [measure.__name__ for measure in GROUPS["workforce"]]


def _figures(store: CaseworkStore, measure: str, period: str, la: str) -> tuple[object, object, object]:
    (result,) = measure_compute(store, measure_card(measure), parse_period(period), la=la)
    return result.numerator, result.denominator, result.value


@pytest.fixture
def loaded(store: CaseworkStore, pseudonymiser: Pseudonymiser) -> CaseworkStore:
    result = store.load([SAMPLE, HAND_MADE], pseudonymiser=pseudonymiser)
    assert result.issues == []
    return store


def test_a_workforce_census_is_recognised_by_its_content(tmp_path: Path) -> None:
    renamed = tmp_path / "returns.xml"
    renamed.write_bytes(SAMPLE.read_bytes())
    assert detect_format(renamed) is Format.WORKFORCE_XML
    assert detect_format(HAND_MADE) is Format.WORKFORCE_XML


def test_the_census_is_stored_with_its_council_census_date_and_year(loaded: CaseworkStore) -> None:
    assert loaded.query(
        "SELECT la, census_date, year_ending, count(*), count(*) FILTER (WHERE agency_worker), "
        "count(DISTINCT child) FROM csww_workers GROUP BY ALL ORDER BY la"
    ) == [(HAND_MADE_LA, date(2023, 9, 30), 2024, 7, 1, 7), (SAMPLE_LA, date(2022, 9, 30), 2023, 30, 18, 30)]
    assert loaded.query(
        "SELECT la, census_date, year_ending, vacancies_fte, agency_cover_fte, agency_cover_headcount "
        "FROM csww_vacancies ORDER BY la"
    ) == [
        (HAND_MADE_LA, date(2023, 9, 30), 2024, Decimal("0.50"), Decimal("0.50"), 1),
        (SAMPLE_LA, date(2022, 9, 30), 2023, Decimal("79.68"), Decimal("59.82"), 71),
    ]
    # The sample's first worker, as the file gives it (source_row is its position among the workers).
    assert loaded.query(
        "SELECT agency_worker, fte, fte30, gender, ethnicity, role_start, start_origin, role_end, cases30, "
        "working_days_lost, contract_weeks, absent_30_sept, reason_absence, cfkss_status FROM csww_workers "
        "WHERE la = $la AND source_row = 1",
        {"la": SAMPLE_LA},
    ) == [
        (True, Decimal("0.521371"), None, "1", "REFU", date(1988, 4, 7), "9", None, 72, Decimal("15.31"),
         Decimal("288.7"), False, "TRN", "1")
    ]  # fmt: skip
    assert {row[0] for row in loaded.query("SELECT table_name FROM loads")} == {"csww_workers", "csww_vacancies"}


def test_the_sample_gives_the_hand_counted_figures(loaded: CaseworkStore) -> None:
    # In post on 30 September 2022: 21 of the 30 (13 agency, 6.811865 FTE; 8 employed, 3.406188 FTE).
    figures = {measure: _figures(loaded, measure, "2022-23", SAMPLE_LA) for measure in MEASURES}
    assert figures == {
        "workforce_agency_rate": (Decimal("6.811865"), Decimal("10.218053"), Decimal("66.6650")),
        "workforce_vacancy_rate": (Decimal("79.68"), Decimal("83.086188"), Decimal("95.9004")),
        # No employed worker left in the year to 30 September 2022 (the end dates are in 2018, 2019 and 2023).
        "workforce_turnover_rate": (Decimal(0), Decimal("3.406188"), Decimal(0)),
        "workforce_absence_rate": (Decimal(387), Decimal("861.765564"), Decimal("44.9078")),
        # 4 employed case holders in post: 225 cases over 1.173096 FTE.
        "workforce_caseload": (Decimal(225), Decimal("1.173096"), Decimal("191.8002")),
    }


def test_each_edge_of_the_hand_made_census_counts_as_its_card_says(loaded: CaseworkStore) -> None:
    figures = {measure: _figures(loaded, measure, "2023-24", HAND_MADE_LA) for measure in MEASURES}
    assert figures == {
        # The agency worker's 0.5 of 2.0 FTE in post (1.0 and 0.5 employed): the starter after the census is out.
        "workforce_agency_rate": (Decimal("0.5"), Decimal("2.0"), Decimal("25.0000")),
        # 0.5 FTE vacant of 0.5 + 1.5.
        "workforce_vacancy_rate": (Decimal("0.5"), Decimal("2.0"), Decimal("25.0000")),
        # Leavers 0.8 (June 2023) and 0.5 (on the census date); the one who left a year before the census is not.
        "workforce_turnover_rate": (Decimal("1.3"), Decimal("1.5"), Decimal("86.6667")),
        # 10.5 days of 1.5 x 253; the leaver's 30 days are not counted.
        "workforce_absence_rate": (Decimal("10.5"), Decimal("379.5"), Decimal("2.7668")),
        # 20 + 9 cases over 1.5 FTE; the agency worker's and the leaver's cases are not counted.
        "workforce_caseload": (Decimal(29), Decimal("1.5"), Decimal("19.3333")),
    }
    leavers = measure_records(
        loaded, measure_card("workforce_turnover_rate"), parse_period("2023-24"), la=HAND_MADE_LA, part="numerator"
    )
    assert sorted(record.evidence for record in leavers.records) == [
        "Social worker in the census of 30/09/2023, started 01/03/2019, left 30/09/2023, FTE 0.500000",
        "Social worker in the census of 30/09/2023, started 01/09/2010, left 30/06/2023, FTE 0.800000",
    ]


def test_a_period_takes_the_census_of_its_30_september(loaded: CaseworkStore) -> None:
    # The quarter with 30 September in it has the census's figure; one without has none, and says why.
    assert _figures(loaded, "workforce_vacancy_rate", "2022-23-Q2", SAMPLE_LA)[2] == Decimal("95.9004")
    (first,) = measure_compute(loaded, measure_card("workforce_vacancy_rate"), parse_period("2022-23-Q1"), la=SAMPLE_LA)
    assert first.value is None
    assert first.no_value_reason is not None
    assert "30 September" in first.no_value_reason
    with pytest.raises(CaseworkError, match="run to 31 March 2023"):
        measure_compute(loaded, measure_card("workforce_vacancy_rate"), parse_period("2023-24"), la=SAMPLE_LA)


@pytest.mark.parametrize(
    ("census", "periods"),
    [(SAMPLE, ("2022-23", "2022-23-Q1", "2022-23-Q2")), (HAND_MADE, ("2022-23", "2023-24", "2023-24-Q2"))],
)
def test_the_pandas_version_agrees(
    store: CaseworkStore, pseudonymiser: Pseudonymiser, census: Path, periods: tuple[str, ...]
) -> None:
    store.load([census], pseudonymiser=pseudonymiser)
    returns = Returns.from_store(store)
    for period in periods:
        window = parse_period(period)
        assert engine_catalogue(store, period, MEASURES) == pandas_catalogue(
            returns, window.start, window.end, MEASURES
        ), period


def _damaged(tmp_path: Path, old: str, new: str, name: str = "damaged.xml") -> Path:
    path = tmp_path / name
    text = HAND_MADE.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_damaged_census_is_refused_whole_naming_each_xml_path(
    store: CaseworkStore, pseudonymiser: Pseudonymiser, tmp_path: Path
) -> None:
    damaged = _damaged(tmp_path, "<FTE>0.800000</FTE>", "<FTE>eighty percent</FTE>")
    damaged.write_text(
        damaged.read_text(encoding="utf-8")
        .replace("<SWENo>SW0000000005</SWENo>", "<SWENo> </SWENo>")
        .replace("<RoleEndDate>2023-06-30</RoleEndDate>", "<RoleEndDate>30 June</RoleEndDate>"),
        encoding="utf-8",
    )
    result = store.load([SAMPLE, damaged], pseudonymiser=pseudonymiser)
    assert [str(issue) for issue in result.issues] == [
        "damaged.xml, at /Message/CSWWWorker[3]/FTE: 'eighty percent' is not a number",
        "damaged.xml, at /Message/CSWWWorker[3]/RoleEndDate: '30 June' is not a date (yyyy-mm-dd)",
        "damaged.xml, at /Message/CSWWWorker[5]/SWENo: is missing; every worker needs one",
    ]
    assert result.rows == 0
    assert not store.exists  # the good sample beside it was not kept either


def test_a_census_without_its_council_row_or_date_is_refused(
    store: CaseworkStore, pseudonymiser: Pseudonymiser, tmp_path: Path
) -> None:
    no_date = _damaged(tmp_path, "<Year>2023</Year>\n      <ReferenceDate>2023-09-30</ReferenceDate>", "")
    no_date.write_text(
        no_date.read_text(encoding="utf-8").replace("<NoAgencyHeadcount>1</NoAgencyHeadcount>", ""), encoding="utf-8"
    )
    result = store.load([no_date], pseudonymiser=pseudonymiser)
    assert [str(issue) for issue in result.issues] == [
        "damaged.xml, at /Message/LALevelVacancies/NoAgencyHeadcount: is missing; the census needs it",
        "damaged.xml, at /Message/Header/CollectionDetails/ReferenceDate: is missing, and there is no Year to tell "
        "the census date by",
    ]


def test_hostile_or_broken_xml_is_refused(store: CaseworkStore, pseudonymiser: Pseudonymiser, tmp_path: Path) -> None:
    entity = _damaged(
        tmp_path,
        "<Message>",
        '<!DOCTYPE Message [<!ENTITY lol "lol">]>\n<Message>',
        name="entity.xml",
    )
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(HAND_MADE.read_bytes()[:2000])
    result = store.load([entity, truncated], pseudonymiser=pseudonymiser)
    messages = [str(issue) for issue in result.issues]
    assert len(messages) == 2
    assert messages[0].startswith("entity.xml: ")
    assert "DTD" in messages[0]
    assert messages[1].startswith("truncated.xml: the XML is not well formed at line")
    assert not store.exists


def test_workers_are_pseudonymised_and_their_numbers_never_stored(
    store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    store.load([SAMPLE, HAND_MADE], pseudonymiser=pseudonymiser)
    numbers = [line.split("<SWENo>")[1].split("<")[0] for p in (SAMPLE, HAND_MADE)
               for line in p.read_text(encoding="utf-8").splitlines() if "<SWENo>" in line]  # fmt: skip
    assert len(numbers) == 37
    expected = pseudonymiser.child(SAMPLE_LA, numbers[0])
    assert store.query("SELECT count(*) FROM csww_workers WHERE child = $c", {"c": expected}) == [(1,)]
    # No column of any table holds a number, as text or inside text.
    for table, column in store.query(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_catalog = 'store'"
    ):
        found = store.query(
            f'SELECT count(*) FROM "{table}" WHERE list_has_any(regexp_extract_all(CAST("{column}" AS VARCHAR), '
            "'[A-Za-z]{2}[0-9]{10}'), $numbers)",
            {"numbers": numbers},
        )
        assert found == [(0,)], (table, column)
    store.close()
    stored = b"".join(p.read_bytes() for p in store.path.parent.glob(f"{store.path.name}*") if p.is_file())
    assert stored
    assert not [number for number in numbers if number.encode() in stored]


def test_loading_the_census_again_adds_nothing(
    store: CaseworkStore, pseudonymiser: Pseudonymiser, tmp_path: Path
) -> None:
    store.load([HAND_MADE], pseudonymiser=pseudonymiser)
    assert store.load([HAND_MADE], pseudonymiser=pseudonymiser).skipped == [HAND_MADE.name]
    resaved = _damaged(tmp_path, "<Cases30>20</Cases30>", "<Cases30>21</Cases30>", name="resaved.xml")
    result = store.load([resaved], pseudonymiser=pseudonymiser)
    assert result.issues == []
    assert result.tables["csww_workers"].new == 0
    assert store.query("SELECT count(*), sum(cases30) FROM csww_workers") == [(7, 57)]


def test_validate_checks_the_census_against_its_schema(store: CaseworkStore, pseudonymiser: Pseudonymiser) -> None:
    # The LIIA sample leaves out QualInst, which the schema requires of every worker; the hand-made one matches.
    refused = store.load([SAMPLE], pseudonymiser=pseudonymiser, validate=True)
    assert len(refused.issues) == 12
    assert str(refused.issues[0]).startswith(
        f"{SAMPLE.name}, at /Message/CSWWWorker[4]/QualLevel: does not match the workforce census schema (line 86):"
    )
    assert store.load([HAND_MADE], pseudonymiser=pseudonymiser, validate=True).issues == []


def test_the_command_loads_the_census_by_its_content(tmp_path: Path) -> None:
    env = {**oversight_env(tmp_path), "OVERSIGHT_PSEUDONYM_KEY": TEST_KEY.decode()}
    loaded = oversight_run(["casework", "load", str(HAND_MADE), "--la", HAND_MADE_LA], env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.splitlines()[:3] == [
        f"Loaded 1 file(s) for {HAND_MADE_LA} into {tmp_path / 'casework.duckdb'}.",
        "  csww_vacancies: 1 row (1 new)",
        "  csww_workers: 7 rows (7 new)",
    ]


def test_the_records_page_lists_the_workers_behind_a_rate(
    tmp_path: Path, settings: Any, db: None, pseudonymiser: Pseudonymiser
) -> None:
    settings.OVERSIGHT_CASEWORK_STORE = tmp_path / "workforce.duckdb"
    with CaseworkStore(settings.OVERSIGHT_CASEWORK_STORE) as store:
        store.load([HAND_MADE], pseudonymiser=pseudonymiser)
    client = _client("reader", "case-level access")
    text = client.get("/casework/measures/workforce_turnover_rate/2023-24/records/?list=numerator").content.decode()
    # The figure is of amounts (FTE); the lists count the workers behind it.
    assert "1.300000 of 1.500000: 86.7%." in text
    assert "In the denominator (4)" in text
    assert "In the numerator: records 1 to 2 of 2" in text
    assert "started 01/09/2010, left 30/06/2023, FTE 0.800000" in text
