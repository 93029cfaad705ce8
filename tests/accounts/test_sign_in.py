from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.test import Client

from oversight.accounts.models import AuditEvent, SignInAttempt
from oversight.settings import base
from tests.conftest import PASSWORD, make_user


def _sign_in(client: Client, username: str, password: str) -> int:
    response = client.post("/accounts/sign-in/", {"username": username, "password": password})
    return response.status_code


def test_passwords_are_hashed_with_argon2_in_every_real_deployment() -> None:
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    from django.contrib.auth.hashers import Argon2PasswordHasher

    hashed = make_password("correct horse battery staple", hasher=Argon2PasswordHasher())
    assert hashed.startswith("argon2$argon2id$")
    assert Argon2PasswordHasher().verify("correct horse battery staple", hashed)


def test_a_good_sign_in_is_recorded(db: None) -> None:
    make_user("amira", "reader")
    client = Client()
    assert _sign_in(client, "amira", PASSWORD) == 302
    assert SignInAttempt.objects.get().succeeded
    assert AuditEvent.objects.filter(action="sign_in", actor_name="amira").count() == 1


def test_repeated_failures_lock_the_account_and_alert_once(db: None) -> None:
    make_user("bob", "reader")
    client = Client()
    for _ in range(settings.OVERSIGHT_LOCKOUT_FAILURES):
        assert _sign_in(client, "bob", "wrong password") == 200
    # Now even the right password is refused, with a message that says why.
    response = client.post("/accounts/sign-in/", {"username": "bob", "password": PASSWORD})
    assert "This account is locked for 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "[oversight] account locked after failed sign-ins"
    assert "'bob' is locked for 15 minutes after 5 failed sign-ins" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="locked", object_repr="bob").count() == 1


def test_the_lock_lifts_when_the_failures_age_out(db: None) -> None:
    from datetime import timedelta

    from django.utils import timezone

    make_user("cara", "reader")
    client = Client()
    for _ in range(settings.OVERSIGHT_LOCKOUT_FAILURES):
        _sign_in(client, "cara", "wrong")
    SignInAttempt.objects.update(at=timezone.now() - timedelta(minutes=settings.OVERSIGHT_LOCKOUT_MINUTES + 1))
    assert _sign_in(client, "cara", PASSWORD) == 302


def test_sessions_expire_when_idle_and_at_browser_close() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    # Not saved on every request (a write per page view), but moved on at least every five minutes.
    assert not settings.SESSION_SAVE_EVERY_REQUEST
    assert 0 < settings.OVERSIGHT_SESSION_REFRESH_SECONDS <= 5 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_HTTPONLY


def test_forms_refuse_a_post_without_a_csrf_token(db: None) -> None:
    user = make_user("dee", "performance officer")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/import/", {})
    assert response.status_code == 403


