"""The council rule: whose records, drafts and unapproved figures a user may see."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from oversight.core.councils import EVERY_COUNCIL, council_scope

CODES = st.sampled_from(["E06000049", "E06000050", "E08000012", "W06000015"])


def test_a_member_sees_their_own_councils_and_no_other() -> None:
    scope = council_scope(["E06000049", "E06000050"], "E06000049")
    assert [scope.allows(la) for la in ("E06000049", "E06000050", "E08000012")] == [True, True, False]


def test_a_user_with_no_membership_belongs_to_the_services_own_council() -> None:
    scope = council_scope([], "E06000049")
    assert scope.councils == frozenset({"E06000049"})
    assert (scope.allows("E06000049"), scope.allows("E06000050"), scope.allows("")) == (True, False, True)


def test_a_service_that_names_no_council_is_one_council_and_shows_every_council_as_before() -> None:
    scope = council_scope([], "")
    assert scope.councils is None
    assert (scope.allows("E06000049"), scope.allows("E06000050"), scope.allows(None)) == (True, True, True)


def test_what_names_no_council_is_the_services_own() -> None:
    assert council_scope(["E06000050"], "E06000049").allows("") is False
    assert council_scope(["E06000049"], "E06000049").allows(None) is True


def test_approved_figures_are_for_every_reader_and_drafts_for_members_only() -> None:
    scope = council_scope(["E06000050"], "E06000049")
    assert scope.figures_visible("E06000049", approved=True) is True
    assert scope.figures_visible("E06000049", approved=False) is False
    assert scope.figures_visible("E06000050", approved=False) is True


@given(st.frozensets(CODES), CODES, CODES)
def test_a_member_of_some_council_never_sees_a_council_outside_their_memberships(
    members: frozenset[str], own: str, la: str
) -> None:
    scope = council_scope(members, own)
    expected = la in members if members else la == own
    assert scope.allows(la) is expected
    assert scope.figures_visible(la, approved=False) is expected


def test_public_committee_business_is_every_readers_and_the_rest_its_councils() -> None:
    scope = council_scope(["E06000050"], "E06000049")
    assert scope.business_visible("E06000049", public=True) is True
    assert scope.business_visible("", public=False) is False  # the service's own council's, not theirs
    assert scope.business_visible("E06000050", public=False) is True


def test_what_a_user_starts_is_their_councils_unless_they_belong_to_the_services_own() -> None:
    assert council_scope(["E08000012", "E06000050"], "E06000049").home == "E06000050"
    assert council_scope(["E06000049", "E06000050"], "E06000049").home == ""
    assert council_scope([], "E06000049").home == ""
    assert council_scope([], "").home == ""
    assert EVERY_COUNCIL.allows("E06000050") is True


@given(st.frozensets(CODES), CODES, CODES, st.booleans())
def test_a_user_reads_private_business_exactly_where_they_may_see_drafts_and_owns_what_they_start(
    members: frozenset[str], own: str, la: str, public: bool
) -> None:
    scope = council_scope(members, own)
    assert scope.business_visible(la, public=public) is (public or scope.figures_visible(la, approved=False))
    assert scope.allows(scope.home) is True
