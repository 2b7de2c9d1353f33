"""Management screens: the coordinator sets the signal thresholds per phase."""

from __future__ import annotations

from django.contrib import admin

from schakel.pathways.models import SignalThreshold


@admin.register(SignalThreshold)
class SignalThresholdAdmin(admin.ModelAdmin):
    list_display = ["rule", "phase", "days"]
    list_editable = ["days"]
    list_filter = ["rule"]
