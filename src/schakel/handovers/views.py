"""Handover pages: the list (to my organisations and from them), sending one from the
pathway, reading it (the receiving side opening it marks it received), accepting or rejecting
it, sending it again, the aftercare plan's versions, attachments, and the FHIR export."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schakel.audit.models import AccessEvent
from schakel.core.messages import form_errors_as_messages
from schakel.directory.access import active_roles
from schakel.directory.actor import Actor
from schakel.directory.models import OrganizationKind
from schakel.handovers import actions
from schakel.handovers.access import (
    HandoverAccess,
    get_attachment_for_user,
    get_handover_for_user,
    visible_handovers,
)
from schakel.handovers.fhir import handover_bundle
from schakel.handovers.forms import (
    AcceptForm,
    AttachmentForm,
    CheckFormSet,
    HandoverForm,
    PlanForm,
    RejectForm,
    RevisionForm,
    WithdrawForm,
    checks_of,
)
from schakel.handovers.models import (
    OPEN_STATUSES,
    AftercarePlanVersion,
    Direction,
    HandoverStatus,
)
from schakel.pathways.access import get_pathway_for_user
from schakel.pathways.models import CarePathway
from schakel.patients.access import log_patients_shown
from schakel.work.actions import TransitionError

PLAN_FIELDS = list(PlanForm.Meta.fields)


@require_GET
@login_required
def handover_list(request: HttpRequest) -> HttpResponse:
    """Handovers to and from my organisations: the open ones first."""
    organisations = {role.organization_id for role in active_roles(request.user)}
    handovers = list(
        visible_handovers(request.user)
        .filter(
            Q(receiver_organization_id__in=organisations)
            | Q(sender_organization_id__in=organisations)
        )
        .select_related("pathway__patient", "sender_organization", "receiver_organization")
        .order_by("-sent_at", "-pk")[:100]
    )
    shown = log_patients_shown(request, [h.pathway.patient_id for h in handovers])
    rows = [(h, h.pathway.patient if h.pathway.patient_id in shown else None) for h in handovers]
    incoming = [r for r in rows if r[0].receiver_organization_id in organisations]
    outgoing = [r for r in rows if r[0].sender_organization_id in organisations]
    return render(
        request,
        "handovers/list.html",
        {
            "incoming": incoming,
            "outgoing": outgoing,
            "open_statuses": [s.value for s in OPEN_STATUSES],
        },
    )


def _direction(request: HttpRequest, actor: Actor) -> Direction:
    organisation = actor.organisation
    if organisation is None:
        raise PermissionDenied
    if organisation.kind == OrganizationKind.GP_PRACTICE:
        return Direction.TO_HOSPITAL
    if organisation.kind != OrganizationKind.HOSPITAL:
        raise PermissionDenied
    return Direction.TO_GP if request.GET.get("naar") == "huisarts" else Direction.TRANSFER


def _hospital_ids(pathway: CarePathway, actor: Actor) -> list[int]:
    ids = list(pathway.hospitals.values_list("hospital_id", flat=True))
    if actor.organisation is not None:
        ids.append(actor.organisation.pk)
    return ids


@require_http_methods(["GET", "POST"])
@login_required
def new(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a handover from the pathway: to the GP with the aftercare plan, to another
    hospital, or (from the GP) back to a hospital."""
    posted = request.method == "POST"
    access = get_pathway_for_user(
        request, pk, event=AccessEvent.UPDATE if posted else AccessEvent.READ
    )
    actor = access.actor(request)
    pathway = access.pathway
    direction = _direction(request, actor)
    if direction == Direction.TO_GP and pathway.patient.gp_practice_id is None:
        messages.error(request, _("The patient has no GP practice in Schakel to hand over to."))
        return redirect(pathway)
    search = request.GET.get("zoeken", "").strip()[:100]
    data = request.POST if posted else None
    form = HandoverForm(
        data, pathway=pathway, direction=direction, user=request.user, search=search
    )
    plan_form = checks = None
    if direction == Direction.TO_GP:
        plan_form = PlanForm(
            data,
            hospital_ids=_hospital_ids(pathway, actor),
            initial=actions.plan_fields_from_timeline(pathway),
            prefix="plan",
        )
        checks = CheckFormSet(data, prefix="check")
    parts = [f for f in (form, plan_form, checks) if f is not None]
    if posted and all(part.is_valid() for part in parts):
        try:
            handover = actions.do_send_handover(
                pathway,
                direction=direction,
                reason=form.cleaned_data["reason"],
                receiver_organization=form.cleaned_data["receiver_organization"],
                receiver_role=form.cleaned_data["receiver_role"],
                letter=form.cleaned_data["letter"],
                plan=_plan_fields(plan_form),
                checks=checks_of(checks) if checks is not None else None,
                actor=actor,
            )
        except TransitionError:
            messages.error(request, _("This handover cannot be sent from your role."))
        else:
            messages.success(request, _("Handover sent. The receiver is aan zet."))
            return redirect(handover)
    return render(
        request,
        "handovers/new.html",
        {
            "pathway": pathway,
            "direction": direction,
            "direction_label": Direction(direction).label,
            "form": form,
            "plan_form": plan_form,
            "checks": checks,
            "search": search,
        },
    )


