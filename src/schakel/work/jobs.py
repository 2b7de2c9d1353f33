"""Background jobs of the work layer (Django's tasks API, database backend)."""

from __future__ import annotations

from django_tasks import task

from schakel.work.engine import evaluate_signals
from schakel.work.notify import send_notification_emails


@task()
def evaluate_all_signals() -> dict[str, int]:
    """On a schedule: every rule over everything (time makes tasks late and silences long)."""
    result = evaluate_signals()
    return {"opened": result.opened, "resolved": result.resolved}


@task()
def send_notification_emails_job() -> int:
    """On a schedule: the bundled e-mails that say there is something new in Schakel."""
    return send_notification_emails()
