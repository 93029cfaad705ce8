"""Sign-in attempts (for lockout) and the audit trail of everything that is not indicator data."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from oversight.core.councils import ONS_CODE, ONS_CODE_WORDS


class SignInAttempt(models.Model):
    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    succeeded = models.BooleanField()
    # Refused unread because the account or the address was locked: recorded, but not a failure that locks.
    refused = models.BooleanField(default=False)
    # Set when an administrator unlocks the account: the failure no longer counts towards a lock.
    cleared = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at"]
        permissions = [("view_case_records", "Can see pseudonymised child-level records")]

    def __str__(self) -> str:
        return f"{self.username} {'signed in' if self.succeeded else 'failed'} at {self.at:%Y-%m-%d %H:%M}"


class AuditEvent(models.Model):
    """One recorded action: who, when, what, before and after. Written by services; never edited."""

    class Action(models.TextChoices):
        CREATE = "create"
        UPDATE = "update"
        ARCHIVE = "archive"
        VIEW = "view"
        SIGN_IN = "sign_in", "sign in"
        SIGN_IN_FAILED = "sign_in_failed", "failed sign-in"
        LOCKED = "locked", "account locked"
        UNLOCKED = "unlocked", "account unlocked"
        SPRAYING = "spraying", "failed sign-ins across accounts"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=60, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type} {self.object_repr}"


class CouncilMembership(models.Model):
    """A user belongs to a council (by its ONS code): they see its case-level records, drafts and unapproved figures.

    A user with no membership belongs to the service's own council (ADR 26). Kept through the audited services and the
    admin site, whose every change is in the audit trail.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="council_memberships")
    la = models.CharField(
        "council (ONS code)",
        max_length=9,
        validators=[RegexValidator(ONS_CODE, ONS_CODE_WORDS)],
    )

    class Meta:
        ordering = ["user", "la"]
        constraints = [models.UniqueConstraint(fields=["user", "la"], name="council_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.la}"
