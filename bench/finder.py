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
import time

from common import build_region, client_for, measure, setup_django


def run_scale(scale: int, repeat: int) -> list[tuple[str, float, float, int]]:
    from schakel.directory.models import ContactTopic, Organization, OrganizationKind, TumourType

    build_region(scale)
    client = client_for("huisarts@schakel.test")
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
    vendor = setup_django()
    print(f"database: {vendor}; median of {args.repeat} requests per page\n")
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
    header = f"{'page':<26}" + "".join(
        f"{f'x{s} ms':>10}{f'x{s} ratio':>11}{f'x{s} SQL':>9}" for s in args.scales
    )
    print(header + f"{'large/small':>13}")
    for index, (name, *_rest) in enumerate(results[small]):
        cells = ""
        for scale in args.scales:
            _, seconds, ratio, queries = results[scale][index]
            cells += f"{seconds * 1000:>10.2f}{ratio:>11.2f}{queries:>9d}"
        growth = results[large][index][1] / results[small][index][1]
        print(f"{name:<26}{cells}{growth:>13.2f}")


if __name__ == "__main__":
    main()
