"""Demo care pathways: every phase, transfers, tasks in every state, signals open and resolved.

Inserted in bulk (generated data, not user edits); the signals are then evaluated by the real,
set-based evaluation, so what the demo shows is what the rules find.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from schakel.directory.models import (
    Organization,
    OrganizationKind,
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


def build_demo_pathways(rng: random.Random) -> int:
    """A pathway for every demo patient, with hospitals, team, timeline and tasks."""
    now = timezone.now()
    hospitals = list(Organization.objects.filter(kind=OrganizationKind.HOSPITAL).order_by("pk"))
    patients = list(
        Patient.objects.select_related(
            "recorded_by", "gp_practice", "general_practitioner"
        ).order_by("pk")
    )
    relations: dict[int, list[CareRelation]] = {}
    for relation in CareRelation.objects.select_related("role").order_by("pk"):
        relations.setdefault(relation.patient_id, []).append(relation)
    tumour_types = list(
        TumourType.objects.filter(
            code__in=[
                "borstkanker",
                "longkanker",
                "darmkanker",
                "prostaatkanker",
                "hpb",
                "hematologie",
            ]
        )
    )
    pathways: list[CarePathway] = []
    for patient in patients:
        manager = next(
            (r.role for r in relations.get(patient.pk, []) if r.kind == RelationKind.CASE_MANAGER),
            None,
        )
        phase = rng.choices([p for p, _ in PHASES], weights=[w for _, w in PHASES])[0]
        if len(pathways) < 3:
            phase = Phase.TREATMENT  # the GP persona's first patients are in treatment
        pathways.append(
            CarePathway(
                patient=patient,
                tumour_type=rng.choice(tumour_types),
                phase=phase,
                phase_since=now - timedelta(days=rng.randrange(1, 60)),
                case_manager=manager,
                general_practitioner=patient.general_practitioner,
                closed_reason="completed" if phase == Phase.CLOSED else "",
                last_event_at=now - timedelta(days=rng.randrange(0, 70)),
            )
        )
    CarePathway.objects.bulk_create(pathways, batch_size=2000)

    pathway_type = ContentType.objects.get_for_model(CarePathway)
    involved, team, events, tasks = [], [], [], []
    for index, pathway in enumerate(pathways):
        patient = pathway.patient
        main = patient.recorded_by
        # Every 25th patient (and the GP persona's first ones) moved between three hospitals,
        # one after another.
        moved = index % 25 == 0 or index < 3
        route = [main, *rng.sample([h for h in hospitals if h != main], k=2)] if moved else [main]
        start = now - timedelta(days=90)
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
                if not (last and index % 50 == 0):  # some transfers still wait for arrival
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
        if pathway.phase in (Phase.TREATMENT, Phase.FOLLOW_UP, Phase.AFTERCARE):
            events.append(
                PathwayEvent(
                    pathway=pathway,
                    kind=EventKind.TREATMENT_START,
                    organization=route[-1],
                    modality=rng.choice(list(Modality)),
                    occurred_at=start + timedelta(days=21),
                )
            )
        if pathway.phase in (Phase.FOLLOW_UP, Phase.AFTERCARE):
            ended = now - timedelta(days=rng.randrange(5, 40))
            events.append(
                PathwayEvent(
                    pathway=pathway,
                    kind=EventKind.TREATMENT_END,
                    organization=route[-1],
                    modality=Modality.CHEMOTHERAPY,
                    occurred_at=ended,
                )
            )
            if rng.random() < 0.7:
                events.append(
                    PathwayEvent(
                        pathway=pathway,
                        kind=EventKind.HANDOVER,
                        organization=route[-1],
                        to_organization=patient.gp_practice,
                        occurred_at=ended + timedelta(days=3),
                        summary="Nazorgplan naar huisarts",
                    )
                )
        for relation in relations.get(patient.pk, []):
            if relation.kind == RelationKind.CARE_TEAM:
                team.append(CareTeamMember(pathway=pathway, role=relation.role))
        if pathway.phase != Phase.CLOSED and rng.random() < 0.85:
            owner = rng.choice(
                [r.role for r in relations.get(patient.pk, [])]
                + ([pathway.general_practitioner] if pathway.general_practitioner else [])
            )
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
    PathwayHospital.objects.bulk_create(involved, batch_size=2000)
    CareTeamMember.objects.bulk_create(team, batch_size=2000)
    PathwayEvent.objects.bulk_create(events, batch_size=2000)
    Task.objects.bulk_create(tasks, batch_size=2000)
    # Signals as the rules see the region. Then some late tasks get done, so the history also
    # holds signals that resolved themselves.
    evaluate_signals(now=now)
    late = list(Task.objects.overdue(now).order_by("pk").values_list("pk", flat=True)[:5])
    Task.objects.filter(pk__in=late).update(status=TaskStatus.COMPLETED, closed_at=now)
    evaluate_signals(now=now)
    return len(pathways)
