"""The questionnaires' part of "Vandaag": recent scores past a cut-off on my patients."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from schakel.core.today import TodayRow, render_today_list
from schakel.directory.access import cares_for_patients
from schakel.patients.access import log_patients_shown, visible_patient_ids
from schakel.proms.models import Score
from schakel.proms.texts import score_summary

RECENT_DAYS = 14


def flagged_scores(request: HttpRequest) -> SafeString | str:
    if not cares_for_patients(request.user):
        return ""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    scores = list(
        Score.objects.filter(
            flagged=True,
            response__submitted_at__gte=since,
            response__pathway__patient_id__in=visible_patient_ids(request.user),
        )
        .select_related("instrument", "response__pathway__patient")
        .order_by("-response__submitted_at", "-pk")[:10]
    )
    log_patients_shown(request, [s.response.pathway.patient_id for s in scores])
    rows = [
        TodayRow(
            text=f"{score.instrument.name}: {score_summary(score)}",
            url=reverse("proms:pathway", args=[score.response.pathway_id]),
            patient=score.response.pathway.patient.sorted_name,
            meta=f"{timezone.localtime(score.response.submitted_at):%d-%m-%Y}",
        )
        for score in scores
    ]
    return render_today_list(request, "proms", _("Questionnaires past a cut-off"), rows)
