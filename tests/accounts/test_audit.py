from __future__ import annotations

import csv
import io
from pathlib import Path

from django.contrib.auth.models import User
from django.test import Client

from oversight.accounts.models import AuditEvent
from oversight.accounts.roles import Role
from oversight.accounts.services import user_set_roles
from tests.conftest import make_user
from tests.processes import DemoHome, oversight_env, oversight_run


def test_creating_a_user_and_changing_roles_is_audited(db: None) -> None:
    admin = make_user("ada", "administrator")
    user = make_user("cllr-jones", "reader")
    user_set_roles(user=user, roles={Role.APPROVER}, actor=admin, reason="joined the improvement board")
    event = AuditEvent.objects.filter(object_repr="cllr-jones", action="update").get()
    assert (event.actor_name, event.reason) == ("ada", "joined the improvement board")
    assert (event.before["roles"], event.after["roles"]) == (["reader"], ["approver"])


def test_the_audit_trail_is_read_only_in_the_admin(db: None) -> None:
    admin = make_user("ada", "administrator")
    client = Client()
    client.force_login(admin)
    event = AuditEvent.objects.filter(action="create").first()
    assert event is not None
    assert client.get("/admin/accounts/auditevent/").status_code == 200
    change = client.post(f"/admin/accounts/auditevent/{event.pk}/change/", {"reason": "tampered"})
    assert change.status_code in (302, 403) or "tampered" not in change.content.decode()
    assert client.post(f"/admin/accounts/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.reason == ""
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_users_are_deactivated_not_deleted(db: None) -> None:
    admin = make_user("ada", "administrator")
    reader = make_user("old-member", "reader")
    client = Client()
    client.force_login(admin)
    response = client.post(f"/admin/auth/user/{reader.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=reader.pk).exists()


def test_administrators_can_export_the_audit_trail(db: None) -> None:
    admin = make_user("ada", "administrator")
    make_user("bea", "reader")
    client = Client()
    client.force_login(admin)
    response = client.get("/audit/export.csv?type=user")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["action"], r["object"]) for r in rows] == [("create", "bea"), ("create", "ada")]
    assert client.get("/audit/").status_code == 200


def test_user_create_command(empty_home: DemoHome, tmp_path: Path) -> None:
    home, migrated = empty_home.copy(tmp_path / "data")
    assert migrated.returncode == 0, migrated.stderr
    env = oversight_env(home)
    command = ["user", "create", "cllr-smith", "--role", "reader", "--password-stdin"]
    weak = oversight_run(command, input="short\n", env=env)
    assert weak.returncode == 1
    assert "Choose another password" in weak.stderr
    made = oversight_run(command, input="a long enough passphrase\n", env=env)
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "Created cllr-smith as reader."
    again = oversight_run(command, input="a long enough passphrase\n", env=env)
    assert again.returncode == 1
    assert "There is already a user called 'cllr-smith'." in again.stderr

    unlock = ["user", "unlock", "cllr-smith", "--reason"]
    refused = oversight_run([*unlock, ""], env=env)
    assert refused.returncode == 1
    assert "Say why the account is unlocked" in refused.stderr
    unlocked = oversight_run([*unlock, "identity checked"], env=env)
    assert unlocked.returncode == 0, unlocked.stderr
    assert unlocked.stdout.strip() == "Unlocked cllr-smith: 0 recent failed sign-in(s) no longer count."

    access = ["user", "case-access", "cllr-smith", "--grant", "--reason"]
    granted = oversight_run([*access, "Data protection training done"], env=env)
    assert granted.returncode == 0, granted.stderr
    assert granted.stdout.strip() == "cllr-smith has case-level access."

    councils = ["user", "councils", "cllr-smith", "--reason", "Joined the alliance's scrutiny panel", "--set"]
    wrong = oversight_run([*councils, "Cheshire East"], env=env)
    assert wrong.returncode == 1
    assert "Not a council's ONS code: CHESHIRE EAST." in wrong.stderr
    joined = oversight_run([*councils, "E06000049", "E06000050"], env=env)
    assert joined.returncode == 0, joined.stderr
    assert joined.stdout.strip() == "cllr-smith belongs to E06000049, E06000050."
    own = oversight_run(["user", "councils", "cllr-smith", "--own", "--reason", "Left the panel"], env=env)
    assert own.stdout.strip() == "cllr-smith belongs to the service's own council."
    member = ["user", "create", "cllr-jones", "--role", "reader", "--council", "E06000050", "--password-stdin"]
    assert oversight_run(member, input="a long enough passphrase\n", env=env).returncode == 0


def test_assigning_an_owner_in_the_admin_is_recorded(demo: object) -> None:
    from oversight.performance.models import Change, Indicator

    admin = make_user("ada", "administrator")
    owner = make_user("sam", "owner")
    client = Client()
    client.force_login(admin)
    indicator = Indicator.objects.get(code="CSC-CORE-35WD")
    response = client.post(
        f"/admin/performance/indicator/{indicator.pk}/change/", {"owner": "Sam Patel", "owner_user": owner.pk}
    )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.owner, indicator.owner_user) == ("Sam Patel", owner)
    change = Change.objects.get(indicator=indicator, field="owner_user")
    assert (change.after, change.changed_by_name, change.via) == (str(owner.pk), "ada", "admin site")
    assert client.post(f"/admin/performance/indicator/{indicator.pk}/delete/", {"post": "yes"}).status_code == 403


def test_the_audit_trail_shows_what_changed_as_readable_fields(db: None) -> None:
    from oversight.accounts.roles import Role
    from oversight.accounts.services import user_set_roles

    admin = make_user("ada", "administrator")
    officer = make_user("ola", "performance officer")
    user_set_roles(user=officer, roles={Role.READER}, actor=admin, reason="Moved to the scrutiny team")
    client = Client()
    client.force_login(admin)

    page = client.get("/audit/?type=user").content.decode()

    assert 'Roles: performance officer <span aria-hidden="true">→</span>' in page
    assert '<span class="visually-hidden">changed to</span> reader</li>' in page
    assert "Active: yes</li>" in page  # a creation shows the fields it set
    assert "Moved to the scrutiny team" in page
    assert "{'" not in page
    assert "[&#x27;" not in page
