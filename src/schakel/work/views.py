"""The work pages: "Vandaag", the task worklists and a task, the signal worklist, the inbox.

Work about a patient is shown only through the patient access decision, and every patient a
page names is logged (``log_patients_shown``). Writes go through ``work.actions``.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from schakel.audit.models import AccessEvent
from schakel.core.messages import form_errors_as_messages
from schakel.core.redirects import safe_next
from schakel.core.request_cache import cached
from schakel.core.today import render_sections
from schakel.core.workdays import working_days_after
from schakel.directory.access import CARE_FUNCTIONS, active_roles
from schakel.directory.actor import Actor
from schakel.directory.models import PractitionerRole
from schakel.patients.access import log_patients_shown, visible_to
from schakel.work import actions
from schakel.work.access import (
    get_task_for_user,
    require_write,
    team_condition,
    visible_signals,
    visible_tasks,
)
from schakel.work.forms import (
    CommentForm,
    HandOverForm,
    OwnerOption,
    PostponeForm,
    SignalListForm,
    SnoozeForm,
    StatusForm,
    TakeSignalForm,
    TaskListForm,
    end_of_working_day,
)
from schakel.work.models import Notification, Signal, Task, TaskStatus
from schakel.work.registry import owner_option_providers, registry, signal_rule

PAGE_SIZE = 50


def with_subjects(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """What a task list shows per row, in a fixed number of queries."""
    return tasks.select_related(
        "patient", "owner_role__practitioner", "owner_role__organization", "owner_team"
    ).prefetch_related("subject")


# --- Vandaag ---------------------------------------------------------------------------------


@require_GET
@login_required
def today(request: HttpRequest) -> HttpResponse:
    """The start page: what needs me today, per section the apps registered."""
    return render(
        request, "work/today.html", {"sections": render_sections(request), "now": timezone.now()}
    )


# --- Tasks -----------------------------------------------------------------------------------


def task_list(request: HttpRequest, which: str) -> QuerySet[Task]:
    user = request.user
    roles = active_roles(user)
    tasks = visible_tasks(user).open()
    if which == "mijn":
        return tasks.filter(owner_role__in=roles)
    if which == "team":
        return tasks.filter(team_condition(user))
    if which == "gegeven":
        return tasks.filter(created_by_id=user.pk).exclude(owner_role__in=roles)
    return tasks.filter(
        Q(owner_role__in=roles) | team_condition(user) | Q(escalation_role__in=roles)
    ).filter(due_at__lt=timezone.now())


@require_GET
@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    """Mijn taken, taken van mijn team, te laat, taken die ik gaf: late first."""
    form = TaskListForm(request.GET)
    if not form.is_valid():
        raise Http404
    which = form.cleaned_data["lijst"] or "mijn"
    tasks = with_subjects(task_list(request, which)).order_by("due_at", "pk")
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("pagina"))
    log_patients_shown(request, [t.patient_id for t in page if t.patient_id])
    return render(request, "work/tasks.html", {"page": page, "which": which, "now": timezone.now()})


def owner_options(task: Task, actor: Actor) -> dict[str, OwnerOption]:
    """Colleagues and teams a task can be handed to: those the subject offers (a pathway's
    care team), the actor's colleagues, and the actor's organisations as teams."""
    options: dict[str, OwnerOption] = {}
    provider = owner_option_providers.get(type(task.subject)) if task.subject else None
    if provider is not None:
        options.update(provider(task.subject))
    organisations = [r.organization for r in active_roles(actor.user)] if actor.user else []
    colleagues = (
        PractitionerRole.objects.active()
        .filter(
            organization__in=organisations,
            practitioner__user__isnull=False,
            function__in=CARE_FUNCTIONS,
        )
        .select_related("practitioner", "organization")
        .order_by("practitioner__sort_name")[:200]
    )
    for role in colleagues:
        options.setdefault(
            f"role:{role.pk}",
            (
                f"{role.practitioner.full_name} ({role.function_label}, {role.organization})",
                role,
                None,
            ),
        )
    for organisation in organisations:
        options.setdefault(
            f"team:{organisation.pk}",
            (_("Team: %(name)s") % {"name": organisation}, None, organisation),
        )
    return options


@require_GET
@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A task: what, for whom, its history, and what can be done with it."""
    access = get_task_for_user(request, pk)
    task = access.task
    history = task.history.order_by("at", "pk")
    context = {
        "task": task,
        "access": access,
        "history": history,
        "status_form": StatusForm(),
        "hand_over_form": HandOverForm(owner_options(task, access.actor)) if task.is_open else None,
        "postpone_form": PostponeForm(initial={"due_on": timezone.localdate(task.due_at)}),
        "comment_form": CommentForm(),
        "kind": registry.task_kinds.get(task.kind),
        "now": timezone.now(),
    }
    return render(request, "work/task.html", context)


