"""Management screens: the region's cut-offs and questionnaire schedules. Definitions are
loaded by command (``schakel proms import``), not edited here."""

from __future__ import annotations

from django.contrib import admin

from schakel.directory.admin import ChangeLoggedAdmin
from schakel.proms.models import Cutoff, Instrument, PromSchedule, ScheduleMoment


@admin.register(Cutoff)
class CutoffAdmin(ChangeLoggedAdmin):
    list_display = ["instrument", "direction", "value", "source"]
    list_editable = ["direction", "value"]


class MomentInline(admin.TabularInline):
    model = ScheduleMoment
    extra = 1


@admin.register(PromSchedule)
class PromScheduleAdmin(ChangeLoggedAdmin):
    list_display = ["name", "is_active"]
    inlines = [MomentInline]


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "licence", "respondent"]
    readonly_fields = ["code", "licence"]

    def has_add_permission(self, request: object) -> bool:
        return False  # the catalogue and imports make instruments

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
