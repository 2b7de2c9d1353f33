"""``schakel audit verify`` checks the access log's chain and seal; ``schakel audit seal``
seals its head now (the worker also does so periodically)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from schakel.audit.chain import chain_pending
from schakel.audit.seal import seal_chain
from schakel.audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Work with the access log. 'verify' chains what waits, then checks the keyed hash "
        "chain and the last seal and reports the first break; 'seal' writes a seal of the "
        "head outside the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["verify", "seal"])

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "seal":
            seal = seal_chain()
            self.stdout.write(f"Sealed at entry {seal.sequence}." if seal else "Nothing to seal.")
            return
        chain_pending()
        report = verify_chain()
        if report.intact:
            waiting = f" ({report.waiting} just appended, waiting)" if report.waiting else ""
            self.stdout.write(
                self.style.SUCCESS(
                    f"Access log intact: {report.checked} entries verified.{waiting}"
                )
            )
            return
        where = f" at entry {report.broken_sequence}" if report.broken_sequence else ""
        raise CommandError(
            f"Access log broken{where}: {report.problem}. "
            f"{report.checked} entries before it verified."
        )
