"""How question tasks and notifications read, and where they lead."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from schakel.work.models import Notification, Task


def _question_id(task: Task) -> int | None:
    return task.subject_id if task.subject_type_id is not None else None


def answer_action(task: Task) -> tuple[str, str] | None:
    pk = _question_id(task)
    return (_("Answer the question"), reverse("messaging:question", args=[pk])) if pk else None


def read_action(task: Task) -> tuple[str, str] | None:
    pk = _question_id(task)
    return (_("Read the answer"), reverse("messaging:question", args=[pk])) if pk else None


def render_question_late(notification: Notification) -> str:
    return _("Your question has had no answer in time; it is now with the team as well: %(s)s") % {
        "s": notification.text
    }
