"""Users, roles, sign-in lockout and the audit trail. Each write runs in one transaction and is audited."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission, User
from django.core.mail import mail_admins
from django.db import transaction
from django.utils import timezone

from oversight.accounts.models import AuditEvent, SignInAttempt
from oversight.accounts.roles import OWN_ONLY, ROLE_CAPABILITIES, Capability, Role, capabilities_of
from oversight.core.problems import ApplicationError

security_log = logging.getLogger("oversight.security")

AnyUser = AbstractBaseUser | AnonymousUser | None


class AccountError(ApplicationError):
    """A request about accounts that cannot be carried out; the message says what to do instead."""


def user_roles(user: AnyUser) -> set[Role]:
    if user is None or not user.is_authenticated or not isinstance(user, User):
        return set()
    cached: set[Role] | None = getattr(user, "_oversight_roles", None)
    if cached is None:  # one query per request, however many checks a page makes
        names = {role.value for role in Role}
        cached = {Role(name) for name in user.groups.values_list("name", flat=True) if name in names}
        user._oversight_roles = cached  # type: ignore[attr-defined]
    return set(cached)


def user_capabilities(user: AnyUser) -> frozenset[Capability]:
    if user is None or not user.is_authenticated:
        return frozenset()
    return capabilities_of(user_roles(user), superuser=bool(getattr(user, "is_superuser", False)))


def user_can(user: AnyUser, capability: Capability, obj: Any = None) -> bool:
    """Whether ``user`` may do ``capability``; for 'their own' rules, on ``obj`` (an object with owner_user_id)."""
    if capability not in user_capabilities(user):
        return False
    limited = OWN_ONLY.get(capability)
    if not limited or obj is None or user is None:
        return True
    roles = user_roles(user)
    granting = {role for role in roles if capability in ROLE_CAPABILITIES[role]}
    if getattr(user, "is_superuser", False) or granting - limited:
        return True  # a role that grants it everywhere
    return getattr(obj, "owner_user_id", None) == user.pk


def audit_record(
    *,
    actor: AnyUser,
    action: str,
    object_type: str,
    object_id: object = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    ip_address: str | None = None,
) -> AuditEvent:
    authenticated = actor is not None and actor.is_authenticated
    return AuditEvent.objects.create(
        actor=actor if isinstance(actor, User) else None,
        actor_name=str(actor.get_username()) if authenticated and actor is not None else "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:300],
        before=before or {},
        after=after or {},
        reason=reason,
        ip_address=ip_address,
    )


ADMINISTERED_APPS = ("auth", "accounts", "performance", "improvement")


def _role_groups(roles: Iterable[Role]) -> list[Group]:
    groups = []
    for role in roles:
        group, created = Group.objects.get_or_create(name=role.value)
        if created and role is Role.ADMINISTRATOR:
            # The admin site checks Django's model permissions; administrators hold them for these apps.
            # Case-level access stays a separate permission, never implied by being an administrator.
            permissions = Permission.objects.filter(content_type__app_label__in=ADMINISTERED_APPS).exclude(
                codename="view_case_records"
            )
            group.permissions.set(permissions)
        groups.append(group)
    return groups


def _user_state(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "email": user.email,
        "is_active": user.is_active,
        "roles": sorted(role.value for role in user_roles(user)),
    }


@transaction.atomic
def user_create(*, username: str, password: str, roles: Iterable[Role], email: str = "", actor: AnyUser = None) -> User:
    roles = set(roles)
    if not roles - {Role.CASE_ACCESS}:
        raise AccountError("Give the user a role: administrator, performance officer, owner, approver or reader.")
    if User.objects.filter(username=username).exists():
        raise AccountError(f"There is already a user called '{username}'.")
    user = User.objects.create_user(username=username, email=email, password=password)
    user.is_staff = Role.ADMINISTRATOR in roles  # the admin site is for administrators only
    user.save(update_fields=["is_staff"])
    user.groups.set(_role_groups(roles))
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, object_type="user", object_id=user.pk,
                 object_repr=username, after=_user_state(user))  # fmt: skip
    return user


@transaction.atomic
def user_set_roles(*, user: User, roles: Iterable[Role], actor: AnyUser, reason: str = "") -> User:
    before = _user_state(user)
    roles = set(roles)
    user.groups.set(_role_groups(roles))
    user.is_staff = Role.ADMINISTRATOR in roles
    user.save(update_fields=["is_staff"])
    vars(user).pop("_oversight_roles", None)
    after = _user_state(user)
    if before != after:
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, object_type="user", object_id=user.pk,
                     object_repr=user.username, before=before, after=after, reason=reason)  # fmt: skip
    return user


def user_record_change(*, user: User, before: dict[str, Any], actor: AnyUser, reason: str = "") -> None:
    """Audit a change made to a user elsewhere (the admin site), given its state before."""
    vars(user).pop("_oversight_roles", None)
    after = _user_state(user)
    if before != after:
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, object_type="user", object_id=user.pk,
                     object_repr=user.username, before=before, after=after, reason=reason)  # fmt: skip


def user_state(user: User) -> dict[str, Any]:
    return _user_state(user)


# Sign-in lockout ---------------------------------------------------------------------------------


def _window_start() -> Any:
    return timezone.now() - timedelta(minutes=settings.OVERSIGHT_LOCKOUT_MINUTES)


def sign_in_locked(username: str) -> bool:
    """Locked after OVERSIGHT_LOCKOUT_FAILURES failures within OVERSIGHT_LOCKOUT_MINUTES, until they age out."""
    failures = SignInAttempt.objects.filter(username__iexact=username, succeeded=False, at__gte=_window_start())
    return failures.count() >= settings.OVERSIGHT_LOCKOUT_FAILURES


@transaction.atomic
def sign_in_record(*, username: str, ip_address: str | None, succeeded: bool, user: AnyUser = None) -> None:
    SignInAttempt.objects.create(username=username[:150], ip_address=ip_address, succeeded=succeeded)
    action = AuditEvent.Action.SIGN_IN if succeeded else AuditEvent.Action.SIGN_IN_FAILED
    audit_record(actor=user if succeeded else None, action=action, object_type="session",
                 object_repr=username[:150], ip_address=ip_address)  # fmt: skip
    if not succeeded and sign_in_locked(username):
        failures = settings.OVERSIGHT_LOCKOUT_FAILURES
        recent = SignInAttempt.objects.filter(username__iexact=username, succeeded=False, at__gte=_window_start())
        if recent.count() == failures:  # alert once, when the lock starts
            audit_record(actor=None, action=AuditEvent.Action.LOCKED, object_type="user", object_repr=username[:150],
                         reason=f"{failures} failed sign-ins", ip_address=ip_address)  # fmt: skip
            message = (
                f"The account '{username}' is locked for {settings.OVERSIGHT_LOCKOUT_MINUTES} minutes after "
                f"{failures} failed sign-ins (last from {ip_address or 'an unknown address'})."
            )
            security_log.warning(message)
            mail_admins("account locked after failed sign-ins", message, fail_silently=True)
