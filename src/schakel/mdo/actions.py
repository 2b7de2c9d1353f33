"""Writes on MDOs: meetings from a series, the agenda, GP input requests and input.

Putting a pathway on the agenda asks the GP (or the practice's POH) for input, with a deadline a
number of working days before the meeting; moving or cancelling the meeting, or taking the
patient off the agenda, updates or withdraws that request and tells them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from schakel.audit.models import AccessEvent, ChangeAction
from schakel.core.events import publish
from schakel.core.workdays import working_days_after, working_days_before
from schakel.directory.actor import Actor
from schakel.directory.changes import differences, log_change, snapshot
from schakel.directory.models import Function, PractitionerRole, TumourType
from schakel.mdo.models import (
    AgendaItem,
    GpInput,
    InputBy,
    MdoMeeting,
    MdoOutcome,
    MdoSeries,
    MeetingStatus,
    PracticeMdoPreference,
)
from schakel.pathways.actions import do_record_event
from schakel.pathways.models import CarePathway, EventKind
from schakel.patients.actions import do_start_care_relation, log_patient_change
from schakel.patients.models import RelationKind
from schakel.proms.schedules import invite_before_meeting
from schakel.work.actions import do_create_task, do_transition_task
from schakel.work.models import OPEN_TASK_STATUSES, Task, TaskStatus


@dataclass(frozen=True)
class MdoRequestMoved:
    """A meeting moved: this open GP input request has a new deadline."""

    task: Task
    actor: Actor


@dataclass(frozen=True)
class MdoRequestWithdrawn:
    """A case was taken off the agenda, or its meeting cancelled: the request is withdrawn."""

    item: AgendaItem
    actor: Actor


# The end of the working day on which GP input is due.
INPUT_DUE_TIME = time(17, 0)


def input_deadline(meeting: MdoMeeting) -> datetime:
    """17:00 on the working day ``input_lead_days`` working days before the meeting."""
    meeting_day = timezone.localdate(meeting.starts_at)
    due_day = working_days_before(meeting_day, meeting.input_lead_days)
    return datetime.combine(due_day, INPUT_DUE_TIME, tzinfo=timezone.get_current_timezone())


def _from_series(series: MdoSeries, day: date) -> dict[str, Any]:
    """What a meeting of the series on ``day`` takes from the series."""
    zone = timezone.get_current_timezone()
    return {
        "name": series.name,
        "hospital": series.hospital,
        "starts_at": datetime.combine(day, series.starts_at, tzinfo=zone),
        "ends_at": datetime.combine(day, series.ends_at, tzinfo=zone),
        "location": series.location,
        "video_link": series.video_link,
        "chair": series.chair,
        "coordinator": series.coordinator,
        "input_lead_days": series.input_lead_days,
    }


@transaction.atomic
def do_schedule_meetings(series: MdoSeries, *, until: date, actor: Actor) -> list[MdoMeeting]:
    """Create the series' meetings from today until ``until`` (existing dates are kept); the
    change log says how many were planned, by whom (a person, or the daily job)."""
    day = timezone.localdate()
    day += timedelta(days=(series.weekday - day.weekday()) % 7)
    created = []
    while day <= until:
        meeting, new = MdoMeeting.objects.get_or_create(
            series=series, scheduled_for=day, defaults=_from_series(series, day)
        )
        if new:
            created.append(meeting)
        day += timedelta(days=7)
    if created:
        log_change(
            actor,
            series,
            ChangeAction.UPDATE,
            {"meetings planned": [None, [f"{m.scheduled_for}" for m in created]]},
        )
    return created


@transaction.atomic
def do_save_series(
    series: MdoSeries, *, tumour_types: Iterable[TumourType], weeks_ahead: int, actor: Actor
) -> tuple[int, int]:
    """Save a (new or changed) series and bring its coming meetings in line with it.

    Coming meetings without any case follow the series: on the same weekday they are updated
    in place (calendars keep them), on another weekday they give way to new ones. Those with
    cases keep their details, since moving them must tell the GPs: that is done per meeting.
    An inactive series plans nothing new. Returns (meetings planned or updated, kept).
    """
    before = snapshot(MdoSeries.objects.get(pk=series.pk)) if series.pk else None
    series.save()
    series.tumour_types.set(tumour_types)
    if before is None:
        log_change(actor, series, ChangeAction.CREATE, differences({}, snapshot(series)))
    else:
        log_change(actor, series, ChangeAction.UPDATE, differences(before, snapshot(series)))
    tomorrow = timezone.localdate() + timedelta(days=1)
    coming = series.meetings.filter(scheduled_for__gte=tomorrow, status=MeetingStatus.SCHEDULED)
    empty = list(coming.filter(items__isnull=True))
    follows = [m for m in empty if series.is_active and m.scheduled_for.weekday() == series.weekday]
    MdoMeeting.objects.filter(pk__in=[m.pk for m in empty if m not in follows]).delete()
    for meeting in follows:
        for field, value in _from_series(series, meeting.scheduled_for).items():
            setattr(meeting, field, value)
        meeting.updated_at = timezone.now()  # bulk_update does not set auto_now fields
    fields = [*_from_series(series, tomorrow), "updated_at"]
    MdoMeeting.objects.bulk_update(follows, fields)
    kept = coming.exclude(pk__in=[m.pk for m in follows]).count()
    if not series.is_active:
        return 0, kept
    planned = do_schedule_meetings(
        series, until=timezone.localdate() + timedelta(weeks=weeks_ahead), actor=actor
    )
    return len(planned) + len(follows), kept


def _input_owner(pathway: CarePathway) -> dict[str, Any]:
    """The GP, or the practice's POH team if the practice prefers; the practice as fallback."""
    practice = pathway.patient.gp_practice
    preference = PracticeMdoPreference.objects.filter(practice=practice).first()
    if practice is not None and preference is not None and preference.input_by == InputBy.POH:
        return {"owner_team": practice, "owner_function": Function.POH_ONCOLOGY}
    if pathway.general_practitioner is not None:
        return {"owner_role": pathway.general_practitioner}
    return {"owner_team": practice}


