"""Loading CIN census XML: streamed, both schema vintages, rejected whole with XML paths, quality kept as data."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.readers import Format, detect_format
from oversight.casework.readers.validation import schema_year
from oversight.casework.store import CaseworkStore

from .conftest import CIN

CITY = "E09000001"  # LEA 201 in the samples' headers


def census(*children: str, lea: str = "895", reference: str = "2023-03-31") -> str:
    return (
        "<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2023</Year>"
        f"<ReferenceDate>{reference}</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel>"
        f"<LEA>{lea}</LEA></Source></Header><Children>{''.join(children)}</Children></Message>"
    )


def child(child_id: str, details: str, *, sex: str = "<GenderCurrent>1</GenderCurrent>") -> str:
    return (
        f"<Child><ChildIdentifiers><LAchildID>{child_id}</LAchildID><UPN>A123456789012</UPN>"
        f"<PersonBirthDate>2015-05-01</PersonBirthDate>{sex}</ChildIdentifiers>"
        f"<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>{details}</Child>"
    )


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_census_samples_load_with_both_sex_vintages_and_their_faults_kept_as_data(
    store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    names = ["d2i_CIN_Census_2021.xml", "d2i_CIN_Census_2024.xml", "d2i_CIN2rows.xml", "liia_BAR_cin_2022.xml"]
    result = store.load([CIN / n for n in names] + [CIN / "d2i_CIN_Census_2026.xml"], pseudonymiser=pseudonymiser)
    assert result.ok, result.issues
    assert result.las == (CITY,)
    assert [str(n) for n in result.notices] == [
        "d2i_CIN_Census_2026.xml, at /Message/Children/Child[1]/CINdetails[1]/PreProceedingsandFGDM[1]: "
        "PreProceedingsandFGDM is not part of the CIN census as oversight reads it; not loaded"
    ]
    # The 2026 return (census date 31 March 2024, the latest) wins for the example child, and its sex is M
    # whether written GenderCurrent 1 (2021-2024) or Sex 1/M (2026).
    assert store.query("SELECT sex, birth_date, return_year FROM cin_children ORDER BY birth_date") == [
        ("M", date(2015, 3, 27), 2024),
        ("M", date(2023, 9, 25), 2024),
    ]
    assert store.query("SELECT count(*), count(DISTINCT child) FROM cin_episodes") == [(3, 2)]
    assert result.quality == {
        "cin_date_after_census": 2,
        "duplicate_row": 2,
        "unknown_code": 2,
        "cin_assessment_ends_before_start": 1,
        "cin_assessment_open_past_timescale": 1,
    }
    issues = [str(i) for i in store.quality_issues()]
    assert (
        "d2i_CIN2rows.xml, at /Message/Children/Child[1]/CINdetails[1]/Assessments[1]/AssessmentAuthorisationDate: "
        "the assessment started 24/01/2023 was still open at the census date 31/03/2024, 298 working days later "
        "(the timescale is 45)"
    ) in issues
    assert (
        "d2i_CIN2rows.xml, at /Message/Children/Child[1]/CINdetails[1]/ChildProtectionPlans[2]: repeats an earlier "
        "record (the same child and REFERRAL_DATE, START_DATE); not loaded"
    ) in issues
    assert (
        "d2i_CIN_Census_2026.xml, at /Message/Children/Child[1]/CINdetails[1]/Assessments[1]/"
        "AssessmentActualStartDate: the assessment is dated 28/04/2028, after the census date 31/03/2024"
    ) in issues
    # UPNs are never stored, nor the child's identifier.
    dump = str(store.query("SELECT * FROM cin_children")) + str(store.query("SELECT * FROM cin_episodes"))
    assert "A123456789123" not in dump
    assert "DfEX0000001" not in dump


def test_a_council_number_that_is_not_known_rejects_the_file_until_la_is_given(
    store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    path = CIN / "d2i_fake_CIN_data_332children.xml"
    rejected = store.load([path], pseudonymiser=pseudonymiser)
    assert [str(i) for i in rejected.issues] == [
        "d2i_fake_CIN_data_332children.xml, at /Message/Header/Source/LEA: '975' is not a council number oversight "
        "knows; give the council's ONS code with --la"
    ]
    assert not store.exists
    result = store.load([path], pseudonymiser=pseudonymiser, la="E06000049")
    assert result.ok
    assert {t: load.rows for t, load in result.tables.items()} == {
        "cin_children": 332,
        "cin_disabilities": 117,
        "cin_episodes": 402,
    }
    # Booleans written true/false are read.
    assert store.query("SELECT referral_nfa, count(*) FROM cin_episodes GROUP BY ALL") == [(True, 402)]
    again = store.load([path], pseudonymiser=pseudonymiser, la="E06000049")
    assert again.skipped == ["d2i_fake_CIN_data_332children.xml"]
    assert store.query("SELECT count(*) FROM cin_episodes") == [(402,)]


def test_a_file_with_structural_problems_is_rejected_whole_with_every_problem_at_its_xml_path(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    good = write(
        tmp_path,
        "good.xml",
        census(child("A1", "<CINdetails><CINreferralDate>2022-06-01</CINreferralDate><ReferralNFA>0</ReferralNFA>"
                           "</CINdetails>")),
    )  # fmt: skip
    bad = write(
        tmp_path,
        "bad.xml",
        census(
            child(
                "B1",
                "<CINdetails><CINreferralDate>31/02/2022</CINreferralDate><ReferralNFA>perhaps</ReferralNFA>"
                "<Assessments><AssessmentAuthorisationDate>2022-07-01</AssessmentAuthorisationDate></Assessments>"
                "</CINdetails>",
            ),
            child("", "<CINdetails><CINreferralDate>2022-06-01</CINreferralDate></CINdetails>"),
            child(
                "B3",
                "<CINdetails><ReferralSource>1A</ReferralSource><ChildProtectionPlans><CPPstartDate>2022-08-01"
                "</CPPstartDate><NumberOfPreviousCPP>two</NumberOfPreviousCPP></ChildProtectionPlans></CINdetails>",
            ),
        ),
    )
    result = store.load([good, bad], pseudonymiser=pseudonymiser)
    assert [str(i) for i in result.issues] == [
        "bad.xml, at /Message/Children/Child[1]/CINdetails[1]/CINreferralDate: '31/02/2022' is not a date; "
        "write dates as yyyy-mm-dd",
        "bad.xml, at /Message/Children/Child[1]/CINdetails[1]/ReferralNFA: 'perhaps' is not a yes/no value; "
        "use 1 or true for yes, 0 or false for no",
        "bad.xml, at /Message/Children/Child[1]/CINdetails[1]/Assessments[1]/AssessmentActualStartDate: is missing; "
        "every Assessments needs its AssessmentActualStartDate",
        "bad.xml, at /Message/Children/Child[2]/ChildIdentifiers/LAchildID: is missing or blank; every child needs "
        "its LAchildID",
        "bad.xml, at /Message/Children/Child[3]/CINdetails[1]/CINreferralDate: is missing; every CINdetails needs "
        "its CINreferralDate",
        "bad.xml, at /Message/Children/Child[3]/CINdetails[1]/ChildProtectionPlans[1]/NumberOfPreviousCPP: 'two' is "
        "not a whole number of 0 or more",
    ]
    assert not store.exists  # the good file was not loaded either


def test_xml_that_is_not_well_formed_or_declares_entities_is_refused(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    laughs = write(
        tmp_path,
        "laughs.xml",
        '<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        + census(child("A1", "<CINdetails><CINreferralDate>&b;</CINreferralDate></CINdetails>")),
    )
    broken = write(tmp_path, "broken.xml", census(child("A1", "<CINdetails><CINreferralDate>2022-06-01")))
    result = store.load([laughs, broken], pseudonymiser=pseudonymiser)
    messages = [str(i) for i in result.issues]
    assert messages[0].startswith("laughs.xml: the file declares a DTD or entities")
    assert messages[1].startswith("broken.xml: the XML is not well formed at line 1")
    assert not store.exists


def test_records_are_keyed_so_a_later_census_replaces_an_episode_it_reports_again(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    open_episode = (
        "<CINdetails><CINreferralDate>2023-02-01</CINreferralDate><ReferralNFA>false</ReferralNFA>"
        "<Assessments><AssessmentActualStartDate>2023-02-03</AssessmentActualStartDate></Assessments>"
        "<Section47><S47ActualStartDate>2023-02-02</S47ActualStartDate><DateOfInitialCPC>2023-02-20"
        "</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired></Section47></CINdetails>"
    )
    closed_episode = (
        "<CINdetails><CINreferralDate>2023-02-01</CINreferralDate><CINclosureDate>2023-09-01</CINclosureDate>"
        "<ReasonForClosure>RC9</ReasonForClosure><ReferralNFA>0</ReferralNFA>"
        "<Assessments><AssessmentActualStartDate>2023-02-03</AssessmentActualStartDate>"
        "<AssessmentAuthorisationDate>2023-03-30</AssessmentAuthorisationDate><FactorsIdentifiedAtAssessment>"
        "<AssessmentFactors>2A</AssessmentFactors><AssessmentFactors>3b</AssessmentFactors>"
        "</FactorsIdentifiedAtAssessment></Assessments></CINdetails>"
    )
    first = write(tmp_path, "2023.xml", census(child("C1", open_episode)))
    second = write(
        tmp_path, "2024.xml", census(child("C1", closed_episode, sex="<Sex>F</Sex>"), reference="2024-03-31")
    )
    assert store.load([second], pseudonymiser=pseudonymiser).ok
    assert store.load([first], pseudonymiser=pseudonymiser).ok  # an earlier census loaded later changes nothing
    assert store.query("SELECT closure_date, reason_for_closure, referral_nfa, return_year FROM cin_episodes") == [
        (date(2023, 9, 1), "RC9", False, 2024)
    ]
    assert store.query("SELECT authorisation_date, factors FROM cin_assessments") == [(date(2023, 3, 30), "2A 3B")]
    assert store.query("SELECT start_date, icpc_date, icpc_not_required FROM cin_s47") == [
        (date(2023, 2, 2), date(2023, 2, 20), False)
    ]
    assert store.query("SELECT sex FROM cin_children") == [("F",)]
    assert store.las() == ("E06000049",)  # LEA 895 is Cheshire East


def test_validation_against_the_census_year_schema_is_optional_and_reports_each_departure(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    assert (schema_year(2021), schema_year(2023), schema_year(2024), schema_year(2025), schema_year(2030)) == (
        2022,
        2022,
        2024,
        2025,
        2026,
    )
    sample = Path(shutil.copy(CIN / "d2i_CIN2rows.xml", tmp_path / "cin.xml"))
    assert detect_format(sample) is Format.CIN_XML
    result = store.load([sample], pseudonymiser=pseudonymiser, validate=True)
    assert [str(i) for i in result.issues] == [
        "cin.xml, at /Message/Children/Child/ChildIdentifiers: does not match the 2024 census schema (line 19): "
        "'ChildIdentifiers': Character content other than whitespace is not allowed because the content type is "
        "'element-only'.",
        "cin.xml, at /Message/Children/Child/CINdetails/Section47/ICPCnotRequired: does not match the 2024 census "
        "schema (line 52): 'ICPCnotRequired': [facet 'enumeration'] The value 'false' is not an element of the set "
        "{'0', '1'}.",
    ]
    valid = write(
        tmp_path,
        "valid.xml",
        census(child("V1", "<CINdetails><CINreferralDate>2022-06-01</CINreferralDate><ReferralSource>1A"
                           "</ReferralSource><ReferralNFA>0</ReferralNFA></CINdetails>")),
    )  # fmt: skip
    assert store.load([valid], pseudonymiser=pseudonymiser, validate=True).ok


def _tables(store: CaseworkStore) -> dict[str, list[tuple[object, ...]]]:
    tables = ("cin_children", "cin_disabilities", "cin_episodes", "cin_assessments", "cin_plans", "cin_s47",
              "cp_plans", "cp_reviews")  # fmt: skip
    return {t: store.query(f"SELECT * EXCLUDE (load_id) FROM {t} ORDER BY ALL") for t in tables}


def test_files_read_in_small_batches_and_by_worker_processes_give_the_same_rows(
    tmp_path: Path, pseudonymiser: Pseudonymiser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from oversight.casework.readers import cin, cin_flat

    names = ["d2i_CIN_Census_2021.xml", "d2i_CIN2rows.xml", "liia_BAR_cin_2022.xml", "d2i_CIN_Census_2026.xml"]
    paths = [CIN / n for n in names]
    one_go = CaseworkStore(tmp_path / "one_go.duckdb")
    assert one_go.load(paths, pseudonymiser=pseudonymiser).ok
    # Streamed, one child a batch: each is handed over while later ones are already parsed.
    with monkeypatch.context() as patch:
        patch.setattr(cin_flat, "WHOLE_BYTES", 0)
        patch.setattr(cin_flat, "BATCH_CHILDREN", 1)
        batched = CaseworkStore(tmp_path / "batched.duckdb")
        assert batched.load(paths, pseudonymiser=pseudonymiser).ok
    with monkeypatch.context() as patch:
        patch.setattr(cin, "CHUNK_BYTES", 1)  # each file staged and written on its own, in one transaction
        chunked = CaseworkStore(tmp_path / "chunked.duckdb")
        assert chunked.load(paths, pseudonymiser=pseudonymiser).ok
    monkeypatch.setattr(cin, "PARALLEL_BYTES", 0)  # flattened by worker processes, however little XML
    monkeypatch.setattr(cin, "CHUNK_BYTES", 1)
    parallel = CaseworkStore(tmp_path / "parallel.duckdb")
    result = parallel.load(paths, pseudonymiser=pseudonymiser)
    assert result.ok, result.issues
    assert _tables(batched) == _tables(one_go)
    assert _tables(chunked) == _tables(one_go)
    assert _tables(parallel) == _tables(one_go)
    loads = "SELECT file_name, table_name, la, year_ending, rows FROM loads ORDER BY ALL"
    assert chunked.query(loads) == parallel.query(loads) == one_go.query(loads)
    assert sum(len(rows) for rows in _tables(one_go).values()) > 20


def test_a_census_with_many_children_keeps_every_child_whatever_the_batch(
    tmp_path: Path, pseudonymiser: Pseudonymiser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from oversight.casework.readers import cin_flat

    episode = (
        "<CINdetails><CINreferralDate>2022-06-{day:02d}</CINreferralDate><ReferralNFA>0</ReferralNFA></CINdetails>"
    )
    path = write(tmp_path, "many.xml", census(*(child(f"M{n}", episode.format(day=n % 28 + 1)) for n in range(1, 501))))
    whole = CaseworkStore(tmp_path / "whole.duckdb")
    assert whole.load([path], pseudonymiser=pseudonymiser).ok
    monkeypatch.setattr(cin_flat, "WHOLE_BYTES", 0)
    monkeypatch.setattr(cin_flat, "BATCH_CHILDREN", 7)
    streamed = CaseworkStore(tmp_path / "streamed.duckdb")
    assert streamed.load([path], pseudonymiser=pseudonymiser).ok
    for store in (whole, streamed):
        assert store.query("SELECT count(*), count(DISTINCT child), max(source_row) FROM cin_episodes") == [
            (500, 500, 500)
        ]
        assert store.query("SELECT source_path FROM cin_episodes WHERE source_row = 500") == [
            ("/Message/Children/Child[500]/CINdetails[1]",)
        ]
    assert _tables(whole) == _tables(streamed)


def test_a_census_in_a_namespace_is_read_like_one_without(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    text = census(child("N1", "<CINdetails><CINreferralDate>2022-06-01</CINreferralDate><ReferralNFA>1</ReferralNFA>"
                              "<Unexpected>x</Unexpected></CINdetails>"))  # fmt: skip
    path = write(tmp_path, "ns.xml", text.replace("<Message>", '<Message xmlns="urn:example:cin">', 1))
    result = store.load([path], pseudonymiser=pseudonymiser)
    assert result.ok, result.issues
    assert store.query("SELECT referral_date, referral_nfa FROM cin_episodes") == [(date(2022, 6, 1), True)]
    assert [str(n) for n in result.notices] == [
        "ns.xml, at /Message/Children/Child[1]/CINdetails[1]/Unexpected[1]: Unexpected is not part of the CIN "
        "census as oversight reads it; not loaded"
    ]


@pytest.mark.parametrize("chunk_bytes", [256 << 20, 1], ids=["one chunk", "a chunk a file"])
def test_in_one_load_the_latest_census_wins_whichever_order_the_files_come_in(
    tmp_path: Path, pseudonymiser: Pseudonymiser, monkeypatch: pytest.MonkeyPatch, chunk_bytes: int
) -> None:
    from oversight.casework.readers import cin

    monkeypatch.setattr(cin, "CHUNK_BYTES", chunk_bytes)

    def episode(closure: str) -> str:
        return (f"<CINdetails><CINreferralDate>2023-02-01</CINreferralDate>{closure}<ReferralNFA>0</ReferralNFA>"
                "</CINdetails>")  # fmt: skip

    older = write(tmp_path, "2023.xml", census(child("C1", episode(""))))
    newer = write(tmp_path, "2024.xml", census(child("C1", episode("<CINclosureDate>2023-09-01</CINclosureDate>")),
                                               reference="2024-03-31"))  # fmt: skip
    for order in ([older, newer], [newer, older]):
        store = CaseworkStore(tmp_path / f"{order[0].stem}.duckdb")
        result = store.load(order, pseudonymiser=pseudonymiser)
        assert result.tables["cin_episodes"].rows == 2
        assert result.tables["cin_episodes"].new == 1
        assert store.query("SELECT closure_date, return_year FROM cin_episodes") == [(date(2023, 9, 1), 2024)]
        assert store.query("SELECT file_name, rows FROM loads WHERE table_name = 'cin_episodes' ORDER BY ALL") == [
            ("2023.xml", 1),
            ("2024.xml", 1),
        ]


def test_dates_are_read_the_same_in_sql_as_in_python(store: CaseworkStore) -> None:
    from oversight.casework.readers.cin import _MACROS, parse_date

    samples = [
        "2023-03-31", "2023-3-1", "2023-02-29", "2024-02-29", "2023-02-31", "2023-13-01", "31/03/2023", "1/4/2023",
        "29/02/2023", "31/03/1899", "31/03/2101", "2023-03-31T10:15:00", "2023-03-31T", "31/03/23", "23-03-31",
        "20230331", "2023/03/31", "yesterday", "", "T", "2023-03-31 10:15", "０２０２３-03-31", "2023-003-01",
    ]  # fmt: skip
    con = store.connection
    con.execute(_MACROS)
    sql = dict(con.execute("SELECT v, cin_date(v) FROM unnest($samples) AS t(v)", {"samples": samples}).fetchall())
    assert sql == {sample: parse_date(sample) for sample in samples}
    assert sql["2023-3-1"] == date(2023, 3, 1)
    assert sql["1/4/2023"] == date(2023, 4, 1)
    assert sql["31/03/1899"] is None


def test_a_file_already_loaded_is_skipped_and_the_rest_of_the_load_is_written(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    def episode(closure: str) -> str:
        return (f"<CINdetails><CINreferralDate>2023-02-01</CINreferralDate>{closure}<ReferralNFA>0</ReferralNFA>"
                "</CINdetails>")  # fmt: skip

    older = write(tmp_path, "2023.xml", census(child("C1", episode("")), child("C2", episode(""))))
    newer = write(tmp_path, "2024.xml", census(child("C1", episode("<CINclosureDate>2023-09-01</CINclosureDate>")),
                                               reference="2024-03-31"))  # fmt: skip
    assert store.load([older], pseudonymiser=pseudonymiser).ok
    result = store.load([older, newer], pseudonymiser=pseudonymiser)
    assert result.skipped == ["2023.xml"]
    assert result.tables["cin_episodes"].rows == 1
    assert result.tables["cin_episodes"].new == 0
    assert store.query("SELECT closure_date, return_year FROM cin_episodes ORDER BY ALL") == [
        (date(2023, 9, 1), 2024),
        (None, 2023),
    ]


def test_a_census_without_children_is_rejected_even_beside_a_good_one(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    empty = write(tmp_path, "empty.xml", census())
    result = store.load([empty, CIN / "d2i_CIN2rows.xml"], pseudonymiser=pseudonymiser)
    assert [str(i) for i in result.issues] == [
        "empty.xml, at /Message/Children: has no Child; a CIN census lists at least one child"
    ]
    assert not store.exists


def test_each_stored_record_says_where_it_was_in_its_file(tmp_path: Path, pseudonymiser: Pseudonymiser) -> None:
    from oversight.casework.readers.cin import _STORED_PATH, CIN_TABLES

    store = CaseworkStore(tmp_path / "paths.duckdb")
    assert store.load([CIN / "d2i_CIN_Census_2021.xml"], pseudonymiser=pseudonymiser).ok
    letters = dict(zip((spec.table for spec in CIN_TABLES), "CDEAPSKR", strict=True))
    for table, letter in letters.items():
        # the store's generated source_path and the loader's own rule for it agree on every row
        differ = f"SELECT count(*) FROM {table} WHERE source_path IS DISTINCT FROM {_STORED_PATH[letter]}"
        assert store.query(differ) == [(0,)], table
    paths = {t: store.query(f"SELECT min(source_path) FROM {t}")[0][0] for t in ("cin_assessments", "cp_reviews")}
    assert paths == {
        "cin_assessments": "/Message/Children/Child[1]/CINdetails[1]/Assessments[1]",
        "cp_reviews": "/Message/Children/Child[1]/CINdetails[1]/ChildProtectionPlans[1]/Reviews[1]/CPPreviewDate[1]",
    }


def test_a_problem_in_a_later_chunk_undoes_what_the_load_had_written(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from oversight.casework.readers import cin

    monkeypatch.setattr(cin, "CHUNK_BYTES", 1)  # each file is staged and written before the next is read
    referral = "<CINdetails><CINreferralDate>2022-06-01</CINreferralDate><ReferralNFA>0</ReferralNFA></CINdetails>"
    first = write(tmp_path, "first.xml", census(child("A1", referral), lea="201"))
    good = write(tmp_path, "good.xml", census(child("G1", referral)))
    bad = write(tmp_path, "bad.xml", census(child("B1", referral.replace("2022-06-01", "2022-06-31"))))
    problem = [
        "bad.xml, at /Message/Children/Child[1]/CINdetails[1]/CINreferralDate: '2022-06-31' is not a date; "
        "write dates as yyyy-mm-dd"
    ]
    # Into a new store: the good file was written, then undone, and the store is not left behind.
    result = store.load([good, CIN / "d2i_CIN2rows.xml", bad], pseudonymiser=pseudonymiser)
    assert [str(i) for i in result.issues] == problem
    assert not store.exists
    assert not Path(f"{store.path}.wal").exists()
    # Into a store that holds a load already: it holds that load and nothing else afterwards.
    assert store.load([first], pseudonymiser=pseudonymiser).ok
    tables = {"loads": "load_id, file_name, la, table_name, rows", "cin_episodes": "*", "data_quality": "*"}
    held = {t: store.query(f"SELECT {columns} FROM {t} ORDER BY ALL") for t, columns in tables.items()}
    result = store.load([good, CIN / "d2i_CIN2rows.xml", bad], pseudonymiser=pseudonymiser)
    assert [str(i) for i in result.issues] == problem
    assert {t: store.query(f"SELECT {columns} FROM {t} ORDER BY ALL") for t, columns in tables.items()} == held
    assert [row[1:4] for row in held["loads"]] == [
        ("first.xml", CITY, "cin_children"),
        ("first.xml", CITY, "cin_episodes"),
    ]
    assert store.query("SELECT la, count(*) FROM cin_episodes GROUP BY la") == [(CITY, 1)]
    # and the next load is written as usual
    assert store.load([good], pseudonymiser=pseudonymiser).ok
    assert store.query("SELECT la, count(*) FROM cin_episodes GROUP BY la ORDER BY la") == [
        ("E06000049", 1),
        (CITY, 1),
    ]
