"""``schakel audit verify``: check the access log's hash chain."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from schakel.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Work with the access log. 'verify' checks the hash chain and reports the first break."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if report.intact:
            self.stdout.write(
                self.style.SUCCESS(f"Access log intact: {report.checked} entries verified.")
            )
            return
        raise CommandError(
            f"Access log broken at entry {report.broken_sequence}: {report.problem}. "
            f"{report.checked} entries before it verified."
        )
