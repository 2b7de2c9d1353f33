"""``schakel worker``: run background jobs from the database queue, and the schedule.

Start as many as you like, on any machines, against the same PostgreSQL database: each job is
claimed by one worker, and each periodic run is enqueued by one scheduler.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from schakel.core.scheduler import SchedulerThread


class Command(DbWorkerCommand):
    help = "Run background jobs (database queue) and enqueue the periodic ones."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        # Never under the auto-reloader, also with DEBUG=1: a reloader's child outlives a
        # signal sent to its parent, and a job cut off by a reload is lost.
        parser.set_defaults(reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        scheduler = SchedulerThread()
        scheduler.start()
        try:
            super().handle(*args, **options)
        finally:
            scheduler.stopped.set()
