"""Demo handovers. The region's history (transfers between hospitals, aftercare handed over to
the GP) is inserted in bulk with the pathways; the stories the personas meet are made through
the handover actions, so their tasks, timeline, notifications and signals are the real ones:
a handover in every status, one rejected and sent again, accepted aftercare plans with checks
due and overdue, a plan revised after acceptance, a GP referring a patient back and a transfer
the receiving hospital has not accepted yet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from schakel.accounts.models import User
from schakel.directory.actor import Actor
from schakel.directory.models import (
    ContactPoint,
    Function,
    Organization,
    PractitionerRole,
)
from schakel.handovers import actions, contact_moments
from schakel.handovers.models import (
    OPEN_STATUSES,
    AftercareCheck,
    AftercarePlan,
    AftercarePlanVersion,
    Direction,
    FollowUpBy,
    Handover,
    HandoverStatus,
    HandoverStep,
    LateEffect,
    MomentPoint,
    Reason,
)
from schakel.pathways.access import visible_pathways
from schakel.pathways.models import CarePathway, Phase
from schakel.work.engine import evaluate_signals
from schakel.work.models import Task, TaskStatus

# What a treatment leaves to watch, by tumour type (after "Herstel na kanker").
LATE_EFFECTS: dict[str, list[str]] = {
    "borstkanker": [LateEffect.FATIGUE, LateEffect.EMOTIONAL, LateEffect.LYMPHOEDEMA],
    "longkanker": [LateEffect.FATIGUE, LateEffect.EMOTIONAL, LateEffect.PAIN],
    "darmkanker": [LateEffect.FATIGUE, LateEffect.PAIN, LateEffect.WORK],
    "prostaatkanker": [LateEffect.SEXUAL, LateEffect.EMOTIONAL],
    "hpb": [LateEffect.FATIGUE, LateEffect.PAIN],
    "hematologie": [LateEffect.FATIGUE, LateEffect.COGNITIVE, LateEffect.CARDIAC],
}
ALARM_SYMPTOMS: dict[str, str] = {
    "borstkanker": "Nieuwe knobbel in borst of oksel, aanhoudende botpijn, kortademigheid.",
    "longkanker": "Bloed ophoesten, toenemende kortademigheid, aanhoudende hoofdpijn.",
    "darmkanker": "Bloed bij de ontlasting, veranderd ontlastingspatroon, geelzucht.",
    "prostaatkanker": "Botpijn, moeite met plassen, bloed in de urine.",
    "hpb": "Geelzucht, onverklaard gewichtsverlies, buikpijn.",
    "hematologie": "Koorts boven 38,5 °C, nachtzweten, nieuwe lymfeklieren.",
}
# Who checks what after treatment: (what, by, months after the end of treatment).
CHECKS: dict[str, list[tuple[str, str, int]]] = {
    "borstkanker": [
        ("Nazorggesprek: herstel, vermoeidheid en werk", FollowUpBy.GP, 1),
        ("Mammografie", FollowUpBy.HOSPITAL, 12),
    ],
    "longkanker": [("CT-thorax", FollowUpBy.HOSPITAL, 6)],
    "darmkanker": [("CEA en CT-abdomen", FollowUpBy.HOSPITAL, 6)],
    "prostaatkanker": [("PSA-controle", FollowUpBy.GP, 3)],
    "hpb": [("CT-abdomen", FollowUpBy.HOSPITAL, 6)],
    "hematologie": [("Bloedbeeld", FollowUpBy.HOSPITAL, 3)],
}
LIFESTYLE = "Dagelijks een half uur bewegen, niet roken, weinig alcohol; zo nodig Herstel & Balans."


def months_after(day: date, months: int) -> date:
    return day + timedelta(days=round(30.4 * months))


@dataclass
class HistoricalHandovers:
    """What happened before the demo's today, collected per pathway and saved in bulk."""

    handovers: list[Handover] = field(default_factory=list)
    plans: dict[int, dict[str, Any]] = field(default_factory=dict)  # index → plan fields
    checks: dict[int, list[tuple[str, str, date]]] = field(default_factory=dict)

    def transfer(
        self,
        pathway: CarePathway,
        sender: Organization,
        receiver: Organization,
        sent: datetime,
        accepted: datetime | None,
    ) -> None:
        """A transfer between hospitals; without ``accepted`` it still waits for the receiver."""
        self.handovers.append(
            Handover(
                pathway=pathway,
                direction=Direction.TRANSFER,
                reason=Reason.TRANSFER,
                sender_organization=sender,
                receiver_organization=receiver,
                status=HandoverStatus.ACCEPTED if accepted else HandoverStatus.REQUESTED,
                letter="Overplaatsing voor vervolgbehandeling; beeldvorming en PA meegestuurd.",
                sent_at=sent,
                received_at=accepted,
                accepted_at=accepted,
            )
        )

    def aftercare(
        self,
        pathway: CarePathway,
        hospital: Organization,
        code: str,
        ended: datetime,
        treatment_summary: str,
    ) -> None:
        """Aftercare handed over to the GP practice and accepted, with its plan."""
        sent = ended + timedelta(days=3)
        accepted = sent + timedelta(days=2)
        self.handovers.append(
            Handover(
                pathway=pathway,
                direction=Direction.TO_GP,
                reason=Reason.END_OF_TREATMENT,
                sender_organization=hospital,
                receiver_organization=pathway.patient.gp_practice,
                receiver_role=pathway.general_practitioner,
                status=HandoverStatus.ACCEPTED,
                letter="Behandeling afgerond. Wij dragen de nazorg graag aan u over; zie het "
                "nazorgplan.",
                sent_at=sent,
                received_at=accepted,
                accepted_at=accepted,
            )
        )
        index = len(self.handovers) - 1
        self.plans[index] = {
            "diagnosis": str(pathway.tumour_type),
            "treatment_summary": treatment_summary,
            "late_effects": LATE_EFFECTS.get(code, [LateEffect.FATIGUE]),
            "alarm_symptoms": ALARM_SYMPTOMS.get(code, "Nieuwe of toenemende klachten."),
            "lifestyle": LIFESTYLE,
            "review_date": months_after(timezone.localdate(ended), 12),
        }
        # Only the hospital's checks: the history's GP checks would be tasks of people
        # without an account; the stories below give the personas theirs.
        self.checks[index] = [
            (what, by, months_after(timezone.localdate(ended), months))
            for what, by, months in CHECKS.get(code, [])
            if by == FollowUpBy.HOSPITAL
        ]

    def save(self) -> None:
        Handover.objects.bulk_create(self.handovers, batch_size=2000)
        steps, tasks = [], []
        handover_type = ContentType.objects.get_for_model(CarePathway)
        for handover in self.handovers:
            steps.append(
                HandoverStep(
                    handover=handover, status=HandoverStatus.REQUESTED, at=handover.sent_at
                )
            )
            if handover.accepted_at:
                steps += [
                    HandoverStep(handover=handover, status=status, at=handover.accepted_at)
                    for status in (HandoverStatus.RECEIVED, HandoverStatus.ACCEPTED)
                ]
            else:  # the receiving hospital's team is aan zet
                tasks.append(
                    Task(
                        kind="handovers.accept",
                        patient=handover.pathway.patient,
                        subject_type=handover_type,
                        subject_id=handover.pathway.pk,
                        title="Overdracht: overplaatsing van de behandeling",
                        owner_team=handover.receiver_organization,
                        due_at=handover.sent_at + timedelta(days=3),
                        escalation_role=handover.pathway.case_manager,
                        focus_type="Handover",
                        focus_id=str(handover.pk),
                    )
                )
        HandoverStep.objects.bulk_create(steps, batch_size=2000)
        Task.objects.bulk_create(tasks, batch_size=2000)
        for task in tasks:
            Handover.objects.filter(pk=int(task.focus_id)).update(task=task)
        plans = AftercarePlan.objects.bulk_create(
            [AftercarePlan(handover=self.handovers[index]) for index in self.plans],
            batch_size=2000,
        )
        versions = AftercarePlanVersion.objects.bulk_create(
            [
                AftercarePlanVersion(plan=plan, number=1, **fields)
                for plan, fields in zip(plans, self.plans.values(), strict=True)
            ],
            batch_size=2000,
        )
        AftercareCheck.objects.bulk_create(
            [
                AftercareCheck(version=version, what=what, by=by, due_on=due_on)
                for version, index in zip(versions, self.plans, strict=True)
                for what, by, due_on in self.checks[index]
            ],
            batch_size=2000,
        )


