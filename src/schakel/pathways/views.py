"""Pages on care pathways: my patients with cancer, the pathway, tasks. Reads through
``pathways.access`` (which logs); writes through ``pathways.actions``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schakel.audit.models import AccessEvent
from schakel.core.forms import kept_initial
from schakel.core.htmx import is_htmx
from schakel.core.messages import form_errors_as_messages
from schakel.pathways import actions
from schakel.pathways.access import get_pathway_for_user, visible_pathways
from schakel.pathways.forms import (
    EventForm,
    PathwayFilterForm,
    PhaseForm,
    StartPathwayForm,
    TaskForm,
    TeamMemberForm,
)
from schakel.pathways.models import ClosedReason, EventKind, PathwayHospital, Phase
from schakel.pathways.sections import render_sections
from schakel.patients.access import get_patient_for_user, log_patients_shown
from schakel.work.actions import do_create_task
from schakel.work.models import Signal, Task
from schakel.work.registry import signal_rule

# A screenful of cards: each row carries its patient, hospitals, who is aan zet and signals.
PAGE_SIZE = 25


def _with_overview(pathways: Any) -> Any:
    """What the list needs per pathway, in a fixed number of queries."""
    return pathways.select_related(
        "patient", "tumour_type", "case_manager__practitioner"
    ).prefetch_related(
        Prefetch(
            "hospitals",
            queryset=PathwayHospital.objects.filter(until__isnull=True).select_related("hospital"),
            to_attr="current_hospitals",
        ),
        Prefetch(
            "tasks",
            queryset=Task.objects.open()
            .select_related("owner_role__practitioner", "owner_role__organization", "owner_team")
            .order_by("due_at", "pk"),
            to_attr="open_tasks",
        ),
        Prefetch(
            "signals",
            queryset=Signal.objects.filter(resolved_at__isnull=True),
            to_attr="open_signals",
        ),
    )


@require_GET
@login_required
def pathway_list(request: HttpRequest) -> HttpResponse:
    """ "Mijn patiënten met kanker": phase, hospitals, case manager, who is aan zet, signals."""
    form = PathwayFilterForm(request.GET or None)
    pathways = visible_pathways(request.user)
    phase = form.cleaned_data.get("phase") if form.is_valid() else ""
    pathways = pathways.filter(phase=phase) if phase else pathways.exclude(phase=Phase.CLOSED)
    if form.is_valid() and form.cleaned_data.get("signals"):
        pathways = pathways.filter(
            Exists(Signal.objects.filter(pathway=OuterRef("pk"), resolved_at__isnull=True))
        )
    sort = (form.cleaned_data.get("sort") if form.is_valid() else "") or "name"
    order = {
        "name": ["patient__sort_name", "pk"],
        "phase": ["phase", "patient__sort_name", "pk"],
        "updated": ["-updated_at", "pk"],
    }[sort]
    page = Paginator(_with_overview(pathways.order_by(*order)), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    log_patients_shown(request, [pathway.patient_id for pathway in page])
    query = {k: str(v) for k, v in request.GET.items() if k != "pagina"}
    return render(
        request,
        "pathways/list.html",
        {
            "form": form,
            "page": page,
            "now": timezone.now(),
            "query": urlencode(query),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a pathway for a patient."""
    access = get_patient_for_user(
        request, pk, event=AccessEvent.UPDATE if request.method == "POST" else AccessEvent.READ
    )
    actor = access.actor(request)
    search = request.GET.get("zoeken", "").strip()[:100]
    form = StartPathwayForm(
        request.POST or None,
        user=request.user,
        search=search,
        initial=kept_initial(request, StartPathwayForm, "zoeken"),
    )
    if request.method == "POST" and form.is_valid():
        pathway = actions.do_start_pathway(
            access.patient,
            actor=actor,
            **form.cleaned_data,
        )
        messages.success(request, _("Pathway started."))
        return redirect(pathway)
    return render(
        request,
        "pathways/start.html",
        {"form": form, "patient": access.patient, "search": search},
    )


@dataclass(frozen=True)
class RecordForm:
    """A form to record something on a pathway: its panel's title, where it posts, its
    button, and its id when a picker's search refreshes it in place."""

    title: Promise
    action: str
    button: Promise
    form_id: str = ""


# By the name a link asks for them with. They are rendered when opened (htmx loads one into
# its panel; without JavaScript a link shows the page with that panel open), not on every
# view: four forms of fourteen fields, with their pickers, were half of the page's rendering.
RECORD_FORMS = {
    "taak": RecordForm(
        gettext_lazy("Create a task (who is aan zet)"),
        "pathways:add_task",
        gettext_lazy("Create task"),
    ),
    "tijdlijn": RecordForm(
        gettext_lazy("Add to the timeline"), "pathways:add_event", gettext_lazy("Add"), "event-form"
    ),
    "team": RecordForm(
        gettext_lazy("Add someone to the care team"),
        "pathways:add_team_member",
        gettext_lazy("Add"),
        "team-form",
    ),
    "fase": RecordForm(
        gettext_lazy("Change the phase"), "pathways:change_phase", gettext_lazy("Change")
    ),
}


def _open_form(request: HttpRequest, access: Any) -> str:
    """The record form this request asks for: by name, or by searching one of its pickers."""
    if not access.can_write:
        return ""
    if "persoon" in request.GET:
        return "team"
    if "organisatie" in request.GET:
        return "tijdlijn"
    asked = request.GET.get("formulier", "")
    return asked if asked in RECORD_FORMS else ""


