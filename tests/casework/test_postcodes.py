"""The postcode lookup, and the distances from home to placement worked out with it as episodes load."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from oversight.casework.engine import measure_card, measure_compute
from oversight.casework.issues import CaseworkError
from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.store import CaseworkStore
from oversight.core.periods import parse_period

from .conftest import SSDA903_XML, UB_EXTRACT
from .test_load import EPISODES_HEADER, write

HILLINGDON = "E09000017"


def episodes(folder: Path, *placements: tuple[str, str, str]) -> Path:
    """An episodes file: one child looked after from 1 April 2011 per (child, home, placement postcode)."""
    return write(
        folder,
        "episodes.csv",
        EPISODES_HEADER,
        *(f"{child},01/04/2011,S,C2,N1,U1,PR1,,,,{home},{placed}," for child, home, placed in placements),
    )


def distances(store: CaseworkStore) -> list[tuple[object, ...]]:
    return store.query("SELECT source_row, placement_miles, placed_outside_la FROM episodes ORDER BY source_row")


def test_the_ons_postcode_directory_extract_loads_with_each_district_under_its_council(
    store: CaseworkStore,
) -> None:
    lookup = store.load_postcodes(UB_EXTRACT)
    assert (lookup.file_name, lookup.postcodes, lookup.with_grid) == ("onspd_ub_extract.csv", 11_805, 11_798)
    assert store.postcode_lookup() == lookup
    held = dict(store.query("SELECT la, count(*) FROM postcodes GROUP BY la"))
    assert held[HILLINGDON] == 6_725
    assert held["E09000009"] == 4_611  # Ealing
    # Three Rivers (E07000102) is a district of Hertfordshire: its postcodes are in the county's area.
    assert held["E10000015"] == 1
    assert "E07000102" not in held
    assert store.query("SELECT * FROM postcodes WHERE postcode = 'UB11AA'") == [("UB11AA", "E09000009", 512632, 179976)]
    assert store.query("SELECT la, easting FROM postcodes WHERE postcode = 'UB19AA'") == [(None, None)]


def test_distances_are_worked_out_on_load_and_the_postcodes_are_not_kept(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    store.load_postcodes(UB_EXTRACT)
    path = episodes(
        tmp_path,
        ("A", "UB1 1HF", "UB8 1DH"),  # Hillingdon to Buckinghamshire: 7,357 metres
        ("B", "UB1 1HF", "UB1 1WQ"),  # the same grid reference, in Hillingdon
        ("C", "ub11hf", " ub1 1aa "),  # written loosely; Ealing
        ("D", "UB1 1HF", ""),  # no placement postcode
        ("E", "UB1 1HF", "ZZ9 9ZZ"),  # not in the lookup
        ("F", "UB1 1HF", "UB1 9AA"),  # in the lookup without a grid reference
    )
    result = store.load([path], pseudonymiser=pseudonymiser, la=HILLINGDON)
    assert result.ok, result.issues
    assert result.notices == []
    assert distances(store) == [
        (2, 4.6, True),
        (3, 0.0, False),
        (4, 1.6, True),
        (5, None, None),
        (6, None, None),
        (7, None, None),
    ]
    assert [str(q) for q in store.quality_issues() if q.rule == "postcode_not_in_lookup"] == [
        f"episodes.csv, row {row}, field 'PL_POST': PL_POST is not in the postcode lookup, or has no grid "
        "reference there: the distance from home to the placement is not known"
        for row in (6, 7)
    ]
    kept = []
    for table, column in store.query(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_catalog = 'store' AND data_type = 'VARCHAR' AND table_name <> 'postcodes'"
    ):
        found = store.query(
            f"SELECT count(*) FROM \"{table}\" WHERE upper(replace(\"{column}\", ' ', '')) "
            "IN ('UB11HF', 'UB81DH', 'UB11WQ', 'UB11AA', 'ZZ99ZZ', 'UB19AA')"
        )
        if found[0][0]:
            kept.append((table, column))
    assert kept == []


def test_a_council_given_by_its_dfe_number_is_matched_to_the_lookup(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    store.load_postcodes(UB_EXTRACT)
    path = episodes(tmp_path, ("A", "UB1 1HF", "UB1 1WQ"), ("B", "UB1 1HF", "UB1 1AA"))
    assert store.load([path], pseudonymiser=pseudonymiser, la="312").ok  # Hillingdon's DfE number
    assert distances(store) == [(2, 0.0, False), (3, 1.6, True)]


def test_a_distance_is_more_than_20_miles_only_once_rounded_to_one_decimal_place_above_it(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    # 32,267 m is 20.0497 miles (20.0: not more than 20); 32,268 m is 20.0503 miles (20.1).
    lookup = write(
        tmp_path,
        "lookup.csv",
        "pcds,oslaua,oseast1m,osnrth1m,doterm",
        f"HO1 1ME,{HILLINGDON},400000,300000,",
        "AW1 1AY,E06000049,432267,300000,",
        "AW2 2AY,E06000049,432268,300000,",
        f"IN1 1SD,{HILLINGDON},400000,340000,",
        "AW3 3AY,E06000049,400000,300100,201001",
    )
    store.load_postcodes(lookup)
    path = episodes(
        tmp_path,
        ("twenty", "HO1 1ME", "AW1 1AY"),
        ("twenty point one", "HO1 1ME", "AW2 2AY"),
        ("inside", "HO1 1ME", "IN1 1SD"),
        ("near", "HO1 1ME", "AW3 3AY"),  # a postcode no longer in use still places a child
    )
    assert store.load([path], pseudonymiser=pseudonymiser, la=HILLINGDON).ok
    assert distances(store) == [(2, 20.0, True), (3, 20.1, True), (4, 24.9, False), (5, 0.1, True)]
    (result,) = measure_compute(store, measure_card("cla_placed_over_20_miles"), parse_period("2011-12"), la=HILLINGDON)
    assert (result.numerator, result.denominator) == (1, 4)


def test_episodes_loaded_before_the_lookup_are_worked_out_when_loaded_again(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    path = episodes(tmp_path, ("A", "UB1 1HF", "UB8 1DH"))
    first = store.load([path], pseudonymiser=pseudonymiser, la=HILLINGDON)
    assert [str(n) for n in first.notices] == [
        "episodes.csv: HOME_POST and PL_POST were not used and are not kept: no postcode lookup is loaded, so the "
        "distance from home to placement is not known; load one (oversight casework postcodes FILE), then this file "
        "again"
    ]
    assert distances(store) == [(2, None, None)]
    store.load_postcodes(UB_EXTRACT)
    again = store.load([path], pseudonymiser=pseudonymiser, la=HILLINGDON)
    assert (again.skipped, again.notices) == ([], [])
    assert distances(store) == [(2, 4.6, True)]
    assert store.load([path], pseudonymiser=pseudonymiser, la=HILLINGDON).skipped == ["episodes.csv"]


def test_the_xml_return_gives_its_postcodes_too(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    lookup = write(
        tmp_path,
        "lookup.csv",
        "pcd,laua,oseast1m,osnrth1m",
        f"EF3 4GH,{HILLINGDON},500000,200000",
        "AB1 2CD,E06000049,500000,250000",
    )
    store.load_postcodes(lookup)
    result = store.load([SSDA903_XML / "ssda903_2018_handmade.xml"], pseudonymiser=pseudonymiser, la=HILLINGDON)
    assert result.ok, result.issues
    assert (31.1, True) in [(miles, outside) for _, miles, outside in distances(store)]


def test_a_file_that_is_not_a_postcode_lookup_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    store = CaseworkStore(tmp_path / "new.duckdb")
    no_grid = write(tmp_path, "no_grid.csv", "pcds,laua", "UB1 1AA,E09000009")
    with pytest.raises(CaseworkError) as refused:
        store.load_postcodes(no_grid)
    assert str(refused.value) == (
        "no_grid.csv is not a postcode lookup: it has no column for the easting (oseast1m), the northing "
        "(osnrth1m); give a CSV of the ONS Postcode Directory, or an extract with its column names"
    )
    archive = tmp_path / "ONSPD_FEB_2025.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(UB_EXTRACT, "Data/ONSPD_FEB_2025_UK.csv")
    with pytest.raises(CaseworkError, match="is a zip archive; unzip it"):
        store.load_postcodes(archive)
    empty = write(tmp_path, "empty.csv", "pcd,laua,oseast1m,osnrth1m")
    with pytest.raises(CaseworkError, match="has a header row but no postcodes"):
        store.load_postcodes(empty)
    assert not store.path.exists()
    store.close()


def test_a_new_lookup_replaces_the_one_held(tmp_path: Path, store: CaseworkStore) -> None:
    store.load_postcodes(UB_EXTRACT)
    later = write(tmp_path, "later.csv", "pcds,lad25cd,east1m,north1m", f"UB1 1AA,{HILLINGDON},1,2")
    lookup = store.load_postcodes(later)
    assert (lookup.file_name, lookup.postcodes) == ("later.csv", 1)
    assert store.query("SELECT * FROM postcodes") == [("UB11AA", HILLINGDON, 1, 2)]


def test_a_council_named_otherwise_than_by_its_code_has_distances_but_no_inside_or_outside(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    store.load_postcodes(UB_EXTRACT)
    path = episodes(tmp_path, ("A", "UB1 1HF", "UB8 1DH"))
    assert store.load([path], pseudonymiser=pseudonymiser, la="Hillingdon").ok
    assert distances(store) == [(2, 4.6, None)]
