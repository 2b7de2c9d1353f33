"""Background jobs of the MDO app."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from schakel.directory.actor import Actor
from schakel.mdo.actions import do_schedule_meetings
from schakel.mdo.models import MdoSeries


@task()
def plan_series_meetings() -> dict[str, int]:
    """Daily: every active series has its meetings planned the configured weeks ahead."""
    until = timezone.localdate() + timedelta(weeks=settings.SCHAKEL_MDO_WEEKS_AHEAD)
    planned = sum(
        len(do_schedule_meetings(series, until=until, actor=Actor.system()))
        for series in MdoSeries.objects.filter(is_active=True)
    )
    return {"planned": planned}
