"""Demo MDOs: weekly series at the demo hospitals, agendas with GP input requests in every
state, and advice waiting for the GP's acknowledgement. Built through the MDO actions, so the
tasks, notifications and timeline entries are what the application itself makes."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from schakel.accounts.models import User
from schakel.directory.actor import Actor
from schakel.directory.models import Function, Organization, OrganizationKind, PractitionerRole
from schakel.mdo import actions
from schakel.mdo.models import MdoMeeting, MdoSeries, TreatmentIntent, Weekday
from schakel.pathways.access import visible_pathways
from schakel.pathways.models import Phase
from schakel.work.actions import do_transition_task
from schakel.work.engine import evaluate_signals
from schakel.work.models import Task, TaskStatus


def build_demo_mdo() -> int:
    """Series at the first five hospitals; the GP persona's patients on agendas."""
    specialist = User.objects.get(email="specialist@schakel.test")
    gp = User.objects.get(email="huisarts@schakel.test")
    chair_role = PractitionerRole.objects.get(practitioner__user=specialist)
    actor = Actor(specialist, chair_role)
    gp_actor = Actor(gp, PractitionerRole.objects.get(practitioner__user=gp))
    zone = timezone.get_current_timezone()
    hospitals = list(Organization.objects.filter(kind=OrganizationKind.HOSPITAL).order_by("pk")[:5])
    series_by_hospital = {}
    for hospital in hospitals:
        coordinator = PractitionerRole.objects.filter(
            organization=hospital, function=Function.MDO_COORDINATOR
        ).first()
        series = MdoSeries.objects.create(
            name=f"MDO oncologie {hospital.city}",
            hospital=hospital,
            weekday=Weekday.TUESDAY,
            starts_at=time(16),
            ends_at=time(17, 30),
            location="Vergaderzaal oncologie",
            video_link=f"https://video.{hospital.city.lower()}.test/mdo",
            chair=chair_role if hospital == hospitals[0] else None,
            coordinator=coordinator,
        )
        actions.do_schedule_meetings(
            series, until=timezone.localdate() + timedelta(weeks=6), actor=Actor.system()
        )
        series_by_hospital[hospital.pk] = series
    # A regional MDO across hospitals, by video, planned by the network coordinator.
    regional = MdoSeries.objects.create(
        name="Regionaal MDO zeldzame tumoren",
        weekday=Weekday.THURSDAY,
        starts_at=time(8),
        ends_at=time(9),
        video_link="https://video.netwerk.test/mdo-zeldzaam",
        chair=chair_role,
        input_lead_days=3,
    )
    actions.do_schedule_meetings(
        regional, until=timezone.localdate() + timedelta(weeks=6), actor=Actor.system()
    )
    # A meeting last week, where advice was given that the GP has not yet acknowledged.
    last_week = timezone.localdate() - timedelta(days=7)
    first = series_by_hospital[hospitals[0].pk]
    past = MdoMeeting.objects.create(
        series=first,
        name=first.name,
        hospital=first.hospital,
        scheduled_for=last_week,
        starts_at=datetime.combine(last_week, time(16), tzinfo=zone),
        ends_at=datetime.combine(last_week, time(17, 30), tzinfo=zone),
        chair=first.chair,
        coordinator=first.coordinator,
        video_link=first.video_link,
    )
    pathways = list(
        # Patients still being diagnosed or treated (not those whose treatment ended).
        visible_pathways(gp)
        .filter(phase__in=[Phase.DIAGNOSTICS, Phase.TREATMENT])
        .select_related("patient")
        .order_by("pk")
    )
    upcoming = list(
        MdoMeeting.objects.filter(series=first, starts_at__gt=timezone.now()).order_by("starts_at")
    )
    items = 0
    for index, pathway in enumerate(pathways):
        if index == 0:  # advice given last week, waiting for the GP
            item = actions.do_add_to_agenda(
                past, pathway, question="Adjuvante behandeling?", actor=actor
            )
            actions.do_submit_gp_input(
                pathway,
                actor=gp_actor,
                agenda_item=item,
                performance_status=1,
                patient_wishes="Wil graag de bruiloft van haar dochter in juni meemaken.",
                quality_of_life="Zelfstandig, wandelt dagelijks.",
            )
            actions.do_record_outcome(
                item,
                actor=actor,
                advice="Adjuvante chemotherapie, daarna radiotherapie.",
                intent=TreatmentIntent.CURATIVE,
                informs_patient="Internist-oncoloog",
                responsible_specialist=chair_role,
            )
        elif upcoming:
            meeting = upcoming[min(index - 1, len(upcoming) - 1)]
            item = actions.do_add_to_agenda(
                meeting, pathway, question="Beleid na PET-CT?", actor=actor
            )
            if index == 1 and item.input_request is not None:
                # A request whose deadline has just passed: the coordinator sees it as late.
                Task.objects.filter(pk=item.input_request.pk).update(
                    due_at=timezone.now() - timedelta(hours=2)
                )
            if index == 2 and item.input_request is not None:
                do_transition_task(
                    item.input_request,
                    TaskStatus.DECLINED,
                    actor=gp_actor,
                    note="Patiënt al besproken in het vorige MDO; niets nieuws.",
                )
        items += 1
    # Another patient of the chair, discussed last week: the advice was never recorded.
    forgotten = (
        visible_pathways(specialist)
        .filter(phase__in=[Phase.DIAGNOSTICS, Phase.TREATMENT])
        .exclude(pk__in=[p.pk for p in pathways])
        .order_by("pk")
        .first()
    )
    if forgotten is not None:
        actions.do_add_to_agenda(past, forgotten, question="Second opinion nodig?", actor=actor)
        items += 1
    evaluate_signals()  # the MDO's own signals, as the worker would raise them
    return items
