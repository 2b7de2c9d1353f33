"""Questionnaire schedules: a pathway follows one, and the patient is invited when a moment
comes: at diagnosis and at the end of treatment (when those are recorded), before an MDO (when
the case is put on an agenda), and every N days in a phase (the worker checks hourly). Each
occurrence gets one invitation; an unanswered e-mail gets one reminder.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from schakel.audit.models import AccessEvent
from schakel.directory.actor import Actor
from schakel.pathways.actions import PathwayEventRecorded
from schakel.pathways.models import CarePathway, EventKind
from schakel.patients.actions import log_patient_change
from schakel.proms.actions import do_invite, do_send_reminder
from schakel.proms.models import (
    Channel,
    Invitation,
    MomentKind,
    PathwaySchedule,
    PromSchedule,
    ScheduleMoment,
)

EVENT_MOMENTS = {
    EventKind.DIAGNOSIS: MomentKind.DIAGNOSIS,
    EventKind.TREATMENT_END: MomentKind.TREATMENT_END,
}


@transaction.atomic
def do_follow_schedule(
    pathway: CarePathway, schedule: PromSchedule, *, email: str, actor: Actor
) -> PathwaySchedule:
    """The pathway follows the schedule from now on; invitations go to ``email``."""
    followed = PathwaySchedule.objects.create(
        pathway=pathway,
        schedule=schedule,
        email=email,
        started_by=actor.account,
        started_by_role=actor.acting_role,
    )
    log_patient_change(
        actor,
        pathway.patient,
        AccessEvent.UPDATE,
        object_type="PathwaySchedule",
        object_id=followed.pk,
    )
    return followed


@transaction.atomic
def do_stop_schedule(followed: PathwaySchedule, *, actor: Actor) -> None:
    followed.stopped_at = timezone.now()
    followed.save(update_fields=["stopped_at"])
    log_patient_change(
        actor,
        followed.pathway.patient,
        AccessEvent.UPDATE,
        object_type="PathwaySchedule",
        object_id=followed.pk,
        detail="stopped",
    )


def _invite(
    followed: PathwaySchedule,
    moment: ScheduleMoment,
    occurrence: str,
    expires_at: datetime | None = None,
) -> Invitation | None:
    """One invitation per occurrence of a moment; None when it was sent already."""
    if Invitation.objects.filter(
        pathway=followed.pathway_id, moment=moment, occurrence=occurrence
    ).exists():
        return None
    version = moment.instrument.current
    if version is None:  # a licensed instrument not imported (yet): nothing to send
        return None
    invitation = do_invite(
        followed.pathway,
        version,
        actor=Actor(followed.started_by, followed.started_by_role),
        channel=Channel.EMAIL,
        email=followed.email,
        expires_at=expires_at,
        follows=followed,
        moment=moment,
        occurrence=occurrence,
    ).invitation
    return invitation


def _following(pathway_id: int, kind: str) -> list[tuple[PathwaySchedule, ScheduleMoment]]:
    pairs = []
    for followed in PathwaySchedule.objects.filter(
        pathway_id=pathway_id, stopped_at__isnull=True, schedule__is_active=True
    ).select_related("pathway__patient", "started_by", "started_by_role__organization"):
        for moment in followed.schedule.moments.filter(kind=kind).select_related("instrument"):
            pairs.append((followed, moment))
    return pairs


def on_pathway_event(recorded: PathwayEventRecorded) -> None:
    """Diagnosis or end of treatment recorded: invite for those moments."""
    event = recorded.event
    kind = EVENT_MOMENTS.get(EventKind(event.kind))
    if kind is None:
        return
    for followed, moment in _following(event.pathway_id, kind):
        _invite(followed, moment, f"event:{event.pk}")


def invite_before_meeting(pathway_id: int, occurrence: str, starts_at: datetime) -> None:
    """A case on an MDO agenda (called by the mdo app): invite, with the link valid until
    the meeting starts. ``occurrence`` names the agenda item, so it is invited once."""
    if starts_at <= timezone.now() + timedelta(days=1):
        return  # too late to be of use at this meeting
    for followed, moment in _following(pathway_id, MomentKind.BEFORE_MDO):
        _invite(followed, moment, occurrence, expires_at=starts_at)


@transaction.atomic
def send_due(now: datetime | None = None) -> dict[str, int]:
    """The worker's round: periodic moments that are due, and the reminders."""
    now = now or timezone.now()
    invited = 0
    periodic = ScheduleMoment.objects.filter(
        kind=MomentKind.PERIODIC, schedule__is_active=True
    ).select_related("instrument")
    for moment in periodic:
        assert moment.interval_days is not None  # noqa: S101 - the check constraint says so
        following = PathwaySchedule.objects.filter(
            schedule=moment.schedule_id, stopped_at__isnull=True, pathway__phase=moment.phase
        ).select_related("pathway__patient", "started_by", "started_by_role__organization")
        last_sent = dict(
            Invitation.objects.filter(moment=moment, follows__in=following)
            .values_list("follows")
            .annotate(last=Max("created_at"))
        )
        for followed in following:
            since = last_sent.get(followed.pk) or followed.pathway.phase_since
            if now - since >= timedelta(days=moment.interval_days):
                occurrence = f"{moment.phase}:{timezone.localdate(now).isoformat()}"
                invited += _invite(followed, moment, occurrence) is not None
    reminders = 0
    waiting = Invitation.objects.filter(
        channel=Channel.EMAIL,
        submitted_at__isnull=True,
        reminded_at__isnull=True,
        expires_at__gt=now,
        created_at__lte=now - timedelta(days=settings.SCHAKEL_PROM_REMINDER_DAYS),
    )
    for invitation in waiting:
        do_send_reminder(invitation)
        reminders += 1
    return {"invited": invited, "reminded": reminders}
