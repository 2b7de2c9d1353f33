"""Writes on tasks, signals and notifications. One transaction each, with the access-log entry
(for work about a patient) in it; events and signal evaluation follow the commit."""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from schakel.audit.models import AccessEvent
from schakel.core.events import publish
from schakel.directory.actor import Actor
from schakel.directory.models import Organization, PractitionerRole
from schakel.patients.actions import log_patient_change
from schakel.patients.models import Patient
from schakel.work.engine import evaluate_now
from schakel.work.events import TaskChanged, TaskCreated
from schakel.work.models import (
    OPEN_TASK_STATUSES,
    Notification,
    Signal,
    Task,
    TaskChange,
    TaskEvent,
    TaskStatus,
)
from schakel.work.registry import signal_rule, task_kind


class TransitionError(ValueError):
    """A task cannot move to the requested state from where it is."""


def _log(actor: Actor, task: Task, event: AccessEvent, detail: str = "") -> None:
    if task.patient_id is not None:
        patient = task.patient
        assert patient is not None  # noqa: S101
        log_patient_change(
            actor, patient, event, object_type="Task", object_id=task.pk, detail=detail
        )


def _history(
    task: Task, change: TaskChange, actor: Actor, note: str = "", detail: str = ""
) -> None:
    TaskEvent.objects.create(
        task=task, change=change, by=actor.user, by_label=actor.name[:200], note=note, detail=detail
    )


def _after(task: Task) -> None:
    subject = task.subject
    if subject is not None:
        evaluate_now(subject)


def _patient_of(subject: models.Model | None) -> Patient | None:
    if isinstance(subject, Patient):
        return subject
    return getattr(subject, "patient", None) if subject is not None else None


@transaction.atomic
def do_create_task(
    subject: models.Model | None,
    *,
    kind: str,
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
    """Make someone (or a team) aan zet for a step about ``subject`` (a pathway, say)."""
    task_kind(kind)
    if owner_role is None and owner_team is None:
        raise TransitionError("a task needs an owner: a person or a team")
    task = Task.objects.create(
        kind=kind,
        patient=_patient_of(subject),
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
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
        created_by_role=actor.role,
    )
    _history(task, TaskChange.CREATED, actor, detail=task.owner_label)
    _log(actor, task, AccessEvent.CREATE)
    publish(TaskCreated(task, actor))
    _after(task)
    return task


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
def do_transition_task(task: Task, status: TaskStatus, *, actor: Actor, note: str = "") -> None:
    """Move a task along requested → accepted → in progress → completed; or decline it (a
    reason is required: the one who asked is aan zet again) or cancel it."""
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if status not in _TRANSITIONS.get(locked.status, set()):
        raise TransitionError(f"a {locked.status} task cannot become {status}")
    if status == TaskStatus.DECLINED and not note.strip():
        raise TransitionError("declining a task needs a reason")
    task.status = status
    task.closed_at = None if status in OPEN_TASK_STATUSES else timezone.now()
    task.save(update_fields=["status", "closed_at", "updated_at"])
    change = TaskChange(status)
    _history(task, change, actor, note=note)
    _log(actor, task, AccessEvent.UPDATE, detail=status)
    publish(TaskChanged(task, change, actor, note))
    _after(task)


@transaction.atomic
def do_hand_over_task(
    task: Task,
    *,
    actor: Actor,
    owner_role: PractitionerRole | None = None,
    owner_team: Organization | None = None,
    owner_function: str = "",
    note: str = "",
) -> None:
    """Give an open task to a colleague or a team, with a note; it starts again as requested."""
    if not task.is_open:
        raise TransitionError("a closed task cannot be handed over")
    if (owner_role is None) == (owner_team is None):
        raise TransitionError("hand a task to one person or one team")
    task.owner_role, task.owner_team = owner_role, owner_team
    task.owner_function = owner_function if owner_team is not None else ""
    task.status = TaskStatus.REQUESTED
    task.save(update_fields=["owner_role", "owner_team", "owner_function", "status", "updated_at"])
    _history(task, TaskChange.HANDED_OVER, actor, note=note, detail=task.owner_label[:200])
    _log(actor, task, AccessEvent.UPDATE, detail="handed over")
    publish(TaskChanged(task, TaskChange.HANDED_OVER, actor, note))
    _after(task)


@transaction.atomic
def do_postpone_task(task: Task, *, due_at: datetime, reason: str, actor: Actor) -> None:
    """Give an open task a new deadline; the reason is kept in its history."""
    if not task.is_open:
        raise TransitionError("a closed task cannot be postponed")
    if not reason.strip():
        raise TransitionError("postponing a task needs a reason")
    before = task.due_at
    task.due_at = due_at
    task.save(update_fields=["due_at", "updated_at"])
    detail = (
        f"{timezone.localtime(before):%Y-%m-%d %H:%M} → {timezone.localtime(due_at):%Y-%m-%d %H:%M}"
    )
    _history(task, TaskChange.POSTPONED, actor, note=reason, detail=detail)
    _log(actor, task, AccessEvent.UPDATE, detail="postponed")
    publish(TaskChanged(task, TaskChange.POSTPONED, actor, reason))
    _after(task)


@transaction.atomic
def do_comment_on_task(task: Task, *, text: str, actor: Actor) -> TaskEvent:
    """A comment in the task's history (for the owner, the one who asked, the team)."""
    if not text.strip():
        raise TransitionError("a comment needs text")
    _history(task, TaskChange.COMMENT, actor, note=text)
    _log(actor, task, AccessEvent.UPDATE, detail="comment")
    publish(TaskChanged(task, TaskChange.COMMENT, actor, text))
    return task.history.order_by("-pk")[0]


# --- Signals ---------------------------------------------------------------------------------


@transaction.atomic
def do_take_signal(
    signal: Signal, *, actor: Actor, title: str, due_at: datetime, kind: str = "work.signal"
) -> Task:
    """ "I take it": the signal becomes a task for the actor, so someone is aan zet for it."""
    if actor.role is None:
        raise TransitionError("taking a signal needs a role to own the task")
    rule = signal_rule(signal.rule)
    task = do_create_task(
        signal.subject,
        kind=kind,
        title=title,
        due_at=due_at,
        actor=actor,
        owner_role=actor.role,
        description=str(rule.what_to_do) if rule else "",
        focus=("Signal", signal.pk),
    )
    Signal.objects.filter(pk=signal.pk).update(task=task)
    signal.task = task
    return task


@transaction.atomic
def do_snooze_signal(signal: Signal, *, until: datetime, reason: str, actor: Actor) -> None:
    """Hide an open signal from the worklists until a date, for a stated reason."""
    if not reason.strip():
        raise TransitionError("snoozing a signal needs a reason")
    signal.snoozed_until, signal.snooze_reason, signal.snoozed_by = until, reason, actor.user
    signal.save(update_fields=["snoozed_until", "snooze_reason", "snoozed_by"])
    if signal.patient is not None:
        log_patient_change(
            actor,
            signal.patient,
            AccessEvent.UPDATE,
            object_type="Signal",
            object_id=signal.pk,
            detail="snoozed",
        )


# --- Notifications -------------------------------------------------------------------------


@transaction.atomic
def do_mark_read(notifications: models.QuerySet[Notification]) -> int:
    """Mark notifications read (the user's own: the caller filters on recipient)."""
    return notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
