from __future__ import annotations

import csv
import math
import statistics
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight.benchmarks.ees import ees_read
from oversight.core.benchmark import (
    Band,
    Direction,
    Significance,
    byar_interval,
    competition_ranks,
    funnel_limits,
    group_summary,
    is_bold,
    movement,
    national_rank_sentence,
    ordinal,
    quartile_band,
    quartile_bands,
    rank,
    significance_against,
    wilson_interval,
    z_value,
)
from oversight.core.rag import Polarity

PUBLISHED = Path(__file__).resolve().parent.parent / "data" / "published"
D3 = PUBLISHED / "dfe_csc_oe_d3_cpps_subsequent_plan_2013_to_2025.csv"
SN_2021 = PUBLISHED / "dfe_csc_oe_New_Statistical_Neighbour_Groupings_April_2021.csv"


def values(*figures: str | None) -> dict[str, Decimal | None]:
    return {f"LA{index}": None if figure is None else Decimal(figure) for index, figure in enumerate(figures)}


# --- ranks -----------------------------------------------------------------------------------------------


def test_ordinal_suffixes_follow_english_usage() -> None:
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111, 152)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st", "111th", "152nd",
    ]  # fmt: skip


def test_tied_values_share_a_joint_rank_worded_joint_4th_of_152() -> None:
    figures = {f"LA{n:03}": Decimal(100 - n) for n in range(152)}  # LA000 = 100 is best when higher is better
    figures["LA003"] = figures["LA004"] = Decimal("96.5")  # level, after 100, 99 and 98

    result = rank(figures, "LA004", Polarity.HIGHER)

    assert (result.position, result.tied, result.ranked, result.excluded) == (4, 2, 152, 0)
    assert result.words == "joint 4th of 152"
    assert result.sentence == "Joint 4th of 152 (1st is best)."
    assert rank(figures, "LA005", Polarity.HIGHER).words == "6th of 152"  # competition ranking skips 5th


def test_competition_ranking_is_1224_style() -> None:
    assert competition_ranks(values("9", "8", "8", "7"), Polarity.HIGHER) == {"LA0": 1, "LA1": 2, "LA2": 2, "LA3": 4}


def test_lower_is_better_ranks_the_smallest_value_first() -> None:
    figures = values("24.5", "19.2", "31.0", "19.2")

    assert competition_ranks(figures, Polarity.LOWER) == {"LA0": 3, "LA1": 1, "LA2": 4, "LA3": 1}
    assert rank(figures, "LA2", Polarity.LOWER).words == "4th of 4"


def test_polarity_neither_ranks_highest_first_without_calling_it_best() -> None:
    result = rank(values("5", "7", "6"), "LA1", Polarity.NEITHER)

    assert result.words == "1st of 3"
    assert result.sentence == "1st of 3 (1st is highest)."


def test_suppressed_member_is_left_out_of_the_ranking_and_counted() -> None:
    result = rank(values("20", None, "30", "25"), "LA2", Polarity.LOWER)

    assert (result.position, result.ranked, result.excluded) == (3, 3, 1)
    assert result.sentence == "3rd of 3 (1st is best); 1 member without a published value left out."


def test_subject_without_a_value_is_not_ranked() -> None:
    result = rank(values("20", None, "30"), "LA1", Polarity.HIGHER)

    assert result.position is None
    assert result.words == "not ranked"
    assert result.sentence == "Not ranked: no value for LA1; 1 member without a published value left out."


@given(st.lists(st.integers(min_value=-50, max_value=50), min_size=1, max_size=40), st.sampled_from(list(Polarity)))
def test_ranks_are_consistent_with_the_sorted_order(numbers: list[int], polarity: Polarity) -> None:
    figures = {f"LA{index}": Decimal(number) for index, number in enumerate(numbers)}
    ranks = competition_ranks(figures, polarity)

    def better(a: Decimal, b: Decimal) -> bool:
        return a < b if polarity is Polarity.LOWER else a > b

    for code, value in figures.items():
        assert ranks[code] == 1 + sum(1 for other in figures.values() if better(other, value))
        for other_code, other in figures.items():
            if value == other:
                assert ranks[code] == ranks[other_code]
            elif better(value, other):
                assert ranks[code] < ranks[other_code]
    assert min(ranks.values()) == 1
    assert max(ranks.values()) <= len(figures)