def build_demo_handovers() -> int:
    """The stories of the GP persona's seven breast-cancer patients whose treatment at the
    first hospital ended, the specialist persona sending; and a transfer waiting for
    acceptance."""
    specialist = User.objects.get(email="specialist@schakel.test")
    gp = User.objects.get(email="huisarts@schakel.test")
    specialist_role = PractitionerRole.objects.get(practitioner__user=specialist)
    gp_role = PractitionerRole.objects.get(practitioner__user=gp)
    sender = Actor(specialist, specialist_role)
    receiver = Actor(gp, gp_role)
    hospital = specialist_role.organization
    stories = list(
        visible_pathways(gp)
        .filter(phase=Phase.FOLLOW_UP, team__role=specialist_role)
        .select_related("patient", "tumour_type")
        .order_by("pk")
    )
    # Alarm symptoms go to the hospital's line that is always open.
    alarm_contact = (
        ContactPoint.objects.filter(organization=hospital, is_active=True)
        .order_by("-always_available", "pk")
        .first()
    )
    nurse = (
        PractitionerRole.objects.filter(
            organization=hospital,
            function=Function.NURSE_SPECIALIST,
            tumour_types__code="borstkanker",
        )
        .order_by("pk")
        .first()
    )
    today = timezone.localdate()

    def send(pathway: CarePathway, checks: Sequence[tuple[str, str, int]]) -> Handover:
        plan = {
            **actions.plan_fields_from_timeline(pathway),
            "stage": "pT1cN0M0",
            "late_effects": LATE_EFFECTS["borstkanker"],
            "late_effects_notes": "Let op vermoeidheid bij terugkeer naar werk (zorgverlener, "
            "32 uur).",
            "alarm_symptoms": ALARM_SYMPTOMS["borstkanker"],
            "alarm_contact": alarm_contact,
            "lifestyle": LIFESTYLE,
            "hospital_contact": nurse,
            "questionnaire_schedule": None,
            "review_date": months_after(today, 12),
        }
        return actions.do_send_handover(
            pathway,
            direction=Direction.TO_GP,
            reason=Reason.END_OF_TREATMENT,
            receiver_organization=gp_role.organization,
            receiver_role=gp_role,
            letter=(
                f"Geachte collega,\n\nMevrouw {pathway.patient.family_name} heeft de "
                "behandeling voor een mammacarcinoom afgerond (borstsparende operatie en "
                "radiotherapie). Zij gebruikt vijf jaar tamoxifen. Wij dragen de nazorg graag "
                "aan u over volgens bijgaand nazorgplan; de jaarlijkse mammografie blijft bij "
                "ons.\n\nMet collegiale groet"
            ),
            plan=plan,
            checks=[
                {"what": what, "by": by, "due_on": today + timedelta(days=days)}
                for what, by, days in checks
            ],
            actor=sender,
        )

    usual = [
        ("Nazorggesprek: herstel, vermoeidheid en werk", FollowUpBy.GP, 14),
        ("Bijwerkingen tamoxifen bespreken", FollowUpBy.GP, 90),
        ("Mammografie", FollowUpBy.HOSPITAL, 365),
    ]
    count = 0
    for number, pathway in enumerate(stories):
        count += 1
        if number == 0:  # just sent: the GP is asked to accept
            send(pathway, usual)
        elif number == 1:  # opened a week ago, not accepted: the signal is open
            handover = send(pathway, usual)
            actions.do_open_handover(handover, actor=receiver)
            _backdate(handover, days=8)
        elif number == 2:  # rejected for a missing piece, sent again, accepted
            handover = send(pathway, usual)
            actions.do_reject_handover(
                handover,
                reason="Graag de medicatie (tamoxifen, duur) en de PA-uitslag in de brief.",
                actor=receiver,
            )
            actions.do_resend_handover(
                handover,
                letter=handover.letter + "\n\nPA: pT1cN0, ER+ PR+ HER2-. Tamoxifen 20 mg, "
                "vijf jaar.",
                change_note="medicatie en PA-uitslag toegevoegd",
                actor=sender,
            )
            actions.do_accept_handover(handover, actor=receiver)
        elif number == 3:  # accepted weeks ago; the first check is overdue, the plan revised
            handover = send(
                pathway,
                [
                    ("Nazorggesprek: herstel, vermoeidheid en werk", FollowUpBy.GP, -10),
                    ("Bijwerkingen tamoxifen bespreken", FollowUpBy.GP, 60),
                    ("Mammografie", FollowUpBy.HOSPITAL, 330),
                ],
            )
            actions.do_accept_handover(handover, actor=receiver)
            plan = handover.plan
            current = plan.current
            fields = {
                name: getattr(current, name)
                for name in (
                    "diagnosis",
                    "stage",
                    "treatment_summary",
                    "late_effects",
                    "late_effects_notes",
                    "alarm_symptoms",
                    "alarm_contact",
                    "lifestyle",
                    "hospital_contact",
                    "questionnaire_schedule",
                    "review_date",
                )
            }
            fields["late_effects"] = [*current.late_effects, LateEffect.CARDIAC]
            actions.do_revise_plan(
                plan,
                fields=fields,
                checks=[
                    {"what": c.what, "by": c.by, "due_on": c.due_on}
                    for c in current.checks.order_by("due_on")
                ],
                change_note="Hartfunctie toegevoegd aan de late effecten (na anthracyclines).",
                actor=sender,
            )
            _backdate(handover, days=30)
        elif number == 4:  # taken over and completed; now a suspected recurrence goes back
            handover = send(pathway, usual[2:])
            actions.do_accept_handover(handover, actor=receiver)
            actions.do_complete_handover(
                handover, actor=receiver, note="Nazorggesprek gevoerd; verder volgens plan."
            )
            _backdate(handover, days=35)
            actions.do_send_handover(
                pathway,
                direction=Direction.TO_HOSPITAL,
                reason=Reason.RECURRENCE,
                receiver_organization=hospital,
                receiver_role=specialist_role,
                letter="Sinds drie weken pijn in de rechterheup, 's nachts erger. Graag "
                "beoordeling op botmetastasen.",
                actor=receiver,
            )
        elif number == 5:  # withdrawn: the patient moves away, her new GP is not known yet
            handover = send(pathway, usual)
            actions.do_withdraw_handover(
                handover, reason="Patiënte verhuist; nieuwe huisarts nog onbekend.", actor=sender
            )
        elif number == 6:  # rejected: the specialist is aan zet again
            handover = send(pathway, usual)
            actions.do_reject_handover(
                handover,
                reason="Patiënte wil de nazorg het eerste jaar liever bij de mammapoli houden; "
                "graag eerst met haar bespreken.",
                actor=receiver,
            )
    # A transfer of one of the specialist's patients, not yet accepted by the other hospital.
    transfer = (
        CarePathway.objects.filter(
            phase=Phase.TREATMENT,
            team__role=specialist_role,
            hospitals__hospital=hospital,
            hospitals__until=None,
        )
        .exclude(pk__in=[p.pk for p in stories])
        .exclude(handovers__status__in=OPEN_STATUSES)
        .order_by("pk")
        .first()
    )
    if transfer is not None:
        colleague = (
            PractitionerRole.objects.filter(
                function=specialist_role.function,
                tumour_types__in=[transfer.tumour_type],
                organization__kind=hospital.kind,
            )
            .exclude(organization=hospital)
            .order_by("pk")
            .first()
        )
        if colleague is not None:
            actions.do_send_handover(
                transfer,
                direction=Direction.TRANSFER,
                reason=Reason.TRANSFER,
                receiver_organization=colleague.organization,
                receiver_role=colleague,
                letter="Op verzoek van de patiënt verdere behandeling dichter bij huis, in uw "
                "ziekenhuis. Beeldvorming en PA-verslag zijn meegestuurd.",
                actor=sender,
            )
            count += 1
    count += build_demo_contact_moments(gp, stories)
    evaluate_signals()
    return count


