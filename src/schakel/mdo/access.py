"""Who sees which meetings and who manages them. Patients on an agenda are shown only through
``patients.access``: a participant sees the cases they have a care relation with (the chair and
coordinator get an MDO relation for each case put on their agenda)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from schakel.accounts.models import User
from schakel.directory.access import active_roles, has_function
from schakel.directory.models import Function, Organization
from schakel.mdo.models import MdoMeeting, MdoSeries


def meetings_for(user: User | AnonymousUser) -> QuerySet[MdoMeeting]:
    """Meetings at the user's hospitals, regional ones, and those they chair or coordinate."""
    roles = active_roles(user)
    role_ids = [r.pk for r in roles]
    organization_ids = [r.organization_id for r in roles]
    return MdoMeeting.objects.filter(
        Q(hospital_id__in=organization_ids)
        | Q(hospital__isnull=True)
        | Q(chair_id__in=role_ids)
        | Q(coordinator_id__in=role_ids)
    )


def can_manage(user: User | AnonymousUser, meeting: MdoMeeting) -> bool:
    """The chair, the coordinator, or an MDO coordinator of the meeting's hospital."""
    for role in active_roles(user):
        if role.pk in (meeting.chair_id, meeting.coordinator_id):
            return True
        if (
            role.function == Function.MDO_COORDINATOR
            and role.organization_id == meeting.hospital_id
        ):
            return True
    return False


def series_for(user: User | AnonymousUser) -> QuerySet[MdoSeries]:
    """The series of the user's hospitals and the regional ones."""
    organization_ids = [r.organization_id for r in active_roles(user)]
    return MdoSeries.objects.filter(Q(hospital_id__in=organization_ids) | Q(hospital__isnull=True))


def series_hospitals(user: User | AnonymousUser) -> QuerySet[Organization]:
    """The hospitals whose MDO series the user plans: where they are the MDO coordinator."""
    return Organization.objects.filter(
        pk__in=[
            r.organization_id for r in active_roles(user) if r.function == Function.MDO_COORDINATOR
        ]
    )


def can_plan_regional(user: User | AnonymousUser) -> bool:
    """Regional MDOs (across hospitals) are planned by the network coordinator."""
    return has_function(user, Function.NETWORK_COORDINATOR)


def can_manage_series(user: User | AnonymousUser, series: MdoSeries) -> bool:
    """The series' coordinator, an MDO coordinator of its hospital, or (regional) the network
    coordinator."""
    for role in active_roles(user):
        if role.pk == series.coordinator_id:
            return True
        if series.hospital_id is None and role.function == Function.NETWORK_COORDINATOR:
            return True
        if role.function == Function.MDO_COORDINATOR and role.organization_id == series.hospital_id:
            return True
    return False
