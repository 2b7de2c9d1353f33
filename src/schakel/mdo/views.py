"""MDO pages: meetings, the agenda with the GP's input beside each case, the GP input form."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schakel.accounts.middleware import two_factor_exempt
from schakel.accounts.models import User
from schakel.audit.models import AccessEvent
from schakel.core.forms import kept_initial
from schakel.core.messages import form_errors_as_messages
from schakel.directory.access import acting_role, active_roles
from schakel.directory.actor import Actor
from schakel.directory.models import MEDICAL_SPECIALISTS, Organization, PractitionerRole
from schakel.mdo import actions
from schakel.mdo.access import (
    can_manage_series,
    can_plan_regional,
    get_agenda_item_for_user,
    get_meeting_for_user,
    meetings_for,
    my_cases,
    series_for,
    series_hospitals,
)
from schakel.mdo.calendar import do_reset_calendar_feed, feed_ics, meeting_ics
from schakel.mdo.forms import (
    AgendaForm,
    CancelForm,
    GpInputForm,
    MoveForm,
    OutcomeChoiceForm,
    OutcomeForm,
    SeriesForm,
)
from schakel.mdo.models import AgendaItem, CalendarFeed, GpInput, MdoOutcome, MeetingStatus
from schakel.pathways.access import get_pathway_for_user, search_pathways, visible_pathways
from schakel.pathways.models import Phase
from schakel.patients.access import log_patients_shown
from schakel.proms.overview import latest_by_pathway
from schakel.work.models import OPEN_TASK_STATUSES, TaskStatus


def _actor(request: HttpRequest) -> Actor:
    role = acting_role(request.user)
    if role is None or not isinstance(request.user, User):
        raise PermissionDenied
    return Actor(request.user, role, request)


@require_GET
@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    """Upcoming meetings the user takes part in, with the number of cases (no patient names)."""
    now = timezone.now()
    mine = my_cases(request.user)
    annotated = meetings_for(request.user).annotate(
        case_count=Count("items", filter=Q(items__removed_at__isnull=True)),
        my_count=Count("items", filter=Q(items__in=mine.values("pk"))),
    )
    upcoming = (
        annotated.filter(ends_at__gte=now - timedelta(hours=12))
        .select_related("hospital")
        .order_by("starts_at")[:50]
    )
    # Past meetings where the user's own patients were discussed: where their advice is.
    past = (
        annotated.filter(ends_at__lt=now - timedelta(hours=12), my_count__gt=0)
        .select_related("hospital")
        .order_by("-starts_at")[:20]
    )
    return render(request, "mdo/meetings.html", {"meetings": upcoming, "past": past})


def input_status(item: AgendaItem, now: datetime) -> str:
    """requested, received, late, declined, not requested (for the agenda at a glance)."""
    if item.latest_input is not None:  # type: ignore[attr-defined]
        return "late" if item.latest_input.late else "received"  # type: ignore[attr-defined]
    task = item.input_request
    if task is None:
        return "not_requested"
    if task.status == TaskStatus.DECLINED:
        return "declined"
    if task.status in OPEN_TASK_STATUSES and task.due_at < now:
        return "overdue"
    return "requested"


@require_GET
@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """The agenda, the GP-input status per case and the input beside it; printable."""
    access = get_meeting_for_user(request.user, pk)
    meeting = access.meeting
    items = list(
        meeting.items.filter(removed_at__isnull=True)
        .select_related("pathway__patient", "pathway__tumour_type", "input_request", "outcome")
        .prefetch_related(
            Prefetch("inputs", queryset=GpInput.objects.order_by("-version", "-created_at", "-pk"))
        )
    )
    # Only the cases the user has a care relation with are shown, and each is logged.
    visible = log_patients_shown(request, [item.pathway.patient_id for item in items])
    now = timezone.now()
    # The latest questionnaire scores of the shown cases (one query for the whole agenda).
    scores = latest_by_pathway([i.pathway_id for i in items if i.pathway.patient_id in visible])
    rows = []
    for item in items:
        versions = list(item.inputs.all())
        item.latest_input = versions[0] if versions else None  # type: ignore[attr-defined]
        item.earlier_inputs = versions[1:]  # type: ignore[attr-defined]
        item.scores = scores.get(item.pathway_id, [])  # type: ignore[attr-defined]
        rows.append((item, item.pathway.patient_id in visible, input_status(item, now)))
    manager = access.can_manage
    # Patients to put on the agenda are searched for, not listed: each one shown is logged.
    search = request.GET.get("zoek", "").strip()[:100]
    found = []
    if len(search) >= 2 and meeting.status == MeetingStatus.SCHEDULED:
        found = list(
            search_pathways(request.user, search)
            .select_related("patient", "tumour_type")
            .order_by("patient__sort_name", "pk")[:20]
        )
        log_patients_shown(request, [p.patient_id for p in found], event=AccessEvent.SEARCH)
    context = {
        "meeting": meeting,
        "rows": rows,
        "outcome_form": OutcomeForm(),
        # Listed once here: the advice form under each case reuses it without new queries.
        "specialists": list(
            PractitionerRole.objects.active()
            .filter(organization=meeting.hospital, function__in=MEDICAL_SPECIALISTS)
            .select_related("practitioner")
            .order_by("practitioner__sort_name")
        )
        if manager
        else [],
        "can_manage": manager,
        "started": meeting.starts_at <= timezone.now(),
        "can_add": bool(manager or active_roles(request.user)),
        "search": search,
        "found": found,
        "cancel_form": CancelForm(),
        "now": timezone.now(),
        "move_form": MoveForm(
            initial={
                "date": timezone.localdate(meeting.starts_at),
                "starts": timezone.localtime(meeting.starts_at).time(),
                "ends": timezone.localtime(meeting.ends_at).time(),
            }
        ),
    }
    return render(request, "mdo/meeting.html", context)


@require_POST
@login_required
def add_to_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk).meeting
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Http404
    form = AgendaForm(visible_pathways(request.user).exclude(phase=Phase.CLOSED), request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a patient and write the question for the MDO."))
        return redirect(meeting)
    pathway = form.cleaned_data["pathway"]
    access = get_pathway_for_user(request, pathway.pk, event=AccessEvent.UPDATE)
    actor = access.actor(request)
    if meeting.items.filter(pathway=pathway, removed_at__isnull=True).exists():
        messages.error(request, _("This patient is already on the agenda."))
        return redirect(meeting)
    actions.do_add_to_agenda(
        meeting,
        pathway,
        question=form.cleaned_data["question"],
        slot_start=form.cleaned_data["slot_start"],
        actor=actor,
    )
    messages.success(request, _("Put on the agenda; the GP is asked for input."))
    return redirect(meeting)


@require_POST
@login_required
def remove_from_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_agenda_item_for_user(request.user, pk, manage=True)
    access = get_pathway_for_user(request, item.pathway_id, event=AccessEvent.UPDATE)
    actions.do_remove_from_agenda(item, actor=access.actor(request))
    messages.success(request, _("Taken off the agenda; the GP's request is withdrawn."))
    return redirect(item.meeting)


@require_POST
@login_required
def move_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk, manage=True).meeting
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a date and a start before the end."))
        return redirect(meeting)
    zone = timezone.get_current_timezone()
    day = form.cleaned_data["date"]
    moved = actions.do_move_meeting(
        meeting,
        starts_at=datetime.combine(day, form.cleaned_data["starts"], tzinfo=zone),
        ends_at=datetime.combine(day, form.cleaned_data["ends"], tzinfo=zone),
        actor=_actor(request),
    )
    messages.success(
        request, _("Meeting moved; %(n)d input requests got a new deadline.") % {"n": moved}
    )
    return redirect(meeting)


@require_POST
@login_required
def cancel_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk, manage=True).meeting
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Http404
    form = CancelForm(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect(meeting)
    actions.do_cancel_meeting(meeting, reason=form.cleaned_data["reason"], actor=_actor(request))
    messages.success(
        request,
        _(
            "Meeting cancelled; open input requests are withdrawn. You can undo this until the "
            "meeting's time."
        ),
    )
    return redirect(meeting)


@require_POST
@login_required
def restore_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a cancellation before the meeting's time."""
    meeting = get_meeting_for_user(request.user, pk, manage=True).meeting
    try:
        asked = actions.do_restore_meeting(meeting, actor=_actor(request))
    except actions.RestoreError:
        messages.error(request, _("This meeting can no longer be restored."))
    else:
        messages.success(
            request, _("The meeting is on again; %(n)d GPs are asked for input.") % {"n": asked}
        )
    return redirect(meeting)