# --- quartile bands --------------------------------------------------------------------------------------


def test_eight_members_split_two_to_a_band_best_first() -> None:
    bands = quartile_bands(values("1", "2", "3", "4", "5", "6", "7", "8"), Polarity.LOWER)

    assert [bands[f"LA{n}"] for n in range(8)] == [Band.A, Band.A, Band.B, Band.B, Band.C, Band.C, Band.D, Band.D]


def test_tied_members_share_the_band_of_their_best_joint_place() -> None:
    # Ranks 1, 2, 2, 2, 5, 6, 7, 8: the three tied at 2nd all take 2nd place's band (A), not B.
    figures = values("8", "7", "7", "7", "4", "3", "2", "1")

    assert quartile_bands(figures, Polarity.HIGHER) == {
        "LA0": Band.A, "LA1": Band.A, "LA2": Band.A, "LA3": Band.A,
        "LA4": Band.C, "LA5": Band.C, "LA6": Band.D, "LA7": Band.D,
    }  # fmt: skip


def test_member_without_a_value_has_no_band_and_does_not_count_towards_the_quarters() -> None:
    figures = values("1", "2", "3", "4", None)

    assert quartile_band(figures, "LA4", Polarity.HIGHER) is None
    assert quartile_band(figures, "LA3", Polarity.HIGHER) is Band.A
    assert quartile_band(figures, "LA0", Polarity.HIGHER) is Band.D


@given(st.sets(st.integers(min_value=-1000, max_value=1000), min_size=1, max_size=160))
def test_bands_cover_everyone_in_near_equal_quarters_when_there_are_no_ties(numbers: set[int]) -> None:
    figures = {f"LA{number}": Decimal(number) for number in numbers}
    bands = quartile_bands(figures, Polarity.HIGHER)

    assert set(bands) == set(figures)
    sizes = [sum(1 for band in bands.values() if band is letter) for letter in Band]
    assert sum(sizes) == len(figures)
    if len(figures) >= 4:
        assert max(sizes) - min(sizes) <= 1
    best = max(figures, key=lambda code: figures[code])
    assert bands[best] is Band.A


# --- group summaries -------------------------------------------------------------------------------------


def test_suppressed_neighbour_is_excluded_and_the_group_size_reported() -> None:
    figures = values("20", None, "30", "25", "10")  # LA1 is suppressed ('c' in the file)

    summary = group_summary(figures, ["LA0", "LA1", "LA2", "LA3", "LA9"])  # LA9 has no row at all

    assert (summary.members, summary.used, summary.suppressed, summary.absent) == (5, 3, 1, 1)
    assert summary.mean == Decimal(25)
    assert summary.median == Decimal(25)
    assert summary.note == "Mean of 3 of 5 (1 suppressed, 1 not in the data)."


def test_each_statistic_of_a_group_has_its_own_note() -> None:
    summary = group_summary(values("20", None, "30", "25", "10"), ["LA0", "LA1", "LA2", "LA3", "LA9"])

    assert summary.note_for("median") == "Median of 3 of 5 (1 suppressed, 1 not in the data)."
    assert summary.note_for("mean") == summary.note == "Mean of 3 of 5 (1 suppressed, 1 not in the data)."


def test_a_national_rank_says_among_what() -> None:
    figures = values("5", "6", "7", None)
    found = rank(figures, "LA1", Polarity.LOWER)

    assert national_rank_sentence(found, councils=4, missing=[]) == (
        "Among all English councils: 2nd of 3 (1st is best); 1 member without a published value left out."
    )
    assert national_rank_sentence(found, councils=6, missing=["Rutland", "Isles of Scilly"]) == (
        "Nationally: 2nd of 3 areas with a published figure (1st is best); 1 member without a published value "
        "left out; 2 of the 6 English councils of the time (Rutland, Isles of Scilly) are not in the published "
        "figures, so this is not a rank among all English councils."
    )
    many = national_rank_sentence(rank(figures, "LA9", Polarity.LOWER), councils=152, missing=["A", "B", "C", "D"])
    assert many == (
        "Nationally: Not ranked: no value for LA9; 1 member without a published value left out; 4 of the 152 "
        "English councils of the time are not in the published figures, so this is not a rank among all English "
        "councils."
    )


