"""Users, roles, sign-in lockout and the audit trail. Each write runs in one transaction and is audited."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission, User
from django.core.exceptions import ValidationError
from django.core.mail import mail_admins
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from oversight.accounts.models import AuditEvent, CouncilMembership, SignInAttempt
from oversight.accounts.roles import OWN_ONLY, ROLE_CAPABILITIES, Capability, Role, capabilities_of
from oversight.core.councils import ONS_CODE, ONS_CODE_WORDS, CouncilScope, council_scope
from oversight.core.problems import ApplicationError
from oversight.core.text import neutralised

security_log = logging.getLogger("oversight.security")

AnyUser = AbstractBaseUser | AnonymousUser | None
M = TypeVar("M", bound=models.Model)


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


def user_councils(user: AnyUser) -> frozenset[str]:
    """The ONS codes of the councils ``user`` is a member of (none: the service's own council, ADR 26)."""
    if user is None or not user.is_authenticated or not isinstance(user, User):
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_oversight_councils", None)
    if cached is None:  # one query per request, however many checks a page makes
        cached = frozenset(CouncilMembership.objects.filter(user=user).values_list("la", flat=True))
        user._oversight_councils = cached  # type: ignore[attr-defined]
    return cached


def user_council_scope(user: AnyUser) -> CouncilScope:
    """Whose case-level records, drafts and unapproved figures ``user`` may see: the rule every page and API
    operation applies (``core.councils``)."""
    return council_scope(user_councils(user), settings.OVERSIGHT_COUNCIL)


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


ADMINISTERED_APPS = ("auth", "accounts", "performance", "improvement", "api")


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
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "roles": sorted(role.value for role in user_roles(user)),
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "permissions": sorted(user.user_permissions.values_list("codename", flat=True)),
        "councils": sorted(CouncilMembership.objects.filter(user=user).values_list("la", flat=True)),
    }


def _council_codes(councils: Iterable[str]) -> set[str]:
    codes = {code.strip().upper() for code in councils}
    wrong = sorted(code for code in codes if not re.fullmatch(ONS_CODE, code))
    if wrong:
        raise AccountError(f"Not a council's ONS code: {', '.join(wrong)}. {ONS_CODE_WORDS}")
    return codes


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    roles: Iterable[Role],
    email: str = "",
    councils: Iterable[str] = (),
    actor: AnyUser = None,
) -> User:
    roles = set(roles)
    codes = _council_codes(councils)
    if not roles - {Role.CASE_ACCESS}:
        raise AccountError("Give the user a role: administrator, performance officer, owner, approver or reader.")
    if User.objects.filter(username=username).exists():
        raise AccountError(f"There is already a user called '{username}'.")
    user = User.objects.create_user(username=username, email=email, password=password)
    user.is_staff = Role.ADMINISTRATOR in roles  # the admin site is for administrators only
    user.save(update_fields=["is_staff"])
    user.groups.set(_role_groups(roles))
    CouncilMembership.objects.bulk_create(CouncilMembership(user=user, la=code) for code in sorted(codes))
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


@transaction.atomic
def user_set_councils(*, user: User, councils: Iterable[str], actor: AnyUser, reason: str) -> User:
    """Make ``user`` a member of exactly ``councils`` (ONS codes; none: the service's own council), with a reason
    in the audit trail."""
    if not reason.strip():
        raise AccountError("Say why the user's councils change: the reason is kept in the audit trail.")
    codes = _council_codes(councils)
    before = _user_state(user)
    CouncilMembership.objects.filter(user=user).exclude(la__in=codes).delete()
    held = set(CouncilMembership.objects.filter(user=user).values_list("la", flat=True))
    CouncilMembership.objects.bulk_create(CouncilMembership(user=user, la=code) for code in sorted(codes - held))
    user_record_change(user=user, before=before, actor=actor, reason=reason)
    return user


def user_record_change(*, user: User, before: dict[str, Any], actor: AnyUser, reason: str = "") -> None:
    """Audit a change made to a user elsewhere (the admin site), given its state before."""
    vars(user).pop("_oversight_roles", None)
    vars(user).pop("_oversight_councils", None)
    after = _user_state(user)
    if before != after:
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, object_type="user", object_id=user.pk,
                     object_repr=user.username, before=before, after=after, reason=reason)  # fmt: skip


def user_state(user: User) -> dict[str, Any]:
    return _user_state(user)


@transaction.atomic
def user_set_case_access(*, user: User, granted: bool, actor: AnyUser, reason: str) -> User:
    """Grant or withdraw case-level access: the one way to it, always with a reason in the audit trail."""
    if not reason.strip():
        raise AccountError("Say why case-level access is granted or withdrawn: the reason is kept in the audit trail.")
    roles = user_roles(user) | {Role.CASE_ACCESS} if granted else user_roles(user) - {Role.CASE_ACCESS}
    return user_set_roles(user=user, roles=roles, actor=actor, reason=reason)


def user_record_password_change(*, user: User, actor: AnyUser, reason: str) -> None:
    """Audit a password set for ``user`` by someone else (the admin site); the password itself is never kept."""
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, object_type="user", object_id=user.pk,
                 object_repr=user.username, after={"password": "changed"}, reason=reason)  # fmt: skip


# Sign-in lockout ---------------------------------------------------------------------------------


def _window_start() -> Any:
    return timezone.now() - timedelta(minutes=settings.OVERSIGHT_LOCKOUT_MINUTES)


def _failures() -> QuerySet[SignInAttempt]:
    """Failed sign-ins within the lockout window that count towards a lock."""
    return SignInAttempt.objects.filter(succeeded=False, refused=False, cleared=False, at__gte=_window_start())