@require_http_methods(["GET", "POST"])
@login_required
def gp_input(request: HttpRequest, pk: int) -> HttpResponse:
    """The GP's input for a pathway (for an agenda item when there is one)."""
    access = get_pathway_for_user(
        request, pk, event=AccessEvent.UPDATE if request.method == "POST" else AccessEvent.READ
    )
    actor = access.actor(request)
    pathway = access.pathway
    item = None
    item_id = request.GET.get("agendapunt") or request.POST.get("agendapunt")
    if item_id:
        item = (
            AgendaItem.objects.filter(
                pk=item_id if str(item_id).isdigit() and len(str(item_id)) <= 18 else 0,
                pathway=pathway,
                removed_at__isnull=True,
            )
            .select_related("meeting", "input_request", "outcome")
            .first()
        )
        if item is None:
            raise Http404
    current = actions.current_input(pathway, item)
    closed = item is not None and hasattr(item, "outcome")
    if request.method == "POST" and closed:
        messages.error(
            request,
            _(
                "The MDO has given its advice on this case, so the input is closed. Send an "
                "addition as a note on the pathway, or contact the MDO coordinator."
            ),
        )
        return redirect(pathway)
    initial = model_to_dict(current, fields=GpInputForm.Meta.fields) if current else None
    form = GpInputForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        gp_input_obj = actions.do_submit_gp_input(
            pathway, actor=actor, agenda_item=item, **form.cleaned_data
        )
        if gp_input_obj.late:
            messages.warning(
                request,
                _(
                    "Thank you. Your input arrived after the deadline; it is "
                    "marked late but still goes to the MDO."
                ),
            )
        else:
            messages.success(request, _("Thank you. Your input goes to the MDO."))
        return redirect(pathway)
    return render(
        request,
        "mdo/gp_input.html",
        {
            "form": form,
            "pathway": pathway,
            "item": item,
            "access": access,
            "scores": latest_by_pathway([pathway.pk]).get(pathway.pk, []),
            "current": current,
            "closed": closed,
        },
    )


