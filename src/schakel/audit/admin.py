"""The access log and the change log in the management screens: readable, never changeable.

Reading the access log here asks the same as its own page (a privacy officer, logged in with
two factors) and is logged like reading it there.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from schakel.audit.actions import do_record_access
from schakel.audit.models import AccessEvent, AccessLogEntry, ChangeLogEntry, Outcome
from schakel.core.exceptions import SecondFactorRequired


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["sequence", "occurred_at", "event", "outcome", "user_identifier", "patient_id"]
    list_filter = ["event", "outcome"]
    search_fields = ["user_identifier"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        verified = getattr(request.user, "is_verified", lambda: False)()
        return bool(verified) and super().has_view_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def _log_read(self, request: HttpRequest, detail: str) -> None:
        do_record_access(
            event=AccessEvent.SEARCH,
            outcome=Outcome.SUCCESS,
            user=request.user,  # type: ignore[arg-type]
            request=request,
            object_type="AccessLog",
            detail=detail,
        )

    def _require_second_factor(self, request: HttpRequest) -> None:
        """Someone who may read the log but logged in with one factor is told how to get in,
        as on the privacy officer's own pages (not a bare refusal)."""
        if not self.has_view_permission(request) and super().has_view_permission(request):
            raise SecondFactorRequired

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        self._require_second_factor(request)
        if self.has_view_permission(request):
            self._log_read(request, "access log read in the management screens")
        return super().changelist_view(request, extra_context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        self._require_second_factor(request)
        if self.has_view_permission(request):
            self._log_read(request, f"access-log entry {object_id} read in the management screens")
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ChangeLogEntry)
class ChangeLogEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "occurred_at",
        "action",
        "object_type",
        "object_repr",
        "user_identifier",
        "flag",
    ]
    list_filter = ["action", "object_type", "flag"]
    search_fields = ["user_identifier", "object_repr"]
