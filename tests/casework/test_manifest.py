"""Measure manifests: what each measure's SQL reads, parsed once with SQLGlot rather than listed on its card."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from oversight.casework.engine import PARAMETERS, card_from_mapping, measure_card, measure_cards
from oversight.casework.issues import CaseworkError
from oversight.casework.manifest import (
    SHARED_FILES,
    Manifest,
    shared_manifest,
    shared_objects,
    sql_manifest,
)

from .test_engine import _card_data

CASEWORK = Path(__file__).resolve().parents[2] / "src" / "oversight" / "casework"

# The stored tables each measure reads, itself or through the shared views and macros, worked out by reading
# its SQL and the macros it calls; returns name the SSDA903's 'children' table 'header'.
SOURCE_TABLES = {
    "adoption_a1": ("episodes",),
    "adoption_a10": ("ad1", "episodes"),
    "adoption_a2": ("ad1", "episodes"),
    "care_leavers_accommodation_17_18": ("episodes", "header", "oc3"),
    "care_leavers_accommodation_19_21": ("episodes", "header", "oc3"),
    "care_leavers_eet_17_18": ("episodes", "header", "oc3"),
    "care_leavers_eet_19_21": ("episodes", "header", "oc3"),
    "cin_assessments_45_days": ("cin_assessments",),
    "cin_count_at_end": ("cin_episodes",),
    "cin_icpc_15_days": ("cin_s47",),
    "cin_rate_at_end": ("cin_episodes",),
    "cin_referrals": ("cin_episodes",),
    "cin_referrals_rate": ("cin_episodes",),
    "cin_referrals_to_assessment": ("cin_assessments", "cin_episodes"),
    "cin_rereferrals": ("cin_episodes",),
    "cin_s47_enquiries": ("cin_s47",),
    "cin_s47_rate": ("cin_s47",),
    "cla_ceases": ("episodes",),
    "cla_ceases_rate": ("episodes",),
    "cla_count_at_end": ("episodes",),
    "cla_long_term_stability": ("episodes", "header"),
    "cla_missing": ("episodes", "missing"),
    "cla_missing_incidents": ("missing",),
    "cla_placed_over_20_miles": ("episodes",),
    "cla_rate_at_end": ("episodes",),
    "cla_reviews_on_time": ("episodes", "reviews"),
    "cla_starts": ("episodes",),
    "cla_starts_rate": ("episodes",),
    "cla_three_plus_placements": ("episodes",),
    "cp_count_at_end": ("cp_plans",),
    "cp_plans_2_years_ended": ("cp_plans",),
    "cp_plans_2_years_open": ("cp_plans",),
    "cp_plans_second_or_subsequent": ("cp_plans",),
    "cp_rate_at_end": ("cp_plans",),
    "cp_reviews_on_time": ("cp_plans", "cp_reviews"),
    "oc2_dental_checks": ("episodes", "oc2"),
    "oc2_health_assessments": ("episodes", "oc2"),
    "oc2_immunisations": ("episodes", "oc2"),
    **{
        f"workforce_{name}": ("csww_vacancies", "csww_workers")
        for name in ("absence_rate", "agency_rate", "caseload", "turnover_rate", "vacancy_rate")
    },
}


def test_every_measure_reads_exactly_the_return_tables_its_sql_and_macros_read() -> None:
    assert {card.id: card.source_tables for card in measure_cards()} == SOURCE_TABLES
    assert all(card.source_tables == card.manifest.source_tables for card in measure_cards())


def test_a_few_manifests_in_full() -> None:
    # Reads missing itself, and the episodes through looked_after_during and the spells.
    assert measure_card("cla_missing").manifest == Manifest(
        tables=("episodes", "missing"),
        shared=("episode_spells", "episode_spells_rule", "looked_after_during", "uk_date"),
        parameters=frozenset({"period_start", "period_end"}),
    )
    # The children table, as the store names it, beside the spells; add_months is a function SQLGlot knows.
    assert measure_card("cla_long_term_stability").manifest == Manifest(
        tables=("children", "episodes"),
        shared=("add_months", "age_on", "episode_spells", "episode_spells_rule", "looked_after_on", "uk_date"),
        parameters=frozenset({"period_end"}),
    )
    # The working days are the store's own table: read, but no return's.
    reviews = measure_card("cla_reviews_on_time").manifest
    assert reviews.tables == ("episodes", "reviews", "working_days")
    assert reviews.source_tables == ("episodes", "reviews")
    assert "add_working_days" in reviews.shared
    # A CIN measure that reads its table directly, through no macro but uk_date.
    assert measure_card("cin_referrals_to_assessment").manifest == Manifest(
        tables=("cin_assessments", "cin_episodes"),
        shared=("uk_date",),
        parameters=frozenset({"period_start", "period_end"}),
    )
    assert measure_card("cp_count_at_end").manifest.shared == ("cp_plans_on", "cp_plans_records", "uk_date")


def test_every_measure_and_shared_file_parses_in_duckdbs_dialect() -> None:
    for file in (*SHARED_FILES, *(f"measures/{path.name}" for path in sorted((CASEWORK / "measures").glob("*.sql")))):
        assert sql_manifest((CASEWORK / file).read_text(encoding="utf-8"), where=file).tables or file in SHARED_FILES
    objects = shared_objects()
    assert {"episode_spells", "episode_spells_rule", "looked_after_on", "child_population_estimates"} <= set(objects)
    assert shared_manifest("child_population").tables == ("population",)
    assert shared_manifest("oc2_cohort").tables == ("episodes", "oc2")
    for card in measure_cards():
        assert card.manifest.parameters <= PARAMETERS, card.id
        assert not card.manifest.unheld, card.id
        assert set(card.manifest.shared) <= set(objects), card.id


def test_common_table_expressions_and_comments_are_not_what_a_query_reads() -> None:
    manifest = sql_manifest(
        "WITH episodes AS (SELECT * FROM episodes WHERE ls <> 'V3'),  -- reads the stored episodes\n"
        "  spells AS (SELECT * FROM episodes JOIN looked_after_on($period_end) USING (child))\n"
        "SELECT * FROM spells JOIN (WITH oc2 AS (SELECT 1 AS child) SELECT * FROM oc2, oc3) USING (child)\n"
        "WHERE $la IS NULL -- not $period_start"
    )
    assert manifest.tables == ("episodes", "oc3")
    assert manifest.shared == ("episode_spells", "episode_spells_rule", "looked_after_on")
    assert manifest.parameters == {"period_end", "la"}


def test_a_parameter_used_but_not_supplied_is_reported_by_name() -> None:
    manifest = measure_card("cla_missing").manifest
    with pytest.raises(CaseworkError) as refused:
        manifest.bound({"period_end": date(2018, 3, 31), "la": None}, measure="cla_missing")
    assert (
        str(refused.value)
        == "measure cla_missing uses $period_start, which is not supplied (supplied: $la, $period_end)"
    )
    # Only the parameters the SQL takes are bound: DuckDB refuses a value that no parameter takes.
    assert measure_card("cla_count_at_end").manifest.bound(
        {"period_start": date(2017, 4, 1), "period_end": date(2018, 3, 31), "la": "E06000049"}, measure="x"
    ) == {"period_end": date(2018, 3, 31)}
    with pytest.raises(CaseworkError, match=r"uses \$day, \$today, which are not supplied \(supplied: none\)"):
        sql_manifest("SELECT $today, $day").bound({}, measure="x")


def test_a_card_whose_sql_cannot_be_read_or_reads_what_no_return_holds_is_refused() -> None:
    with pytest.raises(CaseworkError, match=r"measure card cla_starts.yml: the SQL cannot be read: "):
        card_from_mapping(_card_data(), "SELECT la, FROM WHERE (", name="cla_starts")
    with pytest.raises(CaseworkError, match="the SQL reads placement_moves, which no return holds"):
        card_from_mapping(_card_data(), "SELECT * FROM looked_after_on($period_end) JOIN placement_moves", name="x")
    with pytest.raises(CaseworkError, match="'source_tables' is not a card field"):
        card_from_mapping(_card_data(source_tables=["episodes"]), "SELECT 1", name="cla_starts")


def test_the_manifest_is_parsed_once_per_process() -> None:
    card = measure_card("cla_starts")
    assert card.manifest is card.manifest
    assert sql_manifest(card.sql) is card.manifest
