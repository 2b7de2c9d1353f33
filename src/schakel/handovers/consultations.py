"""Consultation moments between GP and oncologist (issue 13, part 5).

A hospital team offers recurring moments (a series): a telephone hour every Tuesday
12:30-13:00 in slots of ten minutes, or a monthly regional meeting with room for a number of
questions. Its occurrences (sessions) are planned weeks ahead, skipping public holidays. A GP or
POH books a slot with a short question, about a patient (through the pathway) or general: the
host is aan zet to answer it then, and gets a care relation with that patient for as long as
the question needs. The host records the outcome, which goes on the pathway's timeline. A
cancelled session cancels its bookings and tells those who booked.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from schakel.audit.models import AccessEvent, ChangeAction
from schakel.core.workdays import is_working_day
from schakel.directory.actor import Actor
from schakel.directory.changes import differences, log_change, snapshot
from schakel.directory.models import Function, OrganizationKind, PractitionerRole
from schakel.handovers.models import (
    BookingStatus,
    ConsultationBooking,
    ConsultationSeries,
    ConsultationSession,
    Recurrence,
    SessionStatus,
)
from schakel.pathways.actions import do_record_event
from schakel.pathways.models import CarePathway, EventKind
from schakel.patients.actions import (
    do_end_care_relation,
    do_start_care_relation,
    log_patient_change,
)
from schakel.patients.models import RelationKind, Sharing
from schakel.work.actions import TransitionError, do_create_task, do_transition_task
from schakel.work.models import OPEN_TASK_STATUSES, TaskStatus
from schakel.work.notify import notify, subject_type_of

# How far ahead a series' moments are planned (the daily job keeps it so).
WEEKS_AHEAD = 12
# How long the host keeps access to the patient of a question after its moment.
RELATION_DAYS_AFTER = 14
# Who books: the GPs and POHs of a practice.
BOOKING_FUNCTIONS = (Function.GP, Function.POH_ONCOLOGY)


class SlotTaken(TransitionError):
    """The slot is full (someone booked it a moment earlier)."""


class NotShared(TransitionError):
    """The patient did not consent to sharing outside the hospital that recorded them, and the
    host works elsewhere: the question goes without the patient."""


# -- planning ---------------------------------------------------------------------------------


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=timezone.get_current_timezone())


def occurrence_dates(series: ConsultationSeries, until: date) -> list[date]:
    """The series' days from its first date until ``until``, holidays skipped: every week,
    every other week (counted from the first date), or the first such weekday of a month."""
    day = series.first_date + timedelta(days=(series.weekday - series.first_date.weekday()) % 7)
    days = []
    while day <= until:
        if series.recurrence == Recurrence.MONTHLY:
            if day.day <= 7:
                days.append(day)
            day += timedelta(days=7)
            continue
        days.append(day)
        day += timedelta(days=14 if series.recurrence == Recurrence.FORTNIGHTLY else 7)
    return [d for d in days if is_working_day(d)]


def do_plan_sessions(
    series: ConsultationSeries, *, until: date, actor: Actor, since: date | None = None
) -> list[ConsultationSession]:
    """Plan the series' moments from today (or ``since``) until ``until``; existing ones are
    kept. An inactive series plans nothing."""
    if not series.is_active:
        return []
    since = since or timezone.localdate()
    existing = set(series.sessions.values_list("starts_at", flat=True))
    new = []
    for day in occurrence_dates(series, until):
        if day < since:
            continue
        starts_at = _at(day, series.starts_at)
        if starts_at in existing:
            continue
        new.append(
            ConsultationSession(
                series=series, starts_at=starts_at, ends_at=_at(day, series.ends_at)
            )
        )
    created = ConsultationSession.objects.bulk_create(new)
    if created:
        log_change(
            actor,
            series,
            ChangeAction.UPDATE,
            {"moments planned": [None, [f"{s.starts_at:%Y-%m-%d}" for s in created]]},
        )
    return created


@transaction.atomic
def do_offer_consultations(series: ConsultationSeries, *, actor: Actor) -> ConsultationSeries:
    """A hospital team offers a new series of consultation moments; they are planned at once."""
    if series.ends_at <= series.starts_at:
        raise TransitionError("a consultation moment ends after it starts")
    if series.organization.kind != OrganizationKind.HOSPITAL:
        raise TransitionError("consultation moments are offered by a hospital")
    series.created_by = actor.user
    series.save()
    log_change(actor, series, ChangeAction.CREATE, differences({}, snapshot(series)))
    do_plan_sessions(
        series,
        until=timezone.localdate() + timedelta(weeks=WEEKS_AHEAD),
        actor=actor,
        since=max(series.first_date, timezone.localdate()),
    )
    return series


@transaction.atomic
def do_stop_series(series: ConsultationSeries, *, reason: str, actor: Actor) -> int:
    """No more moments of this series: its coming ones are cancelled (those who booked are
    told). Returns how many were cancelled."""
    before = snapshot(series)
    series.is_active = False
    series.save(update_fields=["is_active", "updated_at"])
    log_change(actor, series, ChangeAction.UPDATE, differences(before, snapshot(series)))
    coming = series.sessions.filter(status=SessionStatus.PLANNED, starts_at__gt=timezone.now())
    sessions = list(coming)
    for session in sessions:
        do_cancel_session(session, reason=reason, actor=actor)
    return len(sessions)


# -- slots ------------------------------------------------------------------------------------


def slot_starts(session: ConsultationSession) -> list[datetime]:
    """The session's slots: every ``slot_minutes`` from its start, or one for a meeting."""
    minutes = session.series.slot_minutes
    if minutes == 0:
        return [session.starts_at]
    starts = []
    start = session.starts_at
    while start + timedelta(minutes=minutes) <= session.ends_at:
        starts.append(start)
        start += timedelta(minutes=minutes)
    return starts or [session.starts_at]


