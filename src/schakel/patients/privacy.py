"""The privacy officer's pages: the access log, emergency-access review, a patient's report.

Only a privacy officer who logged in with two factors may use them (even in the demo), and
reading the log is itself logged.
"""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from schakel.accounts.models import User
from schakel.audit.actions import do_record_access, do_record_accesses
from schakel.audit.models import (
    AccessEvent,
    AccessLogEntry,
    AccessLogQuerySet,
    ChangeLogEntry,
    Grounds,
    Outcome,
)
from schakel.core.exceptions import SecondFactorRequired
from schakel.core.messages import form_errors_as_messages
from schakel.directory.access import active_roles, has_function
from schakel.directory.actions import PATIENT_ACCESS_GRANT
from schakel.directory.actor import Actor
from schakel.directory.models import Function, PractitionerRole
from schakel.patients.actions import do_review_emergency_access
from schakel.patients.forms import AccessLogSearchForm, PeriodForm, ReviewForm
from schakel.patients.models import EmergencyAccess, Patient, Verdict


def _privacy_officer(request: HttpRequest) -> User:
    """The privacy officer, logged in with two factors (always, also in the demo)."""
    user = request.user
    if not isinstance(user, User) or not has_function(user, Function.PRIVACY_OFFICER):
        raise PermissionDenied
    if not user.is_verified():  # type: ignore[attr-defined]  # set by OTPMiddleware
        raise SecondFactorRequired
    return user


def officer_role(user: User) -> PractitionerRole:
    return next(r for r in active_roles(user) if r.function == Function.PRIVACY_OFFICER)


def _within(
    entries: AccessLogQuerySet, form: PeriodForm | AccessLogSearchForm
) -> AccessLogQuerySet:
    zone = timezone.get_current_timezone()
    if form.cleaned_data.get("date_from"):
        start = datetime.combine(form.cleaned_data["date_from"], time.min, tzinfo=zone)
        entries = entries.filter(occurred_at__gte=start)
    if form.cleaned_data.get("date_to"):
        end = datetime.combine(form.cleaned_data["date_to"], time.max, tzinfo=zone)
        entries = entries.filter(occurred_at__lte=end)
    return entries


@require_GET
@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    """Search the access log by patient (BSN), user and period."""
    officer = _privacy_officer(request)
    form = AccessLogSearchForm(request.GET or None)
    entries = AccessLogEntry.objects.select_related("user").order_by("-pk")
    patient = None
    if form.is_valid():
        if form.cleaned_data["bsn"]:
            patient = Patient.objects.filter(bsn=form.cleaned_data["bsn"]).first()
            entries = entries.filter(patient_id=patient.pk if patient else -1)
        if form.cleaned_data["user"]:
            entries = entries.filter(user_identifier__iexact=form.cleaned_data["user"])
        entries = _within(entries, form)
    page = Paginator(entries, 100).get_page(request.GET.get("pagina"))
    # Patients by name (the privacy officer reads the log to answer patients), each logged.
    named = Patient.objects.in_bulk({e.patient_id for e in page if e.patient_id})
    for entry in page:
        patient_name = named[entry.patient_id].sorted_name if entry.patient_id in named else ""
        entry.patient_name = patient_name  # type: ignore[attr-defined]
    if named:
        do_record_accesses(
            event=AccessEvent.READ,
            user=officer,
            request=request,
            object_type="AccessLog",
            patients=[(pk, Grounds.NONE, str(Function.PRIVACY_OFFICER.label), "") for pk in named],
        )
    do_record_access(
        event=AccessEvent.SEARCH,
        outcome=Outcome.SUCCESS,
        user=officer,
        request=request,
        role=str(Function.PRIVACY_OFFICER.label),
        patient_id=patient.pk if patient else None,
        object_type="AccessLog",
        detail="access log searched",
    )
    return render(request, "patients/privacy/access_log.html", {"form": form, "page": page})


@require_GET
@login_required
def patient_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A patient's "who looked at my data": chronological, by period, printable."""
    officer = _privacy_officer(request)
    patient = get_object_or_404(Patient, pk=pk)
    form = PeriodForm(request.GET or None)
    entries = (
        AccessLogEntry.objects.filter(patient_id=patient.pk).select_related("user").order_by("pk")
    )
    if form.is_valid():
        entries = _within(entries, form)
    do_record_access(
        event=AccessEvent.EXPORT,
        outcome=Outcome.SUCCESS,
        user=officer,
        request=request,
        role=str(Function.PRIVACY_OFFICER.label),
        patient_id=patient.pk,
        object_type="AccessReport",
        object_id=patient.pk,
    )
    context = {"patient": patient, "entries": entries, "form": form, "now": timezone.now()}
    return render(request, "patients/privacy/patient_report.html", context)


@require_GET
@login_required
def emergency_review(request: HttpRequest) -> HttpResponse:
    """Emergency accesses, unreviewed first."""
    _privacy_officer(request)
    accesses = EmergencyAccess.objects.select_related(
        "user", "role__practitioner", "role__organization", "reviewed_by"
    ).order_by("reviewed_at", "-started_at")[:200]
    return render(
        request,
        "patients/privacy/emergency_review.html",
        {"accesses": accesses, "form": ReviewForm()},
    )


@require_POST
@login_required
def review_emergency(request: HttpRequest, pk: int) -> HttpResponse:
    officer = _privacy_officer(request)
    access = get_object_or_404(EmergencyAccess, pk=pk, reviewed_at__isnull=True)
    form = ReviewForm(request.POST)
    if form.is_valid():
        do_review_emergency_access(
            access,
            verdict=Verdict(form.cleaned_data["verdict"]),
            note=form.cleaned_data["note"],
            actor=Actor.of(request, officer_role(officer)),
        )
        messages.success(request, _("Review recorded."))
    else:
        form_errors_as_messages(request, form)
    return redirect("patients:emergency_review")


@require_GET
@login_required
def access_grants(request: HttpRequest) -> HttpResponse:
    """Roles and account links that gave someone access to patients, newest first: who gave
    what to whom, for the privacy officer to review."""
    _privacy_officer(request)
    grants = ChangeLogEntry.objects.filter(flag=PATIENT_ACCESS_GRANT).order_by(
        "-occurred_at", "-pk"
    )
    page = Paginator(grants, 50).get_page(request.GET.get("pagina"))
    return render(request, "patients/privacy/access_grants.html", {"page": page})
