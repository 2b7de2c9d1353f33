"""Shared set-up for the benchmarks: a fresh database, the demo region, a logged-in client."""

from __future__ import annotations

import os
import statistics
import sys
import time
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schakel.settings_test")

if TYPE_CHECKING:
    from django.test import Client


def setup_django() -> str:
    """Point at DATABASE_URL (or a fresh SQLite file) and start Django; returns the vendor."""
    if "DATABASE_URL" not in os.environ:
        bench_dir = ROOT / "var" / "bench"
        bench_dir.mkdir(parents=True, exist_ok=True)
        database = bench_dir / "bench.sqlite3"
        database.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    return connection.vendor


def build_region(scale: int) -> float:
    """Empty the database, re-seed reference data, build the demo at ``scale``; seconds taken."""
    from django.core.management import call_command
    from tests.reference import reseed

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("flush", "--no-input", verbosity=0)
    reseed()
    call_command("demo", "--scale", str(scale), stdout=StringIO())
    from django.db import connection

    if connection.vendor == "postgresql":
        # After a bulk load, as an operator would (autovacuum does it later by itself): the
        # planner needs to know the tables' sizes to pick the right joins, and a vacuum now
        # keeps autovacuum from doing it in the middle of the measurements (the first size's
        # pages measured up to half as fast again while it ran).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def client_for(email: str) -> Client:
    """A client logged in (both factors) as the demo persona with this e-mail."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from schakel.accounts.models import User

    user = User.objects.get(email=email)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def measure(client: Client, url: str, repeat: int) -> tuple[float, int]:
    """Median seconds of ``repeat`` requests, and the SQL queries of one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # A request starts by emptying the query log; what it held before would shift the capture.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    query_count = len(queries)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), query_count
