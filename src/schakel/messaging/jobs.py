"""Background jobs of messaging."""

from __future__ import annotations

from django_tasks import task

from schakel.messaging.notify import send_notification_emails


@task()
def send_notification_emails_job() -> int:
    """On a schedule: the bundled e-mails that say there is something new in Schakel."""
    return send_notification_emails()
