"""The work layer's parts of the "Vandaag" start page: my tasks (late first), my team's,
signals on my patients, unread notifications. Each shows at most a handful of rows and links
to its full list; each patient named is logged."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from schakel.core.today import TodaySection, register_today_section
from schakel.directory.access import active_roles, cares_for_patients
from schakel.patients.access import log_patients_shown
from schakel.work.access import team_condition, visible_tasks
from schakel.work.models import Notification
from schakel.work.registry import registry

ROWS = 8


def _tasks_section(request: HttpRequest, *, team: bool) -> SafeString | str:
    from schakel.work.views import with_subjects

    user = request.user
    if not cares_for_patients(user):
        return ""
    now = timezone.now()
    condition = team_condition(user) if team else Q(owner_role__in=active_roles(user))
    tasks = visible_tasks(user).open().filter(condition)
    late_first = tasks.annotate(
        late=Case(
            When(due_at__lt=now, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("late", "due_at", "pk")
    rows = list(with_subjects(late_first)[:ROWS])
    if not rows:
        return ""
    log_patients_shown(request, [t.patient_id for t in rows if t.patient_id])
    if len(rows) < ROWS:  # all of them are here: count them here
        total, late = len(rows), sum(1 for t in rows if t.due_at < now)
    else:  # one query for both counts
        counts = tasks.aggregate(total=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now)))
        total, late = counts["total"], counts["late"]
    return render_to_string(
        "work/_today_tasks.html",
        {"tasks": rows, "total": total, "late": late, "team": team, "now": now},
        request,
    )


def _signals_section(request: HttpRequest) -> SafeString | str:
    from schakel.work.views import open_signals, signal_rows

    if not cares_for_patients(request.user):
        return ""
    signals = open_signals(request, mine=True)
    rows = signal_rows(request, signals[:ROWS])
    return render_to_string(
        "work/_today_signals.html",
        {"rows": rows, "total": signals.count() if len(rows) == ROWS else len(rows)},
        request,
    )


def _notifications_section(request: HttpRequest) -> SafeString | str:
    from schakel.work.views import unread_count

    unread = Notification.objects.filter(recipient_id=request.user.pk, read_at__isnull=True)
    count = unread_count(request)
    if not count:
        return ""
    latest = list(unread.order_by("-created_at", "-pk")[:5])
    texts = []
    for n in latest:
        kind = registry.notification_kinds.get(n.kind)
        texts.append((n, kind.render(n) if kind else n.text))
    return render_to_string(
        "work/_today_notifications.html", {"count": count, "latest": texts}, request
    )


def register() -> None:
    register_today_section(TodaySection("my_tasks", 10, lambda r: _tasks_section(r, team=False)))
    register_today_section(TodaySection("team_tasks", 20, lambda r: _tasks_section(r, team=True)))
    register_today_section(TodaySection("signals", 30, _signals_section))
    register_today_section(TodaySection("notifications", 90, _notifications_section))
