"""What the keyed access-log chain costs per append, against the plain chain it replaced.

Appends N entries through ``do_record_access`` (one transaction each, as a page does) with
the keyed scheme (HMAC-SHA-256) and with plain SHA-256, in the same run, and reports the
median time per append and the ratio. Also times the hash alone.

    .venv/bin/python bench/audit_chain.py [--appends 2000]
"""

from __future__ import annotations

import argparse
import statistics
import time

from common import setup_django


def per_append(scheme: str, appends: int) -> tuple[float, float]:
    from django.db import transaction

    from schakel.audit.actions import do_record_access
    from schakel.audit.models import AccessEvent, AccessLogEntry, Outcome

    field = AccessLogEntry._meta.get_field("hash_scheme")
    field.default = scheme
    times = []
    for n in range(appends):
        started = time.perf_counter()
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
        times.append(time.perf_counter() - started)
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert entry is not None
    entry.hash_scheme = scheme
    started = time.perf_counter()
    for _ in range(10000):
        entry.compute_hash()
    return statistics.median(times), (time.perf_counter() - started) / 10000


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--appends", type=int, default=2000)
    args = parser.parse_args()
    vendor = setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # Alternate the two in rounds, so neither gains from a warmer cache or a smaller table.
    rounds: dict[str, list[tuple[float, float]]] = {"sha256": [], "hmac-sha256": []}
    for _ in range(4):
        for scheme in rounds:
            rounds[scheme].append(per_append(scheme, args.appends // 4))
    rows = {
        scheme: (
            statistics.median(r[0] for r in results),
            statistics.median(r[1] for r in results),
        )
        for scheme, results in rounds.items()
    }
    print(f"database: {vendor}; median of {args.appends} appends, one transaction each")
    print(f"{'chain':<14}{'ms per append':>15}{'µs per hash':>13}")
    for scheme, (append, digest) in rows.items():
        print(f"{scheme:<14}{append * 1000:>15.3f}{digest * 1e6:>13.2f}")
    ratio = rows["hmac-sha256"][0] / rows["sha256"][0]
    print(f"keyed / plain per append: {ratio:.2f}")


if __name__ == "__main__":
    main()
