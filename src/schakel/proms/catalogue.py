"""The instruments Schakel knows: shipped ones with their items, licensed ones by name only.

Loaded after every ``migrate`` (idempotent): new instruments and versions are added, and the
default cut-offs are set once; a region's own cut-offs are never overwritten. A default
schedule is added too (switch it off rather than deleting it: it would come back).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from schakel.proms.models import (
    Cutoff,
    Direction,
    Instrument,
    Licence,
    MomentKind,
    PromSchedule,
    QuestionnaireVersion,
    Respondent,
    ScheduleMoment,
)

INSTRUMENTS_DIR = Path(__file__).parent / "instruments"


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    licence: str
    respondent: str
    source: str
    shipped: bool = False
    cutoff: tuple[str, Decimal, str] | None = None


CATALOGUE = [
    Entry(
        "ecog",
        "WHO/ECOG-performancestatus",
        Licence.FREE,
        Respondent.PROFESSIONAL,
        gettext_noop("Oken et al. 1982; public domain."),
        True,
        (Direction.AT_LEAST, Decimal(2), "Schakel default: self-care only or less"),
    ),
    Entry(
        "karnofsky",
        "Karnofsky Performance Status",
        Licence.FREE,
        Respondent.PROFESSIONAL,
        gettext_noop("Karnofsky & Burchenal 1949; public domain."),
        True,
    ),
    Entry(
        "surprise-question",
        "(Dubbele) surprise question",
        Licence.FREE,
        Respondent.PROFESSIONAL,
        gettext_noop("Lynn 2005; double surprise question: Weijers et al. 2018."),
        True,
    ),
    Entry(
        "g8",
        "G8",
        Licence.ATTRIBUTION,
        Respondent.PROFESSIONAL,
        gettext_noop("Bellera et al., Ann Oncol 2012."),
        True,
        (Direction.AT_MOST, Decimal(14), "Bellera et al. 2012"),
    ),
    Entry(
        "gfi",
        "Groningen Frailty Indicator (GFI)",
        Licence.ATTRIBUTION,
        Respondent.PATIENT,
        gettext_noop("Steverink et al. 2001."),
        True,
        (Direction.AT_LEAST, Decimal(4), "Steverink et al. 2001 (developers)"),
    ),
    Entry(
        "tfi",
        "Tilburg Frailty Indicator (TFI)",
        Licence.ATTRIBUTION,
        Respondent.PATIENT,
        gettext_noop("Gobbens et al. 2010."),
        True,
        (Direction.AT_LEAST, Decimal(5), "Gobbens et al. 2010"),
    ),
    Entry(
        "promis-gh",
        "PROMIS Global Health v1.2",
        Licence.LICENSED,
        Respondent.PATIENT,
        gettext_noop("PROMIS Health Organization; Dutch-Flemish PROMIS National Center."),
    ),
    Entry(
        "eortc-qlq-c30",
        "EORTC QLQ-C30",
        Licence.LICENSED,
        Respondent.PATIENT,
        gettext_noop("EORTC Quality of Life Group."),
    ),
    Entry(
        "eq-5d-5l",
        "EQ-5D-5L",
        Licence.LICENSED,
        Respondent.PATIENT,
        gettext_noop("EuroQol Group; Dutch value set: Versteegh et al. 2016."),
    ),
    Entry(
        "lastmeter",
        "Lastmeter",
        Licence.LICENSED,
        Respondent.PATIENT,
        gettext_noop("Dutch Distress Thermometer (after NCCN)."),
        False,
        (Direction.AT_LEAST, Decimal(5), "Dutch practice (NCCN uses 4)"),
    ),
    Entry("4dkl", "4DKL", Licence.LICENSED, Respondent.PATIENT, "© Terluin."),
]


DEFAULT_SCHEDULE = "Kwetsbaarheid (regionaal standaardschema)"
# (instrument, moment, phase, every N days)
DEFAULT_MOMENTS = [
    ("gfi", MomentKind.DIAGNOSIS, "", None),
    ("gfi", MomentKind.BEFORE_MDO, "", None),
    ("tfi", MomentKind.TREATMENT_END, "", None),
    ("gfi", MomentKind.PERIODIC, "aftercare", 91),
]


def shipped_definition(code: str) -> dict[str, Any]:
    with (INSTRUMENTS_DIR / f"{code}.json").open(encoding="utf-8") as file:
        data: dict[str, Any] = json.load(file)
    return data


@transaction.atomic
def load_catalogue() -> None:
    """Add missing instruments, shipped versions and default cut-offs."""
    for entry in CATALOGUE:
        instrument, _ = Instrument.objects.get_or_create(
            code=entry.code,
            defaults={
                "name": entry.name,
                "licence": entry.licence,
                "respondent": entry.respondent,
                "source": entry.source,
            },
        )
        if entry.shipped:
            definition = shipped_definition(entry.code)
            QuestionnaireVersion.objects.get_or_create(
                instrument=instrument,
                version=definition["version"],
                defaults={"definition": definition},
            )
        if entry.cutoff is not None:
            direction, value, source = entry.cutoff
            Cutoff.objects.get_or_create(
                instrument=instrument,
                defaults={"direction": direction, "value": value, "source": source},
            )
    schedule, created = PromSchedule.objects.get_or_create(name=DEFAULT_SCHEDULE)
    if created:
        for code, kind, phase, days in DEFAULT_MOMENTS:
            ScheduleMoment.objects.create(
                schedule=schedule,
                instrument=Instrument.objects.get(code=code),
                kind=kind,
                phase=phase,
                interval_days=days,
            )


def load_after_migrate(**kwargs: Any) -> None:
    """post_migrate: keep the catalogue in step with the code (unless migrated back out)."""
    from django.db import connections

    connection = connections[kwargs.get("using", "default")]
    if Instrument._meta.db_table in connection.introspection.table_names():
        load_catalogue()
