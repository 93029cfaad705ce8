"""The admin site: users and roles for administrators, with every change audited; the audit trail read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.http import HttpRequest

from oversight.accounts.models import AuditEvent, SignInAttempt
from oversight.accounts.services import user_record_change, user_state


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_repr"]


@admin.register(SignInAttempt)
class SignInAttemptAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "ip_address", "succeeded", "refused", "cleared"]
    list_filter = ["succeeded", "refused", "cleared"]


admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(UserAdmin):  # type: ignore[type-arg]
    """Users are deactivated, never deleted: their names stay on the history they wrote."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        request._audit_before = user_state(User.objects.get(pk=obj.pk)) if change else {}  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        user = form.instance
        user_record_change(user=user, before=getattr(request, "_audit_before", {}), actor=request.user,
                           reason="changed in the admin site")  # fmt: skip
