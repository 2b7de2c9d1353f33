"""The access log in the management screens: readable, never changeable."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from schakel.audit.models import AccessLogEntry


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    list_display = ["sequence", "occurred_at", "event", "outcome", "user_identifier", "patient_id"]
    list_filter = ["event", "outcome"]
    search_fields = ["user_identifier"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
