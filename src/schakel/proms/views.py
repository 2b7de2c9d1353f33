"""Questionnaire pages: the patient's personal link (no account), and the professionals'
pages on a pathway: scores and trends, inviting, filling in for the patient, FHIR exports."""

from __future__ import annotations

import hashlib
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schakel.accounts.middleware import two_factor_exempt
from schakel.audit.actions import client_address
from schakel.audit.models import AccessEvent
from schakel.pathways.access import get_pathway_for_user
from schakel.proms import actions, definitions, fhir, schedules
from schakel.proms.forms import FollowScheduleForm, InviteForm, LetterCodeForm, QuestionnaireForm
from schakel.proms.models import (
    Channel,
    Instrument,
    Invitation,
    PathwaySchedule,
    QuestionnaireVersion,
    Respondent,
    Response,
)
from schakel.proms.overview import trends
from schakel.proms.texts import score_summary
from schakel.proms.tokens import code_hash, normalise_code, token_hash

# --- The patient's personal link ------------------------------------------------------------


def _client(request: HttpRequest) -> str:
    """The real client (behind the trusted proxies), hashed: its failed attempts are counted."""
    address = client_address(request) or ""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()


def _private(response: HttpResponse) -> HttpResponse:
    """The token is in the address: keep it out of caches and other sites' logs."""
    response["Cache-Control"] = "no-store"
    # same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on the form
    # post, which the CSRF check rightly refuses.
    response["Referrer-Policy"] = "same-origin"
    return response


def _unavailable(request: HttpRequest, status: int = 404) -> HttpResponse:
    """One answer for a wrong, expired or used link: nothing tells them apart."""
    return _private(render(request, "proms/link_unavailable.html", status=status))


def _find_invitation(token_or_code: str) -> Invitation | None:
    """The invitation of a link's token, or of a letter's short code (which can stand in the
    link's place: ``/v/HK7P3MXACQ9T/``)."""
    code = normalise_code(token_or_code)
    lookup = {"code_hash": code_hash(code)} if code else {"token_hash": token_hash(token_or_code)}
    return (
        Invitation.objects.select_related(
            "version__instrument", "created_by_role__organization", "pathway"
        )
        .filter(**lookup)
        .first()
    )


def _too_many_misses(request: HttpRequest) -> bool:
    """Count a link or code that does not work against the client; True once it is over."""
    now = timezone.now()
    client = _client(request)
    if actions.recent_link_misses(client, now) >= settings.SCHAKEL_PROM_LINK_ATTEMPTS:
        return True
    actions.do_record_link_miss(client, now)
    return False


def _usable_invitation(request: HttpRequest, token: str) -> Invitation | HttpResponse:
    """A working link always works: other people's misses never block it (a 256-bit token
    cannot be guessed). Only links that do not work count against the client."""
    invitation = _find_invitation(token)
    if invitation is not None and invitation.usable():
        return invitation
    return _unavailable(request, status=429 if _too_many_misses(request) else 404)


@two_factor_exempt
@require_http_methods(["GET", "POST"])
def enter_code(request: HttpRequest) -> HttpResponse:
    """The short page a letter names: type the code, go to the questionnaire."""
    form = LetterCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        invitation = _find_invitation(code)
        if invitation is not None and invitation.usable():
            return _private(redirect("proms:patient_form", token=code))
        if _too_many_misses(request):
            return _unavailable(request, status=429)
        form.add_error(
            "code", _("This code does not work (any more). Check it against your letter.")
        )
    return _private(render(request, "proms/code.html", {"form": form}))


@two_factor_exempt
@require_http_methods(["GET", "POST"])
def patient_form(request: HttpRequest, token: str) -> HttpResponse:
    """The questionnaire on the patient's phone. "Save" keeps the answers for later."""
    found = _usable_invitation(request, token)
    if isinstance(found, HttpResponse):
        return found
    invitation = found
    items = definitions.items(invitation.version.definition)
    submitting = request.method == "POST" and "save" not in request.POST
    if request.method == "POST":
        form = QuestionnaireForm(items, request.POST, complete=submitting)
        if form.is_valid():
            if submitting:
                actions.do_submit_by_patient(invitation, form.answers())
                return redirect("proms:thanks")
            actions.do_save_partial(invitation, form.answers())
            messages.success(
                request,
                _("Your answers are saved. You can continue later with the same link."),
            )
            return _private(redirect(request.path))
    else:
        form = QuestionnaireForm(
            items, initial=QuestionnaireForm.initial_from(items, invitation.partial_answers)
        )
    context = {
        "form": form,
        "title": definitions.title(invitation.version.definition),
        "description": invitation.version.definition.get("description", ""),
        "organisation": invitation.created_by_role.organization,
        "expires_at": invitation.expires_at,
    }
    return _private(render(request, "proms/patient_form.html", context))


