"""Contact moments between the network case manager and the GP or POH (issue 13, part 6).

A moment is planned by itself at the points of a pathway the region chose (after the
diagnosis, after the MDO, at the end of treatment), or by hand; the case manager is aan zet to
hold it. Its outcome (what was agreed, who does what next) goes on the timeline, and the next
step becomes that person's task: someone is aan zet again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from schakel.audit.models import AccessEvent
from schakel.core.workdays import working_days_after
from schakel.directory.actor import Actor
from schakel.directory.models import Function, PractitionerRole
from schakel.handovers.actions import DUE_TIME
from schakel.handovers.models import (
    ContactMoment,
    ContactMomentSetting,
    ContactMomentStatus,
    MomentPoint,
)
from schakel.pathways.actions import PathwayEventRecorded, do_record_event
from schakel.pathways.models import CarePathway, EventKind
from schakel.patients.actions import log_patient_change
from schakel.work.actions import TransitionError, do_create_task, do_transition_task
from schakel.work.models import OPEN_TASK_STATUSES, TaskStatus

# The timeline events after which the region may want a contact moment.
POINT_OF_EVENT = {
    EventKind.DIAGNOSIS: MomentPoint.AFTER_DIAGNOSIS,
    EventKind.MDO: MomentPoint.AFTER_MDO,
    EventKind.TREATMENT_END: MomentPoint.END_OF_TREATMENT,
}
# Who the case manager talks to: the patient's GP or the practice's POH.
PARTICIPANT_FUNCTIONS = (Function.GP, Function.POH_ONCOLOGY)


class AlreadyPlanned(TransitionError):
    """This point of the pathway has a planned contact moment already (one per point)."""


def planned(pathway: CarePathway, point: str) -> ContactMoment | None:
    """The pathway's planned contact moment at this point, if there is one."""
    return pathway.contact_moments.filter(point=point, status=ContactMomentStatus.PLANNED).first()


@dataclass(frozen=True)
class Outcome:
    """What a held contact moment produced."""

    agreed: str
    next_step: str = ""
    next_owner: PractitionerRole | None = None
    next_due: date | None = None


def participants(pathway: CarePathway) -> list[PractitionerRole]:
    """The GPs and POHs of the patient's practice, the patient's own GP first."""
    practice_id = pathway.patient.gp_practice_id
    if practice_id is None:
        return []
    roles = list(
        PractitionerRole.objects.filter(
            organization_id=practice_id, function__in=PARTICIPANT_FUNCTIONS, is_active=True
        )
        .select_related("practitioner", "organization")
        .order_by("function", "practitioner__sort_name")
    )
    roles.sort(key=lambda role: role.pk != pathway.general_practitioner_id)
    return roles


def _end_of(day: date) -> datetime:
    return datetime.combine(day, DUE_TIME, tzinfo=timezone.get_current_timezone())


def _log(actor: Actor, moment: ContactMoment, event: AccessEvent, detail: str = "") -> None:
    log_patient_change(
        actor,
        moment.pathway.patient,
        event,
        object_type="ContactMoment",
        object_id=moment.pk,
        detail=detail,
    )


def on_event_recorded(recorded: PathwayEventRecorded) -> None:
    """A diagnosis, an MDO or the end of treatment on the timeline: plan the region's contact
    moment for that point, unless one is planned already or the pathway has no case manager."""
    point = POINT_OF_EVENT.get(EventKind(recorded.event.kind))
    if point is None:
        return
    setting = ContactMomentSetting.objects.filter(point=point, is_active=True).first()
    pathway = recorded.event.pathway
    if setting is None or pathway.case_manager_id is None or not pathway.is_open:
        return
    if planned(pathway, point) is not None:
        return
    do_plan_contact_moment(
        pathway,
        point=point,
        planned_for=working_days_after(timezone.localdate(), setting.working_days),
        participant=None,
        actor=recorded.actor,
    )


