"""Management screens for the coordinator's bulk editing.

Saves and deletions go through the directory actions, so they are in the change log with the
old and new values, and a role that gives patient access can never be given to oneself.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from schakel.directory.actions import (
    do_delete_directory_entry,
    do_save_directory_entry,
    gives_patient_access,
)
from schakel.directory.actor import Actor
from schakel.directory.changes import snapshot
from schakel.directory.models import (
    ContactPoint,
    ContactReport,
    ContactTopic,
    Organization,
    Practitioner,
    PractitionerRole,
    Region,
    TumourType,
)


class ChangeLoggedAdmin(admin.ModelAdmin):
    """Every save and deletion through ``do_save_directory_entry`` / ``do_delete_…``."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        do_save_directory_entry(obj, actor=Actor.of(request), before=before)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        do_delete_directory_entry(obj, actor=Actor.of(request))

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        actor = Actor.of(request)
        for obj in queryset:
            do_delete_directory_entry(obj, actor=actor)


class VerifiedEntryAdmin(ChangeLoggedAdmin):
    """Saving an entry here counts as verifying it."""

    readonly_fields = ("last_verified_at", "last_verified_by")


@admin.register(Region)
class RegionAdmin(ChangeLoggedAdmin):
    search_fields = ["name"]


@admin.register(TumourType)
class TumourTypeAdmin(ChangeLoggedAdmin):
    list_display = ["name", "name_en", "code", "icd10", "sort_order"]
    list_editable = ["sort_order"]


@admin.register(ContactTopic)
class ContactTopicAdmin(ChangeLoggedAdmin):
    list_display = ["name", "name_en", "code", "sort_order"]
    list_editable = ["sort_order"]


@admin.register(Organization)
class OrganizationAdmin(VerifiedEntryAdmin):
    list_display = ["name", "kind", "city", "agb", "ura", "is_active", "last_verified_at"]
    list_filter = ["kind", "region", "is_active"]
    search_fields = ["name", "city", "agb", "ura"]


class NotToOneselfForm(forms.ModelForm):
    """Says in words, before the action refuses it, that patient access is not self-service."""

    request_user_id: int | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        instance = self.instance
        for name, value in cleaned.items():
            if name in {f.name for f in instance._meta.concrete_fields}:
                setattr(instance, name, value)
        own = (
            getattr(instance, "practitioner", None)
            if isinstance(instance, PractitionerRole)
            else instance
        )
        if (
            own is not None
            and getattr(own, "user_id", None) == self.request_user_id
            and (
                (isinstance(instance, PractitionerRole) and gives_patient_access(instance))
                or (
                    isinstance(instance, Practitioner)
                    and instance.pk is not None
                    and any(gives_patient_access(r) for r in instance.roles.all())
                )
            )
        ):
            raise forms.ValidationError(
                _(
                    "You cannot give yourself a role with access to patients. Ask another "
                    "coordinator; the privacy officer reviews every such grant."
                )
            )
        return cleaned


class NotToOneselfAdmin(ChangeLoggedAdmin):
    form = NotToOneselfForm

    def get_form(
        self, request: HttpRequest, obj: Any | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        form.request_user_id = request.user.pk  # type: ignore[attr-defined]
        return form


@admin.register(Practitioner)
class PractitionerAdmin(NotToOneselfAdmin):
    list_display = ["sorted_name", "big", "agb", "user"]
    search_fields = ["family_name", "given_name", "big", "agb"]
    autocomplete_fields = ["user"]


@admin.register(PractitionerRole)
class PractitionerRoleAdmin(NotToOneselfAdmin):
    list_display = ["practitioner", "function", "title", "organization", "phone", "is_active"]
    list_filter = ["function", "organization__kind", "is_active", "tumour_types"]
    search_fields = ["practitioner__family_name", "practitioner__given_name", "title"]
    autocomplete_fields = ["practitioner", "organization"]
    filter_horizontal = ["tumour_types", "topics"]
    readonly_fields = ("last_verified_at", "last_verified_by")


@admin.register(ContactPoint)
class ContactPointAdmin(VerifiedEntryAdmin):
    list_display = ["name", "organization", "phone", "hours", "always_available", "is_active"]
    list_filter = ["organization", "always_available", "is_active"]
    search_fields = ["name", "description"]
    filter_horizontal = ["tumour_types", "topics"]


@admin.register(ContactReport)
class ContactReportAdmin(admin.ModelAdmin):
    """Reports are handled on the worklist; here they can only be looked up."""

    list_display = ["created_at", "reason", "role", "contact_point", "resolved_at"]
    list_filter = ["reason", "resolved_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