@two_factor_exempt
@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "proms/thanks.html"))


# --- Professionals ---------------------------------------------------------------------------


def _usable_instruments() -> Any:
    """Instruments with a loaded Questionnaire (licensed ones only once imported)."""
    return Instrument.objects.filter(versions__isnull=False).distinct().order_by("name")


@require_GET
@login_required
def pathway_questionnaires(request: HttpRequest, pk: int) -> HttpResponse:
    """Scores with their trend and cut-off, the answers, open invitations, and the forms."""
    access = get_pathway_for_user(request, pk)
    pathway = access.pathway
    instruments = _usable_instruments()
    context = {
        "pathway": pathway,
        "access": access,
        "trends": trends(pathway.pk),
        "responses": Response.objects.filter(pathway=pathway)
        .select_related("version__instrument", "score", "entered_by_role__practitioner")
        .order_by("-submitted_at")[:50],
        "open_invitations": Invitation.objects.filter(
            pathway=pathway, submitted_at__isnull=True, expires_at__gt=timezone.now()
        ).select_related("version__instrument"),
        "invite_form": InviteForm(
            instruments.filter(respondent=Respondent.PATIENT),
            initial={"email": pathway.patient.email},
        )
        if access.can_write
        else None,
        "professional_instruments": instruments if access.can_write else [],
        "followed": PathwaySchedule.objects.filter(pathway=pathway, stopped_at__isnull=True)
        .select_related("schedule")
        .prefetch_related("schedule__moments__instrument"),
        "schedule_form": FollowScheduleForm(initial={"email": pathway.patient.email})
        if access.can_write
        else None,
    }
    return render(request, "proms/pathway.html", context)


def _report_errors(request: HttpRequest, form: Any) -> None:
    """A form posted from the questionnaires page: its errors, in Dutch, above that page."""
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))


def _current(instrument: Instrument) -> QuestionnaireVersion:
    """The version to fill in; 404 while a licensed instrument waits for its file."""
    version = instrument.current
    if version is None:
        raise Http404
    return version


@require_POST
@login_required
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_pathway_for_user(request, pk, event=AccessEvent.UPDATE)
    actor = access.actor(request)
    form = InviteForm(_usable_instruments().filter(respondent=Respondent.PATIENT), request.POST)
    if not form.is_valid():
        _report_errors(request, form)
        return redirect("proms:pathway", pk=pk)
    version = _current(form.cleaned_data["instrument"])

    def link_for(token: str) -> str:
        return request.build_absolute_uri(reverse("proms:patient_form", args=[token]))

    invitation, _token, code = actions.do_invite(
        access.pathway,
        version,
        actor=actor,
        channel=form.cleaned_data["channel"],
        email=form.cleaned_data["email"] or "",
        link_for=link_for,
    )
    if invitation.channel == Channel.EMAIL:
        messages.success(request, _("The invitation is sent by e-mail."))
        return redirect("proms:pathway", pk=pk)
    # The letter is shown once: its code exists nowhere else (only a keyed hash is stored).
    # The QR code holds the code's own link, so the letter has one secret, not two.
    url = link_for(code.replace("-", ""))
    qr = segno.make(url, error="m").svg_inline(scale=4, title=_("QR code of the link"))
    return render(
        request,
        "proms/letter.html",
        {
            "pathway": access.pathway,
            "code": code,
            "code_url": request.build_absolute_uri(reverse("proms:code")),
            "qr": qr,
            "title": definitions.title(version.definition),
            "organisation": actor.acting_role.organization,
            "expires_at": invitation.expires_at,
        },
    )


