"""What the MDO tells the GP when their input request moves or is withdrawn."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from schakel.mdo.actions import MdoRequestMoved, MdoRequestWithdrawn
from schakel.work.models import Notification, Task
from schakel.work.notify import notify_about_task, task_owners


def _tell(task: Task, actor_user_id: int | None, kind: str) -> None:
    notify_about_task(task, task_owners(task) - {actor_user_id}, kind, task.title)


def on_request_moved(event: MdoRequestMoved) -> None:
    _tell(event.task, event.actor.user_id, "mdo_moved")


def on_request_withdrawn(event: MdoRequestWithdrawn) -> None:
    if event.item.input_request is not None:
        _tell(event.item.input_request, event.actor.user_id, "mdo_withdrawn")


def render_moved(notification: Notification) -> str:
    return _("An MDO was moved: your input request has a new deadline")


def render_withdrawn(notification: Notification) -> str:
    return _("An MDO input request was withdrawn")


def gp_input_action(task: Task) -> tuple[str, str]:
    url = reverse("mdo:gp_input", args=[task.subject_id])
    return _("Give MDO input"), f"{url}?agendapunt={task.focus_id}"


def advice_action(task: Task) -> tuple[str, str]:
    return _("Read the MDO advice"), reverse("mdo:outcomes", args=[task.subject_id])