def test_group_with_no_values_has_no_mean() -> None:
    summary = group_summary(values(None, None), ["LA0", "LA1"])

    assert (summary.mean, summary.median, summary.used, summary.suppressed) == (None, None, 0, 2)


def test_even_sized_group_median_is_the_mean_of_the_middle_two() -> None:
    assert group_summary(values("1", "2", "4", "10"), ["LA0", "LA1", "LA2", "LA3"]).median == Decimal(3)


def _d3_rows(year: str) -> list[dict[str, str]]:
    # Read the file with the standard library alone, so the check does not lean on the reader under test.
    with D3.open(encoding="utf-8-sig", newline="") as handle:
        return [
            row
            for row in csv.DictReader(handle)
            if row["time_period"] == year and row["geographic_level"] == "Local authority"
        ]


def _neighbours_of(la_number: str) -> list[str]:
    with SN_2021.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            if row[0] == la_number:
                return row[5:25:2]  # SN1..SN10; the columns between hold the closeness words
    raise AssertionError(f"{la_number} is not in the statistical neighbour file")


def test_statistical_neighbour_mean_median_and_ranks_match_an_independent_calculation() -> None:
    # Kensington and Chelsea (207), 2024 repeat child protection plans (lower is better). Its 2021
    # neighbours include the City of London (201), whose figure is suppressed ('c') that year.
    neighbours = _neighbours_of("207")
    assert neighbours == ["213", "205", "212", "202", "302", "201", "315", "870", "846", "206"]

    plain = {row["old_la_code"]: row["CPP_subsequent_percent"] for row in _d3_rows("2024")}
    assert plain["201"] == "c"
    known = {code: float(plain[code]) for code in neighbours if plain[code] != "c"}
    expected_mean = sum(known.values()) / len(known)
    expected_median = statistics.median(known.values())
    group = ["207", *neighbours]
    group_known = {code: float(plain[code]) for code in group if plain[code] != "c"}
    expected_ranks = {
        code: 1 + sum(1 for other in group_known.values() if other < value) for code, value in group_known.items()
    }

    file = ees_read(D3)
    figures = {
        row.old_la_code: row.value("CPP_subsequent_percent")
        for row in file.rows
        if row.time_period == "2024" and row.geographic_level == "Local authority"
    }
    summary = group_summary(figures, neighbours)

    assert (summary.members, summary.used, summary.suppressed, summary.absent) == (10, 9, 1, 0)
    assert summary.mean is not None
    assert summary.median is not None
    assert float(summary.mean) == pytest.approx(expected_mean, abs=1e-9)
    assert float(summary.median) == pytest.approx(expected_median, abs=1e-9)
    in_group = {code: figures[code] for code in group}
    assert competition_ranks(in_group, Polarity.LOWER) == expected_ranks
    own = rank(in_group, "207", Polarity.LOWER)
    assert (own.position, own.ranked, own.excluded) == (expected_ranks["207"], 10, 1)


def test_national_rank_matches_an_independent_count_including_ties() -> None:
    plain = {row["old_la_code"]: row["CPP_subsequent_percent"] for row in _d3_rows("2025")}
    known = {code: Decimal(text) for code, text in plain.items() if text not in {"c", "x", "z", "u"}}
    # Hartlepool (805) had 32.4% in 2025; count the LAs strictly better (lower) and those level with it.
    strictly_better = sum(1 for value in known.values() if value < known["805"])
    level = sum(1 for value in known.values() if value == known["805"])

    file = ees_read(D3)
    figures = {
        row.old_la_code: row.value("CPP_subsequent_percent")
        for row in file.rows
        if row.time_period == "2025" and row.geographic_level == "Local authority"
    }
    result = rank(figures, "805", Polarity.LOWER)

    assert known["805"] == Decimal("32.4")
    assert (result.position, result.tied, result.ranked) == (strictly_better + 1, level, len(known))
    assert result.ranked == 153


