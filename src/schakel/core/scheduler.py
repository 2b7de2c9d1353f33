"""Enqueues periodic jobs (``settings.SCHAKEL_PERIODIC_JOBS``) exactly once per time slot."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from schakel.core.models import ScheduledRun

logger = logging.getLogger(__name__)


def enqueue_due_jobs(now: float | None = None) -> list[str]:
    """Enqueue each periodic job whose current slot has not been claimed yet; return them."""
    now = time.time() if now is None else now
    enqueued = []
    for dotted_path, every_seconds in settings.SCHAKEL_PERIODIC_JOBS:
        slot = int(now // every_seconds)
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=dotted_path, slot=slot)
        except IntegrityError:
            continue  # another worker has it
        job: Any = import_string(dotted_path)
        job.enqueue()
        enqueued.append(dotted_path)
    return enqueued


def requeue_abandoned_jobs(now: datetime | None = None) -> int:
    """Jobs still "running" long after they started lost their worker (killed, machine gone):
    they are made ready again, so another worker takes them up. Every job is written to be
    run again safely (e-mail is marked before it is sent, invitations once per occurrence)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.SCHAKEL_JOB_TIMEOUT_SECONDS)
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).update(status=TaskResultStatus.READY, started_at=None)


class SchedulerThread(threading.Thread):
    """Checks the schedule every ``interval`` seconds until stopped."""

    def __init__(self, interval: float = 30.0) -> None:
        super().__init__(name="schakel-scheduler", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                for job in enqueue_due_jobs():
                    logger.info("scheduled %s", job)
                if requeued := requeue_abandoned_jobs():
                    logger.warning("took up %d jobs whose worker stopped", requeued)
            except Exception:  # keep the schedule alive; the next round tries again
                logger.exception("scheduler round failed")
            finally:
                close_old_connections()
            self.stopped.wait(self.interval)