def _task_write(request: HttpRequest, pk: int) -> tuple[Task, Actor]:
    access = get_task_for_user(request, pk, event=AccessEvent.UPDATE)
    return access.task, require_write(access)


@require_POST
@login_required
def task_status(request: HttpRequest, pk: int) -> HttpResponse:
    task, actor = _task_write(request, pk)
    form = StatusForm(request.POST)
    target = safe_next(request, task.get_absolute_url())
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect(task)
    try:
        actions.do_transition_task(
            task,
            TaskStatus(form.cleaned_data["status"]),
            actor=actor,
            note=form.cleaned_data["note"],
        )
    except actions.TransitionError:
        messages.error(request, _("This task cannot change to that status any more."))
    else:
        messages.success(request, _("Task updated."))
    return redirect(target)


@require_POST
@login_required
def task_hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    task, actor = _task_write(request, pk)
    form = HandOverForm(owner_options(task, actor), request.POST)
    if form.is_valid():
        role, team = form.owner_objects()
        try:
            actions.do_hand_over_task(
                task, actor=actor, owner_role=role, owner_team=team, note=form.cleaned_data["note"]
            )
        except actions.TransitionError:
            messages.error(request, _("This task is closed and cannot be handed over."))
        else:
            messages.success(
                request, _("Task handed over to %(owner)s.") % {"owner": task.owner_label}
            )
    else:
        form_errors_as_messages(request, form)
    return redirect(task)


@require_POST
@login_required
def task_postpone(request: HttpRequest, pk: int) -> HttpResponse:
    task, actor = _task_write(request, pk)
    form = PostponeForm(request.POST)
    if form.is_valid():
        try:
            actions.do_postpone_task(
                task,
                due_at=end_of_working_day(form.cleaned_data["due_on"]),
                reason=form.cleaned_data["reason"],
                actor=actor,
            )
        except actions.TransitionError:
            messages.error(request, _("This task is closed and cannot be postponed."))
        else:
            messages.success(request, _("New deadline set."))
    else:
        form_errors_as_messages(request, form)
    return redirect(task)


@require_POST
@login_required
def task_comment(request: HttpRequest, pk: int) -> HttpResponse:
    task, actor = _task_write(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        actions.do_comment_on_task(task, text=form.cleaned_data["text"], actor=actor)
        messages.success(request, _("Comment added."))
    else:
        form_errors_as_messages(request, form)
    return redirect(task)


# --- Signals ---------------------------------------------------------------------------------


def signal_rows(request: HttpRequest, signals: QuerySet[Signal]) -> list[tuple[Signal, Any]]:
    rows = [(s, signal_rule(s.rule)) for s in signals]
    log_patients_shown(request, [s.patient_id for s, _r in rows if s.patient_id])
    return rows


def open_signals(request: HttpRequest, *, mine: bool = False) -> QuerySet[Signal]:
    now = timezone.now()
    signals = (
        visible_signals(request.user)
        .filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=now))
        .select_related("patient", "task__owner_role__practitioner")
        .prefetch_related("subject")
        .order_by("opened_at", "pk")
    )
    if mine:
        roles = active_roles(request.user)
        provider_filter = Q(pk__in=[])
        for filter_for in registry.responsibility_filters:
            provider_filter |= filter_for(roles)
        signals = signals.filter(provider_filter)
    return signals


@require_GET
@login_required
def signal_list(request: HttpRequest) -> HttpResponse:
    """Open signals on my patients: what, which patient, since when, why, what to do."""
    rules = [(r.code, str(r.label)) for r in registry.signal_rules.values()]
    form = SignalListForm(rules, request.GET)
    if not form.is_valid():
        raise Http404
    signals = open_signals(request, mine=form.cleaned_data["mijn"])
    if form.cleaned_data["regel"]:
        signals = signals.filter(rule=form.cleaned_data["regel"])
    page = Paginator(signals, PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows = signal_rows(request, page.object_list)  # type: ignore[arg-type]
    default_due = working_days_after(timezone.localdate(), 2)
    return render(
        request,
        "work/signals.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "take_form": TakeSignalForm(initial={"due_on": default_due}),
            "snooze_form": SnoozeForm(initial={"until": timezone.localdate() + timedelta(days=7)}),
            "now": timezone.now(),
        },
    )