# --- intervals -------------------------------------------------------------------------------------------


def test_z_values_for_the_usual_levels() -> None:
    assert z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert z_value(0.998) == pytest.approx(3.090232, abs=1e-6)


def _wilson_by_quadratic(x: int, n: int, z: float) -> tuple[float, float]:
    # The Wilson limits are the roots in p of (x/n − p)² = z²·p(1 − p)/n.
    phat = x / n
    a = 1 + z * z / n
    b = -(2 * phat + z * z / n)
    c = phat * phat
    root = math.sqrt(b * b - 4 * a * c)
    return (-b - root) / (2 * a), (-b + root) / (2 * a)


def test_wilson_interval_for_783_of_12700() -> None:
    interval = wilson_interval(783, 12_700, 0.95)

    lower, upper = _wilson_by_quadratic(783, 12_700, 1.959963984540054)
    assert interval.estimate == pytest.approx(0.061654, abs=1e-6)
    assert interval.lower == pytest.approx(lower, abs=1e-12)
    assert interval.upper == pytest.approx(upper, abs=1e-12)
    assert (round(interval.lower * 100, 2), round(interval.upper * 100, 2)) == (5.76, 6.60)


def test_wilson_interval_matches_newcombes_published_example() -> None:
    # Newcombe (1998), Statistics in Medicine 17:857, example 81/263: Wilson 95% limits 0.2553 to 0.3662.
    interval = wilson_interval(81, 263)

    assert (round(interval.lower, 4), round(interval.upper, 4)) == (0.2553, 0.3662)


def test_wilson_interval_at_the_ends_stays_within_zero_and_one() -> None:
    assert wilson_interval(0, 10).lower == 0.0
    assert wilson_interval(10, 10).upper == 1.0


def test_wilson_interval_rejects_a_numerator_above_the_denominator() -> None:
    with pytest.raises(ValueError, match="numerator"):
        wilson_interval(11, 10)


