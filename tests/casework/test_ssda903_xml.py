"""The SSDA903 return in its XML form: mapped to the same tables as the CSV tables, problems at XML paths."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.readers import Format, detect_format
from oversight.casework.store import CaseworkStore

from .conftest import LA, SSDA903_XML

RETURN = SSDA903_XML / "ssda903_2018_handmade.xml"


def test_the_xml_return_fills_the_same_tables_as_the_csv_tables(
    store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    assert detect_format(RETURN) is Format.SSDA903_XML
    result = store.load([RETURN], pseudonymiser=pseudonymiser, la=LA)
    assert result.ok, result.issues
    assert {table: load.rows for table, load in result.tables.items()} == {
        "children": 3,
        "episodes": 5,
        "reviews": 2,
        "missing": 1,
        "oc2": 1,
        "oc3": 1,
        "ad1": 1,
        "uasc": 1,
        "placed_for_adoption": 1,
        "previous_permanence": 1,
    }
    assert result.quality == {}
    child = pseudonymiser.child(LA, "X100002")
    assert store.query("SELECT sex, dob, ethnic FROM children WHERE child = $c", {"c": child}) == [
        ("F", date(2016, 2, 1), "MWBC")
    ]
    # PL is the CSV table's PLACE; the collection year comes from the episodes (latest start 10/01/2018).
    assert store.query(
        "SELECT decom, rne, ls, place, place_provider, dec, rec, return_year, source_row FROM episodes "
        "WHERE child = $c ORDER BY decom",
        {"c": child},
    ) == [
        (date(2017, 4, 15), "S", "E1", "U4", "PR1", date(2017, 12, 4), "X1", 2018, 2),
        (date(2017, 12, 4), "P", "E1", "A5", "PR4", date(2018, 3, 28), "E11", 2018, 2),
    ]
    assert store.query("SELECT year_ending, health_check, teeth_check, sdq_score FROM oc2") == [(2018, True, False, 14)]
    assert store.query("SELECT year_ending, in_touch, activ, accom FROM oc3") == [(2018, "YES", "F2", "S1")]
    assert store.query("SELECT date_int, date_match, nb_adoptr FROM ad1") == [
        (date(2017, 7, 10), date(2017, 11, 20), 2)
    ]
    assert store.query("SELECT duc FROM uasc") == [(date(2019, 5, 5),)]
    dump = str(store.query("SELECT * FROM episodes")) + str(store.query("SELECT * FROM children"))
    assert "AB1 2CD" not in dump
    assert "A123456789012" not in dump
    assert "X100001" not in dump


def test_the_xml_and_csv_forms_of_a_return_give_the_same_rows(tmp_path: Path, pseudonymiser: Pseudonymiser) -> None:
    header = tmp_path / "2017-header.csv"
    header.write_text(
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nX100001,1,14/06/2009,WBRI,A123456789012,,\n"
        "X100002,2,01/02/2016,MWBC,,,\nX100003,1,05/05/2001,BAFR,,,\n",
        encoding="utf-8",
    )
    episodes = tmp_path / "2017-episodes.csv"
    episodes.write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
        "X100001,20/03/2016,S,C2,N1,U1,PR1,01/09/2017,X1,CARPL,,,SC123456\n"
        "X100001,01/09/2017,P,C2,N1,U3,PR2,,,,,,\n"
        "X100002,15/04/2017,S,E1,N1,U4,PR1,04/12/2017,X1,,,,\n"
        "X100002,04/12/2017,P,E1,N1,A5,PR4,28/03/2018,E11,,,,\n"
        "X100003,10/01/2018,S,V2,N1,H5,PR4,,,,,,\n",
        encoding="utf-8",
    )
    tables = "SELECT * EXCLUDE (load_id, source_row) FROM {} ORDER BY ALL"
    with CaseworkStore(tmp_path / "csv.duckdb") as from_csv, CaseworkStore(tmp_path / "xml.duckdb") as from_xml:
        assert from_csv.load([header, episodes], pseudonymiser=pseudonymiser, la=LA).ok
        assert from_xml.load([RETURN], pseudonymiser=pseudonymiser, la=LA).ok
        for table in ("children", "episodes"):
            assert from_csv.query(tables.format(table)) == from_xml.query(tables.format(table))


def test_an_xml_return_needs_its_council_and_readable_cells(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    assert [str(i) for i in store.load([RETURN], pseudonymiser=pseudonymiser).issues] == [
        "ssda903_2018_handmade.xml: an SSDA903 XML return does not name its council; give its code with --la"
    ]
    dirty = tmp_path / "dirty.xml"
    dirty.write_text(
        RETURN.read_text(encoding="utf-8")
        .replace("<DECOM>01/09/2017</DECOM>", "<DECOM>1st Sept</DECOM>")
        .replace("<CHILDID>X100003</CHILDID>", "<CHILDID> </CHILDID>")
        .replace("<HEALTH_CHECK>1</HEALTH_CHECK>", "<HEALTH_CHECK>maybe</HEALTH_CHECK>"),
        encoding="utf-8",
    )
    result = store.load([dirty], pseudonymiser=pseudonymiser, la=LA)
    assert [str(i) for i in result.issues] == [
        "dirty.xml, at /EXPSSDA903/CHILD[1]/EPISODE[2]/DECOM: '1st Sept' is not a date; write dates as dd/mm/yyyy "
        "(or yyyy-mm-dd)",
        "dirty.xml, at /EXPSSDA903/CHILD[1]/HEADER/OC2/HEALTH_CHECK: 'maybe' is not a yes/no value; use 1 for yes "
        "and 0 for no",
        "dirty.xml, at /EXPSSDA903/CHILD[3]/HEADER/CHILDID: is blank; every row needs one",
    ]
    assert not store.exists