@transaction.atomic
def do_plan_contact_moment(
    pathway: CarePathway,
    *,
    point: str,
    planned_for: date,
    participant: PractitionerRole | None,
    actor: Actor,
) -> ContactMoment:
    """Plan a contact moment: the pathway's case manager (else the one who plans it) is aan
    zet, with the patient's GP (or the chosen GP or POH) as participant."""
    case_manager = pathway.case_manager or actor.role
    if case_manager is None:
        raise TransitionError("a contact moment needs a case manager")
    if point != MomentPoint.OTHER and planned(pathway, point) is not None:
        raise AlreadyPlanned(point)
    participant = participant or pathway.general_practitioner
    moment = ContactMoment.objects.create(
        pathway=pathway,
        point=point,
        planned_for=planned_for,
        case_manager=case_manager,
        participant=participant,
    )
    with_whom = participant.practitioner.full_name if participant else "huisarts/POH"
    moment.task = do_create_task(
        pathway,
        kind="handovers.contact_moment",
        title=f"Contactmoment met {with_whom}: {moment.get_point_display()}",
        due_at=_end_of(planned_for),
        actor=actor,
        owner_role=case_manager,
        focus=("ContactMoment", moment.pk),
    )
    moment.save(update_fields=["task", "updated_at"])
    _log(actor, moment, AccessEvent.CREATE)
    return moment


def _check_planned(moment: ContactMoment) -> None:
    if moment.status != ContactMomentStatus.PLANNED:
        raise TransitionError(f"the contact moment is {moment.status}, not planned")


@transaction.atomic
def do_record_contact_moment(moment: ContactMoment, outcome: Outcome, *, actor: Actor) -> None:
    """The moment was held: its outcome on the timeline, its task done, and the next step the
    task of the one who does it (the next aan zet)."""
    _check_planned(moment)
    if not outcome.agreed.strip():
        raise TransitionError("a contact moment's outcome says what was agreed")
    if outcome.next_step and outcome.next_owner is None:
        raise TransitionError("a next step has someone who does it")
    pathway = moment.pathway
    moment.status = ContactMomentStatus.DONE
    moment.held_at = timezone.now()
    moment.agreed = outcome.agreed.strip()
    moment.next_step = outcome.next_step.strip()
    moment.next_owner = outcome.next_owner
    if moment.task is not None and moment.task.status in OPEN_TASK_STATUSES:
        do_transition_task(moment.task, TaskStatus.COMPLETED, actor=actor)
    with_whom = moment.participant.function_label if moment.participant else "huisarts/POH"
    next_part = f" Volgende stap: {moment.next_step}." if moment.next_step else ""
    do_record_event(
        pathway,
        EventKind.NOTE,
        actor=actor,
        summary=f"Contactmoment casemanager–{with_whom} ({moment.get_point_display()}): "
        f"{moment.agreed}{next_part}",
    )
    if moment.next_step and outcome.next_owner is not None:
        due = outcome.next_due or working_days_after(timezone.localdate(), 5)
        moment.next_task = do_create_task(
            pathway,
            kind="pathways.step",
            title=moment.next_step,
            due_at=_end_of(due),
            actor=actor,
            owner_role=outcome.next_owner,
            escalation_role=pathway.case_manager,
        )
    moment.save()
    _log(actor, moment, AccessEvent.UPDATE, "held")


@transaction.atomic
def do_cancel_contact_moment(moment: ContactMoment, *, reason: str, actor: Actor) -> None:
    """Not held after all (say, the patient died or moved): its task is cancelled."""
    _check_planned(moment)
    moment.status = ContactMomentStatus.CANCELLED
    moment.agreed = reason.strip()
    moment.save(update_fields=["status", "agreed", "updated_at"])
    if moment.task is not None and moment.task.status in OPEN_TASK_STATUSES:
        do_transition_task(moment.task, TaskStatus.CANCELLED, actor=actor, note=reason.strip())
    _log(actor, moment, AccessEvent.UPDATE, "cancelled")