@given(st.integers(min_value=1, max_value=100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_contains_p_stays_in_0_1_and_is_wider_at_99_8(pair: tuple[int, int]) -> None:
    x, n = pair
    narrow = wilson_interval(x, n, 0.95)
    wide = wilson_interval(x, n, 0.998)

    assert 0.0 <= narrow.lower <= x / n <= narrow.upper <= 1.0
    assert 0.0 <= wide.lower <= narrow.lower
    assert narrow.upper <= wide.upper <= 1.0
    assert wide.upper - wide.lower > narrow.upper - narrow.lower


def test_byar_interval_for_ten_events_is_close_to_the_exact_poisson_limits() -> None:
    # Exact (Garwood) 95% limits for 10 events are 4.795 and 18.390; Byar's approximation is within 0.01.
    interval = byar_interval(10, 0.95)

    assert interval.lower == pytest.approx(4.795, abs=0.01)
    assert interval.upper == pytest.approx(18.390, abs=0.01)
    assert (round(interval.lower, 1), round(interval.upper, 2)) == (4.8, 18.39)


def test_byar_interval_for_a_hundred_events() -> None:
    # Exact 95% Poisson limits for 100 events: 81.36 and 121.63.
    interval = byar_interval(100)

    assert interval.lower == pytest.approx(81.36, abs=0.02)
    assert interval.upper == pytest.approx(121.63, abs=0.02)


def test_byar_interval_for_no_events_starts_at_zero() -> None:
    interval = byar_interval(0)

    assert interval.lower == 0.0
    assert interval.upper == pytest.approx(3.689, abs=0.025)  # exact upper limit for 0 events is 3.689


def test_a_rate_interval_is_the_count_interval_over_the_population() -> None:
    per_10k = byar_interval(10).scaled(10_000 / 25_000)  # 10 events among 25,000 children

    assert per_10k.estimate == pytest.approx(4.0)
    assert per_10k.lower == pytest.approx(1.915, abs=0.001)


# --- significance, funnels, movement, bold ---------------------------------------------------------------


def test_significance_is_worded_by_polarity() -> None:
    interval = wilson_interval(783, 12_700).scaled(100)  # 5.76% to 6.60%

    above = significance_against(interval, Decimal("5.0"), Polarity.HIGHER)
    assert above.significance is Significance.BETTER
    assert above.sentence == (
        "Significantly better than England: the 95% confidence interval (5.76 to 6.597) lies wholly above "
        "its figure of 5.0."
    )
    assert significance_against(interval, Decimal("5.0"), Polarity.LOWER).significance is Significance.WORSE
    assert significance_against(interval, Decimal("7.0"), Polarity.LOWER).significance is Significance.BETTER
    assert significance_against(interval, Decimal("5.0"), Polarity.NEITHER).significance is Significance.HIGHER
    similar = significance_against(interval, Decimal("6.2"), Polarity.HIGHER, comparator_name="the SN average")
    assert similar.significance is Significance.SIMILAR
    assert similar.sentence.startswith("Similar to the SN average: its figure of 6.2 is within the 95%")


def test_funnel_limits_for_a_proportion() -> None:
    small, large = funnel_limits([100, 10_000], 0.245)

    spread = math.sqrt(0.245 * 0.755 / 100)
    assert small.limits[0.95] == pytest.approx((0.245 - 1.959964 * spread, 0.245 + 1.959964 * spread), abs=1e-6)
    assert small.limits[0.95] == pytest.approx((0.1607, 0.3293), abs=1e-4)
    assert small.limits[0.998][0] < small.limits[0.95][0] < large.limits[0.95][0] < 0.245


def test_funnel_limits_are_kept_within_zero_and_one() -> None:
    (point,) = funnel_limits([5], 0.02)

    assert point.limits[0.998][0] == 0.0


def test_a_rise_in_a_lower_is_better_measure_runs_against_polarity() -> None:
    change = movement(Decimal("24.5"), Decimal("23.0"), Polarity.LOWER)

    assert change.direction is Direction.UP
    assert change.change == Decimal("1.5")
    assert change.against_polarity
    assert change.sentence == "Up 1.5 from 23.0: the wrong direction (lower is better)."


def test_movement_without_a_previous_figure_is_unknown_and_not_against() -> None:
    change = movement(Decimal("24.5"), None, Polarity.HIGHER)

    assert (change.direction, change.change, change.against_polarity) == (Direction.UNKNOWN, None, False)


def test_movement_for_polarity_neither_is_never_against() -> None:
    change = movement(Decimal("10"), Decimal("12"), Polarity.NEITHER)

    assert (change.direction, change.against_polarity, change.sentence) == (Direction.DOWN, False, "Down 2 from 12.")


def test_bold_when_moving_the_wrong_way_even_if_similar_to_the_average() -> None:
    similar = significance_against(wilson_interval(783, 12_700).scaled(100), Decimal("6.2"), Polarity.HIGHER)
    falling = movement(Decimal("6.2"), Decimal("6.9"), Polarity.HIGHER)

    assert is_bold(similar, falling).is_bold
    assert is_bold(similar, falling).reason == "Bold: moving against the intended direction."


def test_bold_names_both_reasons_and_plain_when_neither_applies() -> None:
    interval = wilson_interval(783, 12_700).scaled(100)
    worse = significance_against(interval, Decimal("5.0"), Polarity.LOWER)
    rising = movement(Decimal("6.2"), Decimal("5.9"), Polarity.LOWER)
    steady = movement(Decimal("6.2"), Decimal("6.2"), Polarity.LOWER)
    similar = significance_against(interval, Decimal("6.2"), Polarity.LOWER)

    assert is_bold(worse, rising).reason == (
        "Bold: significantly worse than the average and moving against the intended direction."
    )
    assert not is_bold(similar, steady).is_bold
    assert not is_bold(None, None).is_bold
