"""Pages on patients. Every read goes through ``patients.access``; every write through actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schakel.accounts.models import User
from schakel.audit.actions import do_record_access
from schakel.audit.models import AccessEvent, Outcome
from schakel.core.forms import kept_initial
from schakel.core.identifiers import normalise_bsn
from schakel.directory.access import acting_role
from schakel.patients.access import (
    get_patient_for_user,
    log_patients_listed,
    visible_patients,
    visible_to,
)
from schakel.patients.actions import (
    Actor,
    DuplicatePatientError,
    do_record_consent,
    do_register_patient,
    do_start_emergency_access,
)
from schakel.patients.forms import ConsentForm, EmergencyAccessForm, PatientForm, PatientSearchForm
from schakel.patients.models import ConsentMethod, Patient, Sharing

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> Actor:
    """The acting user and role; users without a role cannot write patient data."""
    user = request.user
    role = acting_role(user)
    if not isinstance(user, User) or role is None:
        raise PermissionDenied
    return Actor(user=user, role=role, request=request)


@require_GET
@login_required
def patient_list(request: HttpRequest) -> HttpResponse:
    """The patients the user has a care relation with; each one shown is logged."""
    form = PatientSearchForm(request.GET or None)
    patients = visible_patients(request.user).select_related("gp_practice")
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if query:
        digits = normalise_bsn(query)
        if digits.isdigit():
            patients = patients.filter(bsn=digits)
        else:
            for word in query.split()[:4]:
                patients = patients.filter(
                    Q(family_name__icontains=word) | Q(given_name__icontains=word)
                )
    page = Paginator(patients.order_by("sort_name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    log_patients_listed(
        request, list(page), event=AccessEvent.SEARCH if query else AccessEvent.READ
    )
    return render(request, "patients/list.html", {"form": form, "page": page, "query": query})


@require_http_methods(["GET", "POST"])
@login_required
def register(request: HttpRequest) -> HttpResponse:
    """Register a patient. A known BSN is refused with a link to the existing record."""
    actor = _actor(request)
    search = request.GET.get("praktijk_zoeken", "").strip()[:100]
    form = PatientForm(
        request.POST or None,
        user=request.user,
        search=search,
        initial=kept_initial(request, PatientForm, "praktijk_zoeken"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            patient = do_register_patient(actor=actor, **form.cleaned_data)
        except DuplicatePatientError as duplicate:
            existing = duplicate.existing
            if existing.pk in visible_to(actor.account):
                form.add_error(
                    "bsn",
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _("A patient with this BSN is already registered."),
                        existing.get_absolute_url(),
                        _("Go to the existing record"),
                    ),
                )
            else:
                # Say only what this user may know, and log the attempt on that patient.
                do_record_access(
                    event=AccessEvent.CREATE,
                    outcome=Outcome.DENIED,
                    user=actor.account,
                    request=request,
                    role=actor.role_label,
                    organisation=actor.organisation_label,
                    patient_id=existing.pk,
                    object_type="Patient",
                    object_id=existing.pk,
                    detail="registration refused: no care relation",
                )
                form.add_error(
                    "bsn",
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _(
                            "This patient cannot be registered by you. If you need their data "
                            "now, use the emergency procedure; otherwise ask the patient's GP "
                            "or case manager to involve you."
                        ),
                        reverse("patients:emergency"),
                        _("Emergency access"),
                    ),
                )
        else:
            messages.success(request, _("Patient registered."))
            return redirect(patient)
    return render(request, "patients/register.html", {"form": form, "search": search})


@require_GET
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A patient: details, consent and who has a care relation."""
    access = get_patient_for_user(request, pk)
    patient = access.patient
    relations = patient.relations.active().select_related(
        "role__practitioner", "role__organization"
    )
    context = {
        "access": access,
        "patient": patient,
        "relations": relations,
        "consents": patient.consents.select_related("recorded_by_role__practitioner")[:10],
        "consent_form": ConsentForm(initial={"method": ConsentMethod.VERBAL}),
    }
    return render(request, "patients/detail.html", context)


@require_POST
@login_required
def record_consent(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the patient's consent or objection."""
    access = get_patient_for_user(request, pk, event=AccessEvent.UPDATE)
    actor = access.actor(request)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose consent or objection, and how it was given."))
        return redirect(access.patient)
    do_record_consent(
        access.patient,
        decision=Sharing(form.cleaned_data["decision"]),
        method=ConsentMethod(form.cleaned_data["method"]),
        note=form.cleaned_data["note"],
        actor=actor,
    )
    messages.success(request, _("Recorded. It applies at once."))
    return redirect(access.patient)


@require_http_methods(["GET", "POST"])
@login_required
def emergency_access(request: HttpRequest) -> HttpResponse:
    """Break the glass: see a patient without a care relation, for a stated reason."""
    actor = _actor(request)
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        patient = Patient.objects.filter(bsn=form.cleaned_data["bsn"]).first()
        if patient is None:
            do_record_access(
                event=AccessEvent.EMERGENCY_ACCESS,
                outcome=Outcome.FAILURE,
                user=actor.user,
                request=request,
                detail="no patient with this BSN",
            )
            form.add_error("bsn", _("No patient with this BSN is registered in Schakel."))
        else:
            do_start_emergency_access(patient, reason=form.cleaned_data["reason"], actor=actor)
            messages.warning(
                request,
                _("Emergency access granted. It is logged and the privacy officer reviews it."),
            )
            return redirect(patient)
    return render(request, "patients/emergency.html", {"form": form})
