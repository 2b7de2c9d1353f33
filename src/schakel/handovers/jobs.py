"""Background jobs of handovers: consultation moments planned ahead."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from schakel.directory.actor import Actor
from schakel.handovers.consultations import WEEKS_AHEAD, do_plan_sessions
from schakel.handovers.models import ConsultationSeries


@task()
def plan_consultation_sessions() -> dict[str, int]:
    """Daily: every offered series has its moments planned the weeks ahead."""
    until = timezone.localdate() + timedelta(weeks=WEEKS_AHEAD)
    planned = sum(
        len(do_plan_sessions(series, until=until, actor=Actor.system()))
        for series in ConsultationSeries.objects.filter(is_active=True)
    )
    return {"planned": planned}
