"""Background jobs of the questionnaires."""

from __future__ import annotations

from django_tasks import task

from schakel.proms.schedules import send_due


@task()
def send_scheduled_questionnaires() -> dict[str, int]:
    """Hourly: invitations whose periodic moment has come, and one reminder when unanswered."""
    return send_due()
