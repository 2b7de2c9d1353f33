"""Writes on care pathways: starting one, the team, hospitals, the timeline, tasks, the phase.

Every function is one transaction with its access-log entry. Each event kind has its own
action so that the pages and, later, the FHIR API record events the same way. Signal
evaluation for the pathway is scheduled after the transaction commits.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from schakel.audit.models import AccessEvent
from schakel.core.events import publish
from schakel.directory.models import Organization, PractitionerRole, TumourType
from schakel.pathways.models import (
    OPEN_TASK_STATUSES,
    CarePathway,
    CareTeamMember,
    ClosedReason,
    EventKind,
    HospitalRole,
    Modality,
    PathwayEvent,
    PathwayHospital,
    Phase,
    Task,
    TaskStatus,
)
from schakel.patients.actions import (
    Actor,
    do_end_care_relation,
    do_start_care_relation,
    log_patient_change,
)
from schakel.patients.models import CareRelation, Patient, RelationKind


class TransitionError(ValueError):
    """A task or pathway cannot move to the requested state from where it is."""


def _after_commit(pathway: CarePathway) -> None:
    # Imported here: the evaluation module imports these models and actions' neighbours.
    from schakel.pathways.signals import schedule_evaluation

    transaction.on_commit(lambda: schedule_evaluation([pathway.pk]))


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
    _after_commit(pathway)
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
    """Move the pathway to another phase; closing needs a reason."""
    if phase == Phase.CLOSED and closed_reason is None:
        raise TransitionError("closing a pathway needs a reason")
    pathway.phase = phase
    pathway.phase_since = timezone.now()
    pathway.closed_reason = closed_reason or ""
    pathway.save(update_fields=["phase", "phase_since", "closed_reason", "updated_at"])
    if phase == Phase.CLOSED:
        Task.objects.filter(pathway=pathway, status__in=OPEN_TASK_STATUSES).update(
            status=TaskStatus.CANCELLED, closed_at=timezone.now()
        )
    _log(actor, pathway, AccessEvent.UPDATE, "CarePathway", pathway.pk)
    _after_commit(pathway)


# --- The timeline: one action per event kind ------------------------------------------------


def _record_event(
    pathway: CarePathway,
    kind: EventKind,
    *,
    actor: Actor,
    occurred_at: datetime | None,
    organization: Organization | None = None,
    to_organization: Organization | None = None,
    modality: Modality | str = "",
    summary: str = "",
) -> PathwayEvent:
    event = PathwayEvent.objects.create(
        pathway=pathway,
        kind=kind,
        occurred_at=occurred_at or timezone.now(),
        organization=organization,
        to_organization=to_organization,
        modality=modality,
        summary=summary,
        recorded_by=actor.user,
        recorded_by_role=actor.role,
    )
    latest = max(filter(None, [pathway.last_event_at, event.occurred_at]))
    CarePathway.objects.filter(pk=pathway.pk).update(
        last_event_at=latest, updated_at=timezone.now()
    )
    pathway.last_event_at = latest
    _log(actor, pathway, AccessEvent.CREATE, "PathwayEvent", event.pk)
    publish("pathway_event_recorded", event=event, acting_user=actor.user)
    _after_commit(pathway)
    return event


@transaction.atomic
def do_record_referral(
    pathway: CarePathway,
    *,
    to_hospital: Organization,
    actor: Actor,
    occurred_at: datetime | None = None,
    summary: str = "",
) -> PathwayEvent:
    """The patient was referred to a hospital."""
    return _record_event(
        pathway,
        EventKind.REFERRAL,
        actor=actor,
        occurred_at=occurred_at,
        to_organization=to_hospital,
        summary=summary,
    )


@transaction.atomic
def do_record_diagnosis(
    pathway: CarePathway,
    *,
    hospital: Organization,
    actor: Actor,
    occurred_at: datetime | None = None,
    summary: str = "",
) -> PathwayEvent:
    """The diagnosis was made (and told to the patient)."""
    return _record_event(
        pathway,
        EventKind.DIAGNOSIS,
        actor=actor,
        occurred_at=occurred_at,
        organization=hospital,
        summary=summary,
    )


@transaction.atomic
def do_record_mdo_discussed(
    pathway: CarePathway,
    *,
    hospital: Organization,
    actor: Actor,
    occurred_at: datetime | None = None,
    summary: str = "",
) -> PathwayEvent:
    """The patient was discussed in a multidisciplinary team meeting."""
    return _record_event(
        pathway,
        EventKind.MDO,
        actor=actor,
        occurred_at=occurred_at,
        organization=hospital,
        summary=summary,
    )


@transaction.atomic
def do_record_treatment_start(
    pathway: CarePathway,
    *,
    hospital: Organization,
    modality: Modality,
    actor: Actor,
    occurred_at: datetime | None = None,
    summary: str = "",
) -> PathwayEvent:
    """A treatment started; the pathway moves to the treatment phase."""
    event = _record_event(
        pathway,
        EventKind.TREATMENT_START,
        actor=actor,
        occurred_at=occurred_at,
        organization=hospital,
        modality=modality,
        summary=summary,
    )
    if pathway.phase == Phase.DIAGNOSTICS:
        do_change_phase(pathway, Phase.TREATMENT, actor=actor)
    return event


@transaction.atomic
def do_record_treatment_end(
    pathway: CarePathway,
    *,
    hospital: Organization,
    modality: Modality,
    actor: Actor,
    occurred_at: datetime | None = None,
    summary: str = "",
) -> PathwayEvent:
    """A treatment ended. A handover to the GP is expected next (a signal watches for it)."""
    return _record_event(
        pathway,
        EventKind.TREATMENT_END,
        actor=actor,
        occurred_at=occurred_at,
        organization=hospital,
        modality=modality,
        summary=summary,
    )


@transaction.atomic
def do_record_transfer(
    pathway: CarePathway,
    *,
    from_hospital: Organization,
    to_hospital: Organization,
    actor: Actor,
    occurred_at: datetime | None = None,
    summary: str = "",
) -> PathwayEvent:
    """The patient moves to another hospital; it joins the pathway as 'referred to'.

    Until the receiving hospital records the arrival, a signal watches the transfer.
    """
    event = _record_event(
        pathway,
        EventKind.TRANSFER,
        actor=actor,
        occurred_at=occurred_at,
        organization=from_hospital,
        to_organization=to_hospital,
        summary=summary,
    )
    if not pathway.hospitals.filter(hospital=to_hospital, until__isnull=True).exists():
        do_add_hospital(
            pathway, to_hospital, role=HospitalRole.REFERRED, specialist=None, actor=actor
        )
    return event


@transaction.atomic
def do_record_arrival(
    pathway: CarePathway,
    *,
    hospital: Organization,
    actor: Actor,
    occurred_at: datetime | None = None,
    summary: str = "",
    becomes_main: bool = True,
) -> PathwayEvent:
    """The patient arrived at the receiving hospital; by default it becomes the main one."""
    event = _record_event(
        pathway,
        EventKind.ARRIVAL,
        actor=actor,
        occurred_at=occurred_at,
        organization=hospital,
        summary=summary,
    )
    if becomes_main:
        today = timezone.localdate()
        pathway.hospitals.filter(role=HospitalRole.MAIN, until__isnull=True).exclude(
            hospital=hospital
        ).update(until=today)
        updated = pathway.hospitals.filter(hospital=hospital, until__isnull=True).update(
            role=HospitalRole.MAIN
        )
        if not updated:
            PathwayHospital.objects.create(
                pathway=pathway, hospital=hospital, role=HospitalRole.MAIN
            )
    return event


@transaction.atomic
def do_record_admission(
    pathway: CarePathway,
    *,
    hospital: Organization,
    actor: Actor,
    occurred_at: datetime | None = None,
    summary: str = "",
) -> PathwayEvent:
    """The patient was admitted."""
    return _record_event(
        pathway,
        EventKind.ADMISSION,
        actor=actor,
        occurred_at=occurred_at,
        organization=hospital,
        summary=summary,
    )


@transaction.atomic
def do_record_discharge(
    pathway: CarePathway,
    *,
    hospital: Organization,
    actor: Actor,
    occurred_at: datetime | None = None,
    summary: str = "",
) -> PathwayEvent:
    """The patient was discharged."""
    return _record_event(
        pathway,
        EventKind.DISCHARGE,
        actor=actor,
        occurred_at=occurred_at,
        organization=hospital,
        summary=summary,
    )


@transaction.atomic
def do_record_complication(
    pathway: CarePathway,
    *,
    actor: Actor,
    hospital: Organization | None = None,
    occurred_at: datetime | None = None,
    summary: str = "",
) -> PathwayEvent:
    """A complication occurred."""
    return _record_event(
        pathway,
        EventKind.COMPLICATION,
        actor=actor,
        occurred_at=occurred_at,
        organization=hospital,
        summary=summary,
    )


@transaction.atomic
def do_record_handover(
    pathway: CarePathway,
    *,
    from_organization: Organization,
    to_organization: Organization,
    actor: Actor,
    occurred_at: datetime | None = None,
    summary: str = "",
) -> PathwayEvent:
    """Care was handed over (e.g. hospital to GP at the end of treatment)."""
    return _record_event(
        pathway,
        EventKind.HANDOVER,
        actor=actor,
        occurred_at=occurred_at,
        organization=from_organization,
        to_organization=to_organization,
        summary=summary,
    )


@transaction.atomic
def do_record_death(
    pathway: CarePathway, *, actor: Actor, occurred_at: datetime | None = None, summary: str = ""
) -> PathwayEvent:
    """The patient died: recorded on the patient; every open pathway should then be closed."""
    event = _record_event(
        pathway, EventKind.DEATH, actor=actor, occurred_at=occurred_at, summary=summary
    )
    patient = pathway.patient
    if patient.deceased_on is None:
        died_on = timezone.localdate(event.occurred_at)
        Patient.objects.filter(pk=patient.pk).update(deceased_on=died_on)
        patient.deceased_on = died_on
    return event


@transaction.atomic
def do_record_note(
    pathway: CarePathway, *, summary: str, actor: Actor, occurred_at: datetime | None = None
) -> PathwayEvent:
    """A short note on the timeline."""
    return _record_event(
        pathway, EventKind.NOTE, actor=actor, occurred_at=occurred_at, summary=summary
    )


# --- Tasks: who is aan zet ------------------------------------------------------------------

# From each status, the statuses a task may move to.
_TRANSITIONS: dict[str, set[str]] = {
    TaskStatus.REQUESTED: {
        TaskStatus.ACCEPTED,
        TaskStatus.IN_PROGRESS,
        TaskStatus.COMPLETED,
        TaskStatus.DECLINED,
        TaskStatus.CANCELLED,
    },
    TaskStatus.ACCEPTED: {TaskStatus.IN_PROGRESS, TaskStatus.COMPLETED, TaskStatus.CANCELLED},
    TaskStatus.IN_PROGRESS: {TaskStatus.COMPLETED, TaskStatus.CANCELLED},
}


@transaction.atomic
def do_create_task(
    pathway: CarePathway,
    *,
    title: str,
    due_at: datetime,
    actor: Actor,
    owner_role: PractitionerRole | None = None,
    owner_team: Organization | None = None,
    owner_function: str = "",
    description: str = "",
    escalation_role: PractitionerRole | None = None,
    focus: tuple[str, str | int] | None = None,
) -> Task:
    """Make someone (or a team) aan zet for the next step on the pathway."""
    if owner_role is None and owner_team is None:
        raise TransitionError("a task needs an owner: a person or a team")
    task = Task.objects.create(
        pathway=pathway,
        title=title,
        description=description,
        owner_role=owner_role,
        owner_team=owner_team,
        owner_function=owner_function,
        due_at=due_at,
        escalation_role=escalation_role,
        focus_type=focus[0] if focus else "",
        focus_id=str(focus[1]) if focus else "",
        created_by=actor.user,
    )
    _log(actor, pathway, AccessEvent.CREATE, "Task", task.pk)
    publish("task_created", task=task, acting_user=actor.user)
    _after_commit(pathway)
    return task


@transaction.atomic
def do_transition_task(task: Task, status: TaskStatus, *, actor: Actor) -> None:
    """Move a task along requested → accepted → in progress → completed (or declined/cancelled)."""
    if status not in _TRANSITIONS.get(task.status, set()):
        raise TransitionError(f"a {task.status} task cannot become {status}")
    task.status = status
    if status not in OPEN_TASK_STATUSES:
        task.closed_at = timezone.now()
    task.save(update_fields=["status", "closed_at", "updated_at"])
    _log(actor, task.pathway, AccessEvent.UPDATE, "Task", task.pk)
    _after_commit(task.pathway)
