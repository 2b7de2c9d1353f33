"""The coordinator's part of "Vandaag": the directory's open reports and stale entries."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from schakel.core.today import TodayRow, render_today_list
from schakel.directory.access import can_manage_directory
from schakel.directory.models import ContactReport, PractitionerRole


def directory_worklist(request: HttpRequest) -> SafeString | str:
    if not can_manage_directory(request.user):
        return ""
    cutoff = timezone.now() - timedelta(days=settings.SCHAKEL_DIRECTORY_STALE_DAYS)
    reports = ContactReport.objects.filter(resolved_at__isnull=True).count()
    stale = (
        PractitionerRole.objects.active()
        .filter(Q(last_verified_at__isnull=True) | Q(last_verified_at__lt=cutoff))
        .count()
    )
    url = reverse("directory:worklist")
    rows = []
    if reports:
        rows.append(TodayRow(_("%(n)d reports of wrong entries") % {"n": reports}, url))
    if stale:
        rows.append(TodayRow(_("%(n)d entries to verify again") % {"n": stale}, url))
    return render_today_list(request, "directory", _("Directory"), rows)
