"""The demo's synthetic council: loaded, computed onto its scorecard, and drillable by the demo officer."""

from __future__ import annotations

from pathlib import Path

from oversight.accounts.roles import Role
from oversight.accounts.services import user_councils, user_roles
from oversight.casework.engine import measure_card, measure_compute
from oversight.casework.store import SCHEMA_VERSION, CaseworkStore
from oversight.core.periods import parse_period
from oversight.demo.casework import (
    DEMO_COUNCILS,
    DEMO_INDICATORS,
    DEMO_LA,
    DEMO_MONTHLY,
    DEMO_MONTHS,
    demo_casework_load,
)
from oversight.demo.loader import demo_accounts
from oversight.performance.models import Change, Observation


def test_the_synthetic_councils_scorecard_is_computed_from_its_returns(db: None, tmp_path: Path) -> None:
    demo = demo_casework_load(tmp_path / "casework.duckdb")
    assert demo.observations == 2 * 2 * len(DEMO_INDICATORS) + len(DEMO_MONTHLY) * len(DEMO_MONTHS)
    observation = Observation.objects.get(indicator__code="SYN-NI66", period="2011-12-Q1")
    assert observation.source == "casework measure cla_reviews_on_time v1"
    with CaseworkStore(demo.store) as store:
        [result] = measure_compute(store, measure_card("cla_reviews_on_time"), parse_period("2011-12-Q1"), la=DEMO_LA)
        children = store.query("SELECT count(*) FROM children")[0][0]
    assert result.la == DEMO_LA
    assert (observation.numerator, observation.denominator) == (result.numerator, result.denominator)
    assert (result.numerator, result.denominator) == (29, 35)  # the seeded generator's; enough to drill into
    changes = Change.objects.count()
    again = demo_casework_load(tmp_path / "casework.duckdb")  # loading twice adds and changes nothing
    assert again.observations == 0
    with CaseworkStore(demo.store) as store:
        assert store.query("SELECT count(*) FROM children")[0][0] == children
    assert Observation.objects.filter(indicator__code__startswith="SY").count() == demo.observations
    assert Change.objects.count() == changes


def test_the_second_synthetic_council_is_computed_by_the_same_measures_onto_its_own_scorecard(
    db: None, tmp_path: Path
) -> None:
    from oversight.performance.models import PeriodSignoff, Scorecard

    demo_casework_load(tmp_path / "casework.duckdb")
    first, second = DEMO_COUNCILS
    assert dict(Scorecard.objects.filter(council__startswith="Z").values_list("slug", "council")) == {
        first.scorecard: first.la,
        second.scorecard: second.la,
    }
    figures = {
        code: Observation.objects.get(indicator__code=code, period="2011-12-Q1")
        for code in (first.indicators["cla_three_plus_placements"], second.indicators["cla_three_plus_placements"])
    }
    assert [(o.numerator, o.denominator, o.source) for o in figures.values()] == [
        (0, 68, "casework measure cla_three_plus_placements v1"),
        (3, 104, "casework measure cla_three_plus_placements v1"),
    ]
    approved = PeriodSignoff.objects.filter(scorecard__council__startswith="Z", state=PeriodSignoff.State.APPROVED)
    assert sorted(approved.values_list("scorecard__slug", "period")) == [
        (second.scorecard, "2011-12-Q1"),
        (first.scorecard, "2011-12-Q1"),
    ]


def test_the_demo_officer_has_case_level_access(db: None, tmp_path: Path) -> None:
    from django.contrib.auth.models import User

    demo_accounts(tmp_path)
    assert user_roles(User.objects.get(username="officer")) == {Role.PERFORMANCE_OFFICER, Role.CASE_ACCESS}
    assert user_roles(User.objects.get(username="councillor")) == {Role.READER}
    # the alliance: an officer of each synthetic council, and the host council's analyst
    assert {
        name: user_councils(User.objects.get(username=name)) for name in ("officer-z1", "officer-z2", "analyst")
    } == {
        "officer-z1": {"Z99000001"},
        "officer-z2": {"Z99000002"},
        "analyst": {"E06000049"},
    }


def test_a_demo_store_made_by_an_earlier_version_is_made_again(db: None, tmp_path: Path) -> None:
    path = tmp_path / "casework.duckdb"
    with CaseworkStore(path) as store:
        store.open(create=True)
        store.query("UPDATE meta SET value = '2' WHERE name = 'schema_version'")
    demo = demo_casework_load(path)
    assert demo.observations == 2 * 2 * len(DEMO_INDICATORS) + len(DEMO_MONTHLY) * len(DEMO_MONTHS)
    with CaseworkStore(path) as store:
        assert store.query("SELECT value FROM meta WHERE name = 'schema_version'") == [(SCHEMA_VERSION,)]
        assert store.query("SELECT count(*) > 0 FROM children") == [(True,)]
