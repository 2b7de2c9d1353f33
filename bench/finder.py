"""Benchmark: the contact finder and an organisation page at two sizes of the directory.

Run:  .venv/bin/python bench/finder.py [--scales 1 20] [--repeat 30]
(set DATABASE_URL to run it on PostgreSQL; by default a fresh SQLite file under var/bench/).

For each size it builds the demo region at that scale in a fresh database and reports, per page,
the median time of a full request through Django's test client, its ratio to a bare baseline
(an authenticated request of the account's security page, which reads no directory data,
measured in the same run), and the number of SQL queries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schakel.settings_test")

if TYPE_CHECKING:
    from django.test import Client


def measure(client: Client, url: str, repeat: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

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


def run_scale(scale: int, repeat: int) -> list[tuple[str, float, float, int]]:
    from io import StringIO

    from django.core.management import call_command
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from schakel.accounts.models import User
    from schakel.directory.models import ContactTopic, Organization, OrganizationKind, TumourType

    call_command("flush", "--no-input", verbosity=0)
    call_command("migrate", "directory", "0001", verbosity=0)  # re-seed reference data
    call_command("migrate", verbosity=0)
    call_command("demo", "--scale", str(scale), stdout=StringIO())
    gp = User.objects.get(email="huisarts@schakel.test")
    device = TOTPDevice.objects.create(user=gp, name="bench", confirmed=True)
    client = Client()
    client.force_login(gp)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()

    hospital = Organization.objects.filter(kind=OrganizationKind.HOSPITAL).order_by("pk").first()
    assert hospital is not None
    breast = TumourType.objects.get(code="borstkanker")
    topic = ContactTopic.objects.get(code="bijwerkingen")
    pages = {
        "baseline (security page)": "/account/beveiliging/",
        "contact finder": (
            f"/wegwijzer/?hospital={hospital.pk}&tumour_type={breast.pk}&topic={topic.pk}"
        ),
        "organisation page": f"/organisaties/{hospital.pk}/",
        "free-text search": "/wegwijzer/zoeken/?q=verpleegkundig",
    }
    baseline, _ = measure(client, pages["baseline (security page)"], repeat)
    rows = []
    for name, url in pages.items():
        seconds, queries = measure(client, url, repeat)
        rows.append((name, seconds, seconds / baseline, queries))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scales", type=int, nargs=2, default=[1, 20])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

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
    print(f"database: {connection.vendor}; median of {args.repeat} requests per page\n")
    results = {}
    for scale in args.scales:
        started = time.perf_counter()
        results[scale] = run_scale(scale, args.repeat)
        print(f"scale {scale} built and measured in {time.perf_counter() - started:.1f} s")
    from schakel.directory.models import ContactPoint, PractitionerRole

    small, large = args.scales
    print(
        f"\n(scale {large}: {PractitionerRole.objects.count()} roles, "
        f"{ContactPoint.objects.count()} contact points)\n"
    )
    header = (
        f"{'page':<26}"
        + "".join(f"{f'x{s} ms':>10}{f'x{s} ratio':>11}{f'x{s} SQL':>9}" for s in args.scales)
        + f"{'large/small':>13}"
    )
    print(header)
    for index, (name, *_rest) in enumerate(results[small]):
        cells = ""
        for scale in args.scales:
            _, seconds, ratio, queries = results[scale][index]
            cells += f"{seconds * 1000:>10.2f}{ratio:>11.2f}{queries:>9d}"
        growth = results[large][index][1] / results[small][index][1]
        print(f"{name:<26}{cells}{growth:>13.2f}")


if __name__ == "__main__":
    main()
