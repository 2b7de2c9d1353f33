"""Demo care pathways: every phase, transfers, tasks in every state, signals open and resolved;
the history of handovers (transfers, aftercare handed to the GP) with them.

Inserted in bulk (generated data, not user edits); the signals are then evaluated by the real,
set-based evaluation, so what the demo shows is what the rules find.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone

from schakel.demo.handovers import HistoricalHandovers
from schakel.demo.patients import HANDOVER_STORIES
from schakel.directory.models import (
    Organization,
    OrganizationKind,
    PractitionerRole,
    TumourType,
)
from schakel.pathways.models import (
    CarePathway,
    CareTeamMember,
    EventKind,
    HospitalRole,
    Modality,
    PathwayEvent,
    PathwayHospital,
    Phase,
)
from schakel.patients.models import CareRelation, Patient, RelationKind
from schakel.work.engine import evaluate_signals
from schakel.work.models import Task, TaskStatus

PHASES = [
    (Phase.DIAGNOSTICS, 0.15),
    (Phase.TREATMENT, 0.40),
    (Phase.FOLLOW_UP, 0.15),
    (Phase.AFTERCARE, 0.15),
    (Phase.PALLIATIVE, 0.10),
    (Phase.CLOSED, 0.05),
]

NEXT_STEPS = [
    "Uitslag PET-CT bespreken met patiënt",
    "Inbreng huisarts voor het MDO",
    "Contactmoment casemanager met POH",
    "Start chemotherapie plannen",
    "Nazorgplan overdragen aan huisarts",
    "Terugbellen over bijwerkingen",
    "Verwijzing naar academisch centrum versturen",
]


# Tumour types of the demo pathways, who can have them, and how each is treated.
TUMOUR_TYPES: dict[str, tuple[tuple[str, ...], tuple[Modality, ...]]] = {
    "borstkanker": (("female",), (Modality.SURGERY, Modality.CHEMOTHERAPY, Modality.RADIOTHERAPY)),
    "longkanker": (
        ("female", "male"),
        (Modality.CHEMOTHERAPY, Modality.IMMUNOTHERAPY, Modality.RADIOTHERAPY, Modality.SURGERY),
    ),
    "darmkanker": (("female", "male"), (Modality.SURGERY, Modality.CHEMOTHERAPY)),
    "prostaatkanker": (("male",), (Modality.RADIOTHERAPY, Modality.SURGERY, Modality.OTHER)),
    "hpb": (("female", "male"), (Modality.SURGERY, Modality.CHEMOTHERAPY)),
    # Haematological cancer: systemic treatment, no surgery, no radiotherapy after chemo here.
    "hematologie": (("female", "male"), (Modality.CHEMOTHERAPY, Modality.IMMUNOTHERAPY)),
}


def build_demo_pathways(rng: random.Random) -> int:
    """A pathway for every demo patient, with hospitals, team, timeline and tasks.

    Coherent as a GP would read it: the tumour type fits the patient's sex and is treated at
    their hospitals, the care team is that tumour type's team at the hospital where the
    patient is now, treatments fit the tumour type, and each event happens at the hospital
    where the patient was at that moment.
    """
    now = timezone.now()
    hospitals = list(Organization.objects.filter(kind=OrganizationKind.HOSPITAL).order_by("pk"))
    patients = list(
        Patient.objects.select_related(
            "recorded_by", "gp_practice", "general_practitioner"
        ).order_by("pk")
    )
    managers = {
        r.patient_id: r.role
        for r in CareRelation.objects.filter(kind=RelationKind.CASE_MANAGER).select_related("role")
    }
    tumour_types = {t.code: t for t in TumourType.objects.filter(code__in=list(TUMOUR_TYPES))}
    # (hospital, tumour type) → that tumour type's team at the hospital.
    team_of: dict[tuple[int, str], list[PractitionerRole]] = {}
    for member in (
        PractitionerRole.objects.filter(organization__kind=OrganizationKind.HOSPITAL)
        .filter(tumour_types__code__in=list(TUMOUR_TYPES))
        .annotate(code=F("tumour_types__code"))
        .order_by("pk")
    ):
        team_of.setdefault((member.organization_id, member.code), []).append(member)

    # Per tumour type, the hospitals with a team for it (in order), worked out once.
    treating = {code: [h for h in hospitals if (h.pk, code) in team_of] for code in tumour_types}
    pathways: list[CarePathway] = []
    plans: list[tuple[str, list[Organization], bool]] = []
    for patient in patients:
        main = patient.recorded_by
        fitting = [
            code
            for code, (sexes, _modalities) in TUMOUR_TYPES.items()
            if patient.gender in sexes and (main.pk, code) in team_of and code in tumour_types
        ]
        code = rng.choice(fitting) if fitting else "longkanker"
        phase = rng.choices([p for p, _ in PHASES], weights=[w for _, w in PHASES])[0]
        story = len(pathways) in HANDOVER_STORIES and "borstkanker" in fitting
        if len(pathways) < 3:
            phase = Phase.TREATMENT  # the GP persona's first patients are in treatment
        elif story:  # treatment ended; demo.handovers tells what happens next
            code, phase = "borstkanker", Phase.FOLLOW_UP
        # Every 25th patient (and the GP persona's first ones) moved between three hospitals
        # that treat the tumour type, one after another.
        moved = (len(pathways) % 25 == 0 and not story) or len(pathways) < 3
        route = [main]
        if moved:  # only then: the list of hospitals grows with the region
            others = [h for h in treating[code] if h != main]
            route = [main, *rng.sample(others, k=2)] if len(others) >= 2 else [main]
        plans.append((code, route, story))
        pathways.append(
            CarePathway(
                patient=patient,
                tumour_type=tumour_types[code],
                phase=phase,
                phase_since=now - timedelta(days=rng.randrange(1, 60)),
                case_manager=managers.get(patient.pk),
                general_practitioner=patient.general_practitioner,
                closed_reason="completed" if phase == Phase.CLOSED else "",
                last_event_at=now - timedelta(days=rng.randrange(0, 70)),
            )
        )
    CarePathway.objects.bulk_create(pathways, batch_size=2000)

    pathway_type = ContentType.objects.get_for_model(CarePathway)
    involved, team, events, tasks, relations = [], [], [], [], []
    history = HistoricalHandovers()
    for index, (pathway, (code, route, story)) in enumerate(zip(pathways, plans, strict=True)):
        patient = pathway.patient
        main = route[0]
        start = now - timedelta(days=90)

        def where(
            moment: datetime, route: list[Organization] = route, start: datetime = start
        ) -> Organization:
            """The hospital the patient was at, at that moment (20 days at each)."""
            step = max(0, min(len(route) - 1, (moment - start).days // 20))
            return route[step]

        for step, hospital in enumerate(route):
            last = step == len(route) - 1
            involved.append(
                PathwayHospital(
                    pathway=pathway,
                    hospital=hospital,
                    role=HospitalRole.MAIN if last else HospitalRole.CO_TREATING,
                    since=(start + timedelta(days=20 * step)).date(),
                    until=None if last else (start + timedelta(days=20 * step + 19)).date(),
                )
            )
            if step:
                previous = route[step - 1]
                arrived = not (last and index % 50 == 0)  # some transfers still wait
                history.transfer(
                    pathway,
                    previous,
                    hospital,
                    sent=start + timedelta(days=20 * step - 1),
                    accepted=start + timedelta(days=20 * step) if arrived else None,
                )
                events.append(
                    PathwayEvent(
                        pathway=pathway,
                        kind=EventKind.TRANSFER,
                        organization=previous,
                        to_organization=hospital,
                        occurred_at=start + timedelta(days=20 * step - 1),
                        summary="Overplaatsing voor vervolgbehandeling",
                    )
                )
                if arrived:
                    events.append(
                        PathwayEvent(
                            pathway=pathway,
                            kind=EventKind.ARRIVAL,
                            organization=hospital,
                            occurred_at=start + timedelta(days=20 * step),
                        )
                    )
        events += [
            PathwayEvent(
                pathway=pathway,
                kind=EventKind.REFERRAL,
                to_organization=main,
                occurred_at=start - timedelta(days=14),
                summary="Verwijzing door huisarts",
            ),
            PathwayEvent(
                pathway=pathway,
                kind=EventKind.DIAGNOSIS,
                organization=main,
                occurred_at=start,
                summary="Diagnose besproken met patiënt",
            ),
        ]
        modality = rng.choice(TUMOUR_TYPES[code][1])
        if pathway.phase in (Phase.TREATMENT, Phase.FOLLOW_UP, Phase.AFTERCARE):
            started = start + timedelta(days=21)
            events.append(
                PathwayEvent(
                    pathway=pathway,
                    kind=EventKind.TREATMENT_START,
                    organization=where(started),
                    modality=modality,
                    occurred_at=started,
                )
            )
        if pathway.phase in (Phase.FOLLOW_UP, Phase.AFTERCARE):
            ended = now - timedelta(days=45 if story else rng.randrange(5, 40))
            events.append(
                PathwayEvent(
                    pathway=pathway,
                    kind=EventKind.TREATMENT_END,
                    organization=where(ended),
                    modality=modality,
                    occurred_at=ended,
                )
            )
            if pathway.phase == Phase.AFTERCARE:  # in aftercare: the GP accepted the handover
                history.aftercare(
                    pathway,
                    where(ended),
                    code,
                    ended,
                    treatment_summary="\n".join(
                        f"{timezone.localtime(moment):%d-%m-%Y}: {what}"
                        for moment, what in (
                            (start, "diagnose"),
                            (start + timedelta(days=21), f"start {modality.label}"),
                            (ended, f"einde {modality.label}"),
                        )
                    ),
                )
                events += [
                    PathwayEvent(
                        pathway=pathway,
                        kind=EventKind.HANDOVER,
                        organization=where(ended),
                        to_organization=patient.gp_practice,
                        occurred_at=ended + timedelta(days=3),
                        summary="Einde behandeling: nazorg door de huisarts (verstuurd)",
                    ),
                    PathwayEvent(
                        pathway=pathway,
                        kind=EventKind.HANDOVER,
                        organization=patient.gp_practice,
                        occurred_at=ended + timedelta(days=5),
                        summary="Overdracht en nazorgplan geaccepteerd door de huisartsenpraktijk",
                    ),
                ]
        # The tumour type's team at the hospital where the patient is now.
        members = team_of.get((route[-1].pk, code), [])
        for role in members:
            team.append(CareTeamMember(pathway=pathway, role=role))
            relations.append(CareRelation(patient=patient, role=role, kind=RelationKind.CARE_TEAM))
        if pathway.phase != Phase.CLOSED and rng.random() < 0.85:
            candidates = [
                *members,
                *([pathway.general_practitioner] if pathway.general_practitioner else []),
            ]
            if pathway.case_manager is not None:
                candidates.append(pathway.case_manager)
            owner = rng.choice(candidates)
            roll = rng.random()
            due = (
                now + timedelta(days=rng.randrange(1, 14))
                if roll < 0.8
                else now - timedelta(days=rng.randrange(1, 10))
            )  # one in five is late
            tasks.append(
                Task(
                    kind="pathways.step",
                    patient=patient,
                    subject_type=pathway_type,
                    subject_id=pathway.pk,
                    title=rng.choice(NEXT_STEPS),
                    owner_role=owner,
                    due_at=due,
                    status=rng.choice(
                        [TaskStatus.REQUESTED, TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS]
                    ),
                    escalation_role=pathway.case_manager,
                )
            )
        if rng.random() < 0.3:
            tasks.append(
                Task(
                    kind="pathways.step",
                    patient=patient,
                    subject_type=pathway_type,
                    subject_id=pathway.pk,
                    title="Pathologie-uitslag opvragen",
                    owner_team=main,
                    due_at=now - timedelta(days=20),
                    status=TaskStatus.COMPLETED,
                    closed_at=now - timedelta(days=18),
                )
            )
    CareRelation.objects.bulk_create(relations, batch_size=2000)
    PathwayHospital.objects.bulk_create(involved, batch_size=2000)
    CareTeamMember.objects.bulk_create(team, batch_size=2000)
    PathwayEvent.objects.bulk_create(events, batch_size=2000)
    Task.objects.bulk_create(tasks, batch_size=2000)
    history.save()
    # Signals as the rules see the region. Then some late tasks get done, so the history also
    # holds signals that resolved themselves.
    evaluate_signals(now=now)
    late = list(Task.objects.overdue(now).order_by("pk").values_list("pk", flat=True)[:5])
    Task.objects.filter(pk__in=late).update(status=TaskStatus.COMPLETED, closed_at=now)
    evaluate_signals(now=now)
    return len(pathways)
