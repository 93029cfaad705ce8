"""``oversight start`` as a council runs it: an empty data directory, the longitudinal SSDA903 sample and a CIN
census, two of DfE's published files; then the export, without naming the scorecard."""

from __future__ import annotations

import csv
import os
import re
import subprocess
from pathlib import Path

import pytest

from oversight.benchmarks.models import IndicatorLink
from oversight.casework.engine import measure_cards
from oversight.onboarding.catalogue import CatalogueError, scorecard_from_mapping, standard_scorecard
from oversight.onboarding.services import council_start
from tests.casework.conftest import CIN, LA, LONGITUDINAL, TEST_KEY
from tests.processes import DemoHome, oversight_run

PUBLISHED = Path(__file__).resolve().parent.parent / "data" / "published"
PLACEMENTS = PUBLISHED / "dfe_csc_oe_la_cla_placement_stability.csv"
REFERRALS = PUBLISHED / "dfe_csc_oe_c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
CIN_CENSUS = CIN / "d2i_fake_CIN_data_332children.xml"
SSDA903_YEARS = ("2017-18", "2018-19", "2019-20", "2020-21", "2021-22")  # the sample's five returns
CIN_YEARS = ("2022-23",)  # the census's year, as its reader dates it


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OVERSIGHT_HOME": str(home), "OVERSIGHT_PSEUDONYM_KEY": TEST_KEY.decode()}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return oversight_run(args, env=env, timeout=600)


