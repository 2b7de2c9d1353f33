"""Every write on handovers and aftercare plans. Each keeps the timeline, the tasks (who is aan
zet) and the access log in step with it, inside one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from schakel.audit.models import AccessEvent
from schakel.core.events import publish
from schakel.core.uploads import store_attachment
from schakel.core.workdays import working_days_after
from schakel.directory.actor import Actor
from schakel.directory.models import Organization, OrganizationKind, PractitionerRole
from schakel.handovers.models import (
    OPEN_STATUSES,
    AftercareCheck,
    AftercarePlan,
    AftercarePlanVersion,
    Attachment,
    Direction,
    FollowUpBy,
    Handover,
    HandoverStatus,
    HandoverStep,
    Reason,
)
from schakel.pathways.actions import do_add_team_member, do_change_phase, do_record_event
from schakel.pathways.models import CarePathway, EventKind, Phase
from schakel.patients.actions import do_start_care_relation, log_patient_change
from schakel.patients.models import RelationKind
from schakel.proms.schedules import do_follow_schedule
from schakel.work.actions import TransitionError, do_create_task, do_transition_task
from schakel.work.models import OPEN_TASK_STATUSES, Task, TaskStatus

# Tasks of handovers are due at the end of a working day.
DUE_TIME = time(17, 0)
# The receiver is asked to accept within this many working days; the sender to act on a
# rejection within this many.
ACCEPT_WORKING_DAYS = 3
REWORK_WORKING_DAYS = 2


@dataclass(frozen=True)
class HandoverChanged:
    """A handover moved to another status (the notifications follow it)."""

    handover: Handover
    actor: Actor


@dataclass(frozen=True)
class PlanRevised:
    """An accepted aftercare plan got a new version: the GP should see what changed."""

    version: AftercarePlanVersion
    actor: Actor


def _due(working_days: int) -> datetime:
    day = working_days_after(timezone.localdate(), working_days)
    return datetime.combine(day, DUE_TIME, tzinfo=timezone.get_current_timezone())


def _step(handover: Handover, status: str, actor: Actor, note: str = "") -> None:
    HandoverStep.objects.create(
        handover=handover,
        status=status,
        at=timezone.now(),
        by=actor.user,
        by_role=actor.role,
        note=note,
    )


def _log(actor: Actor, handover: Handover, event: AccessEvent, detail: str = "") -> None:
    log_patient_change(
        actor,
        handover.pathway.patient,
        event,
        object_type="Handover",
        object_id=handover.pk,
        detail=detail,
    )


def _close_task(handover: Handover, actor: Actor, status: TaskStatus) -> None:
    task = handover.task
    if task is not None and task.status in OPEN_TASK_STATUSES:
        do_transition_task(task, status, actor=actor)


def _ask_receiver(handover: Handover, actor: Actor) -> None:
    """The receiving person (or team) is aan zet: open and accept, or reject."""
    handover.task = do_create_task(
        handover.pathway,
        kind="handovers.accept",
        title=f"Overdracht: {handover.get_reason_display()}",
        due_at=_due(ACCEPT_WORKING_DAYS),
        actor=actor,
        owner_role=handover.receiver_role,
        owner_team=None if handover.receiver_role else handover.receiver_organization,
        escalation_role=handover.pathway.case_manager,
        focus=("Handover", handover.pk),
    )
    handover.save(update_fields=["task", "updated_at"])


def plan_fields_from_timeline(pathway: CarePathway) -> dict[str, Any]:
    """What the plan can say from the timeline already: the diagnosis and the treatments."""
    events = pathway.events.filter(
        kind__in=[EventKind.DIAGNOSIS, EventKind.TREATMENT_START, EventKind.TREATMENT_END]
    ).order_by("occurred_at", "pk")
    lines = []
    for event in events.select_related("organization"):
        when = timezone.localtime(event.occurred_at).strftime("%d-%m-%Y")
        modality = f" ({event.get_modality_display()})" if event.modality else ""
        where = f", {event.organization}" if event.organization else ""
        lines.append(f"{when}: {event.get_kind_display()}{modality}{where}")
    return {"diagnosis": str(pathway.tumour_type), "treatment_summary": "\n".join(lines)}


@transaction.atomic
def do_send_handover(
    pathway: CarePathway,
    *,
    direction: Direction,
    reason: Reason,
    receiver_organization: Organization,
    receiver_role: PractitionerRole | None,
    letter: str,
    actor: Actor,
    plan: dict[str, Any] | None = None,
    checks: list[dict[str, Any]] | None = None,
) -> Handover:
    """Send a handover: on the timeline, the receiver aan zet, and (to a hospital) the receiving
    person given a care relation so they may read it. To the GP it carries the aftercare plan."""
    sender = actor.organisation
    if sender is None:
        raise TransitionError("a handover is sent by someone in a role at an organisation")
    if receiver_organization.kind == OrganizationKind.HOSPITAL and receiver_role is None:
        raise TransitionError("a handover to a hospital is addressed to a person there")
    handover = Handover.objects.create(
        pathway=pathway,
        direction=direction,
        reason=reason,
        sender_organization=sender,
        sender_role=actor.role,
        receiver_organization=receiver_organization,
        receiver_role=receiver_role,
        status=HandoverStatus.REQUESTED,
        letter=letter,
        sent_at=timezone.now(),
    )
    _step(handover, HandoverStatus.REQUESTED, actor)
    if direction == Direction.TO_GP:
        if plan is None:
            raise TransitionError("a handover to the GP carries the aftercare plan")
        _new_plan_version(AftercarePlan.objects.create(handover=handover), plan, checks, actor)
    if receiver_role is not None and receiver_role.organization.kind == OrganizationKind.HOSPITAL:
        do_start_care_relation(
            pathway.patient, receiver_role, kind=RelationKind.TREATING, actor=actor
        )
    if direction == Direction.TRANSFER:
        do_record_event(
            pathway,
            EventKind.TRANSFER,
            organization=sender,
            to_organization=receiver_organization,
            actor=actor,
            summary=handover.get_reason_display(),
        )
    else:
        do_record_event(
            pathway,
            EventKind.HANDOVER,
            organization=sender,
            to_organization=receiver_organization,
            actor=actor,
            summary=f"{handover.get_reason_display()} (verstuurd)",
        )
    _ask_receiver(handover, actor)
    _log(actor, handover, AccessEvent.CREATE)
    publish(HandoverChanged(handover, actor))
    return handover


@transaction.atomic
def do_open_handover(handover: Handover, *, actor: Actor) -> bool:
    """The receiving side opened it: "received" (once). Returns whether it changed."""
    locked = Handover.objects.select_for_update().get(pk=handover.pk)
    if locked.status != HandoverStatus.REQUESTED:
        return False
    handover.status = HandoverStatus.RECEIVED
    handover.received_at = handover.received_at or timezone.now()
    handover.save(update_fields=["status", "received_at", "updated_at"])
    _step(handover, HandoverStatus.RECEIVED, actor)
    _log(actor, handover, AccessEvent.UPDATE, "received")
    return True


def _check_open(handover: Handover) -> None:
    if handover.status not in OPEN_STATUSES:
        raise TransitionError(f"the handover is {handover.status}, not open")


@transaction.atomic
def do_accept_handover(handover: Handover, *, actor: Actor, patient_email: str = "") -> None:
    """The receiver takes over. To the GP: the pathway moves to aftercare, each check for the
    GP becomes a task at its date, the questionnaire schedule starts (with an e-mail address).
    A transfer: the patient arrives at the receiving hospital. To a hospital: the receiving
    person joins the care team; a suspected recurrence or re-assessment reopens diagnostics."""
    _check_open(handover)
    do_open_handover(handover, actor=actor)
    now = timezone.now()
    handover.status = HandoverStatus.ACCEPTED
    handover.accepted_at = now
    handover.save(update_fields=["status", "accepted_at", "updated_at"])
    _step(handover, HandoverStatus.ACCEPTED, actor)
    _close_task(handover, actor, TaskStatus.COMPLETED)
    pathway = handover.pathway
    if handover.direction == Direction.TO_GP:
        do_change_phase(pathway, Phase.AFTERCARE, actor=actor)
        version = handover.plan.current
        _plan_tasks(version, actor)
        if version.questionnaire_schedule is not None and patient_email:
            do_follow_schedule(
                pathway, version.questionnaire_schedule, email=patient_email, actor=actor
            )
        do_record_event(
            pathway,
            EventKind.HANDOVER,
            organization=handover.receiver_organization,
            actor=actor,
            summary="Overdracht en nazorgplan geaccepteerd door de huisartsenpraktijk",
        )
    elif handover.direction == Direction.TRANSFER:
        do_record_event(
            pathway, EventKind.ARRIVAL, organization=handover.receiver_organization, actor=actor
        )
        _join_team(handover, actor)
    else:
        _join_team(handover, actor)
        if handover.reason in (Reason.RECURRENCE, Reason.REASSESS) and pathway.phase in (
            Phase.FOLLOW_UP,
            Phase.AFTERCARE,
        ):
            do_change_phase(pathway, Phase.DIAGNOSTICS, actor=actor)
        do_record_event(
            pathway,
            EventKind.HANDOVER,
            organization=handover.receiver_organization,
            actor=actor,
            summary=f"{handover.get_reason_display()} (geaccepteerd)",
        )
    _log(actor, handover, AccessEvent.UPDATE, "accepted")
    publish(HandoverChanged(handover, actor))


def _join_team(handover: Handover, actor: Actor) -> None:
    role = handover.receiver_role or actor.role
    pathway = handover.pathway
    if role is not None and not pathway.team.filter(role=role, until__isnull=True).exists():
        do_add_team_member(pathway, role, responsibility="", actor=actor)


@transaction.atomic
def do_reject_handover(handover: Handover, *, reason: str, actor: Actor) -> None:
    """The receiver declines, with a reason: the sender is aan zet again."""
    _check_open(handover)
    if not reason.strip():
        raise TransitionError("rejecting a handover needs a reason")
    handover.status = HandoverStatus.REJECTED
    handover.rejected_at = timezone.now()
    handover.rejection_reason = reason.strip()
    handover.save(update_fields=["status", "rejected_at", "rejection_reason", "updated_at"])
    _step(handover, HandoverStatus.REJECTED, actor, reason.strip())
    _close_task(handover, actor, TaskStatus.COMPLETED)
    handover.task = do_create_task(
        handover.pathway,
        kind="handovers.rework",
        title="Afgewezen overdracht: aanpassen en opnieuw versturen",
        description=reason.strip(),
        due_at=_due(REWORK_WORKING_DAYS),
        actor=actor,
        owner_role=handover.sender_role,
        owner_team=None if handover.sender_role else handover.sender_organization,
        escalation_role=handover.pathway.case_manager,
        focus=("Handover", handover.pk),
    )
    handover.save(update_fields=["task", "updated_at"])
    _log(actor, handover, AccessEvent.UPDATE, "rejected")
    publish(HandoverChanged(handover, actor))


@transaction.atomic
def do_resend_handover(
    handover: Handover,
    *,
    letter: str,
    actor: Actor,
    plan: dict[str, Any] | None = None,
    checks: list[dict[str, Any]] | None = None,
    change_note: str = "",
) -> None:
    """After a rejection: the sender sends it again (a changed letter, a new plan version)."""
    if handover.status != HandoverStatus.REJECTED:
        raise TransitionError("only a rejected handover is sent again")
    _close_task(handover, actor, TaskStatus.COMPLETED)
    handover.letter = letter
    handover.status = HandoverStatus.REQUESTED
    handover.sent_at = timezone.now()
    handover.received_at = None
    handover.times_sent += 1
    handover.save()
    if plan is not None and handover.has_plan:
        _new_plan_version(handover.plan, plan, checks, actor, change_note)
    _step(handover, HandoverStatus.REQUESTED, actor, change_note)
    _ask_receiver(handover, actor)
    _log(actor, handover, AccessEvent.UPDATE, "sent again")
    publish(HandoverChanged(handover, actor))


@transaction.atomic
def do_withdraw_handover(handover: Handover, *, reason: str, actor: Actor) -> None:
    """The sender takes it back before it is accepted."""
    if handover.status not in (*OPEN_STATUSES, HandoverStatus.REJECTED):
        raise TransitionError("an accepted handover cannot be withdrawn")
    _close_task(handover, actor, TaskStatus.CANCELLED)
    handover.status = HandoverStatus.CANCELLED
    handover.save(update_fields=["status", "updated_at"])
    _step(handover, HandoverStatus.CANCELLED, actor, reason)
    _log(actor, handover, AccessEvent.UPDATE, "withdrawn")
    publish(HandoverChanged(handover, actor))


@transaction.atomic
def do_complete_handover(handover: Handover, *, actor: Actor, note: str = "") -> None:
    """The receiver closes an accepted handover (the aftercare has ended, say)."""
    if handover.status != HandoverStatus.ACCEPTED:
        raise TransitionError("only an accepted handover is completed")
    handover.status = HandoverStatus.COMPLETED
    handover.completed_at = timezone.now()
    handover.save(update_fields=["status", "completed_at", "updated_at"])
    _step(handover, HandoverStatus.COMPLETED, actor, note)
    _log(actor, handover, AccessEvent.UPDATE, "completed")


# --- The aftercare plan ----------------------------------------------------------------------


def _new_plan_version(
    plan: AftercarePlan,
    fields: dict[str, Any],
    checks: list[dict[str, Any]] | None,
    actor: Actor,
    change_note: str = "",
) -> AftercarePlanVersion:
    last = plan.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = AftercarePlanVersion.objects.create(
        plan=plan, number=last + 1, created_by=actor.user, change_note=change_note, **fields
    )
    AftercareCheck.objects.bulk_create(
        AftercareCheck(version=version, what=c["what"], by=c["by"], due_on=c["due_on"])
        for c in checks or []
    )
    return version


def _gp_owner(pathway: CarePathway, handover: Handover) -> dict[str, Any]:
    if handover.receiver_role is not None:
        return {"owner_role": handover.receiver_role}
    if pathway.general_practitioner is not None:
        return {"owner_role": pathway.general_practitioner}
    return {"owner_team": handover.receiver_organization}


def _plan_tasks(version: AftercarePlanVersion, actor: Actor) -> None:
    """Each check the GP practice does (alone or together) becomes its task at its date."""
    handover = version.plan.handover
    owner = _gp_owner(handover.pathway, handover)
    for check in version.checks.filter(by__in=[FollowUpBy.GP, FollowUpBy.SHARED], task=None):
        check.task = do_create_task(
            handover.pathway,
            kind="handovers.check",
            title=f"Nazorg: {check.what}",
            due_at=datetime.combine(check.due_on, DUE_TIME, tzinfo=timezone.get_current_timezone()),
            actor=actor,
            escalation_role=handover.pathway.case_manager,
            focus=("AftercareCheck", check.pk),
            **owner,
        )
        check.save(update_fields=["task"])


@transaction.atomic
def do_revise_plan(
    plan: AftercarePlan,
    *,
    fields: dict[str, Any],
    checks: list[dict[str, Any]],
    change_note: str,
    actor: Actor,
) -> AftercarePlanVersion:
    """A new version of the plan; the earlier ones stay readable. After acceptance the GP's
    open check tasks follow the new version (done ones stay done) and the GP is told."""
    handover = plan.handover
    previous = plan.current
    version = _new_plan_version(plan, fields, checks, actor, change_note)
    if handover.status == HandoverStatus.ACCEPTED:
        for old in previous.checks.exclude(task=None).select_related("task"):
            task: Task | None = old.task
            if task is not None and task.status in OPEN_TASK_STATUSES:
                do_transition_task(task, TaskStatus.CANCELLED, actor=actor, note="nieuwe versie")
        _plan_tasks(version, actor)
        publish(PlanRevised(version, actor))
    _log(actor, handover, AccessEvent.UPDATE, f"plan version {version.number}")
    return version


# --- Attachments -----------------------------------------------------------------------------


@transaction.atomic
def do_add_attachment(handover: Handover, upload: UploadedFile, *, actor: Actor) -> Attachment:
    """Store an attachment (checked) with the handover."""
    attachment = Attachment(handover=handover)
    store_attachment(attachment, upload, user=actor.user)
    _log(actor, handover, AccessEvent.CREATE, f"attachment {attachment.pk}")
    return attachment