@require_POST
@login_required
def record_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair or coordinator records the MDO's advice for a case; the GP is asked to read it."""
    item = get_agenda_item_for_user(request.user, pk, manage=True)
    actor = get_pathway_for_user(request, item.pathway_id, event=AccessEvent.UPDATE).actor(request)
    if hasattr(item, "outcome"):
        messages.error(request, _("The advice for this case is already recorded."))
        return redirect(item.meeting)
    if item.meeting.starts_at > timezone.now():
        messages.error(request, _("The advice can be recorded once the meeting has started."))
        return redirect(item.meeting)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the advice, the intent and who informs the patient."))
        return redirect(item.meeting)
    actions.do_record_outcome(item, actor=actor, **form.cleaned_data)
    messages.success(request, _("Advice recorded and sent to the GP."))
    return redirect(item.meeting)


@require_http_methods(["GET", "POST"])
@login_required
def outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    """The MDO advice on a pathway; the GP acknowledges having read it."""
    access = get_pathway_for_user(
        request, pk, event=AccessEvent.UPDATE if request.method == "POST" else AccessEvent.READ
    )
    pathway = access.pathway
    found = (
        MdoOutcome.objects.filter(agenda_item__pathway=pathway)
        .select_related("agenda_item__meeting", "responsible_specialist__practitioner")
        .order_by("-created_at")
    )
    if request.method == "POST":
        actor = access.actor(request)
        chosen = OutcomeChoiceForm(request.POST)
        if not chosen.is_valid():
            raise Http404
        outcome = get_object_or_404(found, pk=chosen.cleaned_data["outcome"])
        actions.do_acknowledge_outcome(outcome, actor=actor)
        messages.success(request, _("Thank you: you have read the MDO advice."))
        return redirect(pathway)
    return render(
        request, "mdo/outcomes.html", {"pathway": pathway, "outcomes": found, "access": access}
    )


