"""A real worker killed mid-job: the job is taken up again, and nobody gets an e-mail twice.

Everything runs in separate processes against a database of its own (a SQLite file, or a
fresh PostgreSQL database when DATABASE_URL points at PostgreSQL), as in production: a worker
sending the bundled notification e-mails is killed (SIGKILL) while the SMTP server holds its
first message; the job is made ready again; a second worker finishes it. Then two workers
compete for the same e-mails.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dj_database_url
import pytest
from aiosmtpd.controller import Controller

from tests.smtp import _free_port

SCHAKEL = str(Path(sys.executable).with_name("schakel"))


class SlowCollector:
    """Collects messages; holds the first one until released (the worker is then 'mid-job')."""

    def __init__(self) -> None:
        self.recipients: list[str] = []
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        import asyncio

        self.recipients.extend(envelope.rcpt_tos)
        if not self.holding.is_set():
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return "250 OK"


@contextmanager
def database_url() -> Iterator[str]:
    """A database of this test's own, of the kind the suite runs on."""
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith("postgres"):
        import psycopg

        settings = dj_database_url.parse(configured)
        name = f"schakel_crash_{uuid.uuid4().hex[:8]}"
        admin = (
            f"host={settings['HOST']} port={settings['PORT']} "
            f"user={settings['USER']} dbname=postgres"
        )
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield configured.rsplit("/", 1)[0] + f"/{name}"
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{directory}/crash.sqlite3"


@pytest.mark.django_db(databases=[])
def test_a_killed_worker_loses_no_job_and_sends_no_e_mail_twice(tmp_path):
    collector = SlowCollector()
    port = _free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    with database_url() as url:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "schakel.settings",
            "DEBUG": "1",
            "SECRET_KEY": "crash-test-" + "x" * 40,
            "SCHAKEL_VAR_DIR": str(tmp_path),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "SCHAKEL_AUDIT_SEAL_FILE": str(tmp_path / "seals.jsonl"),
        }

        def schakel(*args: str, timeout: float = 120) -> str:
            done = subprocess.run(  # noqa: S603 - our own command, fixed arguments
                [SCHAKEL, *args], env=env, capture_output=True, text=True, timeout=timeout
            )
            assert done.returncode == 0, done.stderr[-2000:]
            return done.stdout

        def shell(code: str) -> str:
            """Run ``code`` in that database; its last printed line."""
            lines = schakel("shell", "--no-imports", "-c", code).strip().splitlines()
            return lines[-1] if lines else ""

        try:
            schakel("migrate", "--no-input", "-v", "0", timeout=300)
            shell(
                "from schakel.accounts.models import User\n"
                "from schakel.work.models import Notification\n"
                "for n in range(3):\n"
                "    u = User.objects.create_user(f'user{n}@example.nl', 'x' * 20)\n"
                "    Notification.objects.create(recipient=u, kind='task', text='t')\n"
                "from schakel.work.jobs import send_notification_emails_job\n"
                "send_notification_emails_job.enqueue()"
            )
            worker = subprocess.Popen(  # noqa: S603
                [SCHAKEL, "worker", "--no-startup-delay", "-v", "0"],
                env={**env, "SCHAKEL_SIGNAL_MINUTES": "1440"},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            assert collector.holding.wait(60), "the worker never started sending"
            worker.send_signal(signal.SIGKILL)  # mid-job: its first e-mail is in flight
            worker.wait(30)
            collector.release.set()
            running = shell(
                "from django_tasks_db.models import DBTaskResult\n"
                "print(DBTaskResult.objects.filter(status='RUNNING', "
                "task_path__endswith='send_notification_emails_job').count())"
            )
            assert running == "1"  # the killed worker's job stays "running"...
            requeued = shell(
                "from datetime import timedelta\n"
                "from django.utils import timezone\n"
                "from schakel.core.scheduler import requeue_abandoned_jobs\n"
                "print(requeue_abandoned_jobs(timezone.now() + timedelta(hours=1)))"
            )
            assert requeued == "1"  # ...until the timeout makes it ready for another worker
            schakel("worker", "--batch", "--no-startup-delay", "-v", "0")
            status = shell(
                "from django_tasks_db.models import DBTaskResult\n"
                "print(sorted(set(DBTaskResult.objects.filter("
                "task_path__endswith='send_notification_emails_job')"
                ".values_list('status', flat=True))))"
            )
            assert status == "['SUCCESSFUL']"
            # Nobody twice; the e-mail in flight at the kill is the only one that may be lost.
            assert len(collector.recipients) == len(set(collector.recipients))
            assert len(collector.recipients) >= 2

            # Two workers competing for the same e-mails: each still goes once.
            before = len(collector.recipients)
            shell(
                "from schakel.accounts.models import User\n"
                "from schakel.work.models import Notification\n"
                "from schakel.work.jobs import send_notification_emails_job\n"
                "for n in range(3, 8):\n"
                "    u = User.objects.create_user(f'user{n}@example.nl', 'x' * 20)\n"
                "    Notification.objects.create(recipient=u, kind='task', text='t')\n"
                "send_notification_emails_job.enqueue()\n"
                "send_notification_emails_job.enqueue()"
            )
            racers = [
                subprocess.Popen(  # noqa: S603
                    [SCHAKEL, "worker", "--batch", "--no-startup-delay", "-v", "0"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
                for _ in range(2)
            ]
            for racer in racers:
                assert racer.wait(120) == 0
            new = collector.recipients[before:]
            assert sorted(new) == [f"user{n}@example.nl" for n in range(3, 8)]
        finally:
            collector.release.set()
            controller.stop()
            time.sleep(0.1)
