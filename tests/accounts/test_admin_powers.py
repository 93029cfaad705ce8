"""What an administrator can do in the admin site: give roles, audited; never superuser or case-level access."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from oversight.accounts.models import AuditEvent, CouncilMembership
from oversight.accounts.roles import Capability, Role
from oversight.accounts.services import (
    AccountError,
    user_capabilities,
    user_councils,
    user_roles,
    user_set_case_access,
    user_set_councils,
)
from tests.conftest import make_user

RECORDS = "/casework/measures/cla_starts/2011-12/records/"


@pytest.fixture
def administrator(db: None) -> Client:
    client = Client()
    client.force_login(make_user("ada", "administrator"))
    return client


def _change(client: Client, user: User, **fields: object) -> int:
    data = {"username": user.username, "email": user.email, "first_name": "", "last_name": "", "is_active": "on",
            "date_joined_0": "2026-12-07", "date_joined_1": "09:00:00",
            "council_memberships-TOTAL_FORMS": "0", "council_memberships-INITIAL_FORMS": "0", **fields}  # fmt: skip
    return int(client.post(f"/admin/auth/user/{user.pk}/change/", data).status_code)


def test_a_superuser_can_do_everything_but_see_case_level_records(db: None) -> None:
    root = User.objects.create_superuser("root", password="a-long-test-password")
    assert Capability.VIEW_CASES not in user_capabilities(root)
    assert Capability.ADMINISTER in user_capabilities(root)
    client = Client()
    client.force_login(root)
    assert client.get(RECORDS).status_code == 403


def test_the_admin_offers_neither_superuser_status_nor_case_level_access(administrator: Client) -> None:
    Group.objects.get_or_create(name=Role.CASE_ACCESS.value)
    officer = make_user("ola", "performance officer")

    page = administrator.get(f"/admin/auth/user/{officer.pk}/change/").content.decode()

    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page
    options = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', page)
    assert "performance officer" in options
    assert Role.CASE_ACCESS.value not in options


def test_superuser_status_and_case_level_access_posted_to_the_admin_are_not_granted(administrator: Client) -> None:
    case_access = Group.objects.get_or_create(name=Role.CASE_ACCESS.value)[0]
    officer = make_user("ola", "performance officer")
    officer_group = Group.objects.get(name="performance officer")

    status = _change(administrator, officer, is_superuser="on", groups=[officer_group.pk, case_access.pk])

    assert status == 200  # the form refuses a group it does not offer
    officer.refresh_from_db()
    assert not officer.is_superuser
    assert Role.CASE_ACCESS not in user_roles(officer)


def test_a_role_change_in_the_admin_keeps_case_level_access_and_is_audited(administrator: Client) -> None:
    officer = make_user("ola", "performance officer", "case-level access")
    reader_group = Group.objects.get_or_create(name="reader")[0]

    assert _change(administrator, officer, groups=[reader_group.pk]) == 302

    fresh = User.objects.get(pk=officer.pk)
    assert user_roles(fresh) == {Role.READER, Role.CASE_ACCESS}
    event = AuditEvent.objects.get(action="update", object_repr="ola")
    assert event.before["roles"] == ["case-level access", "performance officer"]
    assert event.after["roles"] == ["case-level access", "reader"]
    assert (event.actor_name, event.reason) == ("ada", "changed in the admin site")


def test_an_administrator_gives_a_user_a_council_in_the_admin_and_it_is_audited(administrator: Client) -> None:
    officer = make_user("ola", "performance officer")
    officer_group = Group.objects.get(name="performance officer")

    refused = _change(administrator, officer, groups=[officer_group.pk], **{
        "council_memberships-TOTAL_FORMS": "1", "council_memberships-0-la": "Cheshire East"})  # fmt: skip
    given = _change(administrator, officer, groups=[officer_group.pk], **{
        "council_memberships-TOTAL_FORMS": "1", "council_memberships-0-la": "E06000050"})  # fmt: skip

    assert (refused, given) == (200, 302)
    assert list(CouncilMembership.objects.filter(user=officer).values_list("la", flat=True)) == ["E06000050"]
    event = AuditEvent.objects.get(action="update", object_repr="ola")
    assert (event.before["councils"], event.after["councils"]) == ([], ["E06000050"])
    assert (event.actor_name, event.reason) == ("ada", "changed in the admin site")


def test_a_users_councils_are_set_with_a_reason_in_the_audit_trail(db: None) -> None:
    officer = make_user("ola", "performance officer")
    with pytest.raises(AccountError, match="Say why the user's councils change"):
        user_set_councils(user=officer, councils=["E06000049"], actor=None, reason=" ")
    with pytest.raises(AccountError, match="Not a council's ONS code: 895"):
        user_set_councils(user=officer, councils=["895"], actor=None, reason="Joined the alliance")

    user_set_councils(user=officer, councils=["e06000049", "E06000050"], actor=None, reason="Joined the alliance")
    assert user_councils(User.objects.get(pk=officer.pk)) == frozenset({"E06000049", "E06000050"})
    user_set_councils(user=officer, councils=["E06000050"], actor=None, reason="Left Cheshire East")
    assert user_councils(User.objects.get(pk=officer.pk)) == frozenset({"E06000050"})

    events = AuditEvent.objects.filter(object_repr="ola", action="update").order_by("id")
    assert [(e.before["councils"], e.after["councils"], e.reason) for e in events] == [
        ([], ["E06000049", "E06000050"], "Joined the alliance"),
        (["E06000049", "E06000050"], ["E06000050"], "Left Cheshire East"),
    ]


def test_a_password_set_in_the_admin_is_audited_without_the_password(administrator: Client) -> None:
    reader = make_user("rae", "reader")
    new = "another-long-password-2026"

    response = administrator.post(
        f"/admin/auth/user/{reader.pk}/password/", {"password1": new, "password2": new, "usable_password": "true"}
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="update", object_repr="rae")
    assert (event.actor_name, event.after, event.reason) == (
        "ada",
        {"password": "changed"},
        "password set in the admin site",
    )
    assert new not in str(event.before) + str(event.after)


def test_roles_cannot_be_renamed_in_the_admin(administrator: Client) -> None:
    group = Group.objects.get(name="administrator")
    response = administrator.post(f"/admin/auth/group/{group.pk}/change/", {"name": Role.CASE_ACCESS.value})
    assert response.status_code == 403
    group.refresh_from_db()
    assert group.name == "administrator"


def test_case_level_access_is_granted_and_withdrawn_with_a_reason_in_the_audit_trail(db: None) -> None:
    officer = make_user("ola", "performance officer")
    with pytest.raises(AccountError, match="Say why case-level access"):
        user_set_case_access(user=officer, granted=True, actor=None, reason="")

    user_set_case_access(user=officer, granted=True, actor=None, reason="Data protection training done")
    assert Capability.VIEW_CASES in user_capabilities(User.objects.get(pk=officer.pk))
    user_set_case_access(user=officer, granted=False, actor=None, reason="Moved to another team")
    assert Capability.VIEW_CASES not in user_capabilities(User.objects.get(pk=officer.pk))

    reasons = list(AuditEvent.objects.filter(object_repr="ola", action="update").values_list("reason", flat=True))
    assert sorted(reasons) == ["Data protection training done", "Moved to another team"]
