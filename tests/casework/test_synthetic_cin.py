"""The synthetic CIN census generator: deterministic, valid against the census XSDs, and loads to its own truth."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from oversight.casework.engine import measure_card, measure_compute
from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.store import CaseworkStore
from oversight.casework.synthetic import synthetic_council, synthetic_returns
from oversight.casework.synthetic_cin import synthetic_cin_census, synthetic_cin_council
from oversight.core.periods import parse_period
from oversight.core.workdays import is_working_day

COUNCILS = ("E06000049", "E09000028")


def digest(paths: list[Path]) -> str:
    return hashlib.sha256(b"".join(p.read_bytes() for p in paths)).hexdigest()


def written(folder: Path, seed: int) -> list[Path]:
    council = synthetic_cin_council(COUNCILS[0], seed=seed, first_year_ending=2024, last_year_ending=2025,
                                    referrals_per_year=60)  # fmt: skip
    return list(synthetic_cin_census(council, folder))


def test_the_same_seed_writes_the_same_files(tmp_path: Path) -> None:
    first, again, other = written(tmp_path / "a", 3), written(tmp_path / "b", 3), written(tmp_path / "c", 4)
    assert [p.name for p in first] == ["cin_census_2024.xml", "cin_census_2025.xml"]
    assert digest(first) == digest(again)
    assert digest(first) != digest(other)


def test_journeys_fall_on_working_days_and_follow_each_other() -> None:
    council = synthetic_cin_council(COUNCILS[0], seed=11, first_year_ending=2023, last_year_ending=2024)
    episodes = [e for child in council.children for e in child.episodes]
    assert all(is_working_day(e.referral) for e in episodes)
    assessed = [e.assessment for e in episodes if e.assessment is not None]
    assert all(is_working_day(start) and start >= e.referral for e, (start, _) in zip(
        [e for e in episodes if e.assessment], assessed, strict=True))  # fmt: skip
    assert all(end is None or end > start for start, end in assessed)
    plans = [e.plan for e in episodes if e.plan is not None]
    assert all(e.s47 is not None and e.s47[1] == e.plan.start for e in episodes if e.plan is not None)
    assert all(p.reviews == sorted(p.reviews) and all(p.start < r for r in p.reviews) for p in plans)
    # The 2022-23 Christmas and Easter bank holidays are never a referral day.
    referral_days = {e.referral for e in episodes}
    assert not referral_days & {date(2022, 12, 26), date(2022, 12, 27), date(2023, 4, 7), date(2023, 4, 10)}


def test_several_councils_and_years_load_valid_and_give_plausible_figures(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    councils = [
        synthetic_cin_council(code, seed=5, first_year_ending=2023, last_year_ending=2025, referrals_per_year=150)
        for code in COUNCILS
    ]
    paths = [path for council in councils for path in synthetic_cin_census(council, tmp_path)]
    assert len(paths) == 6
    # The 2023 and 2024 files use GenderCurrent, the 2025 ones Sex: each valid against its year's schema.
    result = store.load(paths, pseudonymiser=pseudonymiser, validate=True)
    assert result.ok, result.issues[:5]
    assert result.las == COUNCILS
    for council in councils:
        truth = council.truth(2024)
        la = {"la": council.code}
        window = {"start": date(2023, 4, 1), "end": date(2024, 3, 31), **la}
        referrals = store.query(
            "SELECT count(*) FROM cin_episodes WHERE la = $la AND referral_date BETWEEN $start AND $end", window
        )
        assessed = store.query(
            "SELECT count(*), count(*) FILTER (WHERE working_days_between(start_date, authorisation_date) <= 45) "
            "FROM cin_assessments WHERE la = $la AND authorisation_date BETWEEN $start AND $end",
            window,
        )
        conferences = store.query(
            "SELECT count(*), count(*) FILTER (WHERE working_days_between(start_date, icpc_date) <= 15) "
            "FROM cin_s47 WHERE la = $la AND icpc_date BETWEEN $start AND $end",
            window,
        )
        on_plan = store.query("SELECT count(*) FROM cp_plans_on($end) WHERE la = $la", {"end": window["end"], **la})
        assert referrals == [(truth["referrals"],)]
        assert assessed == [(truth["assessments_authorised"], truth["assessments_within_45"])]
        assert conferences == [(truth["icpcs"], truth["icpcs_within_15"])]
        assert on_plan == [(truth["on_cp_plan_at_end"],)]
    # Plausible, roughly as published for England: most assessments within 45 working days (86% in 2025),
    # most conferences within 15 (about 80%), some children on plans.
    truths = [council.truth(2024) for council in councils]
    assessed = sum(t["assessments_within_45"] for t in truths) / sum(t["assessments_authorised"] for t in truths)
    conferences = sum(t["icpcs_within_15"] for t in truths) / sum(t["icpcs"] for t in truths)
    assert 0.75 < assessed < 0.95
    assert 0.6 < conferences < 0.98
    assert all(t["on_cp_plan_at_end"] > 5 for t in truths)
    # The backlog is visible as data quality: assessments still open long after they started.
    assert result.quality["cin_assessment_open_past_timescale"] > 0


def test_the_measures_computed_from_synthetic_returns_agree_with_the_generator(
    tmp_path: Path, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    code = COUNCILS[0]
    cin = synthetic_cin_council(code, seed=9, first_year_ending=2023, last_year_ending=2024, referrals_per_year=200)
    # The engine reports on councils with looked-after children's returns: load a 903 for the council too.
    looked_after = synthetic_council(code, seed=9, first_year_ending=2023, last_year_ending=2024, starts_per_year=20)
    paths = [*synthetic_cin_census(cin, tmp_path), *synthetic_returns(looked_after, tmp_path / "903")]
    assert store.load(paths, pseudonymiser=pseudonymiser, la=code).ok
    truth = cin.truth(2024)
    period = parse_period("2023-24")

    def computed(measure: str) -> tuple[int, int | None]:
        [result] = measure_compute(store, measure_card(measure), period, la=code)
        return result.numerator, result.denominator

    assert computed("cin_referrals") == (truth["referrals"], None)
    assert computed("cin_assessments_45_days") == (truth["assessments_within_45"], truth["assessments_authorised"])
    assert computed("cin_icpc_15_days") == (truth["icpcs_within_15"], truth["icpcs"])
    assert computed("cin_s47_enquiries") == (truth["s47_started"], None)
    assert computed("cp_count_at_end") == (truth["on_cp_plan_at_end"], None)
    repeat, started = computed("cp_plans_second_or_subsequent")
    assert started == truth["cp_plans_started"]
    assert 0 <= repeat < started
    rereferred, referrals = computed("cin_rereferrals")
    assert referrals == truth["referrals"]
    assert 0.05 < rereferred / referrals < 0.4  # England: about a fifth
