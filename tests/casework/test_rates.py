"""Rates per 10,000 children: the numerator counted from the records, the denominator the council's ONS estimate.

The hand-worked values use the estimates in casework/reference: Cheshire East (E06000049) had 81,832 children
aged 0 to 17 in mid-2023; the Isles of Scilly (E06000053) 357 in mid-2023 and 319 in mid-2024. A period in
2023-24 divides by mid-2023; one ending in 2024-25 (from 1 April 2024) by mid-2024.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from oversight.casework.engine import card_from_mapping, measure_card, measure_compute, measure_records
from oversight.casework.issues import CaseworkError
from oversight.casework.store import CaseworkStore
from oversight.core.periods import parse_period
from tests.conftest import make_user

from .conftest import LA, Casebook, CinCasebook
from .test_engine import _card_data

SCILLY = "E06000053"
NOWHERE = "E09999999"  # a council code with no ONS estimate


def _results(book: Casebook, measure: str, period: str) -> list[tuple[str, int, int | None, Decimal | None]]:
    results = measure_compute(book.store, measure_card(measure), parse_period(period))
    return [(r.la, r.numerator, r.denominator, r.value) for r in results]


def test_children_looked_after_per_10000_divide_by_the_estimate_of_the_year_before(casebook: Casebook) -> None:
    casebook.episode("in care", "2023-05-01")
    casebook.episode("in care too", "2020-01-01")
    casebook.episode("in care three", "2024-03-31")
    casebook.episode("left on the day", "2023-05-01", "2024-03-31")  # not looked after on 31 March
    casebook.episode("short breaks", "2023-05-01", ls="V3")  # never counted
    # 2023-24: 3 x 10,000 / 81,832 (mid-2023) = 0.36660...
    assert casebook.compute("cla_rate_at_end", "2023-24") == (3, 81832, Decimal("0.3666"))
    assert casebook.compute("cla_count_at_end", "2023-24") == (3, None, Decimal(3))
    [result] = measure_compute(casebook.store, measure_card("cla_rate_at_end"), parse_period("2023-24"), la=LA)
    assert result.denominator_basis == "ONS mid-year estimate of children aged 0-17, mid-2023, for Cheshire East"
    assert result.no_value_reason is None


def test_cin_and_cp_rates_count_the_same_records_as_the_counts(casebook: Casebook, cin: CinCasebook) -> None:
    cin.referral("OPEN", "2023-01-05")
    cin.referral("CLOSED_ON_THE_DAY", "2023-01-05", "2024-03-31")
    cin.referral("NFA", "2024-03-20", nfa=True)
    cin.plan("OPEN", "2023-02-01")
    cin.plan("ON A PLAN", "2023-02-01", "2024-04-02")
    cin.plan("SCILLY", "2024-01-10", la=SCILLY)
    cin.plan("SCILLY ENDED", "2023-01-10", "2024-03-31", la=SCILLY)
    # 1 x 10,000 / 81,832 = 0.12220...; 2 x 10,000 / 81,832 = 0.24440...; 1 x 10,000 / 357 = 28.01120...
    assert _results(casebook, "cin_rate_at_end", "2023-24") == [
        (LA, 1, 81832, Decimal("0.1222")),
        (SCILLY, 0, 357, Decimal(0)),
    ]
    assert _results(casebook, "cp_rate_at_end", "2023-24") == [
        (LA, 2, 81832, Decimal("0.2444")),
        (SCILLY, 1, 357, Decimal("28.0112")),
    ]
    # A quarter of 2024-25 divides by mid-2024: 1 x 10,000 / 319 = 31.34796...
    assert _results(casebook, "cp_rate_at_end", "2024-25-Q1")[1] == (SCILLY, 1, 319, Decimal("31.3480"))
    for count, rate in (("cin_count_at_end", "cin_rate_at_end"), ("cp_count_at_end", "cp_rate_at_end")):
        for la in (LA, SCILLY):
            counted, per_10000 = (
                measure_records(casebook.store, measure_card(m), parse_period("2023-24"), la=la).records
                for m in (count, rate)
            )
            assert counted == per_10000, (rate, la)


def test_referrals_and_section_47_enquiries_per_10000_count_every_event_in_the_period(
    casebook: Casebook, cin: CinCasebook
) -> None:
    cin.referral("TWICE", "2023-04-01")
    cin.referral("TWICE", "2024-03-31", nfa=True)  # the last day counts, and so does no further action
    cin.referral("BEFORE", "2023-03-31")  # the day before the year
    cin.referral("SCILLY", "2023-10-10", la=SCILLY)
    cin.s47("TWICE", "2023-04-03", "2023-04-20")
    cin.s47("TWICE", "2024-01-08", None)
    cin.s47("AFTER", "2024-04-01", None)
    # 2 x 10,000 / 81,832 = 0.24440...; 1 x 10,000 / 357 = 28.01120...
    assert _results(casebook, "cin_referrals_rate", "2023-24") == [
        (LA, 2, 81832, Decimal("0.2444")),
        (SCILLY, 1, 357, Decimal("28.0112")),
    ]
    assert _results(casebook, "cin_s47_rate", "2023-24") == [(LA, 2, 81832, Decimal("0.2444")), (SCILLY, 0, 357, 0)]
    # The first quarter of 2024-25 divides by mid-2024 (Cheshire East's estimate for it is in the list too).
    assert _results(casebook, "cin_s47_rate", "2024-25-Q1")[0][:2] == (LA, 1)
    for count, rate in (("cin_referrals", "cin_referrals_rate"), ("cin_s47_enquiries", "cin_s47_rate")):
        counted, per_10000 = (
            measure_records(casebook.store, measure_card(m), parse_period("2023-24"), la=LA).records
            for m in (count, rate)
        )
        assert counted == per_10000, rate


def test_a_council_without_an_estimate_gets_no_rate_and_a_reason(casebook: Casebook) -> None:
    casebook.episode("somewhere", "2023-05-01")
    casebook.episode("nowhere", "2023-05-01", la=NOWHERE)
    results = measure_compute(casebook.store, measure_card("cla_rate_at_end"), parse_period("2023-24"))
    assert [(r.la, r.numerator, r.denominator, r.value) for r in results] == [
        (LA, 1, 81832, Decimal("0.1222")),
        (NOWHERE, 1, None, None),
    ]
    assert results[1].denominator_basis is None
    assert results[1].no_value_reason == (
        "there is no ONS estimate of children aged 0 to 17 for E09999999 for mid-2023 or earlier, so no rate per "
        "10,000 can be worked out"
    )


def test_a_period_before_the_first_estimate_has_no_rate(casebook: Casebook) -> None:
    casebook.episode("long ago", "2011-05-01")  # the estimates start at mid-2012: 2011-12 would need mid-2011
    [result] = measure_compute(casebook.store, measure_card("cla_rate_at_end"), parse_period("2011-12"), la=LA)
    assert (result.numerator, result.denominator, result.value) == (1, None, None)
    assert "for mid-2011 or earlier" in (result.no_value_reason or "")


def test_a_population_denominator_is_only_for_a_rate_and_must_be_known() -> None:
    with pytest.raises(CaseworkError, match="a denominator_source needs unit rate_per_10000"):
        card_from_mapping(_card_data(denominator_source="population_0_17"), "SELECT 1", name="cla_starts")
    with pytest.raises(CaseworkError, match="'denominator_source' is 'households'; use one of population_0_17"):
        card_from_mapping(
            _card_data(denominator_source="households", unit="rate_per_10000", denominator="Households."),
            "SELECT 1",
            name="cla_starts",
        )
    card = card_from_mapping(
        _card_data(denominator_source="population_0_17", unit="rate_per_10000", denominator="Children."),
        "SELECT 1",
        name="cla_starts",
    )
    assert not card.counts_denominator
    assert measure_card("cla_reviews_on_time").counts_denominator
    assert measure_card("cla_rate_at_end").denominator_source == "population_0_17"


def test_a_rate_that_gives_records_a_denominator_is_refused(casebook: Casebook) -> None:
    casebook.episode("in care", "2023-05-01")
    card = card_from_mapping(
        _card_data(denominator_source="population_0_17", unit="rate_per_10000", denominator="Children."),
        "SELECT la, child, true AS in_numerator, true AS in_denominator, 'x' AS evidence FROM episodes",
        name="cla_starts",
    )
    with pytest.raises(CaseworkError, match="is a rate of the population, not of its records, but its SQL gives"):
        measure_compute(casebook.store, card, parse_period("2023-24"))


def test_the_rate_pages_say_where_the_denominator_comes_from(
    db: None, tmp_path: Path, settings: Any, client: Client
) -> None:
    path = tmp_path / "casework.duckdb"
    settings.OVERSIGHT_CASEWORK_STORE = path
    with CaseworkStore(path) as store:
        store.open(create=True)
        book = Casebook(store)
        book.episode("in care", "2023-05-01")
        book.episode("in care too", "2020-01-01")
        book.episode("nowhere", "2020-01-01", la=NOWHERE)
    client.force_login(make_user("analyst", "reader", "case-level access"))
    body = client.get("/casework/measures/cla_rate_at_end/2023-24/records/?la=E06000049").content.decode()
    assert "2 counted, per 81,832 children: 0 per 10,000." in body  # 0.24 per 10,000, published to 0 places
    assert "ONS mid-year estimate of children aged 0-17, mid-2023, for Cheshire East: 81,832 children" in body
    assert "Records counted (2)" in body
    assert "Looked after on 31/03/2024: in care since 01/05/2023, current episode from 01/05/2023" in body
    assert "In the denominator" not in body
    body = client.get(f"/casework/measures/cla_rate_at_end/2023-24/records/?la={NOWHERE}").content.decode()
    assert "1 counted: no rate." in body
    assert "from the records: there is no ONS estimate of children aged 0 to 17 for E09999999 for mid-2023" in body
    body = client.get("/casework/measures/cp_rate_at_end/").content.decode()
    assert escape("the ONS mid-year estimate of children aged 0 to 17 in the council, as DfE divides by it") in body


def test_starts_and_ceases_per_10000_count_the_same_children_as_the_counts(casebook: Casebook) -> None:
    casebook.episode("started and left", "2023-04-01", "2024-03-31", rne="S")
    casebook.episode("started twice", "2023-05-01", "2023-06-01", rne="S")
    casebook.episode("started twice", "2023-09-01", rne="S")
    casebook.episode("started the day before", "2023-03-31", rne="S")
    casebook.episode("left the day after", "2022-01-01", "2024-04-01")
    casebook.episode("short breaks", "2023-05-01", "2023-05-03", ls="V3", rne="S")
    casebook.episode("Scilly", "2024-04-01", "2024-06-01", rne="S", la=SCILLY)
    # 2023-24 in Cheshire East: 2 started (2 x 10,000 / 81,832 = 0.24440...), 2 ceased.
    assert casebook.compute("cla_starts", "2023-24") == (2, None, Decimal(2))
    assert casebook.compute("cla_starts_rate", "2023-24") == (2, 81832, Decimal("0.2444"))
    assert casebook.compute("cla_ceases", "2023-24") == (2, None, Decimal(2))
    assert casebook.compute("cla_ceases_rate", "2023-24") == (2, 81832, Decimal("0.2444"))
    # 2024-25 divides by mid-2024: Scilly's 319 children; one start and one ceasing, 10,000 / 319 = 31.3479...
    assert [row for row in _results(casebook, "cla_starts_rate", "2024-25") if row[0] == SCILLY] == [
        (SCILLY, 1, 319, Decimal("31.3480"))
    ]
    assert [row for row in _results(casebook, "cla_ceases_rate", "2024-25") if row[0] == SCILLY] == [
        (SCILLY, 1, 319, Decimal("31.3480"))
    ]
