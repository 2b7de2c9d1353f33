"""The privacy officer's part of "Vandaag": emergency accesses waiting for review."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from schakel.core.today import TodayRow, render_today_list
from schakel.directory.access import is_privacy_officer
from schakel.patients.models import EmergencyAccess


def emergency_reviews(request: HttpRequest) -> SafeString | str:
    if not is_privacy_officer(request.user):
        return ""
    waiting = EmergencyAccess.objects.filter(reviewed_at__isnull=True).count()
    rows = (
        [
            TodayRow(
                _("%(n)d emergency accesses to review") % {"n": waiting},
                reverse("patients:emergency_review"),
            )
        ]
        if waiting
        else []
    )
    return render_today_list(request, "privacy", _("Privacy"), rows)
