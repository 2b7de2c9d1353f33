"""``schakel demo``: load the demo region (once) and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from schakel.demo.builder import DEMO_PASSWORD, DemoSummary, build_demo_region
from schakel.demo.proms import DEMO_TOKEN


class Command(BaseCommand):
    help = "Create a fictional demo region (idempotent). --scale N multiplies it for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=1, help="multiply every count by N")

    def handle(self, *args: Any, scale: int, **options: Any) -> None:
        if scale < 1:
            self.stderr.write("--scale must be 1 or more.")
            raise SystemExit(2)
        summary = build_demo_region(scale)
        if summary.created:
            counts = ", ".join(f"{n} {what}" for what, n in summary.counts.items())
            self.stdout.write(self.style.SUCCESS(f"Demo region created: {counts}."))
        else:
            self.stdout.write("Demo region already present; nothing changed.")
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for email, description in DemoSummary.logins():
            self.stdout.write(f"  {email:<28} {description}")
        self.stdout.write(
            f"\nA patient's questionnaire link (no login; works once): /v/{DEMO_TOKEN}/"
        )