def slot_end(session: ConsultationSession, start: datetime) -> datetime:
    minutes = session.series.slot_minutes
    return session.ends_at if minutes == 0 else start + timedelta(minutes=minutes)


def places(session: ConsultationSession) -> int:
    """How many questions the session takes in all."""
    return len(slot_starts(session)) * session.series.capacity


def free_slots(session: ConsultationSession, booked: list[datetime]) -> list[datetime]:
    """The slots that still have room, given the starts of the session's active bookings."""
    capacity = session.series.capacity
    return [start for start in slot_starts(session) if booked.count(start) < capacity]


def active_bookings(session: ConsultationSession) -> QuerySet[ConsultationBooking]:
    return session.bookings.exclude(status=BookingStatus.CANCELLED)


def booking_roles(roles: list[PractitionerRole]) -> list[PractitionerRole]:
    """Of a user's roles, those that book: GP or POH at a GP practice."""
    return [
        role
        for role in roles
        if role.function in BOOKING_FUNCTIONS
        and role.organization.kind == OrganizationKind.GP_PRACTICE
    ]


# -- booking ----------------------------------------------------------------------------------


def _log(actor: Actor, booking: ConsultationBooking, event: AccessEvent, detail: str = "") -> None:
    if booking.pathway is not None:
        log_patient_change(
            actor,
            booking.pathway.patient,
            event,
            object_type="ConsultationBooking",
            object_id=booking.pk,
            detail=detail,
        )


def may_share_with_host(pathway: CarePathway, session: ConsultationSession) -> bool:
    """The consent rule: outside the hospital that recorded the patient, only with consent."""
    patient = pathway.patient
    return (
        patient.sharing == Sharing.PERMITTED
        or session.series.host.organization_id == patient.recorded_by_id
    )


@transaction.atomic
def do_book(
    session: ConsultationSession,
    *,
    slot_start: datetime,
    question: str,
    pathway: CarePathway | None,
    actor: Actor,
) -> ConsultationBooking:
    """Book a slot with a question: the host is aan zet to answer it at that time."""
    # One booking at a time per session, so two GPs cannot both take the last place.
    session = (
        ConsultationSession.objects.select_for_update()
        .select_related("series__host__practitioner", "series__organization")
        .get(pk=session.pk)
    )
    if session.status != SessionStatus.PLANNED or session.starts_at <= timezone.now():
        raise TransitionError("this consultation moment can no longer be booked")
    if not question.strip():
        raise TransitionError("a booking carries a question")
    booked = list(active_bookings(session).values_list("slot_start", flat=True))
    if slot_start not in slot_starts(session):
        raise TransitionError("no such slot")
    if slot_start not in free_slots(session, booked):
        raise SlotTaken(slot_start)
    if pathway is not None and not may_share_with_host(pathway, session):
        raise NotShared(pathway.pk)
    series = session.series
    booking = ConsultationBooking.objects.create(
        session=session,
        slot_start=slot_start,
        booked_by=actor.account,
        booked_role=actor.acting_role,
        pathway=pathway,
        question=question.strip(),
    )
    if pathway is not None:
        booking.relation = do_start_care_relation(
            pathway.patient,
            series.host,
            kind=RelationKind.CONSULTED,
            actor=actor,
            until=session.ends_at + timedelta(days=RELATION_DAYS_AFTER),
        )
    asker = actor.acting_role
    booking.task = do_create_task(
        booking,
        kind="handovers.consultation",
        title=f"Consultatiemoment {timezone.localtime(slot_start):%H:%M}: vraag van "
        f"{asker.practitioner.full_name} ({asker.organization.name})",
        due_at=slot_end(session, slot_start),
        actor=actor,
        owner_role=series.host,
        focus=("ConsultationBooking", booking.pk),
    )
    booking.save(update_fields=["relation", "task", "updated_at"])
    _log(actor, booking, AccessEvent.CREATE)
    return booking


