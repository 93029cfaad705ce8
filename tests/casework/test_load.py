"""Loading SSDA903 CSV tables: recognised by columns, checked whole, pseudonymised, stored once."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from oversight.casework.issues import CaseworkError
from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.readers.ssda903 import TABLES, file_group, recognise, year_ending_of
from oversight.casework.store import QUALITY_RULES, SCHEMA_VERSION, CaseworkStore, quality_checks

from .conftest import CIN, D2I, DIRTY, LA, LONGITUDINAL, TEST_KEY

EPISODES_HEADER = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
HEADER_HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"


def write(folder: Path, name: str, *lines: str) -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rows(store: CaseworkStore, sql: str) -> list[tuple[object, ...]]:
    return store.query(sql)


def test_every_table_of_the_return_is_recognised_by_its_columns_whatever_the_file_is_called(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    renamed = []
    for number, source in enumerate(sorted(D2I.glob("*.csv"))):
        if source.name == "placed_for_adoption_errors.csv":
            continue
        renamed.append(Path(shutil.copy(source, tmp_path / f"table{number}.csv")))
    result = store.load(renamed, pseudonymiser=pseudonymiser, la=LA, year_ending=2018)
    assert result.ok, result.issues
    assert {table: (load.rows, load.new) for table, load in result.tables.items()} == {
        "ad1": (29, 29),
        "children": (2675, 2675),
        "dolo": (1, 1),
        "episodes": (5050, 5050),
        "missing": (43, 43),
        "oc2": (2675, 2675),
        "oc3": (53, 53),
        "placed_for_adoption": (29, 29),
        "previous_permanence": (2675, 2675),
        "reviews": (12582, 12568),
        "sw_episodes": (1, 1),
        "uasc": (132, 132),
    }
    assert result.quality == {"episode_end_incomplete": 1413, "episodes_overlap": 62, "duplicate_row": 14}


def test_a_table_missing_a_needed_column_is_named_as_the_table_it_looks_like() -> None:
    spec, problem = recognise(["CHILD", "DECOM", "RNE", "LS", "PLACE", "REC"])
    assert spec is not None
    assert spec.name == "episodes"
    assert problem == "looks like the episodes table but has no DEC column; add it with the return's column names"
    assert recognise(["NAME", "ADDRESS"])[0] is None
    assert {spec.name for spec in TABLES} >= {"header", "episodes", "reviews", "uasc", "oc2", "oc3", "ad1"}


def test_files_of_one_return_share_a_name_with_the_table_word_taken_out() -> None:
    episodes, oc2 = (spec for spec in TABLES if spec.name in ("episodes", "oc2"))
    assert file_group("2017-episodes.csv", episodes) == file_group("2017-oc2.csv", oc2) == "2017-*"
    assert file_group("SSDA903_2020_episodes.csv", episodes) == "ssda903_2020_*"
    assert file_group("return.csv", episodes) is None
    assert year_ending_of("2017-18") == 2018
    with pytest.raises(ValueError, match="write it as 2017-18"):
        year_ending_of("2017")


def test_both_sex_code_vintages_are_stored_as_letters(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    old = write(tmp_path, "old.csv", HEADER_HEADER, "A,1,01/02/2010,WBRI,X,,", "B,2,01/02/2010,WBRI,X,,")
    new = write(tmp_path, "new.csv", HEADER_HEADER, "C,M,2010-02-01,WBRI,X,,", "D,F,2010-02-01,WBRI,X,,", "E,U,,,,,")
    odd = write(tmp_path, "odd.csv", HEADER_HEADER, "F,9,2010-02-01,WBRI,X,,")
    result = store.load([old, new, odd], pseudonymiser=pseudonymiser, la=LA)
    assert result.ok, result.issues
    assert rows(store, "SELECT sex, count(*) FROM children GROUP BY ALL ORDER BY ALL") == [
        ("F", 2),
        ("M", 2),
        ("U", 1),
        (None, 1),
    ]
    assert [str(q) for q in store.quality_issues() if q.rule == "unknown_code"] == [
        "odd.csv, row 2, field 'SEX': SEX '9' is not a known code (1, 2, M, F or U)"
    ]


def test_dates_are_read_in_the_forms_real_returns_use(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    episodes = write(
        tmp_path,
        "episodes.csv",
        EPISODES_HEADER,
        "A,01/04/2017,S,C2,N1,U1,PR1,2017-05-02,X1,,,,",
        "A,2017-05-02,P,C2,N1,U1,PR1,2017-06-03 00:00:00,X1,,,,",
        "A,3/6/2017,P,C2,N1,U1,PR1,29/02/2020 00:00,E4A,,,,",
    )
    result = store.load([episodes], pseudonymiser=pseudonymiser, la=LA)
    assert result.ok, result.issues
    assert rows(store, "SELECT decom, dec FROM episodes ORDER BY decom") == [
        (date(2017, 4, 1), date(2017, 5, 2)),
        (date(2017, 5, 2), date(2017, 6, 3)),
        (date(2017, 6, 3), date(2020, 2, 29)),
    ]


def test_a_rejected_load_lists_every_problem_and_writes_nothing(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    episodes = write(
        tmp_path,
        "episodes.csv",
        EPISODES_HEADER,
        "A,31/02/2017,S,C2,N1,U1,PR1,,,,,,",
        ",01/03/2017,S,C2,N1,U1,PR1,01/04/17,E4A,,,,",
        "B,01/03/2017,S,C2,N1,U1,PR1,,,,,,,EXTRA",
        "C,2017-03-01,S,C2,N1,U1,PR1,,,,,,",
    )
    oc2 = write(tmp_path, "oc2_from_somewhere.csv", "CHILD,DOB,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK", "A,,yes,2,0")
    unknown = write(tmp_path, "staff.csv", "NAME,GRADE", "Ann,7")
    workbook = tmp_path / "return.xlsx"
    workbook.write_bytes(b"PK\x03\x04 not really a workbook")
    result = store.load([episodes, oc2, unknown, workbook], pseudonymiser=pseudonymiser, la=LA)
    assert [str(issue) for issue in result.issues] == [
        "episodes.csv, row 2, field 'DECOM': '31/02/2017' is not a date; write dates as dd/mm/yyyy (or yyyy-mm-dd)",
        "episodes.csv, row 3, field 'CHILD': is blank; every row needs one",
        "episodes.csv, row 3, field 'DEC': '01/04/17' is not a date; write dates as dd/mm/yyyy (or yyyy-mm-dd)",
        "episodes.csv, row 4: has 14 values but the header has 13 columns; check for stray or missing commas",
        "oc2_from_somewhere.csv: cannot tell which year's return this oc2 table belongs to; load it with the "
        "episodes file of the same return, named alike (2017-oc2.csv with 2017-episodes.csv), or give the year "
        "with --year 2017-18",
        "oc2_from_somewhere.csv, row 2, field 'IMMUNISATIONS': '2' is not a yes/no value; use 1 for yes and 0 for no",
        "staff.csv, row 1: the columns (NAME, GRADE) are not those of an SSDA903 table (header, episodes, reviews, "
        "uasc, oc2, oc3, ad1, placed_for_adoption, previous_permanence, missing, sw_episodes, dolo); check the "
        "file is a CSV export of the 903 return with its header row",
        # A workbook is read as Ofsted's Annex A.
        "return.xlsx: cannot be read as an Excel workbook (BadZipFile); save it as .xlsx",
    ]
    assert not store.path.exists()


def test_rows_are_numbered_as_a_spreadsheet_shows_them_despite_blank_lines_and_long_values(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    episodes = write(
        tmp_path,
        "episodes.csv",
        EPISODES_HEADER,
        "A,01/03/2017,S,C2,N1,U1,PR1,,,,,,",
        "",
        'B,01/03/2017,S,C2,N1,U1,PR1,,,,"a postcode\nover two lines",,',
        "C,01/13/2017,S,C2,N1,U1,PR1,,,,,,",
    )
    result = store.load([episodes], pseudonymiser=pseudonymiser, la=LA)
    assert [str(issue) for issue in result.issues] == [
        "episodes.csv, row 6, field 'DECOM': '01/13/2017' is not a date; write dates as dd/mm/yyyy (or yyyy-mm-dd)"
    ]


def test_a_rejected_load_leaves_an_existing_store_as_it_was(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    good = write(tmp_path, "header.csv", HEADER_HEADER, "A,1,01/02/2010,WBRI,X,,")
    assert store.load([good], pseudonymiser=pseudonymiser, la=LA).ok
    bad = write(tmp_path, "more.csv", HEADER_HEADER, "B,1,01/02/2010,WBRI,X,,", "C,1,2010-99-01,WBRI,X,,")
    result = store.load([bad], pseudonymiser=pseudonymiser, la=LA)
    assert [str(issue) for issue in result.issues] == [
        "more.csv, row 3, field 'DOB': '2010-99-01' is not a date; write dates as dd/mm/yyyy (or yyyy-mm-dd)"
    ]
    assert rows(store, "SELECT count(*) FROM children") == [(1,)]
    assert rows(store, "SELECT count(*) FROM loads") == [(1,)]


def test_every_file_needs_a_council(tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser) -> None:
    header = write(tmp_path, "header.csv", HEADER_HEADER, "A,1,01/02/2010,WBRI,X,,")
    result = store.load([header], pseudonymiser=pseudonymiser)
    assert [str(issue) for issue in result.issues] == [
        "header.csv: has no LA column; give the council's code with --la"
    ]


def test_an_la_column_gives_each_row_its_council(store: CaseworkStore, pseudonymiser: Pseudonymiser) -> None:
    fixes = DIRTY / "SSDA903_episodes_for_testing_fixes_INPUT.csv"
    result = store.load([fixes], pseudonymiser=pseudonymiser)
    assert result.ok, result.issues
    assert result.las == ("Barking and Dagenham", "Newham", "Sutton")
    assert rows(store, "SELECT la, count(*) FROM episodes GROUP BY la ORDER BY la") == [
        ("Barking and Dagenham", 20),
        ("Newham", 2),
        ("Sutton", 1),
    ]
    rejected = store.load([fixes], pseudonymiser=pseudonymiser, la="Newham")
    assert str(rejected.issues[0]) == (
        "SSDA903_episodes_for_testing_fixes_INPUT.csv, row 2, field 'LA': 'Barking and Dagenham' is not Newham; "
        "leave out --la for files with an LA column"
    )


def test_the_dirty_samples_load_with_their_problems_reported_beside_the_data(
    store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    result = store.load(sorted(DIRTY.glob("SSDA903_2020_*.csv")), pseudonymiser=pseudonymiser, la=LA)
    assert result.ok, result.issues
    assert [str(notice) for notice in result.notices] == [
        "SSDA903_2020_episodes.csv, row 1: column TEST_COLUMN is not part of the episodes table and was not loaded",
        "SSDA903_2020_episodes.csv: HOME_POST and PL_POST were not used and are not kept: no postcode lookup is "
        "loaded, so the distance from home to placement is not known; load one (oversight casework postcodes "
        "FILE), then this file again",
    ]
    assert [(q.rule, str(q)) for q in store.quality_issues()] == [
        (
            "episodes_overlap",
            "SSDA903_2020_episodes.csv, row 2, field 'DEC': the episode starting 11/12/2018 ends on 18/07/2019, "
            "after the child's next episode starts on 16/05/2019",
        ),
        (
            "episodes_overlap",
            "SSDA903_2020_episodes.csv, row 3, field 'DEC': the episode starting 02/12/2018 ends on 16/05/2019, "
            "after the child's next episode starts on 11/12/2018",
        ),
        (
            "unknown_code",
            "SSDA903_2020_episodes.csv, row 6, field 'RNE': RNE '*DUMMY*' is not a known code (see the return's guide)",
        ),
        (
            "duplicate_row",
            "SSDA903_2020_header.csv, row 3: repeats row 2 (the same child, in the same return); not loaded",
        ),
        (
            "duplicate_row",
            "SSDA903_2020_header.csv, row 4: repeats row 2 (the same child, in the same return); not loaded",
        ),
        (
            "duplicate_row",
            "SSDA903_2020_header.csv, row 6: repeats row 5 (the same child, in the same return); not loaded",
        ),
    ]


def test_an_episode_that_ends_before_it_starts_is_kept_and_reported(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    header = write(tmp_path, "header.csv", HEADER_HEADER, "A,1,01/02/2010,WBRI,X,,")
    episodes = write(
        tmp_path,
        "episodes.csv",
        EPISODES_HEADER,
        "A,01/03/2017,S,C2,N1,U1,PR1,01/02/2017,E4A,,,,",
        "A,01/01/2009,S,C2,N1,U1,PR1,01/02/2009,E4A,,,,",
        "Z,01/01/2018,S,C2,N1,U1,PR1,,,,,,",
    )
    result = store.load([header, episodes], pseudonymiser=pseudonymiser, la=LA)
    assert result.ok, result.issues
    assert rows(store, "SELECT count(*) FROM episodes") == [(3,)]
    assert sorted(str(q) for q in store.quality_issues()) == [
        "episodes.csv, row 2, field 'DEC': the episode starting 01/03/2017 ends on 01/02/2017, before it starts",
        "episodes.csv, row 3, field 'DECOM': the episode starts on 01/01/2009, before the child's date of birth "
        "01/02/2010",
        "episodes.csv, row 4, field 'CHILD': the child has episodes but no header row, so no date of birth: "
        "measures that need an age leave them out",
    ]


def test_loading_the_same_files_again_adds_nothing(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    files = sorted(LONGITUDINAL.glob("2017-*.csv"))
    first = store.load(files, pseudonymiser=pseudonymiser, la=LA)
    assert first.ok
    assert not first.skipped
    again = store.load(files, pseudonymiser=pseudonymiser, la=LA)
    assert again.skipped == [f.name for f in files]
    resaved = tmp_path / "2017-episodes-resaved.csv"
    resaved.write_text((LONGITUDINAL / "2017-episodes.csv").read_text() + "\n", encoding="utf-8")
    resaved_result = store.load([resaved], pseudonymiser=pseudonymiser, la=LA)
    assert resaved_result.tables["episodes"].rows == 1460
    assert resaved_result.tables["episodes"].new == 0
    assert rows(store, "SELECT count(*) FROM episodes") == [(1460,)]


def test_several_years_load_at_once_and_the_latest_return_wins(
    store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    result = store.load(sorted(LONGITUDINAL.glob("*.csv")), pseudonymiser=pseudonymiser, la=LA)
    assert result.ok, result.issues
    assert rows(store, "SELECT year_ending, count(*) FROM oc2 GROUP BY ALL ORDER BY ALL") == [
        (2018, 670),
        (2019, 572),
        (2020, 362),
        (2021, 226),
        (2022, 144),
    ]
    assert rows(store, "SELECT table_name, year_ending FROM loads WHERE file_name LIKE '2019-%' ORDER BY 1") == [
        ("episodes", 2020),
        ("header", 2020),
        ("missing", 2020),
        ("oc2", 2020),
        ("oc3", 2020),
        ("previous_permanence", 2020),
        ("reviews", 2020),
        ("uasc", 2020),
    ]
    # Every episode is held once, from the latest return that reported it.
    assert rows(store, "SELECT count(*), count(DISTINCT (child, decom)) FROM episodes") == [(2827, 2827)]
    child = Pseudonymiser(TEST_KEY).child(LA, "296227")
    # Open at the end of 2017-18 (2017-episodes.csv), closed in 2018-19 (2018-episodes.csv).
    assert rows(store, f"SELECT decom, dec, return_year FROM episodes WHERE child = '{child}' ORDER BY decom") == [
        (date(2017, 9, 11), date(2017, 9, 13), 2018),
        (date(2017, 9, 13), date(2018, 10, 2), 2019),
        (date(2018, 10, 2), date(2018, 11, 1), 2019),
    ]


def test_an_earlier_return_loaded_later_does_not_replace_a_later_one(
    store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    later, earlier = LONGITUDINAL / "2018-episodes.csv", LONGITUDINAL / "2017-episodes.csv"
    assert store.load([later], pseudonymiser=pseudonymiser, la=LA).ok
    assert store.load([earlier], pseudonymiser=pseudonymiser, la=LA).ok
    child = Pseudonymiser(TEST_KEY).child(LA, "296227")
    assert rows(store, f"SELECT decom, dec, return_year FROM episodes WHERE child = '{child}' ORDER BY decom") == [
        (date(2017, 9, 11), date(2017, 9, 13), 2018),
        (date(2017, 9, 13), date(2018, 10, 2), 2019),
        (date(2018, 10, 2), date(2018, 11, 1), 2019),
    ]


def test_no_child_identifier_upn_or_postcode_is_stored(store: CaseworkStore, pseudonymiser: Pseudonymiser) -> None:
    result = store.load([D2I / "header.csv", D2I / "episodes.csv"], pseudonymiser=pseudonymiser, la=LA)
    assert result.ok
    raw = {"566910", "384923", "D051910639385", "EG19 7TT", "WV27 9FW"}
    columns = store.query(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_catalog = 'store' AND data_type = 'VARCHAR'"
    )
    found = []
    for table, column in columns:
        hits = store.query(
            f'SELECT count(*) FROM "{table}" WHERE "{column}" IN (SELECT unnest($raw))', {"raw": list(raw)}
        )
        if hits[0][0]:
            found.append((table, column))
    assert found == []
    assert len(columns) > 40
    assert rows(store, "SELECT count(*), count(DISTINCT child), any_value(typeof(child)) FROM children") == [
        (2675, 2675, "UUID")
    ]


def test_a_store_refuses_a_load_made_with_another_key(tmp_path: Path, store: CaseworkStore) -> None:
    header = write(tmp_path, "header.csv", HEADER_HEADER, "A,1,01/02/2010,WBRI,X,,")
    assert store.load([header], pseudonymiser=Pseudonymiser(TEST_KEY), la=LA).ok
    other = store.load([header], pseudonymiser=Pseudonymiser(TEST_KEY + b"2"), la="E06000050")
    assert len(other.issues) == 1
    assert "was loaded with a different pseudonymisation key" in str(other.issues[0])
    assert rows(store, "SELECT count(*) FROM children") == [(1,)]


def test_each_quality_check_is_known_by_its_rule_and_the_tables_it_reads() -> None:
    checks = quality_checks()
    assert len(checks) == 14
    assert {check.rule for check in checks} <= set(QUALITY_RULES)
    by_rule = {check.rule: check.reads for check in checks}
    assert by_rule["episode_before_birth"] == {"episodes", "children"}
    assert by_rule["cp_review_outside_plan"] == {"cp_reviews", "cp_plans"}
    assert by_rule["cin_date_after_census"] == {"cin_episodes", "cin_assessments", "cin_s47", "cp_plans"}


def test_a_load_rechecks_what_it_wrote_and_leaves_the_other_returns_findings_as_they_were(
    store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    assert store.load(sorted(D2I.glob("*.csv")), pseudonymiser=pseudonymiser, la=LA, year_ending=2018).ok
    before = store.query("SELECT rule, count(*) FROM data_quality WHERE origin = 'check' GROUP BY ALL ORDER BY ALL")
    assert ("episode_end_incomplete", 1413) in before
    census = store.load([CIN / "d2i_CIN2rows.xml"], pseudonymiser=pseudonymiser, la=LA)
    assert census.ok
    after = store.query("SELECT rule, count(*) FROM data_quality WHERE origin = 'check' GROUP BY ALL ORDER BY ALL")
    assert [row for row in after if not row[0].startswith(("cin_", "cp_", "s47_"))] == before
    assert ("cin_assessment_open_past_timescale", 1) in after


def test_a_store_made_by_an_earlier_version_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "casework.duckdb"
    with CaseworkStore(path) as store:
        store.open(create=True)
        store.query("UPDATE meta SET value = '2' WHERE name = 'schema_version'")
    with CaseworkStore(path) as store, pytest.raises(CaseworkError) as refused:
        store.open()
    assert str(refused.value) == (
        f"{path} has schema version 2; this version of oversight reads {SCHEMA_VERSION}: move the file aside and "
        "load the returns again"
    )


def test_duckdb_works_within_a_bounded_memory_and_spills_beside_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def settings(store: CaseworkStore) -> list[tuple[object, ...]]:
        return store.connection.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchall()

    monkeypatch.delenv("OVERSIGHT_CASEWORK_MEMORY", raising=False)
    path = tmp_path / "casework.duckdb"
    assert settings(CaseworkStore(path)) == [("1.8 GiB", f"{path}.tmp")]  # 2GB, as DuckDB counts it
    monkeypatch.setenv("OVERSIGHT_CASEWORK_MEMORY", "500MB")
    assert settings(CaseworkStore(path)) == [("476.8 MiB", f"{path}.tmp")]
    monkeypatch.setenv("OVERSIGHT_CASEWORK_MEMORY", "half")
    with pytest.raises(CaseworkError, match="OVERSIGHT_CASEWORK_MEMORY is 'half', which is not an amount of memory"):
        CaseworkStore(path)


def test_duckdb_works_with_the_threads_the_setting_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def threads(store: CaseworkStore) -> int:
        [(count,)] = store.connection.execute("SELECT current_setting('threads')").fetchall()
        return int(count)

    path = tmp_path / "casework.duckdb"
    monkeypatch.delenv("OVERSIGHT_CASEWORK_THREADS", raising=False)
    with CaseworkStore(path) as store, duckdb.connect() as plain:
        assert (threads(store),) == plain.execute("SELECT current_setting('threads')").fetchone()  # one for each core
    monkeypatch.setenv("OVERSIGHT_CASEWORK_THREADS", "3")
    with CaseworkStore(path) as store:
        assert threads(store) == 3
    for wrong in ("0", "two", "-1"):
        monkeypatch.setenv("OVERSIGHT_CASEWORK_THREADS", wrong)
        with pytest.raises(CaseworkError) as refused:
            CaseworkStore(path)
        assert str(refused.value) == (
            f"OVERSIGHT_CASEWORK_THREADS is '{wrong}', which is not a number of threads; write it as 1, 2 or 4, "
            "or leave it unset for one for each core"
        )


def test_compacting_gives_back_the_space_deleted_rows_left_and_keeps_every_row(
    store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    assert store.load(sorted(D2I.glob("*.csv")), pseudonymiser=pseudonymiser, la=LA, year_ending=2018).ok
    counts = {table: rows(store, f"SELECT count(*) FROM {table}") for table in ("children", "episodes", "reviews")}
    store.query(
        "CREATE TABLE bulk AS SELECT range AS n, md5(range::VARCHAR) || md5((range * 7)::VARCHAR) AS filler "
        "FROM range(400000)"
    )
    store.query("CHECKPOINT")
    store.query("DROP TABLE bulk")
    store.query("CHECKPOINT")

    before, after = store.compact()

    assert after < before / 2
    assert store.path.stat().st_size == after
    assert not store.path.with_name(store.path.name + ".compacting").exists()
    store.open()
    assert {table: rows(store, f"SELECT count(*) FROM {table}") for table in counts} == counts