@pytest.fixture(scope="module")
def started(
    empty_home: DemoHome, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """One data directory, started once for the module with the returns for 2017-18 to 2020-21, the CIN census and
    two published files, then again with the 2021-22 return added, as a council does when a new year comes. (It
    starts from a database that holds nothing but the reference data: a new one's making is tested in
    tests/test_cli.py.)"""
    home, _ = empty_home.copy(tmp_path_factory.mktemp("start") / "data")
    earlier = [str(path) for path in sorted(LONGITUDINAL.glob("20*.csv")) if not path.name.startswith("2021-")]
    first = _run(
        home, "start", "--la", LA, "--returns", *earlier, str(CIN_CENSUS),
        "--published", str(PLACEMENTS), str(REFERRALS),
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    second = _run(home, "start", "--la", LA, "--returns", str(LONGITUDINAL))
    assert second.returncode == 0, second.stderr
    lines = second.stdout.splitlines()
    assert lines[:2] == [
        f"Scorecard 'childrens-services' for Cheshire East ({LA}): already there.",
        "Loaded 8 file(s) of returns; skipped 32 loaded before; 150 data-quality issue(s) kept with the data "
        "(oversight casework quality --details lists them).",
    ]
    assert re.fullmatch(
        r"Computed [0-9,]+ figures for [0-9]+ periods: the years 2017-18 to 2022-23 with their quarters and rolling "
        r"twelve months\.",
        lines[2],
    )
    return home, first


def _export(home: Path, period: str, output: Path) -> dict[str, dict[str, str]]:
    result = _run(home, "scorecard", "export", "--period", period, "--format", "csv", "--output", str(output))
    assert result.returncode == 0, result.stderr
    return {row["indicator_code"]: row for row in csv.DictReader(output.read_text(encoding="utf-8-sig").splitlines())}


def test_a_start_given_no_published_files_benchmarks_with_those_that_come_with_oversight(
    db: None, tmp_path: Path
) -> None:
    first = council_start(LA, pseudonymiser=None, store_path=tmp_path / "casework.duckdb", user_name="officer")
    again = council_start(LA, pseudonymiser=None, store_path=tmp_path / "casework.duckdb", user_name="officer")

    assert first.ok, first.issues
    assert first.published_rows == 78_244
    assert "Loaded DfE's published figures that come with oversight" in " ".join(first.notes)
    assert sorted(first.benchmarked) == [
        "CIN-COUNT", "CIN-REFERRALS", "CIN-REREFERRALS", "CLA-3-PLACEMENTS", "CLA-COUNT", "CLA-STABILITY",
        "CP-2YRS-OPEN", "CP-COUNT", "CP-REPEAT-PLANS",
    ]  # fmt: skip
    link = IndicatorLink.objects.select_related("series", "authority").get(indicator__code="CP-REPEAT-PLANS")
    assert (link.authority.code, link.series.code) == (LA, "ees:CPP_subsequent_percent@e121d4f0de")
    assert (again.published_rows, again.notes) == (0, [])  # held already: not loaded twice
    assert sorted(again.benchmarked) == sorted(first.benchmarked)


def test_start_says_what_it_made(started: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    _, run = started
    lines = run.stdout.splitlines()
    assert lines[0] == f"Scorecard 'childrens-services' for Cheshire East ({LA}): 43 indicators created."
    assert lines[1].startswith("Loaded 33 file(s) of returns; ")
    assert lines[-1] == (
        "Benchmarked 5 indicator(s) against DfE's published figures: CIN-REFERRALS, CIN-REREFERRALS, CLA-COUNT, "
        "CLA-3-PLACEMENTS, CLA-STABILITY."
    )


def test_every_indicator_has_a_figure_for_every_year_its_returns_cover(
    started: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    home, _ = started
    catalogue = standard_scorecard()
    by_return = {"SSDA903": SSDA903_YEARS, "CIN census": CIN_YEARS}
    for year in sorted({*SSDA903_YEARS, *CIN_YEARS}):
        rows = _export(home, year, tmp_path / f"{year}.csv")
        assert set(rows) == set(catalogue.indicator_map.values())
        for indicator in catalogue.indicators:
            covered = all(year in by_return.get(name, ()) for name in indicator.card.returns)
            row = rows[indicator.code]
            if covered:
                # a figure, or the note saying why there is none (no children in its denominator that year)
                assert row["value"] or "0 of 0" in row["note"] or "over 0" in row["note"], (indicator.code, year)
            else:
                assert row["value"] == "", (indicator.code, year)


def test_figures_are_benchmarked_where_dfe_publishes_the_measure(
    started: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    home, _ = started
    rows = _export(home, "2021-22", tmp_path / "year.csv")
    stability = rows["CLA-3-PLACEMENTS"]
    assert stability["value"] == "20"
    assert stability["comparator"].startswith("2021-22 20% vs England 2021-22 10%: significantly higher (worse)")
    assert "SN mean 2021-22" in stability["comparator"]
    assert rows["CIN-REFERRALS"]["comparator"].startswith("England 2021-22 650,270")
    assert rows["SW-CASELOAD"]["comparator"] == ""  # DfE's workforce figures were not given


def test_quarters_and_rolling_years_are_computed(
    started: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    home, _ = started
    for period in ("2019-20-Q2", "R12-2019-M09"):
        assert _export(home, period, tmp_path / f"{period}.csv")["CLA-COUNT"]["value"] != ""
    assert _export(home, "R12-2017-M06", tmp_path / "first.csv")["CLA-COUNT"]["value"] == ""  # before the returns


def test_starting_again_with_nothing_new_changes_nothing(
    started: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    home, _ = started
    again = _run(home, "start", "--la", LA, "--returns", str(LONGITUDINAL))
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[:1] == [
        f"Scorecard 'childrens-services' for Cheshire East ({LA}): already there.",
    ]
    assert again.stdout.splitlines()[1].startswith("Loaded 0 file(s) of returns; skipped 40 loaded before; ")
    assert "No figures to compute: every figure the returns give is on the scorecard already." in again.stdout


def test_problems_name_the_file_row_and_field_and_nothing_is_loaded(empty_home: DemoHome, tmp_path: Path) -> None:
    home, migrated = empty_home.copy(tmp_path / "data")
    assert migrated.returncode == 0, migrated.stderr
    episodes = tmp_path / "episodes.csv"
    text = (LONGITUDINAL / "2017-episodes.csv").read_text(encoding="utf-8").splitlines()
    header, first = text[0], text[1].split(",")
    first[header.split(",").index("DECOM")] = "31/02/2017"
    episodes.write_text("\n".join([header, ",".join(first), *text[2:]]) + "\n", encoding="utf-8")
    run = _run(home, "start", "--la", LA, "--returns", str(episodes), str(LONGITUDINAL / "2017-header.csv"))
    assert run.returncode == 1
    assert "Nothing was loaded:" in run.stderr
    assert "episodes.csv, row 2, field 'DECOM': '31/02/2017' is not a date" in run.stderr


def test_an_unknown_council_is_refused(empty_home: DemoHome, tmp_path: Path) -> None:
    home, migrated = empty_home.copy(tmp_path / "data")
    assert migrated.returncode == 0, migrated.stderr
    run = _run(home, "start", "--la", "E99999999")
    assert run.returncode == 2
    assert "--la: 'E99999999' is not an LA number, ONS code or name of a council oversight knows." in run.stderr


def test_the_catalogue_holds_every_measure_once() -> None:
    catalogue = standard_scorecard()
    assert sorted(catalogue.indicator_map) == sorted(card.id for card in measure_cards())
    assert [p.title for p in catalogue.priorities][:6] == [
        "Early help and referrals", "Assessment", "Child protection", "Children in care", "Care leavers", "Adoption",
    ]  # fmt: skip


def test_a_catalogue_that_does_not_fit_the_cards_is_refused_with_every_problem() -> None:
    data = {
        "scorecard": {"slug": "s", "title": "S"},
        "priorities": [
            {"code": "A", "title": "A", "indicators": [{"measure": "nope", "code": "X"}]},
            {"code": "B", "title": "B", "indicators": [{"measure": "cla_starts", "code": "X" * 25, "colour": "red"}]},
        ],
    }
    with pytest.raises(CatalogueError) as raised:
        scorecard_from_mapping(data, measure_cards())
    assert str(raised.value) == (
        "standard_scorecard.yml: A indicator 1 (nope): there is no measure card 'nope'; B indicator 1 (cla_starts): "
        "colour is not a field; use aggregation, code, measure, minimum_cohort, published; B indicator 1 "
        "(cla_starts): give a code of 1 to 24 characters"
    )
