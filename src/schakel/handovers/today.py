"""The consultation moments' part of "Vandaag": the GP's booked questions of the coming week
(the host's are tasks, and so already on the page)."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from schakel.accounts.models import User
from schakel.core.templatetags.schakel import datumtijd
from schakel.core.today import TodayRow, render_today_list
from schakel.directory.access import active_roles
from schakel.handovers.consultations import booking_roles
from schakel.handovers.models import BookingStatus, ConsultationBooking


def booked_consultations(request: HttpRequest) -> SafeString | str:
    if not isinstance(request.user, User) or not booking_roles(active_roles(request.user)):
        return ""  # only GPs and POHs book: no question to ask for anyone else
    now = timezone.now()
    bookings = list(
        ConsultationBooking.objects.filter(
            booked_by_id=request.user.pk,
            status=BookingStatus.BOOKED,
            slot_start__gte=now - timedelta(hours=1),
            slot_start__lt=now + timedelta(days=7),
        )
        .select_related("session__series__organization")
        .order_by("slot_start")[:10]
    )
    rows = [
        TodayRow(
            text=_("Consultation moment %(hospital)s")
            % {"hospital": booking.session.series.organization.name},
            url=booking.get_absolute_url(),
            meta=datumtijd(booking.slot_start),
        )
        for booking in bookings
    ]
    return render_today_list(
        request,
        "consultations",
        _("Your consultation moments this week"),
        rows,
        more_url=reverse("consultations:overview"),
        more_label=_("All consultation moments"),
    )
