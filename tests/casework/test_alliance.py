"""The alliance side by side: each member council's approved figure for a measure, ranked, the members pooled, and
a draft for its own council's users alone (ADR 26, ADR 27). Over the demo's alliance: Cheshire East, its host, whose
returns the demo does not hold, and the two synthetic councils."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from oversight.casework.alliance import MemberState, alliance_members, alliance_view
from oversight.core.councils import council_scope
from oversight.core.periods import parse_period
from oversight.demo.casework import DEMO_COUNCILS, CaseworkDemo
from oversight.demo.loader import DEMO_HOST, demo_accounts
from oversight.performance.models import Scorecard

FIRST, SECOND = (demo.la for demo in DEMO_COUNCILS)
ANALYST = council_scope([DEMO_HOST], "")  # the host council's analyst: the members' approved figures only
MEASURE, QUARTER = "cla_three_plus_placements", "2011-12-Q1"
NOT_LOADED = "Not loaded: no figure computed from this council's returns for the period."


@pytest.fixture
def alliance(demo_casework: CaseworkDemo, tmp_path: Path, settings: Any) -> None:
    settings.OVERSIGHT_CASEWORK_STORE = demo_casework.store
    demo_accounts(tmp_path)


def _client(name: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=name))
    return client


def _reopen(slug: str) -> None:
    from oversight.performance.signoff import signoff_reopen
    from tests.conftest import make_user

    signoff_reopen(scorecard=Scorecard.objects.get(slug=slug), period=parse_period(QUARTER),
                   user=make_user("reopener", "approver"), reason="a late return")  # fmt: skip


def test_each_members_approved_figure_is_set_side_by_side_ranked_and_pooled(alliance: None) -> None:
    assert alliance_members() == [DEMO_HOST, FIRST, SECOND]
    view = alliance_view(MEASURE, QUARTER, ANALYST)
    rows = [(r.council, r.text, r.numerator, r.denominator, r.state, r.rank_words, r.reason) for r in view.members]
    assert rows == [
        (DEMO_HOST, "–", None, None, MemberState.NOT_LOADED, "not ranked", NOT_LOADED),
        (FIRST, "0%", 0, 68, MemberState.APPROVED, "1st of 2", ""),  # lower is better: fewest moves first
        (SECOND, "3%", 3, 104, MemberState.APPROVED, "2nd of 2", ""),
    ]
    assert all(
        row.provisional and row.source == "casework measure cla_three_plus_placements v1" for row in view.members[1:]
    )
    assert view.pooled is not None
    assert (view.name, view.pooled.numerator, view.pooled.denominator) == ("Alliance (2 members)", 3, 172)
    assert (view.pooled.value, view.pooled_text) == (Decimal("1.7442"), "2%")  # 3 of 172, not the mean of rates
    starts = alliance_view("cla_starts", QUARTER, ANALYST)  # a count: the alliance's figure is the members' total
    assert [(r.text, r.rank_words) for r in starts.members] == [
        ("–", "not ranked"),
        ("7", "2nd of 2"),
        ("15", "1st of 2"),
    ]
    assert starts.pooled_text == "22"


def test_a_draft_shows_to_its_own_councils_users_alone_and_is_never_pooled_or_ranked(alliance: None) -> None:
    _reopen(DEMO_COUNCILS[1].scorecard)
    analyst = alliance_view(MEASURE, QUARTER, ANALYST)
    second = analyst.members[2]
    assert (second.state, second.text, second.numerator, second.source) == (MemberState.NOT_APPROVED, "–", None, "")
    assert (second.reason, second.rank_words) == ("Not approved yet.", "not ranked")
    assert analyst.pooled is not None
    assert (analyst.name, analyst.pooled.denominator) == ("Alliance (1 member)", 68)
    assert analyst.members[1].rank_words == "1st of 1"
    own = alliance_view(MEASURE, QUARTER, council_scope([SECOND], "")).members[2]
    assert (own.text, own.numerator, own.rank) == ("3%", 3, None)
    assert own.reason == (
        "Not approved yet. The figure is shown to this council's own users alone, and is left out of the alliance's."
    )
    other = alliance_view(MEASURE, QUARTER, council_scope([FIRST], "")).members[2]
    assert (other.text, other.numerator) == ("–", None)  # another member's draft: never
    url = f"/casework/alliance/?measure={MEASURE}&period={QUARTER}"
    assert "3 of 104" not in _client("analyst").get(url).content.decode()
    assert "3 of 104" not in _client("officer-z1").get(url).content.decode()
    assert "3 of 104" in _client("officer-z2").get(url).content.decode()


def test_a_member_with_no_figure_for_the_period_says_it_is_not_loaded(alliance: None) -> None:
    view = alliance_view("cla_starts", "2011-M06", council_scope([FIRST], ""))  # only the first is charted by month
    assert [(r.council, r.state, r.text, r.reason) for r in view.members] == [
        (DEMO_HOST, MemberState.NOT_LOADED, "–", NOT_LOADED),
        (FIRST, MemberState.NOT_APPROVED, "1", "Not approved yet. The figure is shown to this council's own users "
         "alone, and is left out of the alliance's."),
        (SECOND, MemberState.NOT_LOADED, "–", NOT_LOADED),
    ]  # fmt: skip
    assert (view.pooled, view.name, view.pooled_text) == (
        None, "Alliance", "No figure: no member has an approved figure for the period."
    )  # fmt: skip


def test_the_page_its_csv_and_a_members_indicator_page_say_the_same(alliance: None) -> None:
    analyst = _client("analyst")
    page = analyst.get(f"/casework/alliance/?measure={MEASURE}&period={QUARTER}")
    assert page.status_code == 200
    text = page.content.decode()
    for expected in ("Alliance (2 members)", "3 of 172", "0 of 68", "3 of 104", "1st of 2", "2nd of 2", "2%"):
        assert expected in text, expected
    assert 'href="/indicators/SYN-NI62/' not in text  # another council's indicator page is its members' alone
    exported = analyst.get(f"/casework/alliance/export.csv?measure={MEASURE}&period={QUARTER}")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [(r["council"], r["value"], r["numerator"], r["denominator"], r["rank"], r["status"]) for r in rows] == [
        (DEMO_HOST, "", "", "", "", ""),
        (FIRST, "0%", "0", "68", "1st of 2", "Provisional"),
        (SECOND, "3%", "3", "104", "2nd of 2", "Provisional"),
        ("Alliance (2 members)", "2%", "3", "172", "", ""),
    ]
    assert {r["period"] for r in rows} == {QUARTER}
    assert analyst.get("/casework/alliance/?measure=no_such_measure&period=2011-12-Q1").status_code == 404
    assert analyst.get(f"/casework/alliance/?measure={MEASURE}&period=Q1").status_code == 404
    assert analyst.get("/casework/alliance/export.csv").status_code == 404
    member = _client("officer-z1").get("/indicators/SYN-NI62/").content.decode()
    assert (
        "Alliance (2 members): 1.7%. 2011-12 Q1 0% vs Alliance (2 members) 2011-12 Q1 1.7%: "
        "not significantly different at 95% confidence." in member
    )
    assert "Alliance: no member&#x27;s figure for 2010-11 is approved yet." in member
