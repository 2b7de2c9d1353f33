"""Background jobs of questions: answered questions close by themselves after some days."""

from __future__ import annotations

from django_tasks import task

from schakel.messaging.actions import do_close_answered_questions


@task()
def close_answered_questions() -> dict[str, int]:
    """Hourly: answered questions the asker left open long enough close, with a note."""
    return {"closed": do_close_answered_questions()}
