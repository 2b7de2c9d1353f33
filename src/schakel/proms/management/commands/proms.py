"""``schakel proms import FILE [--instrument CODE]`` and ``schakel proms list``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from schakel.proms.actions import do_import_questionnaire
from schakel.proms.definitions import DefinitionError
from schakel.proms.models import Instrument
from schakel.proms.scoring.licensed import LINK_IDS


class Command(BaseCommand):
    help = "Import a FHIR Questionnaire (e.g. a licensed one you obtained), or list the catalogue."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="load a Questionnaire JSON file (all or nothing)")
        load.add_argument("file", type=Path)
        load.add_argument(
            "--instrument",
            default="",
            help="the catalogue code it is (e.g. eortc-qlq-c30); default: from the file's code",
        )
        sub.add_parser("list", help="the instruments, and which wait for a licence")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for instrument in Instrument.objects.with_versions().order_by("code"):
                current = instrument.current
                status = f"version {current.version}" if current else "licence required"
                binding = LINK_IDS.get(instrument.code)
                self.stdout.write(f"{instrument.code:20} {instrument.name:40} {status}")
                if binding and current is None:
                    more = " …" if len(binding) > 12 else ""
                    self.stdout.write(f"{'':20} link ids: {', '.join(binding[:12])}{more}")
            return
        path: Path = options["file"]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"{path}: not readable JSON ({error})") from error
        try:
            result = do_import_questionnaire(data, instrument_code=options["instrument"])
        except DefinitionError as error:
            raise CommandError(
                f"{path} was not imported:\n  " + "\n  ".join(error.problems)
            ) from error
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        version = result.version
        verb = "imported" if result.created else "already loaded (unchanged)"
        self.stdout.write(f"{version.instrument.code} version {version.version}: {verb}")
