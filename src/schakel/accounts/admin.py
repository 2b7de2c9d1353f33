"""Management of accounts (administrators)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from schakel.accounts.models import User
from schakel.audit.actions import do_record_change
from schakel.audit.models import ChangeAction


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "is_staff"]
    search_fields = ["email", "display_name"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password", "display_name", "language")}),
        (_("Status"), {"fields": ("is_active",)}),
        (_("Permissions"), {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    # Who may log in, and with which powers: every change is in the change log.
    LOGGED = ("email", "display_name", "is_active", "is_staff", "is_superuser")

    def _values(self, user: User) -> dict[str, Any]:
        values: dict[str, Any] = {name: getattr(user, name) for name in self.LOGGED}
        if user.pk:
            values["groups"] = sorted(user.groups.values_list("name", flat=True))
        return values

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        before = self._values(User.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        # Kept on the request, not on this admin: one admin object serves every request.
        request.schakel_user_before = before  # type: ignore[attr-defined]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # the groups are saved here
        before = getattr(request, "schakel_user_before", {})
        after = self._values(form.instance)
        do_record_change(
            user=request.user if isinstance(request.user, User) else None,
            action=ChangeAction.UPDATE if change else ChangeAction.CREATE,
            object_type="accounts.user",
            object_id=form.instance.pk,
            object_repr=form.instance.email,
            changes={k: [before.get(k), v] for k, v in after.items() if before.get(k) != v},
        )
