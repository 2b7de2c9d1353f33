"""What handovers tell people, beside the tasks the work layer already announces: a changed
aftercare plan reaches the GP practice that took the patient over."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from schakel.handovers.actions import PlanRevised
from schakel.handovers.models import AftercareCheck
from schakel.work.models import Notification, Task
from schakel.work.notify import notify_about_task, task_owners


def on_plan_revised(event: PlanRevised) -> None:
    """Told through the GP's first open check task (its owners are the ones who follow up)."""
    check = (
        AftercareCheck.objects.filter(version=event.version)
        .exclude(task=None)
        .select_related("task")
        .first()
    )
    if check is not None and check.task is not None:
        owners = task_owners(check.task) - {event.actor.user_id}
        notify_about_task(check.task, owners, "handover_plan_changed", event.version.change_note)


def render_plan_changed(notification: Notification) -> str:
    return _("The aftercare plan was changed: %(what)s") % {"what": notification.text}


def handover_action(task: Task) -> tuple[str, str]:
    return _("Open the handover"), reverse("handovers:detail", args=[task.focus_id])


def check_action(task: Task) -> tuple[str, str] | None:
    handover_id = (
        AftercareCheck.objects.filter(pk=task.focus_id)
        .values_list("version__plan__handover_id", flat=True)
        .first()
    )
    if handover_id is None:
        return None
    return _("Open the aftercare plan"), reverse("handovers:detail", args=[handover_id])


def contact_moment_action(task: Task) -> tuple[str, str]:
    return _("Record the outcome"), reverse("handovers:contact_moment", args=[task.focus_id])


def consultation_action(task: Task) -> tuple[str, str]:
    return _("Open the question"), reverse("consultations:booking", args=[task.focus_id])


def render_consultation_cancelled(notification: Notification) -> str:
    return _("A consultation moment you booked does not take place: %(why)s") % {
        "why": notification.text
    }


def render_consultation_outcome(notification: Notification) -> str:
    return _("The answer to your question at the consultation moment is recorded.")
