"""Writes on care pathways: starting one, the team, hospitals, the timeline, the phase.

Every function is one transaction with its access-log entry. The timeline has one action,
``do_record_event``, with a small hook for the kinds that change more than the timeline
(treatment start, transfer, arrival, death). Signals of the pathway are evaluated when the
transaction commits. Tasks are the work layer's (``work.actions``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from schakel.audit.models import AccessEvent
from schakel.core.events import publish
from schakel.directory.actor import Actor
from schakel.directory.models import Organization, PractitionerRole, TumourType
from schakel.pathways.models import (
    CarePathway,
    CareTeamMember,
    ClosedReason,
    EventKind,
    HospitalRole,
    Modality,
    PathwayEvent,
    PathwayHospital,
    Phase,
)
from schakel.patients.actions import (
    do_end_care_relation,
    do_start_care_relation,
    log_patient_change,
)
from schakel.patients.models import CareRelation, Patient, RelationKind
from schakel.work.engine import evaluate_now
from schakel.work.models import OPEN_TASK_STATUSES, Task, TaskStatus


class TransitionError(ValueError):
    """A pathway cannot move to the requested state from where it is."""


@dataclass(frozen=True)
class PathwayEventRecorded:
    """Something was recorded on a pathway's timeline (published by ``do_record_event``)."""

    event: PathwayEvent
    actor: Actor


def _log(actor: Actor, pathway: CarePathway, event: AccessEvent, what: str, pk: int | str) -> None:
    log_patient_change(actor, pathway.patient, event, object_type=what, object_id=pk)


@transaction.atomic
def do_start_pathway(
    patient: Patient,
    *,
    tumour_type: TumourType,
    phase: Phase,
    hospital: Organization,
    specialist: PractitionerRole | None,
    case_manager: PractitionerRole | None,
    actor: Actor,
) -> CarePathway:
    """Start a pathway at its main treating hospital, with the GP, specialist and case manager."""
    pathway = CarePathway.objects.create(
        patient=patient,
        tumour_type=tumour_type,
        phase=phase,
        case_manager=case_manager,
        general_practitioner=patient.general_practitioner,
        last_event_at=timezone.now(),
    )
    PathwayHospital.objects.create(
        pathway=pathway, hospital=hospital, role=HospitalRole.MAIN, specialist=specialist
    )
    _log(actor, pathway, AccessEvent.CREATE, "CarePathway", pathway.pk)
    if specialist is not None:
        do_add_team_member(
            pathway, specialist, responsibility="", actor=actor, kind=RelationKind.TREATING
        )
    if case_manager is not None:
        do_add_team_member(
            pathway, case_manager, responsibility="", actor=actor, kind=RelationKind.CASE_MANAGER
        )
    evaluate_now(pathway)
    return pathway


@transaction.atomic
def do_add_team_member(
    pathway: CarePathway,
    role: PractitionerRole,
    *,
    responsibility: str,
    actor: Actor,
    kind: RelationKind = RelationKind.CARE_TEAM,
) -> CareTeamMember:
    """Put a role on the care team; it gets a care relation with the patient."""
    member = CareTeamMember.objects.filter(pathway=pathway, role=role, until__isnull=True).first()
    if member is None:
        member = CareTeamMember.objects.create(
            pathway=pathway, role=role, responsibility=responsibility
        )
        _log(actor, pathway, AccessEvent.UPDATE, "CareTeamMember", member.pk)
    do_start_care_relation(pathway.patient, role, kind=kind, actor=actor)
    return member


@transaction.atomic
def do_remove_team_member(member: CareTeamMember, *, actor: Actor) -> None:
    """Take someone off the care team; their care relation ends unless another pathway needs it."""
    member.until = timezone.now()
    member.save(update_fields=["until"])
    pathway = member.pathway
    still_needed = CareTeamMember.objects.filter(
        pathway__patient=pathway.patient, role=member.role, until__isnull=True
    ).exists()
    if not still_needed:
        for relation in CareRelation.objects.active().filter(
            patient=pathway.patient, role=member.role
        ):
            do_end_care_relation(relation, actor=actor)
    _log(actor, pathway, AccessEvent.UPDATE, "CareTeamMember", member.pk)


@transaction.atomic
def do_add_hospital(
    pathway: CarePathway,
    hospital: Organization,
    *,
    role: HospitalRole,
    specialist: PractitionerRole | None,
    actor: Actor,
) -> PathwayHospital:
    """Involve another hospital in the pathway."""
    involved = PathwayHospital.objects.create(
        pathway=pathway, hospital=hospital, role=role, specialist=specialist
    )
    if specialist is not None:
        do_add_team_member(
            pathway, specialist, responsibility="", actor=actor, kind=RelationKind.TREATING
        )
    _log(actor, pathway, AccessEvent.UPDATE, "PathwayHospital", involved.pk)
    return involved


