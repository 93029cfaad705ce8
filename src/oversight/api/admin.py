"""The admin site's list of API tokens: who each acts as, its scope, when it was last used; revoked from here."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from oversight.accounts.admin import ReadOnlyAdmin
from oversight.api.models import ApiToken
from oversight.api.services import token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Read-only but for revoking: a token is created by `oversight token create`, which shows it once."""

    list_display = ["prefix", "name", "user", "scope", "case_level", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope", "case_level"]
    search_fields = ["name", "prefix", "user__username"]
    actions = ["revoke"]
    exclude = ["digest", "window_started_at", "window_requests"]

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            token_revoke(token=token, actor=request.user, reason="revoked on the admin site")
            revoked += 1
        self.message_user(request, f"Revoked {revoked} token(s).", messages.SUCCESS)
