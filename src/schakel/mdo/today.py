"""The MDO's part of "Vandaag": input requests for me or my team, with their deadlines."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from schakel.core.today import TodayRow, render_today_list
from schakel.directory.access import active_roles
from schakel.mdo.notify import gp_input_action
from schakel.patients.access import log_patients_shown
from schakel.work.access import team_condition, visible_tasks


def input_requests(request: HttpRequest) -> SafeString | str:
    user = request.user
    tasks = list(
        visible_tasks(user)
        .open()
        .filter(kind="mdo.gp_input")
        .filter(Q(owner_role__in=active_roles(user)) | team_condition(user))
        .select_related("patient")
        .order_by("due_at", "pk")[:10]
    )
    shown = log_patients_shown(request, [t.patient_id for t in tasks if t.patient_id])
    now = timezone.now()
    rows = []
    for task in tasks:
        _label, url = gp_input_action(task)
        deadline = timezone.localtime(task.due_at)
        rows.append(
            TodayRow(
                text=task.title,
                url=url,
                patient=task.patient.sorted_name
                if task.patient_id in shown and task.patient
                else "",
                meta=_("input before %(when)s") % {"when": f"{deadline:%d-%m %H:%M}"},
                late=task.due_at < now,
            )
        )
    return render_today_list(request, "mdo", _("MDO input requested"), rows)
