"""Demo consultation moments: the medical oncologist persona's weekly telephone hour for GPs
and a second hospital's monthly regional breast-cancer meeting. Coming bookings are made
through the actions (so the host's tasks, care relations and notifications are the real
ones); the weeks before today are history: one question answered, with its outcome on the
timeline, and one the oncologist still has to record. One coming telephone hour is cancelled,
which tells the GP persona who had booked it."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from schakel.accounts.models import User
from schakel.directory.actor import Actor
from schakel.directory.models import Function, Organization, OrganizationKind, PractitionerRole
from schakel.handovers import consultations
from schakel.handovers.models import (
    BookingStatus,
    ConsultationBooking,
    ConsultationMode,
    ConsultationSeries,
    ConsultationSession,
    Recurrence,
    SessionStatus,
)
from schakel.pathways.access import visible_pathways
from schakel.pathways.actions import do_record_event
from schakel.pathways.models import CarePathway, EventKind, Phase
from schakel.patients.actions import do_start_care_relation
from schakel.patients.models import RelationKind
from schakel.work.actions import do_create_task


def _offer(series: ConsultationSeries, actor: Actor, weeks_back: int) -> list[ConsultationSession]:
    """Offered some weeks ago: its moments since then, past and coming."""
    series.first_date = timezone.localdate() - timedelta(weeks=weeks_back)
    consultations.do_offer_consultations(series, actor=actor)
    consultations.do_plan_sessions(
        series,
        until=timezone.localdate() + timedelta(weeks=consultations.WEEKS_AHEAD),
        actor=actor,
        since=series.first_date,
    )
    return list(series.sessions.order_by("starts_at"))


def _history(
    session: ConsultationSession,
    slot: datetime,
    asker: Actor,
    pathway: CarePathway | None,
    question: str,
    outcome: str = "",
) -> ConsultationBooking:
    """A booking in a moment that has passed, as the actions would have left it."""
    host = session.series.host
    booking = ConsultationBooking.objects.create(
        session=session,
        slot_start=slot,
        booked_by=asker.account,
        booked_role=asker.acting_role,
        pathway=pathway,
        question=question,
    )
    if pathway is not None:
        booking.relation = do_start_care_relation(
            pathway.patient,
            host,
            kind=RelationKind.CONSULTED,
            actor=asker,
            until=session.ends_at + timedelta(days=consultations.RELATION_DAYS_AFTER),
        )
    if outcome:
        booking.status = BookingStatus.HELD
        booking.outcome = outcome
        booking.outcome_at = consultations.slot_end(session, slot)
        booking.outcome_by = host.practitioner.user
        if pathway is not None:
            do_record_event(
                pathway,
                EventKind.NOTE,
                actor=Actor(host.practitioner.user, host),
                occurred_at=booking.outcome_at,
                summary=f"Consultatiemoment huisarts–{host.function_label}: {outcome}",
            )
    else:
        booking.task = do_create_task(
            booking,
            kind="handovers.consultation",
            title=f"Consultatiemoment {timezone.localtime(slot):%H:%M}: vraag van "
            f"{asker.acting_role.practitioner.full_name} ({asker.acting_role.organization.name})",
            due_at=consultations.slot_end(session, slot),
            actor=asker,
            owner_role=host,
            focus=("ConsultationBooking", booking.pk),
        )
    booking.save()
    return booking


def build_demo_consultations() -> int:
    """Returns the number of bookings made."""
    now = timezone.now()
    specialist = PractitionerRole.objects.select_related("organization", "practitioner").get(
        practitioner__user__email="specialist@schakel.test"
    )
    gp_user = User.objects.get(email="huisarts@schakel.test")
    gp = Actor(gp_user, PractitionerRole.objects.get(practitioner__user=gp_user))
    poh_role = PractitionerRole.objects.select_related("practitioner__user").get(
        practitioner__user__email="poh@schakel.test"
    )
    poh = Actor(poh_role.practitioner.user, poh_role)
    hospital = specialist.organization
    telephone = _offer(
        ConsultationSeries(
            organization=hospital,
            title="Telefonisch spreekuur oncologie voor huisartsen",
            host=specialist,
            mode=ConsultationMode.TELEPHONE,
            how_to_join="De internist-oncoloog belt u op het nummer van uw praktijk "
            f"(bij geen gehoor: {hospital.phone})",
            recurrence=Recurrence.WEEKLY,
            weekday=1,
            starts_at=time(12, 30),
            ends_at=time(13, 0),
            slot_minutes=10,
            capacity=1,
        ),
        Actor(specialist.practitioner.user, specialist),
        weeks_back=6,
    )
    other = (
        Organization.objects.filter(kind=OrganizationKind.HOSPITAL, region=hospital.region)
        .exclude(pk=hospital.pk)
        .order_by("pk")
        .first()
    )
    surgeon = (
        PractitionerRole.objects.filter(
            organization=other, function=Function.SURGEON, tumour_types__code="borstkanker"
        )
        .select_related("practitioner__user", "organization")
        .order_by("pk")
        .first()
    )
    meeting: list[ConsultationSession] = []
    if other is not None and surgeon is not None:
        meeting = _offer(
            ConsultationSeries(
                organization=other,
                tumour_type=surgeon.tumour_types.get(code="borstkanker"),
                title="Regionaal consultatiemoment mammacarcinoom",
                host=surgeon,
                mode=ConsultationMode.MEETING,
                how_to_join=f"Vergaderzaal Oncologisch Centrum, {other.name}",
                recurrence=Recurrence.MONTHLY,
                weekday=3,
                starts_at=time(17, 30),
                ends_at=time(18, 30),
                slot_minutes=0,
                capacity=8,
            ),
            Actor(None, surgeon, label="mammateam"),
            weeks_back=8,
        )
    past = [s for s in telephone if s.ends_at < now]
    coming = [s for s in telephone if s.starts_at > now]
    patients = [
        pathway
        for pathway in visible_pathways(gp_user)
        .filter(phase=Phase.TREATMENT)
        .select_related("patient", "tumour_type")
        .order_by("pk")[:20]
        if consultations.may_share_with_host(pathway, telephone[0])
    ]
    made = 0
    if past and patients:
        answered = past[-2] if len(past) > 1 else past[-1]
        _history(
            answered,
            answered.starts_at,
            gp,
            patients[0],
            "Patiënte heeft na de tweede kuur tintelingen in de vingers. Kan ik iets geven, "
            "of moet de volgende kuur worden aangepast?",
            outcome="Neuropathie graad 1 door paclitaxel. Geen medicatie starten; de volgende "
            "kuur gaat met 20% dosisreductie. Huisarts vraagt bij toename naar functie.",
        )
        _history(
            past[-1],
            past[-1].starts_at + timedelta(minutes=10),
            gp,
            patients[1] if len(patients) > 1 else None,
            "Mag patiënt tijdens de immunotherapie gevaccineerd worden tegen griep en COVID?",
        )
        made += 2
    if coming and patients:
        consultations.do_book(
            coming[0],
            slot_start=coming[0].starts_at,
            question="Patiënt is sinds een week erg moe en kortademig bij inspanning, Hb bij "
            "ons 6,1. Bloedtransfusie via jullie, of eerst afwachten tot de volgende kuur?",
            pathway=patients[-1],
            actor=gp,
        )
        made += 1
    if len(coming) > 2:
        # A week later the oncologist is at a congress: the moment is cancelled.
        cancelled = coming[2]
        consultations.do_book(
            cancelled,
            slot_start=cancelled.starts_at + timedelta(minutes=20),
            question="Algemene vraag: wanneer verwijs ik bij een verhoogd PSA bij een man van "
            "78 met hartfalen nog door?",
            pathway=None,
            actor=gp,
        )
        consultations.do_cancel_session(
            cancelled,
            reason="De internist-oncoloog is die dag op een congres (ESMO).",
            actor=Actor(specialist.practitioner.user, specialist),
        )
        made += 1
    next_meeting = next(
        (s for s in meeting if s.starts_at > now and s.status == SessionStatus.PLANNED), None
    )
    if next_meeting is not None:
        consultations.do_book(
            next_meeting,
            slot_start=next_meeting.starts_at,
            question="Algemene vraag: welke nazorgafspraken gelden na vijf jaar hormonale "
            "therapie, en wie doet dan de jaarlijkse mammografie?",
            pathway=None,
            actor=poh,
        )
        made += 1
    return made