def build_demo_contact_moments(gp: User, stories: list[CarePathway]) -> int:
    """Contact moments between case managers and the GP persona's practice: one held after the
    MDO with the POH taking the next step, one planned at the end of treatment for each story,
    and one the case manager persona has to hold this week."""
    today = timezone.localdate()
    poh = PractitionerRole.objects.filter(
        organization__in=PractitionerRole.objects.filter(practitioner__user=gp).values(
            "organization"
        ),
        function=Function.POH_ONCOLOGY,
    ).first()
    treated = list(
        visible_pathways(gp)
        .filter(phase=Phase.TREATMENT)
        .exclude(case_manager=None)
        .select_related("case_manager__practitioner__user")
        .order_by("pk")[:1]
    )
    count = 0
    for pathway in treated:
        if pathway.case_manager is None:
            continue
        manager = Actor(pathway.case_manager.practitioner.user, pathway.case_manager)
        # Planned by itself when the MDO's advice came (the region's default), held with the POH.
        moment = contact_moments.planned(
            pathway, MomentPoint.AFTER_MDO
        ) or contact_moments.do_plan_contact_moment(
            pathway,
            point=MomentPoint.AFTER_MDO,
            planned_for=today - timedelta(days=2),
            participant=poh,
            actor=manager,
        )
        moment.participant = poh
        contact_moments.do_record_contact_moment(
            moment,
            contact_moments.Outcome(
                agreed="MDO-advies besproken: adjuvante chemotherapie. Patiënte ziet op tegen "
                "de vermoeidheid; de POH belt na de eerste kuur.",
                next_step="POH belt patiënte na de eerste kuur",
                next_owner=poh,
                next_due=today + timedelta(days=10),
            ),
            actor=manager,
        )
        count += 1
    for pathway in stories[:3]:
        if pathway.case_manager is None:
            continue
        contact_moments.do_plan_contact_moment(
            pathway,
            point=MomentPoint.END_OF_TREATMENT,
            planned_for=today + timedelta(days=4),
            participant=None,
            actor=Actor(None, pathway.case_manager, label="casemanager"),
        )
        count += 1
    persona = PractitionerRole.objects.get(practitioner__user__email="casemanager@schakel.test")
    own = (
        CarePathway.objects.filter(case_manager=persona, phase=Phase.DIAGNOSTICS)
        .order_by("pk")
        .first()
    )
    if own is not None:
        contact_moments.do_plan_contact_moment(
            own,
            point=MomentPoint.AFTER_DIAGNOSIS,
            planned_for=today + timedelta(days=2),
            participant=None,
            actor=Actor(persona.practitioner.user, persona),
        )
        count += 1
    return count


def _backdate(handover: Handover, *, days: int) -> None:
    """Move a story back in time: it was sent and handled ``days`` ago, as a region's data
    would be (the actions write today's time)."""
    delta = timedelta(days=days)
    for name in ("sent_at", "received_at", "accepted_at", "rejected_at", "completed_at"):
        moment = getattr(handover, name)
        if moment is not None:
            setattr(handover, name, moment - delta)
    handover.save(
        update_fields=["sent_at", "received_at", "accepted_at", "rejected_at", "completed_at"]
    )
    for step in handover.steps.all():
        HandoverStep.objects.filter(pk=step.pk).update(at=step.at - delta)
    if handover.task is not None and handover.task.status != TaskStatus.COMPLETED:
        Task.objects.filter(pk=handover.task.pk).update(due_at=handover.task.due_at - delta)