@require_GET
@login_required
def meeting_calendar_file(request: HttpRequest, pk: int) -> HttpResponse:
    """One meeting as an .ics file."""
    meeting = get_meeting_for_user(request.user, pk).meeting
    response = HttpResponse(meeting_ics(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mdo-{meeting.pk}.ics"'
    return response


@two_factor_exempt
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal feed, for calendar apps (they cannot log in): the secret address is the key.

    An unknown token gets 404, the same as a wrong one.
    """
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("user"), token=token, user__is_active=True
    )
    return HttpResponse(feed_ics(feed.user), content_type="text/calendar; charset=utf-8")


@require_http_methods(["GET", "POST"])
@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """Show the secret feed address; reset it when it may have leaked."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    feed = CalendarFeed.objects.filter(user=user).first()
    if request.method == "POST" or feed is None:
        feed = do_reset_calendar_feed(actor=Actor.of(request))
        if request.method == "POST":
            messages.success(request, _("New calendar address made; the old one no longer works."))
            return redirect("mdo:calendar_settings")
    url = request.build_absolute_uri(reverse("mdo:calendar_feed", args=[feed.token]))
    return render(request, "mdo/calendar.html", {"feed_url": url})


@require_GET
@login_required
def series_list(request: HttpRequest) -> HttpResponse:
    """The recurring MDOs of the user's hospitals and the regional ones (no patient data)."""
    found = (
        series_for(request.user)
        .select_related("hospital", "chair__practitioner", "coordinator__practitioner")
        .prefetch_related("tumour_types")
        .order_by("hospital__name", "name")
    )
    rows = [(series, can_manage_series(request.user, series)) for series in found]
    return render(
        request,
        "mdo/series_list.html",
        {
            "hospital_rows": [row for row in rows if row[0].hospital_id is not None],
            "regional_rows": [row for row in rows if row[0].hospital_id is None],
            "can_create": series_hospitals(request.user).exists()
            or can_plan_regional(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def series_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create or change a recurring MDO; its coming meetings follow (those with cases stay)."""
    series = None
    hospitals = series_hospitals(request.user)
    if pk is not None:
        series = get_object_or_404(series_for(request.user), pk=pk)
        if not can_manage_series(request.user, series):
            raise PermissionDenied
        if series.hospital_id is not None:
            hospitals = hospitals | Organization.objects.filter(pk=series.hospital_id)
    regional = can_plan_regional(request.user) or (
        series is not None and series.hospital_id is None
    )
    if not regional and not hospitals.exists():
        raise PermissionDenied
    search = request.GET.get("zoeken", "").strip()[:100]
    form = SeriesForm(
        request.POST or None,
        instance=series,
        hospitals=hospitals.distinct(),
        regional=regional,
        user=request.user,
        search=search,
        initial=kept_initial(request, SeriesForm, "zoeken"),
    )
    if request.method == "POST" and form.is_valid():
        planned, kept = actions.do_save_series(
            form.save(commit=False),
            tumour_types=form.cleaned_data["tumour_types"],
            weeks_ahead=settings.SCHAKEL_MDO_WEEKS_AHEAD,
            actor=Actor.of(request),
        )
        text = _("Saved: %(planned)d meetings planned.") % {"planned": planned}
        if kept:
            text += " " + _(
                "%(kept)d coming meetings already have cases and keep their time and place; "
                "move them one by one, so the GPs are told."
            ) % {"kept": kept}
        messages.success(request, text)
        return redirect("mdo:series_list")
    return render(
        request, "mdo/series_edit.html", {"form": form, "series": series, "search": search}
    )
