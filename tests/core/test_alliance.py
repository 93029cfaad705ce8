"""The alliance's own figure: its members' numerators and denominators summed, never an average of their rates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight.core.alliance import Part, alliance_name, member_ranks, pool
from oversight.core.rag import Polarity
from oversight.core.units import Unit, value_from_parts


def test_the_alliance_sums_numerators_and_denominators_rather_than_averaging_rates() -> None:
    pooled = pool([Part("Z99000001", Decimal(0), Decimal(68)), Part("Z99000002", Decimal(3), Decimal(104))],
                  Unit.PERCENT)  # fmt: skip
    assert pooled is not None
    assert (pooled.numerator, pooled.denominator, pooled.members) == (3, 172, 2)
    assert pooled.value == Decimal("1.7442")  # 3 of 172; the average of 0% and 2.9% would be 1.44%
    assert pooled.councils == ("Z99000001", "Z99000002")


def test_a_counts_alliance_figure_is_the_members_total() -> None:
    pooled = pool([Part("Z99000002", Decimal(15), None), Part("Z99000001", Decimal(7), None)], Unit.COUNT)
    assert pooled is not None
    assert (pooled.value, pooled.denominator, pooled.councils) == (22, None, ("Z99000001", "Z99000002"))


def test_no_member_no_figure_and_a_count_among_rates_is_refused() -> None:
    assert pool([], Unit.PERCENT) is None
    with pytest.raises(ValueError, match="without a denominator cannot be pooled .*: Z99000002"):
        pool([Part("Z99000001", Decimal(1), Decimal(4)), Part("Z99000002", Decimal(3), None)], Unit.PERCENT)


def test_members_rank_by_which_way_is_better_with_joint_places() -> None:
    values = {"A": Decimal(10), "B": Decimal(20), "C": Decimal(10), "D": None}
    assert member_ranks(values, Polarity.LOWER) == {"A": 1, "C": 1, "B": 3}
    assert member_ranks(values, Polarity.HIGHER) == {"B": 1, "A": 2, "C": 2}


def test_the_alliance_is_named_with_the_members_it_pools() -> None:
    assert [alliance_name(n) for n in (0, 1, 3)] == ["Alliance", "Alliance (1 member)", "Alliance (3 members)"]


MEMBER = st.integers(min_value=1, max_value=5000).flatmap(
    lambda denominator: st.tuples(st.integers(min_value=0, max_value=denominator), st.just(denominator))
)
RATES = st.sampled_from([Unit.PERCENT, Unit.RATE_PER_10000, Unit.DAYS, Unit.RATIO])


@given(st.lists(MEMBER, min_size=1, max_size=12), RATES)
def test_the_pooled_rate_lies_between_the_lowest_and_highest_members_rates(
    members: list[tuple[int, int]], unit: Unit
) -> None:
    parts = [Part(f"Z{index:08d}", Decimal(n), Decimal(d)) for index, (n, d) in enumerate(members)]
    pooled = pool(parts, unit)
    assert pooled is not None
    assert pooled.value is not None
    rates = [value_from_parts(unit, n, d) for n, d in members]
    assert min(r for r in rates if r is not None) <= pooled.value <= max(r for r in rates if r is not None)
    assert (pooled.numerator, pooled.denominator) == (sum(n for n, _ in members), sum(d for _, d in members))
