"""Consultation moments in the calendar feed: the GP's booked slots and the host's moments.
The hospital, the time and how to join; never the patient or the question."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from schakel.accounts.models import User
from schakel.core.calendar import CalendarEntry
from schakel.handovers.consultations import slot_end
from schakel.handovers.models import (
    BookingStatus,
    ConsultationBooking,
    ConsultationSession,
    SessionStatus,
)

# A feed lists a bounded number of entries, however long someone has been booking.
MOST = 200


def consultation_entries(user: User, since: datetime) -> Iterator[CalendarEntry]:
    bookings = (
        ConsultationBooking.objects.filter(booked_by=user, slot_start__gte=since)
        .select_related("session__series__organization")
        .order_by("slot_start")[:MOST]
    )
    for booking in bookings:
        series = booking.session.series
        yield CalendarEntry(
            uid=f"consultation-booking-{booking.pk}@schakel",
            summary=_("Consultation moment %(hospital)s (%(how)s)")
            % {"hospital": series.organization.name, "how": series.get_mode_display()},
            starts_at=booking.slot_start,
            ends_at=slot_end(booking.session, booking.slot_start),
            location=series.how_to_join,
            description=f"{settings.SITE_URL}{booking.get_absolute_url()}",
            cancelled=booking.status == BookingStatus.CANCELLED,
        )
    hosted = (
        ConsultationSession.objects.filter(
            series__host__practitioner__user=user, starts_at__gte=since
        )
        .select_related("series")
        .annotate(questions=Count("bookings", filter=Q(bookings__status=BookingStatus.BOOKED)))
        .order_by("starts_at")[:MOST]
    )
    for session in hosted:
        yield CalendarEntry(
            uid=f"consultation-session-{session.pk}@schakel",
            summary=_("%(title)s (%(n)s questions booked)")
            % {"title": session.series.title, "n": session.questions},
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            location=session.series.how_to_join,
            description=f"{settings.SITE_URL}{session.get_absolute_url()}",
            cancelled=session.status == SessionStatus.CANCELLED,
        )
