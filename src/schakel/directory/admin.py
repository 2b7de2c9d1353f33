"""Management screens for the coordinator's bulk editing. Saves go through the action."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest

from schakel.directory.actions import do_save_directory_entry
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


class VerifiedEntryAdmin(admin.ModelAdmin):
    """Saving an entry here counts as verifying it."""

    readonly_fields = ("last_verified_at", "last_verified_by")

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        do_save_directory_entry(obj, acting_user=request.user)  # type: ignore[arg-type]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(TumourType)
class TumourTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "icd10", "sort_order"]
    list_editable = ["sort_order"]


@admin.register(ContactTopic)
class ContactTopicAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "sort_order"]
    list_editable = ["sort_order"]


@admin.register(Organization)
class OrganizationAdmin(VerifiedEntryAdmin):
    list_display = ["name", "kind", "city", "agb", "ura", "is_active", "last_verified_at"]
    list_filter = ["kind", "region", "is_active"]
    search_fields = ["name", "city", "agb", "ura"]


@admin.register(Practitioner)
class PractitionerAdmin(admin.ModelAdmin):
    list_display = ["sorted_name", "big", "agb", "user"]
    search_fields = ["family_name", "given_name", "big", "agb"]
    autocomplete_fields = ["user"]


@admin.register(PractitionerRole)
class PractitionerRoleAdmin(VerifiedEntryAdmin):
    list_display = ["practitioner", "function", "title", "organization", "phone", "is_active"]
    list_filter = ["function", "organization__kind", "is_active", "tumour_types"]
    search_fields = ["practitioner__family_name", "practitioner__given_name", "title"]
    autocomplete_fields = ["practitioner", "organization"]
    filter_horizontal = ["tumour_types", "topics"]


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