def _ask_for_input(item: AgendaItem, actor: Actor) -> None:
    """The GP (or the practice's POH team) is asked for input before the deadline."""
    meeting, pathway = item.meeting, item.pathway
    owner = _input_owner(pathway)
    if owner.get("owner_role") or owner.get("owner_team"):
        item.input_request = do_create_task(
            pathway,
            kind="mdo.gp_input",
            title=f"MDO-inbreng voor {timezone.localtime(meeting.starts_at):%d-%m %H:%M}",
            description=item.question,
            due_at=input_deadline(meeting),
            actor=actor,
            escalation_role=meeting.coordinator,
            focus=("AgendaItem", item.pk),
            **owner,
        )
        item.save(update_fields=["input_request", "updated_at"])


@transaction.atomic
def do_add_to_agenda(
    meeting: MdoMeeting,
    pathway: CarePathway,
    *,
    question: str,
    actor: Actor,
    slot_start: time | None = None,
) -> AgendaItem:
    """Put a pathway on the agenda; ask the GP for input before the deadline.

    The chair and the coordinator get an MDO care relation with the patient, so they can
    prepare the case (and only cases on their agendas).
    """
    position = meeting.items.filter(removed_at__isnull=True).count() + 1
    item = AgendaItem.objects.create(
        meeting=meeting,
        pathway=pathway,
        question=question,
        position=position,
        slot_start=slot_start,
        added_by=actor.user,
    )
    for role in (meeting.chair, meeting.coordinator):
        if role is not None:
            do_start_care_relation(pathway.patient, role, kind=RelationKind.MDO, actor=actor)
    _ask_for_input(item, actor)
    invite_before_meeting(pathway.pk, f"agenda:{item.pk}", meeting.starts_at)
    when = timezone.localtime(meeting.starts_at)
    do_record_event(
        pathway,
        EventKind.NOTE,
        summary=f"Aangemeld voor {meeting.name} van {when:%d-%m-%Y}",
        actor=actor,
    )
    log_patient_change(
        actor, pathway.patient, AccessEvent.UPDATE, object_type="AgendaItem", object_id=item.pk
    )
    return item


