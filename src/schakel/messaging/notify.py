"""Who hears about what: the handlers of the pathways' events, and the bundled e-mail.

- a new task: its owner, or everyone in the owning team;
- a signal: the pathway's network case manager and GP;
- news on a pathway: everyone who follows it (care team, case manager, GP), not the author.

E-mail says only that there is something new in Schakel, with a link: never a patient's name,
BSN or diagnosis. Each user gets at most one e-mail per bundling period.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from schakel.accounts.models import User
from schakel.core.events import subscribe
from schakel.directory.models import PractitionerRole
from schakel.messaging.models import Notification, NotificationKind
from schakel.pathways.models import CarePathway, CareTeamMember, PathwayEvent, Task


def _users_of(roles: Iterable[PractitionerRole | None]) -> set[int]:
    return {
        role.practitioner.user_id
        for role in roles
        if role is not None and role.practitioner.user_id is not None
    }


def _notify(
    user_ids: Iterable[int], kind: NotificationKind, detail: str, pathway_id: int | None
) -> None:
    Notification.objects.bulk_create(
        Notification(recipient_id=uid, kind=kind, text=detail[:200], pathway_id=pathway_id)
        for uid in sorted(set(user_ids))
    )


def _task_owners(task: Task) -> set[int]:
    if task.owner_role is not None:
        return _users_of([task.owner_role])
    team = PractitionerRole.objects.active().filter(organization=task.owner_team)
    if task.owner_function:
        team = team.filter(function=task.owner_function)
    return set(
        team.exclude(practitioner__user__isnull=True).values_list(
            "practitioner__user_id", flat=True
        )
    )


def on_task_created(*, task: Task, acting_user: User, **_: Any) -> None:
    _notify(
        _task_owners(task) - {acting_user.pk}, NotificationKind.TASK, task.title, task.pathway_id
    )


def on_mdo_request_moved(*, task: Task, acting_user: User, **_: Any) -> None:
    _notify(_task_owners(task) - {acting_user.pk}, NotificationKind.MDO, "moved", task.pathway_id)


def on_mdo_request_withdrawn(*, item: Any, acting_user: User, **_: Any) -> None:
    if item.input_request is not None:
        _notify(
            _task_owners(item.input_request) - {acting_user.pk},
            NotificationKind.MDO,
            "withdrawn",
            item.pathway_id,
        )


def on_signals_opened(*, rule: str, pathway_ids: list[int], **_: Any) -> None:
    rows = CarePathway.objects.filter(pk__in=pathway_ids).values_list(
        "pk", "case_manager__practitioner__user_id", "general_practitioner__practitioner__user_id"
    )
    Notification.objects.bulk_create(
        Notification(recipient_id=uid, kind=NotificationKind.SIGNAL, text=rule, pathway_id=pk)
        for pk, *users in rows
        for uid in sorted({u for u in users if u is not None})
    )


def on_pathway_event(*, event: PathwayEvent, acting_user: User, **_: Any) -> None:
    pathway = CarePathway.objects.select_related(
        "case_manager__practitioner", "general_practitioner__practitioner"
    ).get(pk=event.pathway_id)
    team = CareTeamMember.objects.filter(pathway=pathway, until__isnull=True).select_related(
        "role__practitioner"
    )
    users = _users_of(
        [pathway.case_manager, pathway.general_practitioner, *(member.role for member in team)]
    )
    _notify(users - {acting_user.pk}, NotificationKind.PATHWAY, event.kind, pathway.pk)


def subscribe_all() -> None:
    subscribe("task_created", on_task_created)
    subscribe("signals_opened", on_signals_opened)
    subscribe("pathway_event_recorded", on_pathway_event)
    subscribe("mdo_request_moved", on_mdo_request_moved)
    subscribe("mdo_request_withdrawn", on_mdo_request_withdrawn)


def send_notification_emails() -> int:
    """One e-mail per user with unread, un-mailed notifications, at most once per period."""
    now = timezone.now()
    period = timedelta(minutes=settings.SCHAKEL_NOTIFICATION_EMAIL_MINUTES)
    pending = Notification.objects.filter(
        recipient=OuterRef("pk"), emailed_at__isnull=True, read_at__isnull=True
    )
    users = list(
        User.objects.filter(is_active=True)
        .filter(Exists(pending))
        .annotate(last_mailed=Max("notifications__emailed_at"))
        .filter(Q(last_mailed__isnull=True) | Q(last_mailed__lt=now - period))
    )
    if not users:
        return 0
    messages = []
    for user in users:
        with translation.override(user.language):
            messages.append(
                EmailMessage(
                    subject=_("Something new for you in Schakel"),
                    body=_(
                        "There is something new for you in Schakel.\n\n"
                        "Read it after logging in: %(url)s\n\n"
                        "This e-mail deliberately contains no patient data."
                    )
                    % {"url": f"{settings.SITE_URL}/meldingen/"},
                    to=[user.email],
                )
            )
    with get_connection() as connection:
        connection.send_messages(messages)
    with transaction.atomic():
        Notification.objects.filter(
            recipient__in=users, emailed_at__isnull=True, read_at__isnull=True
        ).update(emailed_at=now)
    return len(messages)