def sign_in_locked(username: str, ip_address: str | None) -> bool:
    """Whether a sign-in as ``username`` from ``ip_address`` is refused unread.

    An account is locked from an address after OVERSIGHT_LOCKOUT_FAILURES failures from that address within
    OVERSIGHT_LOCKOUT_MINUTES, and an address after OVERSIGHT_ADDRESS_FAILURES failures for any accounts, until
    they age out. So a stranger's failures lock the account from the stranger's address only: its user still
    signs in from their own. Refused attempts are not failures, so they never keep a lock going.
    """
    from_address = _failures().filter(ip_address=ip_address)
    if from_address.count() >= settings.OVERSIGHT_ADDRESS_FAILURES:
        return True
    return bool(from_address.filter(username__iexact=username).count() >= settings.OVERSIGHT_LOCKOUT_FAILURES)


@transaction.atomic
def sign_in_record(
    *, username: str, ip_address: str | None, succeeded: bool, user: AnyUser = None, refused: bool = False
) -> None:
    new_account = not _failures().filter(username__iexact=username).exists()
    SignInAttempt.objects.create(username=username[:150], ip_address=ip_address, succeeded=succeeded, refused=refused)
    action = AuditEvent.Action.SIGN_IN if succeeded else AuditEvent.Action.SIGN_IN_FAILED
    audit_record(actor=user if succeeded else None, action=action, object_type="session",
                 object_repr=username[:150], ip_address=ip_address)  # fmt: skip
    if succeeded or refused:
        return
    failures = settings.OVERSIGHT_LOCKOUT_FAILURES
    if _failures().filter(username__iexact=username, ip_address=ip_address).count() == failures:
        # alert once, when the lock starts
        audit_record(actor=None, action=AuditEvent.Action.LOCKED, object_type="user", object_repr=username[:150],
                     reason=f"{failures} failed sign-ins", ip_address=ip_address)  # fmt: skip
        _alert(
            "account locked after failed sign-ins",
            f"The account '{neutralised(username)}' is locked for {settings.OVERSIGHT_LOCKOUT_MINUTES} minutes "
            f"after {failures} failed sign-ins (last from {ip_address or 'an unknown address'}).",
        )
    accounts = _failures().values("username").distinct().count()
    if new_account and accounts == settings.OVERSIGHT_SPRAY_ACCOUNTS:  # alert once, as the count is reached
        audit_record(actor=None, action=AuditEvent.Action.SPRAYING, object_type="session",
                     reason=f"failed sign-ins for {accounts} accounts", ip_address=ip_address)  # fmt: skip
        _alert(
            "failed sign-ins across many accounts",
            f"Sign-ins failed for {accounts} different accounts within {settings.OVERSIGHT_LOCKOUT_MINUTES} "
            f"minutes (the last from {ip_address or 'an unknown address'}): someone may be trying common "
            "passwords across accounts. The audit trail lists each attempt.",
        )


def _alert(subject: str, message: str) -> None:
    security_log.warning(message)
    mail_admins(subject, message, fail_silently=True)


@transaction.atomic
def sign_in_unlock(*, username: str, actor: AnyUser, reason: str) -> int:
    """Clear the account's recent failures, from every address, so that it can sign in again; audited."""
    if not reason.strip():
        raise AccountError("Say why the account is unlocked: the reason is kept in the audit trail.")
    cleared = _failures().filter(username__iexact=username).update(cleared=True)
    audit_record(actor=actor, action=AuditEvent.Action.UNLOCKED, object_type="user", object_repr=username[:150],
                 reason=reason, after={"failures_cleared": cleared})  # fmt: skip
    return cleared


def _plain(value: object) -> object:
    """A field's value as the audit trail stores it (JSON)."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def council_set(model: type[M], key: dict[str, Any], *, council: str, actor: AnyUser, reason: str, what: str) -> M:
    """Give the row with this natural key (that the caller has found) to a council, by its ONS code ('' for the
    service's own), audited with the reason, which is required: ``what`` names the row in the refusal ("the
    scorecard")."""
    if not reason.strip():
        raise ApplicationError(f"Say why {what}'s council changes: the reason is kept in the audit trail.")
    return audited_upsert(model, key, {"council": council.strip().upper()}, actor=actor, reason=reason)


def audited_upsert(
    model: type[M], key: dict[str, Any], values: dict[str, Any], *, actor: AnyUser, reason: str, name_key: bool = True
) -> M:
    """Create or update the row with this natural key, checked by the model's own validation, and audit what
    changed (as ``<app>.<model>``); a row already as given is left alone and writes nothing, so loading a file twice
    is a no-op. A refusal names the model and key first unless ``name_key`` is false (a form says where itself)."""
    found = model._default_manager.filter(**key).first()
    instance = found if found is not None else model(**key)
    before = {name: _plain(getattr(instance, name)) for name in values} if found is not None else {}
    for name, value in values.items():
        setattr(instance, name, value)
    after = {name: _plain(getattr(instance, name)) for name in values}
    if found is not None and before == after:
        return instance
    try:
        instance.full_clean()
    except ValidationError as error:
        problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
        raise ApplicationError(f"{model.__name__} {key}: {problems}" if name_key else problems) from None
    instance.save()
    changed = [name for name in values if before.get(name) != after[name]]
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE if found is not None else AuditEvent.Action.CREATE,
        object_type=f"{model._meta.app_label}.{model.__name__.lower()}",
        object_id=instance.pk,
        object_repr=str(instance),
        before={name: before[name] for name in changed if name in before},
        after={name: after[name] for name in changed},
        reason=reason,
    )
    return instance