def _close_request(item: AgendaItem, actor: Actor, status: TaskStatus) -> None:
    task = item.input_request
    if task is not None and task.status in OPEN_TASK_STATUSES:
        do_transition_task(task, status, actor=actor)


@transaction.atomic
def do_remove_from_agenda(item: AgendaItem, *, actor: Actor) -> None:
    """Take a pathway off the agenda; an open input request is withdrawn and the GP told."""
    item.removed_at = timezone.now()
    item.save(update_fields=["removed_at", "updated_at"])
    _close_request(item, actor, TaskStatus.CANCELLED)
    publish(MdoRequestWithdrawn(item, actor))
    log_patient_change(
        actor,
        item.pathway.patient,
        AccessEvent.UPDATE,
        object_type="AgendaItem",
        object_id=item.pk,
        detail="removed",
    )


@transaction.atomic
def do_move_meeting(
    meeting: MdoMeeting, *, starts_at: datetime, ends_at: datetime, actor: Actor
) -> int:
    """Move a meeting; open input requests move their deadline and the GPs are told.

    Returns the number of requests moved.
    """
    meeting.starts_at = starts_at
    meeting.ends_at = ends_at
    meeting.save(update_fields=["starts_at", "ends_at", "updated_at"])
    deadline = input_deadline(meeting)
    requests = Task.objects.filter(
        pk__in=meeting.items.filter(removed_at__isnull=True).values("input_request"),
        status__in=OPEN_TASK_STATUSES,
    )
    moved = list(requests)
    requests.update(due_at=deadline, updated_at=timezone.now())
    for task in moved:
        task.due_at = deadline
        publish(MdoRequestMoved(task, actor))
    return len(moved)


@transaction.atomic
def do_cancel_meeting(meeting: MdoMeeting, *, reason: str, actor: Actor) -> None:
    """Cancel a meeting, for a stated reason: its open input requests are withdrawn and the
    GPs told. It can be undone until the meeting's time (``do_restore_meeting``)."""
    before = snapshot(meeting)
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancel_reason = reason
    meeting.save(update_fields=["status", "cancel_reason", "updated_at"])
    log_change(actor, meeting, ChangeAction.UPDATE, differences(before, snapshot(meeting)))
    for item in meeting.items.filter(removed_at__isnull=True).select_related(
        "input_request__patient", "pathway__patient"
    ):
        _close_request(item, actor, TaskStatus.CANCELLED)
        publish(MdoRequestWithdrawn(item, actor))


class RestoreError(ValueError):
    """A meeting can be restored only while cancelled and before its time."""


@transaction.atomic
def do_restore_meeting(meeting: MdoMeeting, *, actor: Actor) -> int:
    """Undo a cancellation before the meeting's time: it is on again, and the GPs of the cases
    still on its agenda are asked for their input anew. Returns the number asked."""
    if meeting.status != MeetingStatus.CANCELLED or meeting.starts_at <= timezone.now():
        raise RestoreError("only a cancelled meeting that has not begun can be restored")
    before = snapshot(meeting)
    meeting.status = MeetingStatus.SCHEDULED
    meeting.cancel_reason = ""
    meeting.save(update_fields=["status", "cancel_reason", "updated_at"])
    log_change(actor, meeting, ChangeAction.UPDATE, differences(before, snapshot(meeting)))
    asked = 0
    for item in meeting.items.filter(removed_at__isnull=True, outcome__isnull=True).select_related(
        "pathway__patient__gp_practice", "pathway__general_practitioner", "meeting__coordinator"
    ):
        _ask_for_input(item, actor)
        asked += 1
    return asked


class InputClosedError(Exception):
    """The MDO has given its advice: the input for that case can no longer change."""


def current_input(pathway: CarePathway, agenda_item: AgendaItem | None) -> GpInput | None:
    """The latest version of the GP's input for this case (or for the pathway without one)."""
    return (
        GpInput.objects.filter(pathway=pathway, agenda_item=agenda_item)
        .order_by("-version", "-created_at", "-pk")
        .first()
    )


