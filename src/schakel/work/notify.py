"""Who hears about what the work layer does, and the bundled e-mail.

- a new task: its owner, or the members of the owning team who may see the patient;
- a task handed over: the new owner(s); declined: the one who asked; a comment: the owner
  and the one who asked.

A notification about a patient reaches only people who may see that patient. Its stored text
is a code or a title checked for identifying content; the inbox names the patient only through
the access decision, and e-mail says only that there is something new in Schakel.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from schakel.accounts.models import User
from schakel.core.identifiers import bsn_passes_eleven_check
from schakel.directory.models import PractitionerRole
from schakel.patients.access import users_who_may_see
from schakel.patients.models import Patient
from schakel.work.events import TaskChanged, TaskCreated
from schakel.work.models import Notification, Task, TaskChange
from schakel.work.registry import notification_kind

_NINE_DIGITS = re.compile(r"\b\d[\d .]{7,11}\d\b")


def redact(text: str, patient: Patient | None) -> str:
    """Free text on its way into a notification: BSNs and the patient's names taken out."""

    def bsn(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group())
        return "…" if len(digits) == 9 and bsn_passes_eleven_check(digits) else match.group()

    text = _NINE_DIGITS.sub(bsn, text)
    if patient is not None:
        for name in {patient.family_name, patient.given_name, patient.full_name}:
            if len(name) >= 2:
                text = re.sub(re.escape(name), "…", text, flags=re.IGNORECASE)
    return text


def notify(
    user_ids: Iterable[int],
    kind: str,
    text: str,
    *,
    patient: Patient | None,
    subject_type_id: int | None,
    subject_id: int | None,
) -> int:
    """Tell these users; about a patient, only those who may see them."""
    notification_kind(kind)
    users = set(user_ids)
    if patient is not None:
        users = users_who_may_see(patient, users)
    Notification.objects.bulk_create(
        Notification(
            recipient_id=uid,
            kind=kind,
            text=redact(text, patient)[:200],
            patient=patient,
            subject_type_id=subject_type_id,
            subject_id=subject_id,
        )
        for uid in sorted(users)
    )
    return len(users)


def task_owners(task: Task) -> set[int]:
    """The users behind a task's owner: the person, or the team's members (by function)."""
    if task.owner_role is not None:
        user_id = task.owner_role.practitioner.user_id
        return {user_id} if user_id is not None else set()
    team = PractitionerRole.objects.active().filter(organization=task.owner_team)
    if task.owner_function:
        team = team.filter(function=task.owner_function)
    return set(
        team.exclude(practitioner__user__isnull=True).values_list(
            "practitioner__user_id", flat=True
        )
    )


def notify_about_task(task: Task, user_ids: set[int], kind: str, text: str) -> None:
    """About the task itself: opening it leads to the task (or says it was closed)."""
    notify(
        user_ids,
        kind,
        text,
        patient=task.patient,
        subject_type_id=subject_type_of(Task),
        subject_id=task.pk,
    )


def on_task_created(event: TaskCreated) -> None:
    notify_about_task(
        event.task, task_owners(event.task) - {event.actor.user_id}, "task", event.task.title
    )


def on_task_changed(event: TaskChanged) -> None:
    task, actor = event.task, event.actor
    asker = {task.created_by_id} if task.created_by_id is not None else set()
    if event.change == TaskChange.HANDED_OVER:
        users, kind = task_owners(task), "task"
    elif event.change == TaskChange.DECLINED:
        users, kind = asker, "task_declined"
    elif event.change == TaskChange.COMMENT:
        users, kind = task_owners(task) | asker, "task_comment"
    else:
        return
    notify_about_task(task, users - {actor.user_id}, kind, task.title)


def subject_type_of(model: type) -> int:
    return ContentType.objects.get_for_model(model).pk


def send_notification_emails() -> int:
    """One e-mail per user with unread, un-mailed notifications, at most once per period.

    User by user, the notifications are claimed (marked as mailed, committed) and then the
    e-mail goes: two workers never both send to one user (the second claims nothing), and a
    worker killed mid-way loses at most the one e-mail in flight; a new run sends the rest.
    """
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
        .order_by("pk")
    )
    sent = 0
    if not users:
        return 0
    with get_connection() as connection:
        for user in users:
            with transaction.atomic():
                claimed = Notification.objects.filter(
                    recipient=user, emailed_at__isnull=True, read_at__isnull=True
                ).update(emailed_at=now)
            if not claimed:
                continue  # another worker has just mailed this user
            with translation.override(user.language):
                message = EmailMessage(
                    subject=_("Something new for you in Schakel"),
                    body=_(
                        "There is something new for you in Schakel.\n\n"
                        "Read it after logging in: %(url)s\n\n"
                        "This e-mail deliberately contains no patient data."
                    )
                    % {"url": f"{settings.SITE_URL}/meldingen/"},
                    to=[user.email],
                )
            connection.send_messages([message])
            sent += 1
    return sent
