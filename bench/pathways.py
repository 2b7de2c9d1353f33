"""Benchmark: signal evaluation and "Mijn patiënten met kanker" at two sizes of the region.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/schakel_bench \\
          .venv/bin/python bench/pathways.py --scales 250 1250
(scale N gives 200·N pathways: 250 → 50,000, 1250 → 250,000; without DATABASE_URL a fresh
SQLite file is used.)

Reports, per size: the time and SQL queries of one full set-based signal evaluation (all
pathways) in the first round (every signal new: written, and its pathway's case manager and
GP told; the telling is also given apart) and in the steady state (nothing new, everything
re-checked), each with its ratio to the floor: the rules' own SELECTs, every match fetched,
measured in the same run; on PostgreSQL also the floor of the first round's writing (the
same signals written by one plain INSERT with their indexes and key checks, rolled back);
and "Mijn patiënten met kanker" for the case manager and the GP personas, with the ratio of
each page to a bare baseline request (the security page) measured in the same run.
A persona's caseload stays the same size as the region grows, so the pages should not slow.
"""

from __future__ import annotations

import argparse
import time

from common import build_region, client_for, measure, setup_django


def rules_floor() -> float:
    """Seconds to run every rule's SELECT and fetch its matches: what evaluation cannot beat."""
    from django.db import models
    from django.db.models import Value
    from django.utils import timezone

    from schakel.work.engine import thresholds
    from schakel.work.registry import registry

    now, found = timezone.now(), thresholds()
    started = time.perf_counter()
    for rule in registry.signal_rules.values():
        matching = rule.matcher(now, found)
        if matching is None:
            continue
        patient = rule.patient_field or Value(None, output_field=models.BigIntegerField())
        list(matching.order_by().values_list("pk", patient))
    return time.perf_counter() - started


def writing_floor() -> float:
    """Seconds to write the open signals once more by one plain INSERT … SELECT, with their
    indexes and foreign-key checks, rolled back: what a first round that opens them cannot
    beat however it finds them."""
    from django.db import connection, transaction

    from schakel.work.models import Signal

    table = connection.ops.quote_name(Signal._meta.db_table)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (subject_id, patient_id, subject_type_id, rule, opened_at, "  # noqa: S608 - a name from Django
            f"snooze_reason) SELECT subject_id, patient_id, subject_type_id, 'bench-' || rule, "
            f"opened_at, '' FROM {table} WHERE resolved_at IS NULL"
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the checks a commit would run
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


Rows = dict[str, tuple[float, float | None, int]]


def run_scale(scale: int, repeat: int) -> Rows:
    built = build_region(scale)
    print(f"  scale {scale}: region built in {built:.0f} s")
    pages: Rows = {}
    # The pages first: right after the first round's bulk writes the database is still busy
    # with them (a case manager's list measured twice as slow at 250,000 pathways).
    for persona in ("casemanager", "huisarts"):
        client = client_for(f"{persona}@schakel.test")
        baseline, _ = measure(client, "/account/beveiliging/", repeat)
        seconds, count = measure(client, "/trajecten/", repeat)
        pages[f"my patients ({persona})"] = (seconds, seconds / baseline, count)
    return {**measure_signals(), **pages}


def measure_signals() -> Rows:
    """The floor, then a first round from no signals at all, then the steady state."""
    from unittest import mock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from schakel.core.events import publish
    from schakel.work import engine
    from schakel.work.engine import evaluate_signals
    from schakel.work.models import Notification, Signal
    from schakel.work.registry import registry

    rows: Rows = {}
    floor = min(rules_floor() for _ in range(3))  # the best of three: caches warm
    rows["floor: the rules' SELECTs"] = (floor, 1.0, len(registry.signal_rules))
    Signal.objects.all().delete()
    Notification.objects.filter(kind="signal").delete()
    if connection.vendor == "postgresql":  # as before the first signals ever: empty, vacuumed
        with connection.cursor() as cursor:
            for table in (Signal._meta.db_table, Notification._meta.db_table):
                cursor.execute(f"VACUUM ANALYZE {table}")
    telling = []  # seconds spent by the subscribers (the notification fan-out)

    def timed(event: object) -> None:
        started = time.perf_counter()
        publish(event)
        telling.append(time.perf_counter() - started)

    with (
        mock.patch.object(engine, "publish", timed),
        CaptureQueriesContext(connection) as queries,
    ):
        started = time.perf_counter()
        result = evaluate_signals()
        seconds = time.perf_counter() - started
        rows["signal evaluation (first)"] = (seconds, seconds / floor, len(queries))
    told = Notification.objects.filter(kind="signal").count()
    rows["  of which: telling followers"] = (sum(telling), sum(telling) / floor, 0)
    print(f"  opened {result.opened} signals, {told} notifications")
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        evaluate_signals()  # the steady state: nothing new, everything re-checked
        seconds = time.perf_counter() - started
    rows["signal evaluation (steady)"] = (seconds, seconds / floor, len(queries))
    if connection.vendor == "postgresql":  # last: its rolled-back rows leave dead tuples
        written = min(writing_floor() for _ in range(3))
        rows["floor: writing its signals"] = (written, written / floor, 1)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scales", type=int, nargs=2, default=[5, 50])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    vendor = setup_django()
    print(f"database: {vendor}; pages: median of {args.repeat} requests")
    results = {}
    counts = {}
    for scale in args.scales:
        results[scale] = run_scale(scale, args.repeat)
        from schakel.pathways.models import CarePathway

        counts[scale] = CarePathway.objects.count()
    small, large = args.scales
    print(f"\npathways: {counts[small]} and {counts[large]}\n")
    print(
        f"{'what':<28}"
        + "".join(f"{f'{counts[s]} ms':>14}{'ratio':>8}{'SQL':>6}" for s in args.scales)
        + f"{'large/small':>13}"
    )
    for name in results[small]:
        cells = ""
        for scale in args.scales:
            seconds, ratio, queries = results[scale][name]
            cells += f"{seconds * 1000:>14.1f}{(f'{ratio:.2f}' if ratio else '–'):>8}{queries:>6d}"
        growth = results[large][name][0] / results[small][name][0]
        print(f"{name:<28}{cells}{growth:>13.2f}")


if __name__ == "__main__":
    main()
