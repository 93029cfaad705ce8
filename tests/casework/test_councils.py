"""Which councils a measure reports on: those with the returns its source tables come from loaded.

A store with Cheshire East's SSDA903 return (2017-18, the d2i sample) and the City of London's CIN census
(census date 31 March 2024, LEA 201, the d2i sample): one child referred on 6 October 2022 and closed on
27 February 2023, on a child protection plan from 17 February 2022 to 14 March 2023.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from oversight.accounts.models import AuditEvent
from oversight.casework.engine import (
    card_from_mapping,
    measure_card,
    measure_compute,
    measure_councils,
    measure_records,
)
from oversight.casework.issues import CaseworkError
from oversight.casework.pseudonym import Pseudonymiser
from oversight.casework.store import CaseworkStore
from oversight.core.periods import parse_period
from tests.conftest import make_user

from .conftest import CIN, D2I, LA
from .test_engine import _card_data

CITY = "E09000001"  # City of London, LEA 201


@pytest.fixture
def two_councils(store: CaseworkStore, pseudonymiser: Pseudonymiser) -> CaseworkStore:
    assert store.load([D2I / "episodes.csv", D2I / "header.csv"], pseudonymiser=pseudonymiser, la=LA).ok
    assert store.load([CIN / "d2i_CIN_Census_2024.xml"], pseudonymiser=pseudonymiser).ok
    assert store.las() == (LA, CITY)
    return store


def _figures(store: CaseworkStore, measure: str, period: str, la: str | None = None) -> list[tuple[Any, ...]]:
    results = measure_compute(store, measure_card(measure), parse_period(period), la=la)
    return [(r.la, r.numerator, r.denominator, r.value) for r in results]


def test_a_council_with_only_a_cin_census_gets_cin_figures_and_no_ssda903_ones(two_councils: CaseworkStore) -> None:
    store = two_councils
    # 31 December 2022 is past the SSDA903 return's 31 March 2018, but the CIN measures read only the census.
    assert _figures(store, "cin_count_at_end", "2022-23-Q3") == [(CITY, 1, None, Decimal(1))]
    assert _figures(store, "cp_count_at_end", "2022-23-Q3") == [(CITY, 1, None, Decimal(1))]
    # 1 x 10,000 / 985 children in the City of London (mid-2022) = 10.15228...
    assert _figures(store, "cp_rate_at_end", "2022-23-Q3") == [(CITY, 1, 985, Decimal("10.1523"))]
    assert _figures(store, "cin_count_at_end", "2022-23") == [(CITY, 0, None, Decimal(0))]  # closed in February
    assert _figures(store, "cla_count_at_end", "2017-18") == [(LA, 1201, None, Decimal(1201))]
    assert _figures(store, "cla_count_at_end", "2017-18", la=CITY) == []
    with pytest.raises(CaseworkError) as refused:
        measure_records(store, measure_card("cla_starts"), parse_period("2017-18"), la=CITY)
    assert str(refused.value) == "measure cla_starts reads the SSDA903 (episodes), and none is loaded for E09000001"


def test_a_council_with_only_an_ssda903_return_gets_no_cin_figures(two_councils: CaseworkStore) -> None:
    store = two_councils
    # Cheshire East is left out, not given zero: its census was never loaded. The City's census reaches back.
    assert _figures(store, "cin_referrals", "2017-18") == [(CITY, 0, None, Decimal(0))]
    assert _figures(store, "cin_referrals", "2017-18", la=LA) == []
    with pytest.raises(CaseworkError) as refused:
        measure_records(store, measure_card("cin_count_at_end"), parse_period("2022-23"), la=LA)
    assert (
        str(refused.value)
        == "measure cin_count_at_end reads the CIN census (cin_episodes), and none is loaded for E06000049"
    )
    assert measure_councils(store, measure_card("cin_referrals")) == {CITY: {"CIN census": 2024}}
    assert measure_councils(store, measure_card("care_leavers_eet_17_18")) == {LA: {"SSDA903": 2018}}


def test_the_latest_year_checked_is_that_of_the_returns_the_measure_reads(two_councils: CaseworkStore) -> None:
    store = two_councils
    with pytest.raises(CaseworkError) as refused:
        measure_compute(store, measure_card("cp_count_at_end"), parse_period("2024-25-Q1"))
    assert str(refused.value) == (
        "the CIN census returns loaded for E09000001 run to 31 March 2024; 2024-25-Q1 ends on 30 June 2024: "
        "load the return that covers it"
    )
    with pytest.raises(CaseworkError, match="the SSDA903 returns loaded for E06000049 run to 31 March 2018"):
        measure_compute(store, measure_card("cla_count_at_end"), parse_period("2022-23-Q3"))


def test_a_census_with_no_plans_in_it_still_reports_the_council(
    store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    # 332 children, 402 referrals, every one ended in no further action, and not one child protection plan.
    loaded = store.load([CIN / "d2i_fake_CIN_data_332children.xml"], pseudonymiser=pseudonymiser, la="E06000050")
    assert loaded.ok
    assert "cp_plans" not in loaded.tables
    assert _figures(store, "cp_count_at_end", "2022-23-Q1") == [("E06000050", 0, None, Decimal(0))]
    assert _figures(store, "cin_count_at_end", "2022-23-Q1") == [("E06000050", 0, None, Decimal(0))]  # all NFA


def test_the_records_page_offers_only_the_councils_with_the_measures_returns(
    db: None, settings: Any, two_councils: CaseworkStore, tmp_path: Path
) -> None:
    settings.OVERSIGHT_CASEWORK_STORE = two_councils.path
    two_councils.close()
    client = Client()
    client.force_login(make_user("analyst", "reader", "case-level access"))
    body = client.get("/casework/measures/cp_count_at_end/2022-23-Q3/records/").content.decode()
    assert "Child protection plan from 17/02/2022 to 14/03/2023" in body  # the only council with a census
    response = client.get(f"/casework/measures/cp_count_at_end/2022-23-Q3/records/?la={LA}")
    assert response.status_code == 404
    assert (
        "Measure cp_count_at_end reads the CIN census (cp_plans), and none is loaded for E06000049"
        in response.content.decode()
    )


def test_a_card_must_read_tables_a_return_holds() -> None:
    with pytest.raises(CaseworkError, match="the SQL reads placements, which no return holds"):
        card_from_mapping(_card_data(), "SELECT * FROM episodes JOIN placements USING (child)", name="cla_starts")
    assert measure_card("cla_missing").returns == ("SSDA903",)
    assert measure_card("cp_reviews_on_time").returns == ("CIN census",)


def test_with_no_council_holding_the_returns_the_records_page_says_so(
    db: None, settings: Any, store: CaseworkStore, pseudonymiser: Pseudonymiser
) -> None:
    assert store.load([D2I / "episodes.csv"], pseudonymiser=pseudonymiser, la=LA).ok
    settings.OVERSIGHT_CASEWORK_STORE = store.path
    store.close()
    client = Client()
    client.force_login(make_user("analyst", "reader", "case-level access"))
    body = client.get("/casework/measures/cp_reviews_on_time/2017-18/records/").content.decode()
    assert "No council has the CIN census loaded yet: this measure reads cp_plans, cp_reviews." in body


def test_a_council_s_child_level_records_are_for_its_own_users_alone(
    db: None, settings: Any, two_councils: CaseworkStore
) -> None:
    from oversight.accounts.services import user_set_councils

    settings.OVERSIGHT_CASEWORK_STORE = two_councils.path
    two_councils.close()
    cheshire, city, unplaced = (make_user(name, "reader", "case-level access") for name in ("ce", "city", "none"))
    user_set_councils(user=cheshire, councils=[LA], actor=None, reason="Cheshire East's analyst")
    user_set_councils(user=city, councils=[CITY], actor=None, reason="The City's analyst")
    pages = [
        f"/casework/measures/cla_starts/2017-18/records/?la={LA}",
        f"/casework/measures/cla_reviews_on_time/watch/?la={LA}&as_at=2018-03-31",
        f"/api/v1/casework/measures/cla_starts/periods/2017-18/records?la={LA}",
    ]

    def answers(user: Any) -> list[int]:
        client = Client()
        client.force_login(user)
        return [client.get(page).status_code for page in pages]

    assert answers(cheshire) == [200, 200, 200]
    assert answers(city) == [404, 404, 404]
    assert answers(unplaced) == [200, 200, 200]  # a service that names no council: every council, as before
    everyone = Client()
    everyone.force_login(unplaced)
    assert LA in everyone.get("/casework/quality/").content.decode()
    settings.OVERSIGHT_COUNCIL = CITY
    assert answers(unplaced) == [404, 404, 404]  # no membership: the service's own council, the City

    client = Client()
    client.force_login(city)
    refused = client.get(pages[0]).content.decode()
    # Answered as a council with nothing loaded, so that the refusal does not say what is there
    assert "Measure cla_starts reads the SSDA903 (episodes), and none is loaded for E06000049" in refused
    choice = client.get("/casework/measures/cla_starts/2017-18/records/").content.decode()
    assert LA not in choice  # the councils offered are the user's own
    quality = client.get("/casework/quality/").content.decode()
    assert (CITY in quality, LA in quality) == (True, False)
    assert AuditEvent.objects.filter(action="view", actor_name="city").count() == 0
