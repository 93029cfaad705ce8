"""Tokens for machine clients of the REST API: a council's data team, its warehouse, its corporate system."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A token acts as one account, with that account's roles, narrowed by its scope.

    Only a digest of the token is kept; the token itself is shown once, when it is created. ``window_started_at``
    and ``window_requests`` count the requests of the current minute, for the rate limit."""

    class Scope(models.TextChoices):
        READ = "read"
        WRITE = "write", "read and write"

    name = models.CharField(max_length=100, help_text="What uses it, e.g. corporate performance system")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    prefix = models.CharField(max_length=12, unique=True, help_text="The token's first characters, to recognise it")
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=5, choices=Scope.choices, default=Scope.READ)
    case_level = models.BooleanField(default=False, help_text="May read child-level records (each read audited)")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_name = models.CharField(max_length=150)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by_name = models.CharField(max_length=150, blank=True)
    window_started_at = models.DateTimeField(null=True, blank=True)
    window_requests = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
