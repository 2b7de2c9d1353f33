"""Who sees which tasks, signals and notifications.

Work about a patient follows the patient access decision (``patients.access``): the page
shows it only when the user may see the patient, and logs each patient shown. Work without a
patient is seen by its owner (person or team), the one who asked, and its escalation contact.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from schakel.accounts.models import User
from schakel.audit.models import AccessEvent
from schakel.core.request_cache import cached
from schakel.directory.access import active_roles
from schakel.directory.actor import Actor
from schakel.patients.access import get_patient_for_user, visible_patient_ids
from schakel.work.models import Signal, Task, TaskQuerySet


def team_condition(user: User | AnonymousUser, prefix: str = "") -> Q:
    """Tasks owned by a team the user belongs to (their organisation, their function)."""
    condition = Q(pk__in=[])
    for role in active_roles(user):
        condition |= Q(**{f"{prefix}owner_team_id": role.organization_id}) & (
            Q(**{f"{prefix}owner_function": ""}) | Q(**{f"{prefix}owner_function": role.function})
        )
    return condition


def involved_condition(user: User | AnonymousUser) -> Q:
    """The user owns the task (person or team), asked for it, or is its escalation contact."""
    roles = active_roles(user)
    return (
        Q(owner_role__in=roles)
        | team_condition(user)
        | Q(created_by_id=user.pk)
        | Q(escalation_role__in=roles)
    )


def visible_tasks(user: User | AnonymousUser) -> TaskQuerySet:
    """Tasks about patients the user may see, and the user's own tasks without a patient.

    Put together once per request, like ``visible_patients``; each caller gets a copy."""
    if not isinstance(user, User):
        return Task.objects.none()

    def build() -> TaskQuerySet:
        return Task.objects.filter(
            Q(patient_id__in=visible_patient_ids(user))
            | (Q(patient__isnull=True) & involved_condition(user))
        )

    return cached(("visible_tasks", user.pk), build).all()


def visible_signals(user: User | AnonymousUser) -> QuerySet[Signal]:
    """Open signals about patients the user may see (put together once per request)."""
    if not isinstance(user, User):
        return Signal.objects.none()
    return cached(
        ("visible_signals", user.pk),
        lambda: Signal.objects.filter(
            resolved_at__isnull=True, patient_id__in=visible_patient_ids(user)
        ),
    ).all()


@dataclass(frozen=True)
class TaskAccess:
    task: Task
    can_write: bool
    actor: Actor


def get_task_for_user(
    request: HttpRequest, pk: int | str, *, event: AccessEvent = AccessEvent.READ
) -> TaskAccess:
    """The task, if the user may see it (through its patient, logged; or as one involved);
    404 otherwise. ``actor`` is who writes through this access."""
    user = request.user
    if not isinstance(user, User):
        raise Http404
    try:
        task = Task.objects.select_related(
            "owner_role__practitioner", "owner_role__organization", "owner_team", "patient"
        ).get(pk=int(pk))
    except (Task.DoesNotExist, ValueError):
        raise Http404 from None
    if task.patient_id is not None:
        patient_access = get_patient_for_user(request, task.patient_id, event=event)
        return TaskAccess(
            task,
            patient_access.can_write,
            Actor(user, patient_access.role, request, patient_access.grounds),
        )
    if not Task.objects.filter(pk=task.pk).filter(involved_condition(user)).exists():
        raise Http404
    return TaskAccess(task, True, Actor.of(request))


def require_write(access: TaskAccess) -> Actor:
    if not access.can_write:
        raise PermissionDenied
    return access.actor
