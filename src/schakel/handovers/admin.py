"""Management screens: the coordinator chooses at which points of a pathway a contact moment
between case manager and GP/POH is planned (changes in the change log)."""

from __future__ import annotations

from django.contrib import admin

from schakel.directory.admin import ChangeLoggedAdmin
from schakel.handovers.models import ContactMomentSetting


@admin.register(ContactMomentSetting)
class ContactMomentSettingAdmin(ChangeLoggedAdmin):
    list_display = ["point", "is_active", "working_days"]
