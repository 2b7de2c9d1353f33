"""Consultation-moment pages: the moments on offer and my bookings, a series offered by a
hospital team, one moment with its slots (book one; cancel the moment), one booking (record
its outcome; cancel it).

Who sees what: the moments themselves hold no patient data and are open to everyone who cares
for patients. A booking is seen by whom booked it and by the hospital team that offers the
moment; its patient is named only to those who may see that patient (the host has a care
relation for the question), through the access helper, and logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from schakel.accounts.models import User
from schakel.audit.models import AccessEvent
from schakel.core.converters import id_param
from schakel.core.messages import form_errors_as_messages
from schakel.directory.access import active_roles
from schakel.directory.actor import Actor
from schakel.directory.models import Organization, OrganizationKind, TumourType
from schakel.handovers import consultations
from schakel.handovers.consultation_forms import (
    BookingForm,
    CancelBookingForm,
    CancelSessionForm,
    OutcomeForm,
    SeriesForm,
)
from schakel.handovers.models import (
    BookingStatus,
    ConsultationBooking,
    ConsultationSeries,
    ConsultationSession,
    SessionStatus,
)
from schakel.pathways.access import PathwayAccess, get_pathway_for_user, visible_pathways
from schakel.pathways.models import CarePathway, Phase
from schakel.patients.access import log_patients_shown
from schakel.work.actions import TransitionError

PAGE_SIZE = 25
# How far ahead the list of moments looks.
DAYS_AHEAD = 42


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _hospital_ids(user: User) -> set[int]:
    return {
        role.organization_id
        for role in active_roles(user)
        if role.organization.kind == OrganizationKind.HOSPITAL
    }


def _cares_for_patients(user: User) -> None:
    """The pages are for professionals with a role (not for an administrator without one)."""
    if not active_roles(user):
        raise PermissionDenied


# A practice has a few dozen patients in a cancer pathway at a time; this bounds the list.
MAX_PATHWAYS = 200


def _booking_pathways(user: User, wanted: int | None) -> QuerySet[CarePathway]:
    """The open pathways of the user's practice's patients: what a GP may ask about (the one
    the GP came from first in line, whatever the bound)."""
    practices = [role.organization_id for role in consultations.booking_roles(active_roles(user))]
    mine = (
        visible_pathways(user)
        .filter(patient__gp_practice_id__in=practices)
        .exclude(phase=Phase.CLOSED)
    )
    ids = set(
        mine.order_by("patient__family_name", "patient__given_name", "pk").values_list(
            "pk", flat=True
        )[:MAX_PATHWAYS]
    )
    if wanted is not None:
        ids |= set(mine.filter(pk=wanted).values_list("pk", flat=True))
    # Not sliced: the form validates a choice by filtering this queryset.
    return (
        CarePathway.objects.filter(pk__in=ids)
        .select_related("patient", "tumour_type")
        .order_by("patient__family_name", "patient__given_name", "pk")
    )


@require_http_methods(["GET"])
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The coming moments (filter by words and tumour type), my bookings, and our offer."""
    user = _user(request)
    _cares_for_patients(user)
    now = timezone.now()
    words = request.GET.get("q", "").strip()[:80]
    tumour = id_param(request.GET.get("tumor"))
    pathway_id = id_param(request.GET.get("traject"))
    sessions = (
        ConsultationSession.objects.filter(
            status=SessionStatus.PLANNED,
            starts_at__gt=now,
            starts_at__lt=now + timedelta(days=DAYS_AHEAD),
            series__is_active=True,
        )
        .select_related("series__organization", "series__tumour_type", "series__host__practitioner")
        .annotate(booked=Count("bookings", filter=~Q(bookings__status=BookingStatus.CANCELLED)))
        .order_by("starts_at", "pk")
    )
    if words:
        for word in words.split():
            sessions = sessions.filter(
                Q(series__organization__name__icontains=word)
                | Q(series__title__icontains=word)
                | Q(series__organization__city__icontains=word)
            )
    if tumour is not None:
        sessions = sessions.filter(
            Q(series__tumour_type_id=tumour) | Q(series__tumour_type__isnull=True)
        )
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("pagina"))
    for session in page:
        session.free = consultations.places(session) - session.booked  # type: ignore[attr-defined]
    mine = list(
        ConsultationBooking.objects.filter(booked_by=user)
        .filter(Q(slot_start__gte=now - timedelta(days=30)) | Q(status=BookingStatus.BOOKED))
        .select_related("session__series__organization", "session__series__host__practitioner")
        .order_by("-slot_start")[:20]
    )
    # The coming ones first, the next on top; then what was, the latest first.
    mine.sort(key=lambda b: (b.slot_start < now, abs((b.slot_start - now).total_seconds())))
    # The questions waiting for me at the moments I hold (the late ones on top).
    to_answer = list(
        ConsultationBooking.objects.filter(
            session__series__host__practitioner__user=user, status=BookingStatus.BOOKED
        )
        .select_related("session__series", "booked_role__practitioner", "booked_role__organization")
        .order_by("slot_start")[:20]
    )
    hospitals = _hospital_ids(user)
    offered = list(
        ConsultationSeries.objects.filter(organization_id__in=hospitals)
        .select_related("organization", "tumour_type", "host__practitioner")
        .order_by("-is_active", "organization__name", "title")[:50]
    )
    query = {k: v for k, v in (("q", words), ("tumor", tumour), ("traject", pathway_id)) if v}
    return render(
        request,
        "handovers/consultations.html",
        {
            "page": page,
            "mine": mine,
            "to_answer": to_answer,
            "now": now,
            "offered": offered,
            "can_offer": bool(hospitals),
            "can_book": bool(consultations.booking_roles(active_roles(user))),
            "tumour_types": TumourType.objects.order_by("name"),
            "words": words,
            "tumour": tumour,
            "pathway_id": pathway_id or "",
            "query_string": urlencode(query),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def offer(request: HttpRequest) -> HttpResponse:
    """A hospital team offers a new series of consultation moments."""
    user = _user(request)
    hospitals = Organization.objects.filter(pk__in=_hospital_ids(user)).order_by("name")
    if not hospitals.exists():
        raise PermissionDenied
    posted = request.method == "POST"
    form = SeriesForm(
        request.POST if posted else None,
        hospitals=hospitals,
        initial={"first_date": timezone.localdate(), "capacity": 1, "slot_minutes": 10},
    )
    if posted and form.is_valid():
        try:
            series = consultations.do_offer_consultations(
                form.save(commit=False), actor=Actor.of(request)
            )
        except TransitionError:
            messages.error(request, _("These consultation moments could not be offered."))
        else:
            messages.success(request, _("Consultation moments offered and planned."))
            return redirect(series)
    return render(
        request, "handovers/consultation_offer.html", {"form": form}, status=400 if posted else 200
    )


def _series_for_manager(request: HttpRequest, pk: int) -> ConsultationSeries:
    series = get_object_or_404(
        ConsultationSeries.objects.select_related(
            "organization", "tumour_type", "host__practitioner", "host__organization"
        ),
        pk=pk,
    )
    user = _user(request)
    if series.organization_id not in _hospital_ids(user):
        raise Http404
    return series


@require_http_methods(["GET"])
@login_required
def series_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The hospital team's view of a series: its coming moments and how full they are."""
    series = _series_for_manager(request, pk)
    sessions = list(
        series.sessions.filter(starts_at__gte=timezone.now() - timedelta(days=14))
        .annotate(booked=Count("bookings", filter=~Q(bookings__status=BookingStatus.CANCELLED)))
        .order_by("starts_at")[:30]
    )
    for session in sessions:
        session.series = series
        session.places = consultations.places(session)  # type: ignore[attr-defined]
    return render(
        request,
        "handovers/consultation_series.html",
        {"series": series, "sessions": sessions, "stop_form": CancelSessionForm()},
    )


@require_POST
@login_required
def stop_series(request: HttpRequest, pk: int) -> HttpResponse:
    series = _series_for_manager(request, pk)
    form = CancelSessionForm(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect(series)
    if series.is_active:
        cancelled = consultations.do_stop_series(
            series, reason=form.cleaned_data["reason"], actor=Actor.of(request)
        )
        messages.success(
            request,
            _("No more moments of this series; %(n)s coming moments cancelled.") % {"n": cancelled},
        )
    return redirect(series)


@dataclass
class SlotRow:
    """One slot of a moment as the page shows it."""

    start: object
    bookings: list[ConsultationBooking]
    free: int


@require_http_methods(["GET", "POST"])
@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One moment: its slots; a GP books one, the hospital team sees who booked what."""
    user = _user(request)
    _cares_for_patients(user)
    session = get_object_or_404(
        ConsultationSession.objects.select_related(
            "series__organization", "series__tumour_type", "series__host__practitioner"
        ),
        pk=pk,
    )
    manages = session.series.organization_id in _hospital_ids(user)
    bookings = list(
        consultations.active_bookings(session).select_related(
            "booked_role__practitioner", "booked_role__organization", "pathway__patient"
        )
    )
    starts = [b.slot_start for b in bookings]
    # The hospital team sees every question, a GP only their own; of those, patients are
    # named only to who may see them (and logged).
    listed = [b for b in bookings if manages or b.booked_by_id == user.pk]
    shown = log_patients_shown(request, [b.pathway.patient_id for b in listed if b.pathway])
    rows = [
        SlotRow(
            start,
            [b for b in listed if b.slot_start == start],
            session.series.capacity - starts.count(start),
        )
        for start in consultations.slot_starts(session)
    ]
    bookable = (
        session.status == SessionStatus.PLANNED
        and session.starts_at > timezone.now()
        and bool(consultations.booking_roles(active_roles(user)))
    )
    form = None
    posted = request.method == "POST"
    if posted and not bookable:
        raise PermissionDenied
    if bookable:
        wanted = id_param(request.GET.get("traject"))
        pathways = _booking_pathways(user, wanted)
        form = BookingForm(
            request.POST if posted else None,
            slots=consultations.free_slots(session, starts),
            pathways=pathways,
            initial={"pathway": wanted} if wanted is not None else {},
        )
        log_patients_shown(request, [p.patient_id for p in pathways])
        if posted and form.is_valid():
            data = form.cleaned_data
            pathway = data["pathway"]
            actor = Actor.of(request, consultations.booking_roles(active_roles(user))[0])
            if pathway is not None:
                actor = get_pathway_for_user(request, pathway.pk, event=AccessEvent.UPDATE).actor(
                    request
                )
            try:
                booking = consultations.do_book(
                    session,
                    slot_start=data["slot"],
                    question=data["question"],
                    pathway=pathway,
                    actor=actor,
                )
            except consultations.SlotTaken:
                form.add_error(
                    "slot", _("Someone booked this time just before you; choose another.")
                )
            except consultations.NotShared:
                form.add_error(
                    "pathway",
                    _(
                        "The patient did not consent to sharing their data outside the hospital "
                        "that registered them; ask your question without the patient."
                    ),
                )
            except TransitionError:
                messages.error(request, _("This consultation moment can no longer be booked."))
                return redirect(session)
            else:
                messages.success(
                    request, _("Booked. The moment is in your calendar; the specialist is aan zet.")
                )
                return redirect(booking)
    return render(
        request,
        "handovers/consultation_session.html",
        {
            "session": session,
            "series": session.series,
            "rows": rows,
            "shown": shown,
            "manages": manages,
            "form": form,
            "cancel_form": CancelSessionForm()
            if manages
            and session.status == SessionStatus.PLANNED
            and session.ends_at > timezone.now()
            else None,
        },
        status=400 if posted else 200,
    )


@require_POST
@login_required
def cancel_session(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(ConsultationSession.objects.select_related("series"), pk=pk)
    if session.series.organization_id not in _hospital_ids(_user(request)):
        raise Http404
    form = CancelSessionForm(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect(session)
    try:
        told = consultations.do_cancel_session(
            session, reason=form.cleaned_data["reason"], actor=Actor.of(request)
        )
    except TransitionError:
        messages.error(request, _("This consultation moment is cancelled already."))
    else:
        messages.success(
            request, _("Consultation moment cancelled; %(n)s who booked are told.") % {"n": told}
        )
    return redirect(session)


@dataclass(frozen=True)
class BookingAccess:
    booking: ConsultationBooking
    is_booker: bool
    manages: bool
    pathway_access: PathwayAccess | None


def _booking_for_user(
    request: HttpRequest, pk: int, event: AccessEvent = AccessEvent.READ
) -> BookingAccess:
    """The booking, for whom booked it, the hospital team that offers the moment, and the
    patient's care relations; 404 for anyone else. The patient comes with the pathway's
    access (logged) where the user may see them."""
    user = _user(request)
    booking = get_object_or_404(
        ConsultationBooking.objects.select_related(
            "session__series__organization",
            "session__series__host__practitioner",
            "session__series__tumour_type",
            "booked_role__practitioner",
            "booked_role__organization",
            "outcome_by",
        ),
        pk=pk,
    )
    is_booker = booking.booked_by_id == user.pk
    manages = booking.session.series.organization_id in _hospital_ids(user)
    pathway_access = None
    if booking.pathway_id is not None:
        visible = visible_pathways(user).filter(pk=booking.pathway_id).exists()
        if visible:
            pathway_access = get_pathway_for_user(request, booking.pathway_id, event=event)
            booking.pathway = pathway_access.pathway
    if not (is_booker or manages or pathway_access is not None):
        raise Http404
    return BookingAccess(booking, is_booker, manages, pathway_access)


def _writer(request: HttpRequest, access: BookingAccess) -> Actor:
    """About a patient, one writes through the pathway's access; else as oneself."""
    if access.booking.pathway_id is not None:
        if access.pathway_access is None:
            raise PermissionDenied
        return access.pathway_access.actor(request)
    return Actor.of(request)


@require_http_methods(["GET", "POST"])
@login_required
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A booked question; from its time on the hospital team records the outcome."""
    posted = request.method == "POST"
    access = _booking_for_user(request, pk, AccessEvent.UPDATE if posted else AccessEvent.READ)
    booking = access.booking
    may_record = (
        access.manages
        and booking.status == BookingStatus.BOOKED
        and booking.session.status == SessionStatus.PLANNED
        and (booking.pathway_id is None or access.pathway_access is not None)
    )
    form = OutcomeForm(request.POST if posted else None)
    if posted:
        if not may_record:
            raise PermissionDenied
        if form.is_valid():
            try:
                consultations.do_record_consultation(
                    booking, outcome=form.cleaned_data["outcome"], actor=_writer(request, access)
                )
            except TransitionError:
                form.add_error(None, _("The outcome can be recorded from the booked time on."))
            else:
                messages.success(request, _("Outcome recorded; the GP is told."))
                return redirect(booking)
    return render(
        request,
        "handovers/consultation_booking.html",
        {
            "booking": booking,
            "session": booking.session,
            "series": booking.session.series,
            "pathway": booking.pathway if access.pathway_access else None,
            "hidden_patient": booking.pathway_id is not None and access.pathway_access is None,
            "slot_end": consultations.slot_end(booking.session, booking.slot_start),
            "form": form if may_record else None,
            "started": booking.slot_start <= timezone.now(),
            "cancel_form": CancelBookingForm()
            if access.is_booker
            and booking.status == BookingStatus.BOOKED
            and booking.slot_start > timezone.now()
            else None,
        },
        status=400 if posted else 200,
    )


@require_POST
@login_required
def cancel_booking(request: HttpRequest, pk: int) -> HttpResponse:
    access = _booking_for_user(request, pk, AccessEvent.UPDATE)
    if not access.is_booker:
        raise PermissionDenied
    form = CancelBookingForm(request.POST)
    form.is_valid()
    try:
        consultations.do_cancel_booking(
            access.booking,
            reason=form.cleaned_data.get("reason", ""),
            actor=_writer(request, access) if access.pathway_access else Actor.of(request),
        )
    except TransitionError:
        messages.error(request, _("This booking can no longer be cancelled."))
    else:
        messages.success(request, _("Booking cancelled; the time is free again."))
    return redirect(access.booking)
