"""The pathway signal rules: a patient at risk of being lost. Registered with the work layer's
engine from ``PathwaysConfig.ready``; thresholds per phase, in calendar days."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.directory.models import PractitionerRole
from schakel.pathways.models import CarePathway, CareTeamMember, EventKind, PathwayEvent, Phase
from schakel.work.engine import threshold_days
from schakel.work.models import OPEN_TASK_STATUSES, Task
from schakel.work.registry import (
    Matcher,
    SignalRule,
    Text,
    Thresholds,
    Unit,
    register_signal_rule,
)


class PathwayRule:
    """The codes of the pathway rules."""

    NOBODY_AAN_ZET = "nobody_aan_zet"
    TASK_OVERDUE = "task_overdue"
    TRANSFER_WITHOUT_ARRIVAL = "transfer_no_arrival"
    # Registered by the handovers app, which knows what a handover is.
    TREATMENT_END_WITHOUT_HANDOVER = "end_no_handover"
    SILENCE = "silence"
    DECEASED_OPEN = "deceased_open"


PHASE_SCOPES = tuple((phase.value, phase.label) for phase in Phase if phase != Phase.CLOSED)


def open_pathways() -> QuerySet[CarePathway]:
    """The pathways rules look at: all but the closed ones."""
    return CarePathway.objects.exclude(phase=Phase.CLOSED)


def _tasks_of_pathway() -> QuerySet[Task]:
    return Task.objects.filter(
        subject_type=ContentType.objects.get_for_model(CarePathway), subject_id=OuterRef("pk")
    )


def _nobody_aan_zet(now: datetime, t: Thresholds) -> QuerySet[CarePathway] | None:
    days = threshold_days(t, PathwayRule.NOBODY_AAN_ZET)
    if days is None:
        return None
    since = now - timedelta(days=days)
    open_task = _tasks_of_pathway().filter(status__in=OPEN_TASK_STATUSES)
    recent_task = _tasks_of_pathway().filter(closed_at__gt=since)
    return open_pathways().filter(~Exists(open_task), ~Exists(recent_task), phase_since__lt=since)


def _task_overdue(now: datetime, t: Thresholds) -> QuerySet[CarePathway] | None:
    days = threshold_days(t, PathwayRule.TASK_OVERDUE)
    if days is None:
        return None
    late = _tasks_of_pathway().filter(
        status__in=OPEN_TASK_STATUSES, due_at__lt=now - timedelta(days=days)
    )
    return open_pathways().filter(Exists(late))


def event_without_follow_up(
    now: datetime, days: int, kind: EventKind, follow_up: Q
) -> QuerySet[CarePathway]:
    """Open pathways with an event of ``kind`` older than ``days`` that no later event
    matching ``follow_up`` (a condition on the later event, OuterRef = the first) answered."""
    answered = PathwayEvent.objects.filter(
        follow_up, pathway=OuterRef("pathway"), occurred_at__gte=OuterRef("occurred_at")
    )
    waiting = PathwayEvent.objects.filter(
        pathway=OuterRef("pk"), kind=kind, occurred_at__lt=now - timedelta(days=days)
    ).filter(~Exists(answered))
    return open_pathways().filter(Exists(waiting))


def _transfer_without_arrival(now: datetime, t: Thresholds) -> QuerySet[CarePathway] | None:
    days = threshold_days(t, PathwayRule.TRANSFER_WITHOUT_ARRIVAL)
    if days is None:
        return None
    # Arrival at the hospital the patient was transferred to.
    arrival = Q(kind=EventKind.ARRIVAL, organization=OuterRef("to_organization"))
    return event_without_follow_up(now, days, EventKind.TRANSFER, arrival)


def _silence(now: datetime, t: Thresholds) -> QuerySet[CarePathway] | None:
    per_phase = Q()
    for phase, _label in PHASE_SCOPES:
        days = threshold_days(t, PathwayRule.SILENCE, phase)
        if days is not None:
            per_phase |= Q(phase=phase, last_event_at__lt=now - timedelta(days=days))
    if not per_phase:
        return None
    return open_pathways().filter(per_phase)


def _deceased_open(now: datetime, t: Thresholds) -> QuerySet[CarePathway] | None:
    days = threshold_days(t, PathwayRule.DECEASED_OPEN)
    if days is None:
        return None
    return open_pathways().filter(
        patient__deceased_on__isnull=False,
        patient__deceased_on__lte=timezone.localdate(now) - timedelta(days=days),
    )


def signals_on_my_pathways(roles: list[PractitionerRole]) -> Q:
    """ "My patients" on the signal worklist: the pathways where one of the roles is the case
    manager, the GP, or on the care team."""
    mine = CarePathway.objects.filter(
        Q(case_manager__in=roles)
        | Q(general_practitioner__in=roles)
        | Exists(
            CareTeamMember.objects.filter(
                pathway=OuterRef("pk"), role__in=roles, until__isnull=True
            )
        )
    )
    return Q(
        subject_type=ContentType.objects.get_for_model(CarePathway),
        subject_id__in=mine.values("pk"),
    )


def register() -> None:
    def rule(
        code: str,
        label: Text,
        why: Text,
        what: Text,
        matcher: Matcher,
        *defaults: tuple[str, int],
        scopes: tuple[tuple[str, Text], ...] = (),
    ) -> None:
        register_signal_rule(
            SignalRule(
                code=code,
                label=label,
                why=why,
                what_to_do=what,
                unit=Unit.CALENDAR_DAYS,
                subject=CarePathway,
                matcher=matcher,
                scopes=scopes,
                defaults=defaults,
            )
        )

    rule(
        PathwayRule.NOBODY_AAN_ZET,
        _("nobody is aan zet"),
        _("Nobody is aan zet on this pathway: there is no open task."),
        _("Agree who takes the next step and create a task for them."),
        _nobody_aan_zet,
        ("", 2),
    )
    rule(
        PathwayRule.TASK_OVERDUE,
        _("a task is overdue"),
        _("A task on this pathway is past its deadline."),
        _("Contact the owner of the task, or its escalation contact."),
        _task_overdue,
        ("", 0),
    )
    rule(
        PathwayRule.TRANSFER_WITHOUT_ARRIVAL,
        _("transfer without arrival"),
        _("The patient was transferred, but the receiving hospital has not recorded arrival."),
        _("Check with the receiving hospital whether the patient arrived and is expected."),
        _transfer_without_arrival,
        ("", 14),
    )
    rule(
        PathwayRule.SILENCE,
        _("no news for too long"),
        _("Nothing has been recorded on this pathway for longer than this phase allows."),
        _("Check where the patient is and record what is happening."),
        _silence,
        ("diagnostics", 21),
        ("treatment", 42),
        ("follow_up", 120),
        ("aftercare", 180),
        ("palliative", 28),
        scopes=PHASE_SCOPES,
    )
    rule(
        PathwayRule.DECEASED_OPEN,
        _("deceased patient with an open pathway"),
        _("The patient has died, but the pathway is still open."),
        _("Close the pathway, and cancel any remaining tasks and appointments."),
        _deceased_open,
        ("", 0),
    )
