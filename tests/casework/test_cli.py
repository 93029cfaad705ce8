"""``oversight casework`` as a user runs it: a fresh data directory, the sample returns, the demo scorecard."""

from __future__ import annotations

import csv
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest

from oversight.casework.engine import measure_cards, measure_compute
from oversight.casework.store import CaseworkStore
from oversight.core.periods import parse_period
from tests.processes import DemoHome, oversight_env, oversight_run

from .conftest import D2I, LA, TEST_KEY, UB_EXTRACT


def _run(home: Path, *args: str, key: bool = True, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {**oversight_env(home), **settings}
    env.pop("OVERSIGHT_PSEUDONYM_KEY", None)
    if key:
        env["OVERSIGHT_PSEUDONYM_KEY"] = TEST_KEY.decode()
    return oversight_run(["casework", *args], env=env)


@pytest.fixture(scope="module")
def home(demo_home: DemoHome, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the demo scorecard and the d2i sample return (2017-18) loaded."""
    home, demo = demo_home.copy(tmp_path_factory.mktemp("home"))
    assert demo.returncode == 0, demo.stderr
    loaded = _run(home, "load", str(D2I), "--la", LA)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.splitlines()[:3] == [
        f"Loaded 13 file(s) for {LA} into {home / 'casework.duckdb'}.",
        "  ad1: 29 rows (29 new)",
        "  children: 2,675 rows (2,675 new)",
    ]
    assert "  episodes: 5,050 rows (5,050 new)" in loaded.stdout
    assert "Data quality: 1,489 issue(s) kept with the data" in loaded.stdout
    assert "  62 × an episode that overlaps the child's next episode" in loaded.stdout
    return home


def test_the_casework_store_is_its_owners_alone(home: Path) -> None:
    assert oct((home / "casework.duckdb").stat().st_mode & 0o777) == "0o600"


def test_loading_the_same_return_again_skips_every_file(home: Path) -> None:
    again = _run(home, "load", str(D2I), "--la", LA)
    assert again.returncode == 0, again.stderr
    assert f"Loaded 0 file(s) for {LA}" in again.stdout
    assert "Skipped 13 file(s) loaded before: DoLo.csv, ad1.csv, episodes.csv," in again.stdout


def test_compute_writes_the_engines_figures_as_csv(home: Path, tmp_path: Path) -> None:
    output = tmp_path / "measures.csv"
    result = _run(home, "compute", "--period", "2017-18", "--format", "csv", "--output", str(output))
    assert result.returncode == 0, result.stderr
    ssda903 = [card for card in measure_cards() if card.returns == ("SSDA903",)]
    cin = [card.id for card in measure_cards() if card.returns == ("CIN census",)]
    workforce = [card.id for card in measure_cards() if card.returns == ("workforce census",)]
    assert result.stdout == f"Wrote {output} ({len(ssda903)} result(s), 2017-18).\n"
    # only an SSDA903 return is loaded: the CIN and workforce measures report on no council, and say why
    assert result.stderr == (
        f"No figures for {len(cin)} measure(s) that read the CIN census, which no council has loaded: "
        f"{', '.join(cin)}\n"
        f"No figures for {len(workforce)} measure(s) that read the workforce census, which no council has loaded: "
        f"{', '.join(workforce)}\n"
    )
    rows = {row["measure"]: row for row in csv.DictReader(output.read_text(encoding="utf-8").splitlines())}
    assert set(rows) == {card.id for card in ssda903}
    with CaseworkStore(home / "casework.duckdb") as store:
        for card in ssda903:
            [expected] = measure_compute(store, card, parse_period("2017-18"))
            row = rows[card.id]
            assert (row["la"], row["numerator"], row["denominator"]) == (
                LA,
                str(expected.numerator),
                "" if expected.denominator is None else str(expected.denominator),
            ), card.id
    stability = rows["cla_three_plus_placements"]
    assert (stability["numerator"], stability["denominator"], stability["value"]) == ("249", "1201", "20.7327")
    assert stability["inputs"] == "episodes.csv 38a66aa23848"
    assert rows["cla_count_at_end"]["value"] == "1201"
    # 1,201 x 10,000 / 75,668 children in Cheshire East (mid-2017, for 2017-18) = 158.719...
    rate = rows["cla_rate_at_end"]
    assert (rate["numerator"], rate["denominator"], rate["value"]) == ("1201", "75668", "158.7197")


def test_a_dirty_return_is_rejected_with_every_problem_and_nothing_is_written(tmp_path: Path) -> None:
    bad = tmp_path / "episodes.csv"
    bad.write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
        "A,32/01/2017,S,C2,N1,U1,PR1,,,,,,\n"
        "B,01/01/2017,S,C2,N1,U1,PR1,yesterday,E4A,,,,\n",
        encoding="utf-8",
    )
    result = _run(tmp_path, "load", str(bad), "--la", LA)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "Nothing was loaded: 2 problem(s) to fix first.",
        "  episodes.csv, row 2, field 'DECOM': '32/01/2017' is not a date; write dates as dd/mm/yyyy (or yyyy-mm-dd)",
        "  episodes.csv, row 3, field 'DEC': 'yesterday' is not a date; write dates as dd/mm/yyyy (or yyyy-mm-dd)",
    ]
    assert not (tmp_path / "casework.duckdb").exists()


def test_without_a_pseudonymisation_key_nothing_is_loaded(tmp_path: Path) -> None:
    result = _run(tmp_path, "load", str(D2I / "header.csv"), "--la", LA, key=False)
    assert result.returncode == 2
    assert "no pseudonymisation key: set OVERSIGHT_PSEUDONYM_KEY" in result.stderr
    assert not (tmp_path / "casework.duckdb").exists()


def test_a_memory_setting_that_is_not_an_amount_is_explained(tmp_path: Path) -> None:
    result = _run(tmp_path, "load", str(D2I / "header.csv"), "--la", LA, OVERSIGHT_CASEWORK_MEMORY="plenty")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "oversight casework load: OVERSIGHT_CASEWORK_MEMORY is 'plenty', which is not an amount of memory; write it "
        "as 2GB or 500MB."
    ]
    assert not (tmp_path / "casework.duckdb").exists()
    result = _run(tmp_path, "load", str(D2I / "header.csv"), "--la", LA, OVERSIGHT_CASEWORK_MEMORY="500MB")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Loaded 1 file(s) for {LA}")


def test_computed_measures_are_recorded_on_the_scorecard(home: Path) -> None:
    result = _run(
        home,
        "compute",
        "--period",
        "2017-18",
        "--measure",
        "cla_long_term_stability",
        "cla_reviews_on_time",
        "--indicator-map",
        "cla_long_term_stability=CLA-STABILITY-LT",
        "cla_reviews_on_time=CLA-REVIEWS-TIMELY",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == [
        "Recorded CLA-STABILITY-LT 2017-18: 47.7707 (casework measure cla_long_term_stability v1).",
        "Recorded CLA-REVIEWS-TIMELY 2017-18: 0.6683 (casework measure cla_reviews_on_time v1).",
    ]
    with sqlite3.connect(home / "oversight.sqlite3") as db:
        observation = db.execute(
            "SELECT o.value, o.numerator, o.denominator, o.source FROM performance_observation o "
            "JOIN performance_indicator i ON i.id = o.indicator_id WHERE i.code = 'CLA-STABILITY-LT' "
            "AND o.period = '2017-18'"
        ).fetchone()
        via = db.execute(
            "SELECT c.via FROM performance_change c JOIN performance_indicator i ON i.id = c.indicator_id "
            "WHERE i.code = 'CLA-STABILITY-LT' AND c.period = '2017-18' AND c.field = 'value'"
        ).fetchone()
    assert [str(v) for v in observation] == ["47.7707", "75", "157", "casework measure cla_long_term_stability v1"]
    assert via[0].startswith("casework run ")
    assert via[0].endswith(": episodes.csv 38a66aa23848, header.csv ebec1f5789e9")


def test_a_bad_period_or_measure_is_explained(home: Path) -> None:
    bad_period = _run(home, "compute", "--period", "Q1")
    assert bad_period.returncode == 2
    assert "'Q1' is not a period code" in bad_period.stderr
    bad_measure = _run(home, "compute", "--period", "2017-18", "--measure", "ni62")
    assert bad_measure.returncode == 2
    assert "there is no measure 'ni62'" in bad_measure.stderr
    too_late = _run(home, "compute", "--period", "2018-19")
    assert too_late.returncode == 2
    assert "run to 31 March 2018" in too_late.stderr


def test_the_postcode_lookup_is_loaded_and_returns_loaded_before_it_are_pointed_out(tmp_path: Path) -> None:
    episodes = tmp_path / "episodes.csv"
    episodes.write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
        "A,01/04/2011,S,C2,N1,U1,PR1,,,,UB1 1HF,UB8 1DH,\n",
        encoding="utf-8",
    )
    assert _run(tmp_path, "load", str(episodes), "--la", "E09000017").returncode == 0
    loaded = _run(tmp_path, "postcodes", str(UB_EXTRACT))
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.splitlines() == [
        f"Loaded the postcode lookup onspd_ub_extract.csv into {tmp_path / 'casework.duckdb'}: 11,805 postcodes, "
        "11,798 with a grid reference.",
        "1 episodes file(s) were loaded before it and keep the distances they had: load them again to work the "
        "distances out with this lookup.",
    ]
    again = _run(tmp_path, "load", str(episodes), "--la", "E09000017")
    assert again.returncode == 0, again.stderr
    assert "  episodes: 1 row (0 new)" in again.stdout
    computed = _run(tmp_path, "compute", "--period", "2011-12", "--measure", "cla_placed_over_20_miles")
    assert computed.returncode == 0, computed.stderr
    assert computed.stdout.splitlines()[1].split() == [
        "cla_placed_over_20_miles", "1", "E09000017", "2011-12", "2011-04-01", "2012-03-31", "0", "1", "0", "percent",
    ]  # fmt: skip
    refused = _run(tmp_path, "postcodes", str(episodes))
    assert refused.returncode == 2
    assert refused.stderr.splitlines()[-1] == (
        "oversight casework postcodes: episodes.csv is not a postcode lookup: it has no column for the postcode (pcds "
        "or pcd), the district (oslaua or laua), the easting (oseast1m), the northing (osnrth1m); give a CSV of the "
        "ONS Postcode Directory, or an extract with its column names."
    )


def test_only_episodes_files_with_postcodes_are_pointed_out_when_the_lookup_arrives(tmp_path: Path) -> None:
    without = tmp_path / "2011" / "episodes.csv"
    without.parent.mkdir()
    without.write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,URN\n"
        "A,01/04/2011,S,C2,N1,U1,PR1,,,,\n",
        encoding="utf-8",
    )
    assert _run(tmp_path, "load", str(without), "--la", "E09000017").returncode == 0
    loaded = _run(tmp_path, "postcodes", str(UB_EXTRACT))
    assert loaded.returncode == 0, loaded.stderr
    assert len(loaded.stdout.splitlines()) == 1
    again = _run(tmp_path, "load", str(without), "--la", "E09000017")
    assert "Skipped 1 file(s) loaded before: episodes.csv." in again.stdout


def test_the_store_is_compacted_by_a_command_and_keeps_its_figures(home: Path, tmp_path: Path) -> None:
    before = _run(home, "compute", "--period", "2017-18", "--format", "csv", "--output", str(tmp_path / "a.csv"))
    assert before.returncode == 0, before.stderr

    compacted = _run(home, "compact")

    assert compacted.returncode == 0, compacted.stderr
    assert re.fullmatch(r"Compacted .*casework\.duckdb: [\d.,]+ MB before, [\d.,]+ MB now\.\n", compacted.stdout)
    after = _run(home, "compute", "--period", "2017-18", "--format", "csv", "--output", str(tmp_path / "b.csv"))
    assert after.returncode == 0, after.stderr
    assert (tmp_path / "b.csv").read_text() == (tmp_path / "a.csv").read_text()


def test_watch_prints_the_count_then_each_child_with_the_day_it_crosses_the_line(home: Path) -> None:
    from datetime import date

    from oversight.casework.engine import measure_card
    from oversight.casework.watch import watch_compute

    result = _run(home, "watch", "--measure", "cla_reviews_on_time", "--as-at", "2018-01-31")
    assert result.returncode == 0, result.stderr
    with CaseworkStore(home / "casework.duckdb", read_only=True) as store:
        found = watch_compute(
            store, measure_card("cla_reviews_on_time"), la=LA, today=date(2026, 1, 1), as_at=date(2018, 1, 31)
        )
    assert found.count > 0
    [first, *rows] = result.stdout.splitlines()
    assert first == f"{LA}, as at 31 January 2018: {found.sentence()}."
    assert rows == [f"  {r.child}  {r.crosses_on.isoformat()}  {r.evidence}" for r in found.records]
    later = _run(home, "watch", "--measure", "cla_reviews_on_time", "--as-at", "2018-04-01")
    assert later.returncode == 2
    assert f"the returns loaded for {LA} run to 31 March 2018" in later.stderr
    none = _run(home, "watch", "--measure", "cla_starts")
    assert (none.returncode, none.stderr) == (
        2,
        "oversight casework watch: measure cla_starts declares no watch list.\n",
    )
