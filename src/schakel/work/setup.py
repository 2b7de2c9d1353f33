"""What the work layer registers of its own: its notification kinds, the task kind of a signal
taken up, its handlers and its menu entries."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schakel.core.events import subscribe
from schakel.work import notify
from schakel.work.events import TaskChanged, TaskCreated
from schakel.work.models import Notification
from schakel.work.registry import (
    NotificationKind,
    TaskKind,
    register_notification_kind,
    register_task_kind,
    signal_rule,
)


def _signal_text(notification: Notification) -> str:
    rule = signal_rule(notification.text)
    return _("Signal: %(rule)s") % {"rule": rule.label if rule else notification.text}


def _titled(text: Promise) -> Callable[[Notification], str]:
    def render(notification: Notification) -> str:
        return str(text) % {"title": notification.text}

    return render


def register() -> None:
    register_task_kind(TaskKind("work.signal", gettext_lazy("signal taken up")))
    for code, label, text in (
        ("task", gettext_lazy("new task"), gettext_lazy("New task for you: %(title)s")),
        (
            "task_declined",
            gettext_lazy("task declined"),
            gettext_lazy("A task you asked for was declined: %(title)s"),
        ),
        (
            "task_comment",
            gettext_lazy("comment on a task"),
            gettext_lazy("A comment on a task: %(title)s"),
        ),
    ):
        register_notification_kind(NotificationKind(code, label, _titled(text)))
    register_notification_kind(NotificationKind("signal", gettext_lazy("signal"), _signal_text))
    subscribe(TaskCreated, notify.on_task_created)
    subscribe(TaskChanged, notify.on_task_changed)