@transaction.atomic
def do_change_phase(
    pathway: CarePathway, phase: Phase, *, actor: Actor, closed_reason: ClosedReason | None = None
) -> None:
    """Move the pathway to another phase (on the timeline too); closing needs a reason and
    cancels the open tasks."""
    if phase == Phase.CLOSED and closed_reason is None:
        raise TransitionError("closing a pathway needs a reason")
    before = Phase(pathway.phase)
    if before == phase:
        return
    pathway.phase = phase
    pathway.phase_since = timezone.now()
    pathway.closed_reason = closed_reason or ""
    pathway.save(update_fields=["phase", "phase_since", "closed_reason", "updated_at"])
    if phase == Phase.CLOSED:
        Task.objects.filter(pathway=pathway, status__in=OPEN_TASK_STATUSES).update(
            status=TaskStatus.CANCELLED, closed_at=timezone.now()
        )
    _log(actor, pathway, AccessEvent.UPDATE, "CarePathway", pathway.pk)
    reason = f" ({ClosedReason(closed_reason).label})" if closed_reason else ""
    do_record_event(
        pathway, EventKind.PHASE, actor=actor, summary=f"{before.label} → {phase.label}{reason}"
    )


# --- The timeline ---------------------------------------------------------------------------


def _after_treatment_start(event: PathwayEvent, actor: Actor, options: dict[str, object]) -> None:
    if event.pathway.phase == Phase.DIAGNOSTICS:
        do_change_phase(event.pathway, Phase.TREATMENT, actor=actor)


def _after_transfer(event: PathwayEvent, actor: Actor, options: dict[str, object]) -> None:
    """The receiving hospital joins the pathway as 'referred to'; until it records the
    arrival, a signal watches the transfer."""
    pathway, to_hospital = event.pathway, event.to_organization
    if to_hospital is None:
        return
    if not pathway.hospitals.filter(hospital=to_hospital, until__isnull=True).exists():
        do_add_hospital(
            pathway, to_hospital, role=HospitalRole.REFERRED, specialist=None, actor=actor
        )


def _after_arrival(event: PathwayEvent, actor: Actor, options: dict[str, object]) -> None:
    """The patient arrived; by default the hospital becomes the main one."""
    pathway, hospital = event.pathway, event.organization
    if hospital is None or not options.get("becomes_main", True):
        return
    today = timezone.localdate()
    pathway.hospitals.filter(role=HospitalRole.MAIN, until__isnull=True).exclude(
        hospital=hospital
    ).update(until=today)
    updated = pathway.hospitals.filter(hospital=hospital, until__isnull=True).update(
        role=HospitalRole.MAIN
    )
    if not updated:
        PathwayHospital.objects.create(pathway=pathway, hospital=hospital, role=HospitalRole.MAIN)


def _after_death(event: PathwayEvent, actor: Actor, options: dict[str, object]) -> None:
    """Recorded on the patient; every open pathway should then be closed (a signal says so)."""
    patient = event.pathway.patient
    if patient.deceased_on is None:
        died_on = timezone.localdate(event.occurred_at)
        Patient.objects.filter(pk=patient.pk).update(deceased_on=died_on)
        patient.deceased_on = died_on


Hook = Callable[[PathwayEvent, Actor, dict[str, object]], None]
HOOKS: dict[str, Hook] = {
    EventKind.TREATMENT_START: _after_treatment_start,
    EventKind.TRANSFER: _after_transfer,
    EventKind.ARRIVAL: _after_arrival,
    EventKind.DEATH: _after_death,
}


@transaction.atomic
def do_record_event(
    pathway: CarePathway,
    kind: EventKind,
    *,
    actor: Actor,
    occurred_at: datetime | None = None,
    organization: Organization | None = None,
    to_organization: Organization | None = None,
    modality: Modality | str = "",
    summary: str = "",
    **options: object,
) -> PathwayEvent:
    """Record what happened on the pathway's timeline, and what follows from its kind.

    ``options`` go to the kind's hook (an arrival's ``becomes_main``).
    """
    event = PathwayEvent.objects.create(
        pathway=pathway,
        kind=kind,
        occurred_at=occurred_at or timezone.now(),
        organization=organization,
        to_organization=to_organization,
        modality=modality,
        summary=summary[:300],
        recorded_by=actor.user,
        recorded_by_role=actor.role,
    )
    latest = max(filter(None, [pathway.last_event_at, event.occurred_at]))
    CarePathway.objects.filter(pk=pathway.pk).update(
        last_event_at=latest, updated_at=timezone.now()
    )
    pathway.last_event_at = latest
    _log(actor, pathway, AccessEvent.CREATE, "PathwayEvent", event.pk)
    hook = HOOKS.get(kind)
    if hook is not None:
        hook(event, actor, options)
    publish(PathwayEventRecorded(event, actor))
    evaluate_now(pathway)
    return event