@transaction.atomic
def do_submit_gp_input(
    pathway: CarePathway,
    *,
    actor: Actor,
    agenda_item: AgendaItem | None = None,
    **answers: Any,
) -> GpInput:
    """The GP's input: stored, marked late if after the deadline, the request completed.

    A second submission for the same case is a new version that keeps the earlier one (the
    chair sees it as changed); the same answers again change nothing. After the advice is
    recorded the input is closed (``InputClosedError``).
    """
    if agenda_item is not None and MdoOutcome.objects.filter(agenda_item=agenda_item).exists():
        raise InputClosedError("the MDO advice for this case is recorded")
    current = current_input(pathway, agenda_item)
    if current is not None and all(getattr(current, k) == v for k, v in answers.items()):
        return current
    late = False
    task = agenda_item.input_request if agenda_item is not None else None
    if task is not None:
        late = timezone.now() > task.due_at
    gp_input = GpInput.objects.create(
        pathway=pathway,
        agenda_item=agenda_item,
        submitted_by=actor.account,
        submitted_by_role=actor.role,
        late=late,
        version=current.version + 1 if current is not None else 1,
        supersedes=current,
        **answers,
    )
    if task is not None and task.status in OPEN_TASK_STATUSES:
        do_transition_task(task, TaskStatus.COMPLETED, actor=actor)
    log_patient_change(
        actor,
        pathway.patient,
        AccessEvent.CREATE if current is None else AccessEvent.UPDATE,
        object_type="GpInput",
        object_id=gp_input.pk,
        detail=f"version {gp_input.version}",
    )
    return gp_input


def gp_role_for(roles: list[PractitionerRole], pathway: CarePathway) -> PractitionerRole | None:
    """The user's GP or POH role at the patient's practice, if any."""
    return next(
        (
            r
            for r in roles
            if r.organization_id == pathway.patient.gp_practice_id
            and r.function in (Function.GP, Function.POH_ONCOLOGY)
        ),
        None,
    )


# How long the GP has to read and acknowledge the MDO's advice.
ACKNOWLEDGE_WORKING_DAYS = 3


@transaction.atomic
def do_record_outcome(item: AgendaItem, *, actor: Actor, **fields: Any) -> MdoOutcome:
    """Record the MDO's advice: on the timeline, and to the GP as a task to acknowledge."""
    outcome = MdoOutcome.objects.create(agenda_item=item, recorded_by=actor.account, **fields)
    pathway = item.pathway
    meeting = item.meeting
    do_record_event(
        pathway,
        EventKind.MDO,
        organization=meeting.hospital or actor.organisation,
        actor=actor,
        occurred_at=meeting.starts_at,
        summary=outcome.get_intent_display(),
    )
    owner = _input_owner(pathway)
    if owner.get("owner_role") or owner.get("owner_team"):
        due_day = working_days_after(timezone.localdate(), ACKNOWLEDGE_WORKING_DAYS)
        outcome.acknowledgement = do_create_task(
            pathway,
            kind="mdo.read_advice",
            title="MDO-advies lezen en bevestigen",
            due_at=datetime.combine(
                due_day, INPUT_DUE_TIME, tzinfo=timezone.get_current_timezone()
            ),
            actor=actor,
            escalation_role=pathway.case_manager,
            focus=("MdoOutcome", outcome.pk),
            **owner,
        )
        outcome.save(update_fields=["acknowledgement", "updated_at"])
    log_patient_change(
        actor, pathway.patient, AccessEvent.CREATE, object_type="MdoOutcome", object_id=outcome.pk
    )
    return outcome


@transaction.atomic
def do_acknowledge_outcome(outcome: MdoOutcome, *, actor: Actor) -> None:
    """The GP has read the advice; their task is done."""
    if outcome.acknowledged_at is not None:
        return
    outcome.acknowledged_at = timezone.now()
    outcome.save(update_fields=["acknowledged_at", "updated_at"])
    task = outcome.acknowledgement
    if task is not None and task.status in OPEN_TASK_STATUSES:
        do_transition_task(task, TaskStatus.COMPLETED, actor=actor)
    log_patient_change(
        actor,
        outcome.agenda_item.pathway.patient,
        AccessEvent.UPDATE,
        object_type="MdoOutcome",
        object_id=outcome.pk,
        detail="acknowledged",
    )
