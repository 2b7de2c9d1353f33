"""Benchmark: does the access log serialise the application?

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/schakel_bench \\
          .venv/bin/python bench/access_log.py [--scale 5] [--seconds 8]
(PostgreSQL: on SQLite every write takes the one database lock anyway, so the numbers say
little about concurrency; the script runs there too.)

1. Appends per second with 1, 8 and 32 writers at once (separate processes, one transaction
   per append, as a request makes them), for the append this replaced ("locked": take the chain
   lock, read the head, insert the linked entry, as ``do_record_access`` did until the chain was
   deferred) and the current append ("deferred": insert with a content MAC, chain at the end of
   the "request" without waiting for the lock). Measured in the same run, alternating.
2. The patient page through gunicorn (4 processes x 8 threads) with 32 clients at once: requests
   per second with the access log as it is, and with its writes switched off in the server
   (``bench/gunicorn_without_access_log.py``); the ratio is what logging costs.
At the end the whole chain is verified: it must be intact, with nothing left waiting.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

from common import ROOT, build_region, setup_django
from pages import Browser, free_port

WRITERS = (1, 8, 32)


def locked_append(n: int) -> None:
    """The append as it was: the chain lock for the rest of the transaction, then the head."""
    from django.db import connection, transaction
    from django.utils import timezone

    from schakel.audit.chain import CHAIN_LOCK_KEY, chain_head
    from schakel.audit.models import GENESIS_HASH, AccessEvent, AccessLogEntry, Outcome

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
        head = chain_head()
        entry = AccessLogEntry(
            sequence=head[0] + 1 if head else 1,
            previous_hash=head[1] if head else GENESIS_HASH,
            occurred_at=timezone.now(),
            event=AccessEvent.READ,
            outcome=Outcome.SUCCESS,
            user_identifier="bench",
            patient_id=n,
            object_type="Patient",
            object_id=str(n),
        )
        entry.content_mac = entry.compute_content_mac()
        entry.entry_hash = entry.compute_hash()
        entry.save(force_insert=True)


def deferred_append(n: int) -> None:
    """The append as it is: no lock; the end of the request chains without waiting."""
    from django.db import transaction

    from schakel.audit.actions import do_record_access
    from schakel.audit.chain import chain_after_request
    from schakel.audit.models import AccessEvent, Outcome

    with transaction.atomic():
        do_record_access(
            event=AccessEvent.READ,
            outcome=Outcome.SUCCESS,
            user=None,
            user_identifier="bench",
            patient_id=n,
            object_type="Patient",
            object_id=n,
        )
    chain_after_request()


def writer(kind: str, start: Any, seconds: float, counts: Any, slot: int) -> None:
    from django.db import connections

    connections.close_all()  # a process of its own: its own connection
    append = locked_append if kind == "locked" else deferred_append
    start.wait()
    done, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        append(slot * 10_000_000 + done)
        done += 1
    counts[slot] = done
    connections.close_all()


def appends_per_second(kind: str, writers: int, seconds: float) -> float:
    from django.db import connections

    from schakel.audit.chain import chain_pending

    connections.close_all()
    context = multiprocessing.get_context("fork")
    start = context.Event()
    counts = context.Array("l", writers)
    processes = [
        context.Process(target=writer, args=(kind, start, seconds, counts, slot))
        for slot in range(writers)
    ]
    for process in processes:
        process.start()
    time.sleep(1)  # every writer connected and waiting
    start.set()
    for process in processes:
        process.join()
    chain_pending()  # what the last requests' ends left for the periodic job
    return sum(counts[n] for n in range(writers)) / seconds


def page_throughput(port: int, browsers: list[Browser], path: str, seconds: float) -> float:
    """Requests per second with every browser asking for the page in a loop."""
    for browser in browsers[:4]:
        browser.get(path)  # warm each worker a little
    done = [0] * len(browsers)
    start = threading.Event()
    deadline = [0.0]

    def loop(n: int) -> None:
        start.wait()
        while time.perf_counter() < deadline[0]:
            browsers[n].get(path)
            done[n] += 1

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(len(browsers))]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    start.set()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


def start_gunicorn(port: int, without_log: bool) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}", "ALLOWED_HOSTS": "127.0.0.1"}
    command = [sys.executable, "-m", "gunicorn", "schakel.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "4", "--threads", "8", "--log-level", "warning"]
    if without_log:
        command += ["--config", str(ROOT / "bench" / "gunicorn_without_access_log.py")]
    server = subprocess.Popen(command, env=env)  # noqa: S603 - our own gunicorn, fixed arguments
    import socket

    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def page_runs(seconds: float, rounds: int) -> dict[str, list[float]]:
    from django.db import connections
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from tests.test_two_factor import current_token

    from schakel.accounts.models import User
    from schakel.demo.builder import DEMO_PASSWORD
    from schakel.pathways.access import visible_pathways

    email = "huisarts@schakel.test"
    user = User.objects.get(email=email)
    pathway = visible_pathways(user).order_by("pk").first()
    assert pathway is not None
    path = pathway.patient.get_absolute_url()
    results: dict[str, list[float]] = {"with the access log": [], "without": []}
    for _ in range(rounds):  # alternate, so neither gains from a warmer database
        for label in results:
            # Fresh devices each time: a TOTP code is accepted once per device.
            devices = [
                TOTPDevice.objects.create(user=user, name=f"bench-log-{n}", confirmed=True)
                for n in range(32)
            ]
            connections.close_all()
            port = free_port()
            server = start_gunicorn(port, without_log=label == "without")
            try:
                browsers = []
                for device in devices:
                    browser = Browser(port)
                    browser.log_in(email, DEMO_PASSWORD, current_token(device))
                    browsers.append(browser)
                results[label].append(page_throughput(port, browsers, path, seconds))
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    vendor = setup_django()
    built = build_region(args.scale)
    print(f"database: {vendor}; region of {200 * args.scale:,} pathways built in {built:.0f} s")

    print(f"\nappends per second ({args.seconds:.0f} s per measurement, separate processes)")
    print(f"{'writers':>8} {'locked':>10} {'deferred':>10} {'ratio':>7}")
    for writers in WRITERS:
        locked = appends_per_second("locked", writers, args.seconds)
        deferred = appends_per_second("deferred", writers, args.seconds)
        print(f"{writers:>8} {locked:>10,.0f} {deferred:>10,.0f} {deferred / locked:>7.2f}")

    results = page_runs(args.seconds, args.rounds)
    print("\npatient page (GP), 32 clients at once, gunicorn 4 x 8 threads: requests per second")
    for label, values in results.items():
        print(f"  {label:<22} " + "  ".join(f"{v:7.1f}" for v in values))
    ratio = max(results["with the access log"]) / max(results["without"])
    print(f"  with / without (best of {args.rounds}): {ratio:.2f}")

    from schakel.audit.chain import chain_pending
    from schakel.audit.verify import verify_chain

    chain_pending()
    report = verify_chain()
    print(f"\nchain: {report.checked:,} entries verified, intact: {report.intact} {report.problem}")


if __name__ == "__main__":
    main()