@require_POST
@login_required
def follow_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """The pathway follows a questionnaire schedule: invitations go out by e-mail when due."""
    access = get_pathway_for_user(request, pk, event=AccessEvent.UPDATE)
    actor = access.actor(request)
    form = FollowScheduleForm(request.POST)
    if not form.is_valid():
        _report_errors(request, form)
        return redirect("proms:pathway", pk=pk)
    schedule = form.cleaned_data["schedule"]
    if PathwaySchedule.objects.filter(
        pathway=access.pathway, schedule=schedule, stopped_at__isnull=True
    ).exists():
        messages.error(request, _("This pathway already follows that schedule."))
        return redirect("proms:pathway", pk=pk)
    schedules.do_follow_schedule(
        access.pathway, schedule, email=form.cleaned_data["email"], actor=actor
    )
    messages.success(request, _("The pathway follows the schedule; invitations go out when due."))
    return redirect("proms:pathway", pk=pk)


@require_POST
@login_required
def stop_schedule(request: HttpRequest, pk: int, followed_pk: int) -> HttpResponse:
    access = get_pathway_for_user(request, pk, event=AccessEvent.UPDATE)
    actor = access.actor(request)
    followed = get_object_or_404(
        PathwaySchedule, pk=followed_pk, pathway=access.pathway, stopped_at__isnull=True
    )
    schedules.do_stop_schedule(followed, actor=actor)
    messages.success(request, _("The schedule is stopped; no new invitations go out."))
    return redirect("proms:pathway", pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def enter(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """A professional fills in a questionnaire for the patient (recorded as such)."""
    access = get_pathway_for_user(
        request, pk, event=AccessEvent.UPDATE if request.method == "POST" else AccessEvent.READ
    )
    actor = access.actor(request)
    version = _current(get_object_or_404(Instrument, code=code))
    items = definitions.items(version.definition)
    form = QuestionnaireForm(items, request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = actions.do_submit_by_professional(
            access.pathway, version, form.answers(), actor=actor
        )
        score = getattr(response, "score", None)
        messages.success(
            request,
            _("Saved. Score: %(summary)s") % {"summary": score_summary(score)}
            if score is not None
            else _("Saved. No score is computed for this questionnaire."),
        )
        return redirect("proms:pathway", pk=pk)
    return render(
        request,
        "proms/enter.html",
        {"form": form, "pathway": access.pathway, "title": definitions.title(version.definition)},
    )


@require_GET
@login_required
def response_detail(request: HttpRequest, pk: int, response_pk: int) -> HttpResponse:
    """The answers, question by question; the score if Schakel computes one."""
    access = get_pathway_for_user(request, pk)
    response = get_object_or_404(
        Response.objects.select_related("version__instrument", "entered_by_role__practitioner"),
        pk=response_pk,
        pathway=access.pathway,
    )
    rows = []
    for item in definitions.items(response.version.definition):
        if not item.asks:
            continue
        raw = response.answers.get(item.link_id)
        shown = next((o.display for o in item.options if o.code == str(raw)), raw)
        if isinstance(raw, bool):
            shown = _("yes") if raw else _("no")
        rows.append((item.text, shown))
    score = getattr(response, "score", None)
    return render(
        request,
        "proms/response.html",
        {
            "pathway": access.pathway,
            "response": response,
            "rows": rows,
            "score": score,
            "summary": score_summary(score) if score is not None else "",
            "title": definitions.title(response.version.definition),
        },
    )


@require_GET
@login_required
def response_fhir(request: HttpRequest, pk: int, response_pk: int) -> HttpResponse:
    """The response as a FHIR QuestionnaireResponse (an export: logged as such)."""
    access = get_pathway_for_user(request, pk, event=AccessEvent.EXPORT)
    response = get_object_or_404(
        Response.objects.select_related("version__instrument", "pathway__patient", "score"),
        pk=response_pk,
        pathway=access.pathway,
    )
    return JsonResponse(
        fhir.questionnaire_response(response),
        content_type="application/fhir+json",
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )


@require_GET
@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """The instruments: which can be used, which wait for a licence."""
    instruments = Instrument.objects.with_versions().select_related("cutoff").order_by("name")
    return render(request, "proms/catalogue.html", {"instruments": instruments})


@require_GET
@login_required
def questionnaire_fhir(request: HttpRequest, code: str) -> HttpResponse:
    """The current definition as FHIR Questionnaire JSON (no patient data)."""
    version = _current(get_object_or_404(Instrument, code=code))
    return JsonResponse(
        version.definition,
        content_type="application/fhir+json",
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