def _plan_fields(plan_form: PlanForm | None) -> dict[str, Any] | None:
    if plan_form is None:
        return None
    return {name: plan_form.cleaned_data[name] for name in PLAN_FIELDS}


def _plan_initial(version: AftercarePlanVersion) -> dict[str, Any]:
    initial = {name: getattr(version, name) for name in PLAN_FIELDS}
    for name in ("alarm_contact", "hospital_contact", "questionnaire_schedule"):
        initial[name] = getattr(version, f"{name}_id")
    return initial


def _checks_initial(version: AftercarePlanVersion) -> list[dict[str, Any]]:
    return [{"what": c.what, "by": c.by, "due_on": c.due_on} for c in version.checks.all()]


@require_GET
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The handover: letter, plan, attachments, history, and what this reader can do."""
    access = get_handover_for_user(request, pk)
    handover = access.handover
    if access.is_receiver and handover.status == HandoverStatus.REQUESTED:
        actions.do_open_handover(handover, actor=access.pathway_access.actor(request))
    versions = []
    if handover.has_plan:
        versions = list(
            handover.plan.versions.select_related(
                "alarm_contact", "hospital_contact__practitioner", "questionnaire_schedule"
            ).prefetch_related("checks__task")
        )
    return render(
        request,
        "handovers/detail.html",
        {
            "handover": handover,
            "access": access,
            "patient": handover.pathway.patient,
            "plan": versions[0] if versions else None,
            "earlier_versions": versions[1:],
            "steps": handover.steps.select_related("by_role__practitioner"),
            "attachments": handover.attachments.all(),
            "accept_form": AcceptForm(),
            "reject_form": RejectForm(),
            "withdraw_form": WithdrawForm(),
            "attachment_form": AttachmentForm(),
        },
    )


def _for_write(request: HttpRequest, pk: int) -> tuple[HandoverAccess, Actor]:
    access = get_handover_for_user(request, pk, event=AccessEvent.UPDATE)
    return access, access.pathway_access.actor(request)


@require_POST
@login_required
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    access, actor = _for_write(request, pk)
    if not access.is_receiver:
        raise PermissionDenied
    form = AcceptForm(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect(access.handover)
    try:
        actions.do_accept_handover(
            access.handover, actor=actor, patient_email=form.cleaned_data["patient_email"]
        )
    except TransitionError:
        messages.error(request, _("This handover is no longer open."))
    else:
        messages.success(request, _("Handover accepted."))
    return redirect(access.handover)


@require_POST
@login_required
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    access, actor = _for_write(request, pk)
    if not access.is_receiver:
        raise PermissionDenied
    form = RejectForm(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect(access.handover)
    try:
        actions.do_reject_handover(access.handover, reason=form.cleaned_data["reason"], actor=actor)
    except TransitionError:
        messages.error(request, _("This handover is no longer open."))
    else:
        messages.success(request, _("Handover rejected; the sender is aan zet again."))
    return redirect(access.handover)


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    access, actor = _for_write(request, pk)
    if not access.is_sender:
        raise PermissionDenied
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect(access.handover)
    try:
        actions.do_withdraw_handover(
            access.handover, reason=form.cleaned_data["reason"], actor=actor
        )
    except TransitionError:
        messages.error(request, _("An accepted handover cannot be withdrawn."))
    else:
        messages.success(request, _("Handover withdrawn."))
    return redirect(access.handover)


@require_POST
@login_required
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    access, actor = _for_write(request, pk)
    if not access.is_receiver:
        raise PermissionDenied
    try:
        actions.do_complete_handover(access.handover, actor=actor)
    except TransitionError:
        messages.error(request, _("Only an accepted handover can be completed."))
    else:
        messages.success(request, _("Handover completed."))
    return redirect(access.handover)


@require_http_methods(["GET", "POST"])
@login_required
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    """After a rejection: change the letter (and the plan) and send it again."""
    posted = request.method == "POST"
    access = get_handover_for_user(
        request, pk, event=AccessEvent.UPDATE if posted else AccessEvent.READ
    )
    handover = access.handover
    if not access.is_sender or handover.status != HandoverStatus.REJECTED:
        raise PermissionDenied
    actor = access.pathway_access.actor(request)
    data = request.POST if posted else None
    letter = RevisionLetterForm(data, initial={"letter": handover.letter})
    plan_form = checks = None
    if handover.has_plan:
        current = handover.plan.current
        plan_form = PlanForm(
            data,
            hospital_ids=_hospital_ids(handover.pathway, actor),
            initial=_plan_initial(current),
            prefix="plan",
        )
        checks = CheckFormSet(data, prefix="check", initial=_checks_initial(current))
    parts = [f for f in (letter, plan_form, checks) if f is not None]
    if posted and all(part.is_valid() for part in parts):
        actions.do_resend_handover(
            handover,
            letter=letter.cleaned_data["letter"],
            change_note=letter.cleaned_data["change_note"],
            plan=_plan_fields(plan_form),
            checks=checks_of(checks) if checks is not None else None,
            actor=actor,
        )
        messages.success(request, _("Handover sent again. The receiver is aan zet."))
        return redirect(handover)
    return render(
        request,
        "handovers/resend.html",
        {"handover": handover, "form": letter, "plan_form": plan_form, "checks": checks},
    )


class RevisionLetterForm(RevisionForm):
    """Sending again: the letter, and what changed (for the receiver)."""

    field_order = ["letter", "change_note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["letter"] = HandoverForm.base_fields["letter"]


@require_http_methods(["GET", "POST"])
@login_required
def revise_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """A new version of the aftercare plan (the earlier ones stay readable)."""
    posted = request.method == "POST"
    access = get_handover_for_user(
        request, pk, event=AccessEvent.UPDATE if posted else AccessEvent.READ
    )
    handover = access.handover
    if (
        not access.is_sender
        or not handover.has_plan
        or handover.status
        in (
            HandoverStatus.CANCELLED,
            HandoverStatus.COMPLETED,
        )
    ):
        raise PermissionDenied
    actor = access.pathway_access.actor(request)
    current = handover.plan.current
    data = request.POST if posted else None
    note = RevisionForm(data)
    plan_form = PlanForm(
        data,
        hospital_ids=_hospital_ids(handover.pathway, actor),
        initial=_plan_initial(current),
        prefix="plan",
    )
    checks = CheckFormSet(data, prefix="check", initial=_checks_initial(current))
    if posted and note.is_valid() and plan_form.is_valid() and checks.is_valid():
        version = actions.do_revise_plan(
            handover.plan,
            fields=_plan_fields(plan_form) or {},
            checks=checks_of(checks),
            change_note=note.cleaned_data["change_note"],
            actor=actor,
        )
        messages.success(
            request, _("Version %(number)d of the plan saved.") % {"number": version.number}
        )
        return redirect(handover)
    return render(
        request,
        "handovers/revise.html",
        {
            "handover": handover,
            "current": current,
            "note_form": note,
            "plan_form": plan_form,
            "checks": checks,
        },
    )


@require_POST
@login_required
def add_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    access, actor = _for_write(request, pk)
    if not (access.is_sender or access.is_receiver):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        actions.do_add_attachment(access.handover, form.cleaned_data["file"], actor=actor)
        messages.success(request, _("Attachment added."))
    else:
        form_errors_as_messages(request, form)
    return redirect(access.handover)


@require_GET
@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """The file, only to those who may see the patient (an export, logged)."""
    file, _access = get_attachment_for_user(request, pk)
    response = FileResponse(
        file.file.open("rb"), as_attachment=True, filename=file.name, content_type=file.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@login_required
def fhir_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The handover as FHIR (Task, and the CarePlan with it), for the practice's system."""
    access = get_handover_for_user(request, pk, event=AccessEvent.EXPORT)
    bundle = handover_bundle(access.handover)
    response = HttpResponse(
        json.dumps(bundle, ensure_ascii=False, indent=2), content_type="application/fhir+json"
    )
    response["Content-Disposition"] = f'attachment; filename="overdracht-{access.handover.pk}.json"'
    return response