def test_pages_carry_the_security_headers(client: Client) -> None:
    response = client.get("/glossary/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


STRONG_KEY = "k3Y-q" * 11  # 55 characters, 5 of them different: what Django counts as strong enough


@pytest.mark.parametrize("missing", ["OVERSIGHT_SECRET_KEY", "OVERSIGHT_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secrets(missing: str) -> None:
    env = {"OVERSIGHT_SECRET_KEY": STRONG_KEY, "OVERSIGHT_ALLOWED_HOSTS": "oversight.council.example"}
    del env[missing]
    result = subprocess.run(
        [sys.executable, "-c", "import oversight.settings.production"],
        env={**env, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert f"Set the environment variable {missing} before starting oversight." in result.stderr


def test_production_settings_are_hardened() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import oversight.settings.production as p; "
            "print(p.DEBUG, p.SESSION_COOKIE_SECURE, p.CSRF_COOKIE_SECURE, p.SECURE_HSTS_SECONDS)",
        ],
        env={"OVERSIGHT_SECRET_KEY": STRONG_KEY, "OVERSIGHT_ALLOWED_HOSTS": "a.example", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.split() == ["False", "True", "True", "31536000"], result.stderr


def _production(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        env={
            "OVERSIGHT_SECRET_KEY": STRONG_KEY,
            "OVERSIGHT_ALLOWED_HOSTS": "a.example",
            **env,
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("setting", "value", "said"),
    [
        ("OVERSIGHT_SECRET_KEY", "x" * 50, "OVERSIGHT_SECRET_KEY is too weak"),
        ("OVERSIGHT_SECRET_KEY", "a-short-but-varied-key", "OVERSIGHT_SECRET_KEY is too weak"),
        ("OVERSIGHT_ALLOWED_HOSTS", " , ", "OVERSIGHT_ALLOWED_HOSTS names no host"),
    ],
)
def test_production_refuses_to_start_with_a_weak_key_or_no_host(setting: str, value: str, said: str) -> None:
    result = _production("import oversight.settings.production", **{setting: value})
    assert result.returncode != 0
    assert said in result.stderr


def test_behind_a_tls_proxy_requests_are_secure_and_get_hsts(tmp_path: Path) -> None:
    result = _production(
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/accounts/sign-in/', headers={'X-Forwarded-Proto': 'https'}, HTTP_HOST='a.example'); "
        "print(r.status_code, r.headers.get('Strict-Transport-Security'))",
        DJANGO_SETTINGS_MODULE="oversight.settings.production",
        OVERSIGHT_HOME=str(tmp_path),
    )
    assert result.stdout.split() == ["200", "max-age=31536000"], result.stderr


def test_a_newline_in_a_username_cannot_forge_a_line_in_the_lock_alert(db: None) -> None:
    client = Client()
    for _ in range(settings.OVERSIGHT_LOCKOUT_FAILURES):
        _sign_in(client, "mallory\nThe account 'admin' is unlocked", "wrong")

    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert len(body.splitlines()) == 1
    assert "'mallory\\nThe account 'admin' is unlocked' is locked for 15 minutes" in body


STRANGER, OWN = "203.0.113.9", "198.51.100.4"


def _sign_in_from(address: str, username: str, password: str) -> int:
    return Client().post("/accounts/sign-in/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_a_strangers_failures_lock_the_account_from_the_strangers_address_only(db: None) -> None:
    make_user("dina", "reader")
    for _ in range(settings.OVERSIGHT_LOCKOUT_FAILURES):
        _sign_in_from(STRANGER, "dina", "guess")

    refused = _sign_in_from(STRANGER, "dina", PASSWORD)
    assert refused.status_code == 200
    assert "This account is locked for 15 minutes" in refused.content.decode()
    assert _sign_in_from(OWN, "dina", PASSWORD).status_code == 302


def test_attempts_refused_while_locked_do_not_keep_the_lock_going(db: None) -> None:
    from datetime import timedelta

    from django.utils import timezone

    make_user("eli", "reader")
    for _ in range(settings.OVERSIGHT_LOCKOUT_FAILURES):
        _sign_in_from(STRANGER, "eli", "guess")
    SignInAttempt.objects.update(at=timezone.now() - timedelta(minutes=settings.OVERSIGHT_LOCKOUT_MINUTES - 1))
    for _ in range(10):  # every few minutes a request keeps coming
        _sign_in_from(STRANGER, "eli", "guess")
    assert SignInAttempt.objects.filter(refused=True).count() == 10

    SignInAttempt.objects.filter(refused=False).update(at=timezone.now() - timedelta(minutes=16))
    assert _sign_in_from(STRANGER, "eli", PASSWORD).status_code == 302


def test_an_address_failing_for_many_accounts_is_refused_for_every_account(db: None) -> None:
    make_user("fern", "reader")
    for number in range(settings.OVERSIGHT_ADDRESS_FAILURES):
        _sign_in_from(STRANGER, f"user{number}", "guess")

    assert _sign_in_from(STRANGER, "fern", PASSWORD).status_code == 200
    assert _sign_in_from(OWN, "fern", PASSWORD).status_code == 302


def test_failures_spread_across_accounts_raise_one_alert(db: None) -> None:
    for number in range(settings.OVERSIGHT_SPRAY_ACCOUNTS + 3):
        _sign_in_from(f"192.0.2.{number}", f"user{number}", "Winter2026!")

    alerts = [message for message in mail.outbox if "across many accounts" in message.subject]
    assert len(alerts) == 1
    assert f"Sign-ins failed for {settings.OVERSIGHT_SPRAY_ACCOUNTS} different accounts within 15 minutes" in (
        alerts[0].body
    )
    assert AuditEvent.objects.filter(action="spraying").count() == 1
    assert not [message for message in mail.outbox if "account locked" in message.subject]


def test_an_administrator_unlocks_an_account_with_a_reason_kept_in_the_audit_trail(db: None) -> None:
    from oversight.accounts.services import AccountError, sign_in_unlock

    make_user("gil", "reader")
    admin = make_user("root", "administrator")
    for _ in range(settings.OVERSIGHT_LOCKOUT_FAILURES):
        _sign_in_from(OWN, "gil", "forgotten")
    assert _sign_in_from(OWN, "gil", PASSWORD).status_code == 200

    with pytest.raises(AccountError, match="Say why the account is unlocked"):
        sign_in_unlock(username="gil", actor=admin, reason=" ")
    assert sign_in_unlock(username="gil", actor=admin, reason="Phoned the service desk; identity checked") == 5

    assert _sign_in_from(OWN, "gil", PASSWORD).status_code == 302
    event = AuditEvent.objects.get(action="unlocked")
    assert (event.actor_name, event.object_repr, event.reason) == (
        "root",
        "gil",
        "Phoned the service desk; identity checked",
    )
    assert event.after == {"failures_cleared": 5}


PROXY = "192.0.2.10"


@pytest.mark.parametrize(
    ("forwarded", "counted"),
    [
        (f"{STRANGER}", STRANGER),
        (f"{OWN}, {STRANGER}", STRANGER),  # the client wrote the first address itself; the proxy added the last
        (f"{STRANGER}, {PROXY}", STRANGER),  # two proxies: the inner one is trusted too
        ("", PROXY),
        ("not an address", PROXY),
    ],
)
def test_behind_a_trusted_proxy_failures_count_by_the_forwarded_client_address(
    db: None, settings: Any, forwarded: str, counted: str
) -> None:
    settings.OVERSIGHT_TRUSTED_PROXIES = [PROXY]
    Client().post(
        "/accounts/sign-in/",
        {"username": "erin", "password": "guess"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    assert SignInAttempt.objects.get().ip_address == counted


def test_an_untrusted_address_cannot_choose_the_address_its_failures_count_against(db: None) -> None:
    Client().post(
        "/accounts/sign-in/", {"username": "erin", "password": "guess"}, REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=OWN
    )
    assert SignInAttempt.objects.get().ip_address == STRANGER