def _record_form(request: HttpRequest, pathway: Any, which: str) -> Any:
    """One record form, with what a picker's search sent along kept filled in."""
    if which == "taak":
        return TaskForm(pathway)
    if which == "fase":
        return PhaseForm(initial={"phase": pathway.phase})
    if which == "team":
        return TeamMemberForm(
            pathway,
            search=request.GET.get("persoon", "").strip()[:100],
            initial=kept_initial(request, TeamMemberForm, "persoon"),
        )
    # Where it happened: the first current hospital, as the page lists them (a handful).
    current = next((h for h in pathway.hospitals.all() if h.is_current), None)
    return EventForm(
        pathway,
        initial={
            "organization": current.hospital_id if current else None,
            **kept_initial(request, EventForm, "organisatie"),
        },
        search=request.GET.get("organisatie", "").strip()[:100],
    )


@require_GET
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The pathway: who is aan zet, the hospitals, the care team, the timeline, signals."""
    access = get_pathway_for_user(request, pk)
    pathway = access.pathway
    open_form = _open_form(request, access)
    record = {
        "access": access,
        "pathway": pathway,
        "open_form": open_form,
        "record": RECORD_FORMS.get(open_form),
        "record_form": _record_form(request, pathway, open_form) if open_form else None,
        "organisation_search": request.GET.get("organisatie", "").strip()[:100],
        "person_search": request.GET.get("persoon", "").strip()[:100],
    }
    if open_form and is_htmx(request):  # a panel opened, or its picker searched: that form only
        fragment = render(request, "pathways/_record_form.html", record)
        fragment["Vary"] = "HX-Request"
        return fragment
    tasks = list(
        pathway.tasks.select_related(
            "owner_role__practitioner",
            "owner_role__organization",
            "owner_team",
            "escalation_role__practitioner",
        ).order_by("due_at", "pk")
    )
    open_tasks = [t for t in tasks if t.is_open]
    signals = list(pathway.signals.filter(resolved_at__isnull=True))
    hospitals = list(pathway.hospitals.select_related("hospital", "specialist__practitioner"))
    current = [h for h in hospitals if h.is_current]
    finder_query = urlencode(
        {
            "hospital": current[0].hospital_id if current else "",
            "tumour_type": pathway.tumour_type_id,
        }
    )
    context = {
        **record,
        "patient": pathway.patient,
        "aan_zet": open_tasks[0] if open_tasks else None,
        "open_tasks": open_tasks,
        "closed_tasks": [t for t in tasks if not t.is_open][:20],
        "signals": [(s, signal_rule(s.rule)) for s in signals],
        "hospitals": hospitals,
        "current_hospitals": current,
        "team": pathway.team.filter(until__isnull=True).select_related(
            "role__practitioner", "role__organization"
        ),
        "events": pathway.events.select_related(
            "organization", "to_organization", "recorded_by_role__practitioner"
        )[:100],
        "finder_query": finder_query,
        "record_panels": RECORD_FORMS,
        "now": timezone.now(),
        "sections": render_sections(request, access),
    }
    response = render(request, "pathways/detail.html", context)
    response["Vary"] = "HX-Request"  # the same address answers htmx with one form
    return response


@require_POST
@login_required
def add_event(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_pathway_for_user(request, pk, event=AccessEvent.UPDATE)
    actor = access.actor(request)
    form = EventForm(access.pathway, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        actions.do_record_event(
            access.pathway,
            EventKind(data["kind"]),
            actor=actor,
            occurred_at=data["occurred_at"],
            organization=data["organization"],
            to_organization=data["to_organization"],
            modality=data["modality"],
            summary=data["summary"],
        )
        messages.success(request, _("Added to the timeline."))
    else:
        form_errors_as_messages(request, form)
    return redirect(access.pathway)


@require_POST
@login_required
def add_task(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_pathway_for_user(request, pk, event=AccessEvent.UPDATE)
    actor = access.actor(request)
    form = TaskForm(access.pathway, request.POST)
    if form.is_valid():
        role, team = form.owner_objects()
        do_create_task(
            access.pathway,
            kind="pathways.step",
            title=form.cleaned_data["title"],
            due_at=form.due_at(),
            actor=actor,
            owner_role=role,
            owner_team=team,
            description=form.cleaned_data["description"],
            escalation_role=access.pathway.case_manager,
        )
        messages.success(request, _("Task created."))
    else:
        form_errors_as_messages(request, form)
    return redirect(access.pathway)


@require_POST
@login_required
def change_phase(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_pathway_for_user(request, pk, event=AccessEvent.UPDATE)
    actor = access.actor(request)
    form = PhaseForm(request.POST)
    if form.is_valid():
        reason = form.cleaned_data["closed_reason"]
        actions.do_change_phase(
            access.pathway,
            Phase(form.cleaned_data["phase"]),
            actor=actor,
            closed_reason=ClosedReason(reason) if reason else None,
        )
        messages.success(request, _("Phase changed."))
    else:
        form_errors_as_messages(request, form)
    return redirect(access.pathway)


@require_POST
@login_required
def add_team_member(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_pathway_for_user(request, pk, event=AccessEvent.UPDATE)
    actor = access.actor(request)
    form = TeamMemberForm(access.pathway, request.POST)
    if form.is_valid():
        actions.do_add_team_member(
            access.pathway,
            form.cleaned_data["role"],
            actor=actor,
            responsibility=form.cleaned_data["responsibility"],
        )
        messages.success(request, _("Added to the care team."))
    else:
        form_errors_as_messages(request, form)
    return redirect(access.pathway)
