"""Demo patients: fictional people with valid BSNs, care relations and consent in every state."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from django.utils import timezone

from schakel.core.identifiers import make_valid_bsn
from schakel.demo import names
from schakel.directory.models import (
    Function,
    Organization,
    OrganizationKind,
    PractitionerRole,
    dutch_sort_key,
)
from schakel.patients.models import CareRelation, Patient, RelationKind, Sharing

PATIENTS_PER_PRACTICE = 5
# The GP persona's practice has more: after the three in treatment, one who objected and one not
# asked, seven women whose breast-cancer treatment at the first hospital ended (the handovers).
PERSONA_PRACTICE_PATIENTS = 12
HANDOVER_STORIES = range(5, 12)


def _bsns(start: int) -> Iterator[str]:
    """Valid BSNs, counting up from ``start``."""
    number = start
    while True:
        number += 1
        bsn = make_valid_bsn(f"{number:08d}")
        if bsn is not None:
            yield bsn


def build_demo_patients(rng: random.Random) -> int:
    """Patients for every GP practice, recorded by a hospital, with a care team and a case
    manager. Most consented to sharing; some were not asked yet, some objected."""
    hospitals = list(Organization.objects.filter(kind=OrganizationKind.HOSPITAL).order_by("pk"))
    practices = list(Organization.objects.filter(kind=OrganizationKind.GP_PRACTICE).order_by("pk"))
    gps = {
        role.organization_id: role
        for role in PractitionerRole.objects.filter(function=Function.GP).order_by("-pk")
    }
    case_managers = list(PractitionerRole.objects.filter(function=Function.CASE_MANAGER))
    bsns = _bsns(30_000_000)
    today = timezone.localdate()
    patients: list[Patient] = []
    for practice_index, practice in enumerate(practices):
        count = PERSONA_PRACTICE_PATIENTS if practice_index == 0 else PATIENTS_PER_PRACTICE
        for number in range(count):
            story = practice_index == 0 and number in HANDOVER_STORIES
            prefix, family = rng.choice(names.FAMILY_NAMES)
            gender = "female" if story else rng.choice(["female", "male"])
            given = rng.choice(
                names.FEMALE_GIVEN_NAMES if gender == "female" else names.MALE_GIVEN_NAMES
            )
            if practice_index == 0 and (number < 3 or story):
                sharing = Sharing.PERMITTED  # the GP persona's first patients, in the stories
            elif practice_index == 0 and number == 3:
                sharing = Sharing.OBJECTED  # the GP persona has a patient who objected
            elif practice_index == 0 and number == 4:
                sharing = Sharing.NOT_ASKED
            else:
                roll = rng.random()
                sharing = (
                    Sharing.PERMITTED
                    if roll < 0.85
                    else Sharing.NOT_ASKED
                    if roll < 0.93
                    else Sharing.OBJECTED
                )
            patients.append(
                Patient(
                    bsn=next(bsns),
                    given_name=given,
                    name_prefix=prefix,
                    family_name=family,
                    sort_name=dutch_sort_key(family, given),
                    birth_date=date(today.year - rng.randrange(38, 92), 1, 1)
                    + timedelta(days=rng.randrange(0, 365)),
                    gender=gender,
                    phone=f"06 {rng.randrange(10000000, 99999999)}",
                    city=practice.city,
                    gp_practice=practice,
                    general_practitioner=gps.get(practice.pk),
                    recorded_by=hospitals[0] if story else rng.choice(hospitals),
                    sharing=sharing,
                )
            )
    Patient.objects.bulk_create(patients, batch_size=1000)
    # The care team follows from the tumour type, chosen with the pathway (demo.pathways);
    # here only the network case manager, the patient's fixed contact.
    relations = []
    for patient in patients:
        if case_managers:
            relations.append(
                CareRelation(
                    patient=patient,
                    role=rng.choice(case_managers),
                    kind=RelationKind.CASE_MANAGER,
                )
            )
    CareRelation.objects.bulk_create(relations, batch_size=2000)
    return len(patients)
