"""The admin site: users and roles for administrators, with every change audited; the audit trail read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import ManyToManyField
from django.http import HttpRequest, HttpResponse

from oversight.accounts.models import AuditEvent, CouncilMembership, SignInAttempt
from oversight.accounts.roles import Role
from oversight.accounts.services import user_record_change, user_record_password_change, user_state


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
admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(ReadOnlyAdmin, GroupAdmin):
    """Roles are groups whose names oversight reads; renaming one would hand its powers to another role."""


class CouncilMembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    """The councils a user belongs to (none: the service's own council); changes are audited with the user's."""

    model = CouncilMembership
    extra = 1
    verbose_name = "council"
    verbose_name_plural = "councils (none: the service's own council)"


@admin.register(User)
class AuditedUserAdmin(UserAdmin):  # type: ignore[type-arg]
    """Users are deactivated, never deleted: their names stay on the history they wrote.

    Administrators give roles here, but not superuser status, single permissions or case-level access: case-level
    access is granted with a reason through ``oversight user case-access``, and every change here is audited.
    """

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Roles", {"fields": ("is_active", "is_staff", "groups")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    list_filter = ("is_staff", "is_active", "groups")
    inlines = [CouncilMembershipInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def formfield_for_manytomany(self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.exclude(name=Role.CASE_ACCESS.value)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        request._audit_before = user_state(User.objects.get(pk=obj.pk)) if change else {}  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        user = form.instance
        before = getattr(request, "_audit_before", {})
        if Role.CASE_ACCESS.value in before.get("roles", []):  # not offered by the form, so kept as it was
            user.groups.add(Group.objects.get(name=Role.CASE_ACCESS.value))
        user_record_change(user=user, before=before, actor=request.user, reason="changed in the admin site")

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:  # the form was valid and the password set
            user_record_password_change(user=User.objects.get(pk=id), actor=request.user,
                                        reason="password set in the admin site")  # fmt: skip
        return response
