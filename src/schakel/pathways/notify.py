"""What the pathways app tells people, and writes on the timeline, when things happen.

- news on a pathway: everyone who follows it (case manager, GP, care team), not the author;
- a signal on a pathway: its case manager and GP, set-based, only those who may see the
  patient;
- a task about a pathway that is created or changes: a line on its timeline.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Value
from django.utils.translation import gettext as _

from schakel.core.sql import insert_select
from schakel.directory.actor import Actor
from schakel.pathways.actions import PathwayEventRecorded, do_record_event
from schakel.pathways.models import CarePathway, CareTeamMember, EventKind
from schakel.patients.access import role_sees_patient
from schakel.work.engine import SignalsOpened
from schakel.work.events import TaskChanged, TaskCreated
from schakel.work.models import Notification, Signal, Task, TaskChange
from schakel.work.notify import notify


def followers(pathway: CarePathway) -> set[int]:
    """The users who follow a pathway: its case manager, its GP and its care team."""
    team = CareTeamMember.objects.filter(pathway=pathway, until__isnull=True).values_list(
        "role__practitioner__user_id", flat=True
    )
    users = {
        pathway.case_manager.practitioner.user_id if pathway.case_manager else None,
        pathway.general_practitioner.practitioner.user_id if pathway.general_practitioner else None,
        *team,
    }
    return {u for u in users if u is not None}


def on_pathway_event(recorded: PathwayEventRecorded) -> None:
    event = recorded.event
    if event.kind in (EventKind.TASK, EventKind.PHASE):
        return  # task changes notify through the work layer; a phase change is not news
    pathway = CarePathway.objects.select_related(
        "case_manager__practitioner", "general_practitioner__practitioner", "patient"
    ).get(pk=event.pathway_id)
    notify(
        followers(pathway) - {recorded.actor.user_id},
        "pathway",
        event.kind,
        patient=pathway.patient,
        subject_type_id=ContentType.objects.get_for_model(CarePathway).pk,
        subject_id=pathway.pk,
    )


def on_signals_opened(opened: SignalsOpened) -> None:
    """INSERT … SELECT per rule and follower role: no list of ids, no loop per pathway.

    (Per rule, because the pathways are chosen with ``pk IN (new signals)``: one statement
    for all rules would join the signals, and the planner, which cannot know how many were
    just opened, then picks a nested loop that is ruinous for a first round of thousands.)
    """
    subject_type = ContentType.objects.get_for_model(CarePathway)
    columns = ["recipient", "kind", "text", "patient", "subject_type", "subject_id", "created_at"]
    for code in opened.codes(CarePathway):
        new = Signal.objects.filter(
            rule=code, subject_type=subject_type, opened_at=opened.at
        ).values("subject_id")
        pathways = CarePathway.objects.filter(pk__in=new)
        for role in ("case_manager", "general_practitioner"):
            rows = (
                pathways.filter(role_sees_patient(role, "patient"))
                # "has an account" as its own condition: the database then starts from the
                # few people with an account where most have none, instead of walking every
                # practitioner in the country in the order of their account (0.3 s a rule).
                .filter(**{f"{role}__practitioner__user__isnull": False})
                .filter(**{f"{role}__practitioner__user__is_active": True})
                .values_list(
                    f"{role}__practitioner__user_id",
                    Value("signal"),
                    Value(code),
                    "patient_id",
                    Value(subject_type.pk),
                    "pk",
                    Value(opened.at),
                )
            )
            insert_select(Notification, columns, rows)


def _timeline(task: Task, text: str, actor: Actor) -> None:
    if not isinstance(task.subject, CarePathway):
        return
    do_record_event(task.subject, EventKind.TASK, actor=actor, summary=text)


def on_task_created(created: TaskCreated) -> None:
    task = created.task
    _timeline(
        task,
        _("Task “%(title)s” for %(owner)s") % {"title": task.title, "owner": task.owner_label},
        created.actor,
    )


def on_task_changed(changed: TaskChanged) -> None:
    task = changed.task
    what = TaskChange(changed.change).label
    text = _("Task “%(title)s”: %(what)s") % {"title": task.title, "what": what}
    if changed.change == TaskChange.HANDED_OVER:
        text += " → " + task.owner_label
    if changed.note:
        text += f" ({changed.note})"
    _timeline(task, text, changed.actor)


def render_pathway_news(notification: Notification) -> str:
    kind = notification.text
    what = EventKind(kind).label if kind in EventKind.values else ""
    return _("News on a pathway you follow: %(what)s") % {"what": what}