def _release(booking: ConsultationBooking, *, actor: Actor, note: str) -> None:
    """A cancelled booking: its task is cancelled and the host's access to the patient ends,
    unless another question about the patient still needs it."""
    if booking.task is not None and booking.task.status in OPEN_TASK_STATUSES:
        do_transition_task(booking.task, TaskStatus.CANCELLED, actor=actor, note=note)
    relation = booking.relation
    # Only a relation the question gave (it has an end); never the care team's own.
    if relation is not None and relation.ended_at is not None:
        still_needed = (
            ConsultationBooking.objects.filter(relation=relation, status=BookingStatus.BOOKED)
            .exclude(pk=booking.pk)
            .exists()
        )
        if not still_needed:
            do_end_care_relation(relation, actor=actor)


@transaction.atomic
def do_cancel_booking(booking: ConsultationBooking, *, reason: str, actor: Actor) -> None:
    """The one who booked does not need the slot after all: it is free again."""
    if booking.status != BookingStatus.BOOKED:
        raise TransitionError(f"the booking is {booking.status}")
    if booking.slot_start <= timezone.now():
        raise TransitionError("the moment has begun")
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.cancel_reason = reason.strip()
    booking.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    _release(booking, actor=actor, note=reason.strip())
    _log(actor, booking, AccessEvent.UPDATE, "cancelled")


@transaction.atomic
def do_record_consultation(booking: ConsultationBooking, *, outcome: str, actor: Actor) -> None:
    """The question was discussed: its outcome is stored, goes on the pathway's timeline (when
    it was about a patient) and reaches the one who asked; the host's task is done."""
    if booking.status != BookingStatus.BOOKED:
        raise TransitionError(f"the booking is {booking.status}")
    if booking.slot_start > timezone.now():
        raise TransitionError("the moment has not begun")
    if not outcome.strip():
        raise TransitionError("an outcome says what was advised")
    booking.status = BookingStatus.HELD
    booking.outcome = outcome.strip()
    booking.outcome_at = timezone.now()
    booking.outcome_by = actor.user
    booking.save(update_fields=["status", "outcome", "outcome_at", "outcome_by", "updated_at"])
    if booking.task is not None and booking.task.status in OPEN_TASK_STATUSES:
        do_transition_task(booking.task, TaskStatus.COMPLETED, actor=actor)
    if booking.pathway is not None:
        do_record_event(
            booking.pathway,
            EventKind.NOTE,
            actor=actor,
            summary=f"Consultatiemoment huisarts–{actor.role_label or 'specialist'}: "
            f"{booking.outcome}",
        )
    notify(
        {booking.booked_by_id} - {actor.user_id},
        "consultation_outcome",
        "",
        patient=booking.patient,
        subject_type_id=subject_type_of(ConsultationBooking),
        subject_id=booking.pk,
    )
    _log(actor, booking, AccessEvent.UPDATE, "held")


@transaction.atomic
def do_cancel_session(session: ConsultationSession, *, reason: str, actor: Actor) -> int:
    """The moment does not take place: its bookings are cancelled and those who booked are
    told (in Schakel, and by e-mail without content). Returns how many were told."""
    if session.status != SessionStatus.PLANNED:
        raise TransitionError("the consultation moment is cancelled already")
    if session.ends_at <= timezone.now():
        raise TransitionError("the consultation moment is over")
    if not reason.strip():
        raise TransitionError("a cancelled moment says why")
    session.status = SessionStatus.CANCELLED
    session.cancel_reason = reason.strip()
    session.cancelled_at = timezone.now()
    session.cancelled_by = actor.user
    session.save(
        update_fields=["status", "cancel_reason", "cancelled_at", "cancelled_by", "updated_at"]
    )
    log_change(actor, session, ChangeAction.UPDATE, {"status": ["planned", "cancelled"]})
    told = 0
    bookings = session.bookings.filter(status=BookingStatus.BOOKED).select_related(
        "task", "relation", "pathway__patient"
    )
    for booking in bookings:
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = session.cancelled_at
        booking.cancel_reason = session.cancel_reason
        booking.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
        _release(booking, actor=actor, note=session.cancel_reason)
        _log(actor, booking, AccessEvent.UPDATE, "moment cancelled")
        told += notify(
            {booking.booked_by_id} - {actor.user_id},
            "consultation_cancelled",
            session.cancel_reason,
            patient=booking.patient,
            subject_type_id=subject_type_of(ConsultationBooking),
            subject_id=booking.pk,
        )
    return told
