"""API tokens: created, revoked and checked; every creation and revocation is in the audit trail."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from oversight.accounts.models import AuditEvent
from oversight.accounts.roles import Capability
from oversight.accounts.services import AnyUser, audit_record, user_capabilities
from oversight.api.models import ApiToken
from oversight.core.problems import ApplicationError

TOKEN_START = "ovs_"  # noqa: S105 (what every token starts with, so a leaked one is recognisable; no secret)


class TokenError(ApplicationError):
    """A token that cannot be created or revoked; the message says why."""


def token_digest(token: str) -> str:
    """The token as kept: SHA-256 is enough for a random 256-bit secret, which no one can guess or look up, and
    cheap enough to check on every request (a password hash is slow on purpose, for guessable secrets)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _state(token: ApiToken) -> dict[str, object]:
    return {
        "name": token.name,
        "user": token.user.get_username(),
        "prefix": token.prefix,
        "scope": token.scope,
        "case_level": token.case_level,
        "revoked": token.revoked_at is not None,
    }


@transaction.atomic
def token_create(
    *, user: User, name: str, scope: str, case_level: bool = False, actor: AnyUser
) -> tuple[ApiToken, str]:
    """A new token acting as ``user``, and the token itself, which is shown this once and never kept."""
    if not name.strip():
        raise TokenError("Name the token after what will use it, e.g. corporate performance system.")
    if scope not in ApiToken.Scope.values:
        raise TokenError(f"A token's scope is one of: {', '.join(ApiToken.Scope.values)}.")
    if not user.is_active:
        raise TokenError(f"The account '{user.get_username()}' is not active.")
    if case_level and Capability.VIEW_CASES not in user_capabilities(user):
        raise TokenError(
            f"The account '{user.get_username()}' has no case-level access, so its token cannot have it either."
        )
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name.strip(),
        user=user,
        prefix=prefix,
        digest=token_digest(secret),
        scope=scope,
        case_level=case_level,
        created_by_name=actor.get_username() if actor is not None and actor.is_authenticated else "system",
    )
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, object_type="api token", object_id=token.pk,
                 object_repr=str(token), after=_state(token))  # fmt: skip
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: AnyUser, reason: str = "") -> ApiToken:
    """Stop a token working at once; the row stays, so the audit trail and the list still name it."""
    if token.revoked_at is not None:
        raise TokenError(f"The token {token} was already revoked on {token.revoked_at:%d %B %Y}.")
    before = _state(token)
    token.revoked_at = timezone.now()
    token.revoked_by_name = actor.get_username() if actor is not None and actor.is_authenticated else "system"
    token.save(update_fields=["revoked_at", "revoked_by_name"])
    audit_record(actor=actor, action=AuditEvent.Action.ARCHIVE, object_type="api token", object_id=token.pk,
                 object_repr=str(token), before=before, after=_state(token), reason=reason)  # fmt: skip
    return token


def token_find(secret: str) -> ApiToken | None:
    """The live token a request presents, with its account, or None."""
    if not secret.startswith(TOKEN_START):
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def token_use(token: ApiToken) -> int:
    """Count a request against the token's rate limit and note when it was last used; the seconds to wait before
    the next request when the limit is reached, else 0.

    The count is kept in the database, in the token's row (one update and one read a request), so it holds across
    every process serving the API; the window is the current minute."""
    now = timezone.now()
    window = now.replace(second=0, microsecond=0)
    ApiToken.objects.filter(pk=token.pk).update(
        window_requests=Case(When(window_started_at=window, then=F("window_requests") + 1), default=Value(1)),
        window_started_at=window,
        last_used_at=now,
    )
    count = ApiToken.objects.filter(pk=token.pk).values_list("window_requests", flat=True).first() or 0
    if count <= settings.OVERSIGHT_API_REQUESTS_PER_MINUTE:
        return 0
    return max(1, int((window + timedelta(minutes=1) - now).total_seconds()))
