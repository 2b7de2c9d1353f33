"""Enqueues periodic jobs (``settings.SCHAKEL_PERIODIC_JOBS``) exactly once per time slot."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
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
            except Exception:  # keep the schedule alive; the next round tries again
                logger.exception("scheduler round failed")
            finally:
                close_old_connections()
            self.stopped.wait(self.interval)
