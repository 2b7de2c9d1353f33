"""Who sees which meetings and who manages them. Patients on an agenda are shown only through
``patients.access``: a participant sees the cases they have a care relation with (the chair and
coordinator get an MDO relation for each case put on their agenda)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from schakel.accounts.models import User
from schakel.directory.access import active_roles, has_function
from schakel.directory.models import Function, Organization
from schakel.mdo.models import AgendaItem, MdoMeeting, MdoSeries
from schakel.patients.access import visible_patient_ids


def meetings_for(user: User | AnonymousUser) -> QuerySet[MdoMeeting]:
    """Meetings at the user's hospitals, regional ones, those they chair or coordinate, and
    those with one of their own patients on the agenda (a GP's patient, say)."""
    roles = active_roles(user)
    role_ids = [r.pk for r in roles]
    organization_ids = [r.organization_id for r in roles]
    return MdoMeeting.objects.filter(
        Q(hospital_id__in=organization_ids)
        | Q(hospital__isnull=True)
        | Q(chair_id__in=role_ids)
        | Q(coordinator_id__in=role_ids)
        | Exists(my_cases(user).filter(meeting=OuterRef("pk")))
    )


def my_cases(user: User | AnonymousUser) -> QuerySet[AgendaItem]:
    """Agenda items (on the agenda) of patients the user may see."""
    return AgendaItem.objects.filter(
        removed_at__isnull=True,
        pathway__patient_id__in=visible_patient_ids(user),
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


@dataclass(frozen=True)
class MeetingAccess:
    """A meeting the user takes part in, and whether they manage it (chair, coordinator)."""

    meeting: MdoMeeting
    can_manage: bool


def get_meeting_for_user(
    user: User | AnonymousUser, pk: int | str, *, manage: bool = False
) -> MeetingAccess:
    """The one rule for meetings: not one of the user's meetings → 404 (no hint it exists);
    one of theirs but ``manage`` is asked and they do not manage it → 403."""
    try:
        meeting = meetings_for(user).select_related("hospital").get(pk=int(pk))
    except (MdoMeeting.DoesNotExist, ValueError):
        raise Http404 from None
    manager = can_manage(user, meeting)
    if manage and not manager:
        raise PermissionDenied
    return MeetingAccess(meeting, manager)


def get_agenda_item_for_user(
    user: User | AnonymousUser, pk: int | str, *, manage: bool = False
) -> AgendaItem:
    """An agenda item (on the agenda), by the rule of its meeting."""
    try:
        item = AgendaItem.objects.select_related(
            "meeting", "pathway__patient", "input_request"
        ).get(pk=int(pk), removed_at__isnull=True)
    except (AgendaItem.DoesNotExist, ValueError):
        raise Http404 from None
    get_meeting_for_user(user, item.meeting_id, manage=manage)
    return item
