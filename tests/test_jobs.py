"""Background jobs: the database queue, the worker, and the schedule shared by many workers."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.test import TransactionTestCase, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from schakel.core.models import ScheduledRun
from schakel.core.scheduler import enqueue_due_jobs
from schakel.pathways.models import CarePathway
from schakel.pathways.rules import PathwayRule
from schakel.work.jobs import evaluate_all_signals
from schakel.work.models import Signal, Task
from tests.pathways_base import PathwayTestCase
from tests.reference import reseed

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class ScheduleTests(PathwayTestCase):
    def test_each_periodic_job_is_enqueued_once_per_slot_whoever_asks(self):
        jobs = {"schakel.work.jobs.evaluate_all_signals": 900}
        with self.settings(SCHAKEL_PERIODIC_JOBS=list(jobs.items())):
            now = 1_800_000_000.0
            self.assertEqual(enqueue_due_jobs(now), list(jobs))
            self.assertEqual(enqueue_due_jobs(now + 10), [])  # a second worker, same slot
            self.assertEqual(enqueue_due_jobs(now + 900), list(jobs))  # the next slot
        self.assertEqual(ScheduledRun.objects.count(), 2)

    def test_the_scheduled_evaluation_finds_what_time_made_late(self):
        CarePathway.objects.filter(pk=self.pathway.pk).update(
            phase_since=timezone.now() - timedelta(days=5)
        )
        with self.settings(SCHAKEL_PERIODIC_JOBS=[("schakel.work.jobs.evaluate_all_signals", 900)]):
            enqueue_due_jobs()
        self.assertTrue(
            Signal.objects.filter(pathway=self.pathway, rule=PathwayRule.NOBODY_AAN_ZET).exists()
        )


@override_settings(TASKS=DATABASE_QUEUE, SCHAKEL_PERIODIC_JOBS=[])
class DatabaseQueueTests(TransactionTestCase):
    """With the real queue: the worker runs in its own transactions, as in production."""

    def setUp(self) -> None:
        reseed()
        call_command("demo", stdout=StringIO())

    def test_a_job_waits_in_the_database_until_a_worker_runs_it(self):
        pathway = CarePathway.objects.exclude(phase="closed").order_by("pk").first()
        assert pathway is not None
        Signal.objects.filter(pathway=pathway).delete()
        Task.objects.filter(pathway=pathway).delete()
        CarePathway.objects.filter(pk=pathway.pk).update(
            phase_since=timezone.now() - timedelta(days=5)
        )
        result = evaluate_all_signals.enqueue()
        row = DBTaskResult.objects.get(pk=result.id)
        self.assertEqual(row.status, "READY")
        self.assertFalse(Signal.objects.filter(pathway=pathway).exists())
        call_command("worker", batch=True, startup_delay=False, stdout=StringIO())
        row.refresh_from_db()
        self.assertEqual(row.status, "SUCCESSFUL")
        self.assertTrue(
            Signal.objects.filter(pathway=pathway, rule=PathwayRule.NOBODY_AAN_ZET).exists()
        )


class WorkerSettingsTests(PathwayTestCase):
    def test_the_worker_never_runs_under_the_auto_reloader_even_with_debug(self):
        from schakel.core.management.commands.worker import Command

        with self.settings(DEBUG=True, TASKS=DATABASE_QUEUE):
            options = Command().create_parser("schakel", "worker").parse_args([])
        self.assertFalse(options.reload)

    def test_the_notification_email_is_on_the_schedule_and_goes_out_by_itself(self):
        from django.conf import settings

        from schakel.pathways import actions
        from schakel.pathways.models import EventKind
        from tests.smtp import smtp_server

        jobs = dict(settings.SCHAKEL_PERIODIC_JOBS)
        self.assertIn("schakel.work.jobs.send_notification_emails_job", jobs)
        actions.do_record_event(
            self.pathway, EventKind.NOTE, summary="x", actor=self.actor(self.specialist)
        )
        with smtp_server() as smtp:
            enqueue_due_jobs()  # what the running worker's scheduler does every 30 seconds
        self.assertEqual(
            sorted(m["To"] for m in smtp.messages), sorted([self.gp.email, self.case_manager.email])
        )