def _signal_for(request: HttpRequest, pk: int) -> tuple[Signal, Actor]:
    """An open signal on a patient the user may write for (404 otherwise; logged)."""
    signal = get_object_or_404(Signal, pk=pk, resolved_at__isnull=True)
    if signal.patient_id is None:
        raise Http404
    from schakel.patients.access import get_patient_for_user

    access = get_patient_for_user(request, signal.patient_id, event=AccessEvent.UPDATE)
    return signal, access.actor(request)


@require_POST
@login_required
def take_signal(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Ik pak dit op": the signal becomes my task."""
    signal, actor = _signal_for(request, pk)
    form = TakeSignalForm(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect("work:signals")
    rule = signal_rule(signal.rule)
    task = actions.do_take_signal(
        signal,
        actor=actor,
        title=str(rule.label if rule else signal.rule).capitalize(),
        due_at=end_of_working_day(form.cleaned_data["due_on"]),
    )
    messages.success(request, _("You took up this signal: it is now your task."))
    return redirect("work:task", task.pk)


@require_POST
@login_required
def snooze_signal(request: HttpRequest, pk: int) -> HttpResponse:
    signal, actor = _signal_for(request, pk)
    form = SnoozeForm(request.POST)
    if form.is_valid():
        actions.do_snooze_signal(
            signal,
            until=end_of_working_day(form.cleaned_data["until"]),
            reason=form.cleaned_data["reason"],
            actor=actor,
        )
        messages.success(request, _("Signal snoozed."))
    else:
        form_errors_as_messages(request, form)
    return redirect("work:signals")


# --- Notifications ---------------------------------------------------------------------------


def bundle(notifications: list[Notification]) -> list[list[Notification]]:
    """Notifications about the same subject, one after another in time, as one line."""
    groups: OrderedDict[Any, list[Notification]] = OrderedDict()
    for n in notifications:
        # Per patient (a pathway's news and its tasks together), else per subject.
        if n.patient_id is not None:
            key: Any = ("patient", n.patient_id)
        elif n.subject_id is not None:
            key = n.subject_key
        else:
            key = ("n", n.pk)
        groups.setdefault(key, []).append(n)
    return list(groups.values())


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first, bundled per subject. The patient is named
    where the user may still see them (each one shown is logged)."""
    only_unread = request.GET.get("ongelezen") == "1"
    notifications = Notification.objects.filter(recipient_id=request.user.pk).select_related(
        "patient"
    )
    if only_unread:
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("pagina"))
    shown = log_patients_shown(request, [n.patient_id for n in page if n.patient_id])
    groups = []
    for group in bundle(list(page)):
        first = group[0]
        kind = registry.notification_kinds.get(first.kind)
        groups.append(
            {
                "first": first,
                "count": len(group),
                "unread": any(n.read_at is None for n in group),
                "text": kind.render(first) if kind else first.text,
                "patient": first.patient if first.patient_id in shown else None,
                "hidden_patient": first.patient_id is not None and first.patient_id not in shown,
            }
        )
    return render(
        request,
        "work/inbox.html",
        {"page": page, "groups": groups, "only_unread": only_unread},
    )


@require_POST
@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark it (and the others about the same subject) read and go there; where that is no
    longer possible, a page that says why instead of a 404."""
    notification = get_object_or_404(Notification, pk=pk, recipient_id=request.user.pk)
    mine = Notification.objects.filter(recipient_id=request.user.pk)
    if notification.subject_id is not None:
        actions.do_mark_read(
            mine.filter(
                subject_type_id=notification.subject_type_id, subject_id=notification.subject_id
            )
        )
    else:
        actions.do_mark_read(mine.filter(pk=pk))
    if notification.patient_id is not None and notification.patient_id not in visible_to(
        request.user
    ):
        return render(request, "work/notification_gone.html", {"reason": "access"})
    subject = notification.subject
    if isinstance(subject, Task) and not subject.is_open:
        return render(request, "work/notification_gone.html", {"reason": "closed", "task": subject})
    if subject is None:
        if notification.subject_id is not None:
            return render(request, "work/notification_gone.html", {"reason": "removed"})
        return redirect("work:inbox")
    url = getattr(subject, "get_absolute_url", None)
    return redirect(url() if url else "work:inbox")


@require_POST
@login_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = actions.do_mark_read(Notification.objects.filter(recipient_id=request.user.pk))
    messages.success(request, _("%(n)d notifications marked as read.") % {"n": count})
    return redirect("work:inbox")


def unread_count(request: HttpRequest) -> int:
    """Unread notifications: the menu's badge and "Vandaag" ask it once per request."""
    return cached(
        ("unread_notifications", request.user.pk),
        Notification.objects.filter(recipient_id=request.user.pk, read_at__isnull=True).count,
    )
