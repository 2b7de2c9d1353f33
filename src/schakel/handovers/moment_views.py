"""Contact-moment pages: plan one on a pathway, hold it (record what was agreed and the next
step), or cancel it. Each goes through the pathway's access (logged); writing needs more than
read-only access to the patient."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from schakel.audit.models import AccessEvent
from schakel.core.messages import form_errors_as_messages
from schakel.core.workdays import working_days_after
from schakel.handovers import contact_moments
from schakel.handovers.forms import CancelMomentForm, MomentOutcomeForm, PlanMomentForm
from schakel.handovers.models import ContactMoment, ContactMomentStatus
from schakel.pathways.access import PathwayAccess, get_pathway_for_user
from schakel.work.actions import TransitionError


def _moment_for_user(
    request: HttpRequest, pk: int, event: AccessEvent
) -> tuple[ContactMoment, PathwayAccess]:
    pathway_id = ContactMoment.objects.filter(pk=pk).values_list("pathway_id", flat=True).first()
    if pathway_id is None:
        raise Http404
    access = get_pathway_for_user(request, pathway_id, event=event)
    moment = ContactMoment.objects.select_related(
        "case_manager__practitioner",
        "participant__practitioner",
        "participant__organization",
        "next_owner__practitioner",
        "task",
    ).get(pk=pk)
    moment.pathway = access.pathway
    return moment, access


@require_http_methods(["GET", "POST"])
@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Plan a contact moment on the pathway (besides the ones the region plans by itself)."""
    posted = request.method == "POST"
    access = get_pathway_for_user(
        request, pk, event=AccessEvent.UPDATE if posted else AccessEvent.READ
    )
    if not access.can_write:
        raise PermissionDenied
    pathway = access.pathway
    form = PlanMomentForm(
        request.POST if posted else None,
        pathway=pathway,
        initial={"planned_for": working_days_after(timezone.localdate(), 5)},
    )
    if posted and form.is_valid():
        try:
            moment = contact_moments.do_plan_contact_moment(
                pathway,
                point=form.cleaned_data["point"],
                planned_for=form.cleaned_data["planned_for"],
                participant=form.cleaned_data["participant"],
                actor=access.actor(request),
            )
        except contact_moments.AlreadyPlanned:
            form.add_error("point", _("A contact moment at this point is planned already."))
        except TransitionError:
            messages.error(request, _("A contact moment needs a case manager on the pathway."))
        else:
            messages.success(request, _("Contact moment planned; the case manager is aan zet."))
            return redirect(moment)
    return render(
        request,
        "handovers/moment_plan.html",
        {"pathway": pathway, "patient": pathway.patient, "form": form},
        status=400 if posted else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The contact moment; while planned, the form to record its outcome."""
    posted = request.method == "POST"
    moment, access = _moment_for_user(
        request, pk, AccessEvent.UPDATE if posted else AccessEvent.READ
    )
    if posted and not access.can_write:
        raise PermissionDenied
    form = MomentOutcomeForm(request.POST if posted else None, pathway=moment.pathway)
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            contact_moments.do_record_contact_moment(
                moment,
                contact_moments.Outcome(
                    agreed=data["agreed"],
                    next_step=data["next_step"],
                    next_owner=data["next_owner"],
                    next_due=data["next_due"],
                ),
                actor=access.actor(request),
            )
        except TransitionError:
            messages.error(request, _("This contact moment is no longer planned."))
        else:
            messages.success(request, _("Outcome recorded on the timeline."))
        return redirect(moment)
    return render(
        request,
        "handovers/moment.html",
        {
            "moment": moment,
            "pathway": moment.pathway,
            "patient": moment.pathway.patient,
            "can_record": access.can_write and moment.status == ContactMomentStatus.PLANNED,
            "form": form,
            "cancel_form": CancelMomentForm(),
        },
        status=400 if posted else 200,
    )


@require_POST
@login_required
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    moment, access = _moment_for_user(request, pk, AccessEvent.UPDATE)
    if not access.can_write:
        raise PermissionDenied
    form = CancelMomentForm(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect(moment)
    try:
        contact_moments.do_cancel_contact_moment(
            moment, reason=form.cleaned_data["reason"], actor=access.actor(request)
        )
    except TransitionError:
        messages.error(request, _("This contact moment is no longer planned."))
    else:
        messages.success(request, _("Contact moment cancelled."))
    return redirect(moment)
