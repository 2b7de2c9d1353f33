"""The handovers section of the pathway page: its handovers with their status, and the ways
to hand over from here (to the GP, to another hospital, or from the GP back to a hospital)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from schakel.directory.models import OrganizationKind
from schakel.handovers.consultations import booking_roles

if TYPE_CHECKING:
    from schakel.pathways.access import PathwayAccess


def handovers_section(request: HttpRequest, access: PathwayAccess) -> SafeString:
    pathway = access.pathway
    handovers = list(
        pathway.handovers.select_related("sender_organization", "receiver_organization").order_by(
            "-sent_at", "-pk"
        )
    )
    kind = access.patient_access.role.organization.kind if access.can_write else None
    if not handovers and kind is None:
        return SafeString("")
    return render_to_string(
        "handovers/_section.html",
        {
            "pathway": pathway,
            "handovers": handovers,
            "from_hospital": kind == OrganizationKind.HOSPITAL and pathway.is_open,
            "from_practice": kind == OrganizationKind.GP_PRACTICE and pathway.is_open,
        },
        request,
    )


def contact_moments_section(request: HttpRequest, access: PathwayAccess) -> SafeString:
    """The pathway's contact moments between case manager and GP/POH, and planning one."""
    pathway = access.pathway
    moments = list(
        pathway.contact_moments.select_related("participant__practitioner").order_by(
            "-planned_for", "-pk"
        )
    )
    if not moments and not access.can_write:
        return SafeString("")
    return render_to_string(
        "handovers/_moments.html",
        {"pathway": pathway, "moments": moments, "can_plan": access.can_write and pathway.is_open},
        request,
    )


def consultations_section(request: HttpRequest, access: PathwayAccess) -> SafeString:
    """Questions about this patient at consultation moments, and booking one (the GP)."""
    pathway = access.pathway
    bookings = list(
        pathway.consultation_bookings.select_related(
            "session__series__organization", "booked_role__practitioner"
        ).order_by("-slot_start")[:10]
    )
    can_book = (
        access.can_write and pathway.is_open and bool(booking_roles([access.patient_access.role]))
    )
    if not bookings and not can_book:
        return SafeString("")
    return render_to_string(
        "handovers/_consultations.html",
        {"pathway": pathway, "bookings": bookings, "can_book": can_book},
        request,
    )
