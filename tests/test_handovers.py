"""Handovers: the whole cycle (with a rejection), transfers and referrals back, the aftercare
plan's versions, attachments, signals at exact moments, the FHIR export."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from schakel.audit.models import AccessEvent, AccessLogEntry
from schakel.core.uploads import ATTACHMENT_MAX_BYTES
from schakel.directory.models import Function
from schakel.handovers import actions
from schakel.handovers.models import (
    AftercareCheck,
    Direction,
    FollowUpBy,
    Handover,
    HandoverStatus,
    LateEffect,
    Reason,
)
from schakel.handovers.rules import HandoverRule
from schakel.pathways.actions import do_change_phase, do_record_event
from schakel.pathways.models import CarePathway, EventKind, Modality, Phase
from schakel.pathways.rules import PathwayRule
from schakel.work.engine import evaluate_signals
from schakel.work.models import Notification, Signal, Task, TaskStatus
from tests.base import make_person
from tests.pathways_base import PathwayTestCase

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def plan_fields(**changes: Any) -> dict[str, Any]:
    return {
        "diagnosis": "Mammacarcinoom links",
        "stage": "pT1N0",
        "treatment_summary": "12-03-2026: borstsparende operatie\n05-05-2026: radiotherapie",
        "late_effects": [LateEffect.FATIGUE, LateEffect.EMOTIONAL],
        "late_effects_notes": "",
        "alarm_symptoms": "Nieuwe knobbel, botpijn, aanhoudende hoest",
        "alarm_contact": None,
        "lifestyle": "Bewegen volgens de beweegrichtlijn",
        "hospital_contact": None,
        "questionnaire_schedule": None,
        "review_date": timezone.localdate() + timedelta(days=365),
        **changes,
    }


class HandoverTestCase(PathwayTestCase):
    def send_to_gp(self, **kwargs: Any) -> Handover:
        checks = kwargs.pop(
            "checks",
            [
                {"what": "Nazorggesprek", "by": FollowUpBy.GP, "due_on": self.in_days(30)},
                {"what": "Mammografie", "by": FollowUpBy.HOSPITAL, "due_on": self.in_days(365)},
            ],
        )
        return actions.do_send_handover(
            self.pathway,
            direction=Direction.TO_GP,
            reason=Reason.END_OF_TREATMENT,
            receiver_organization=self.practice,
            receiver_role=self.gp_role,
            letter="Behandeling afgerond; nazorg graag door u.",
            plan=plan_fields(),
            checks=checks,
            actor=self.actor(self.specialist),
            **kwargs,
        )

    @staticmethod
    def in_days(days: int) -> date:
        return timezone.localdate() + timedelta(days=days)

    def open_rules(self) -> set[str]:
        return set(
            Signal.objects.filter(pathway=self.pathway, resolved_at__isnull=True).values_list(
                "rule", flat=True
            )
        )


class HandoverCycleTests(HandoverTestCase):
    def post_new_handover(self) -> Handover:
        self.login(self.specialist)
        new = reverse("handovers:new", args=[self.pathway.pk]) + "?naar=huisarts"
        page = self.client.get(new)
        self.assertContains(page, "Nazorgplan")
        # The plan starts from the timeline: the diagnosis is the tumour type.
        self.assertContains(page, 'value="Borstkanker"')
        data = {
            "reason": Reason.END_OF_TREATMENT,
            "receiver_organization": self.practice.pk,
            "receiver_role": self.gp_role.pk,
            "letter": "Behandeling afgerond.",
            "plan-diagnosis": "Mammacarcinoom",
            "plan-treatment_summary": "Operatie en radiotherapie",
            "plan-late_effects": [LateEffect.FATIGUE],
            "plan-alarm_symptoms": "Nieuwe knobbel",
            "plan-review_date": self.in_days(200).isoformat(),
            "check-TOTAL_FORMS": "3",
            "check-INITIAL_FORMS": "0",
            "check-0-what": "Nazorggesprek",
            "check-0-by": FollowUpBy.GP,
            "check-0-due_on": self.in_days(14).isoformat(),
            # A browser sends every select, also in the empty rows: those are left out.
            "check-1-by": FollowUpBy.HOSPITAL,
            "check-2-by": FollowUpBy.HOSPITAL,
        }
        response = self.client.post(new, data)
        handover = Handover.objects.get()
        self.assertRedirects(response, handover.get_absolute_url(), fetch_redirect_response=False)
        return handover

    def test_hand_over_reject_send_again_accept_and_the_gp_is_aan_zet_for_the_checks(self):
        handover = self.post_new_handover()
        self.assertEqual(handover.status, HandoverStatus.REQUESTED)
        accept_task = Task.objects.get(kind="handovers.accept")
        self.assertEqual(accept_task.owner_role, self.gp_role)
        # The GP opens it: received.
        self.client.logout()
        self.login(self.gp)
        page = self.client.get(handover.get_absolute_url())
        self.assertContains(page, "Behandeling afgerond.")
        self.assertContains(page, "vermoeidheid")
        handover.refresh_from_db()
        self.assertEqual(handover.status, HandoverStatus.RECEIVED)
        self.assertIsNotNone(handover.received_at)
        # Rejecting needs a reason; with one, the specialist is aan zet again.
        self.client.post(reverse("handovers:reject", args=[handover.pk]), {"reason": ""})
        handover.refresh_from_db()
        self.assertEqual(handover.status, HandoverStatus.RECEIVED)
        self.client.post(
            reverse("handovers:reject", args=[handover.pk]),
            {"reason": "Graag de medicatie (tamoxifen) en de duur ervan vermelden."},
        )
        handover.refresh_from_db()
        self.assertEqual(handover.status, HandoverStatus.REJECTED)
        rework = Task.objects.get(kind="handovers.rework")
        self.assertEqual(rework.owner_role, self.specialist.practitioner.roles.get())
        self.assertEqual(Task.objects.get(pk=accept_task.pk).status, TaskStatus.COMPLETED)
        # The specialist sends it again with the letter changed.
        self.client.logout()
        self.login(self.specialist)
        resend = reverse("handovers:resend", args=[handover.pk])
        form = self.client.get(resend)
        self.assertContains(form, "tamoxifen")  # the reason is shown
        data = {
            "letter": "Behandeling afgerond. Tamoxifen 5 jaar, tot 2031.",
            "change_note": "Medicatie toegevoegd",
            "plan-diagnosis": "Mammacarcinoom",
            "plan-treatment_summary": "Operatie en radiotherapie; tamoxifen",
            "plan-alarm_symptoms": "Nieuwe knobbel",
            "plan-review_date": self.in_days(200).isoformat(),
            "check-TOTAL_FORMS": "1",
            "check-INITIAL_FORMS": "1",
            "check-0-what": "Nazorggesprek",
            "check-0-by": FollowUpBy.GP,
            "check-0-due_on": self.in_days(14).isoformat(),
        }
        self.client.post(resend, data)
        handover.refresh_from_db()
        self.assertEqual((handover.status, handover.times_sent), (HandoverStatus.REQUESTED, 2))
        self.assertEqual(handover.plan.current.number, 2)
        self.assertEqual(Task.objects.get(pk=rework.pk).status, TaskStatus.COMPLETED)
        # The GP accepts: aftercare, and the check is the GP's task at its date.
        self.client.logout()
        self.login(self.gp)
        self.client.post(reverse("handovers:accept", args=[handover.pk]))
        handover.refresh_from_db()
        self.assertEqual(handover.status, HandoverStatus.ACCEPTED)
        self.assertIsNotNone(handover.accepted_at)
        self.pathway.refresh_from_db()
        self.assertEqual(self.pathway.phase, Phase.AFTERCARE)
        check = AftercareCheck.objects.get(version=handover.plan.current)
        self.assertIsNotNone(check.task)
        assert check.task is not None
        self.assertEqual(check.task.owner_role, self.gp_role)
        self.assertEqual(timezone.localtime(check.task.due_at).date(), self.in_days(14))
        self.assertEqual(
            list(handover.steps.values_list("status", flat=True)),
            ["requested", "received", "rejected", "requested", "received", "accepted"],
        )
        self.assertContains(self.client.get(reverse("work:today")), "Nazorg: Nazorggesprek")

    def test_an_outsider_never_sees_it_and_cannot_act(self):
        handover = self.send_to_gp()
        self.login(self.other_gp)
        for name in ("detail", "fhir", "resend", "revise_plan"):
            self.assertEqual(
                self.client.get(reverse(f"handovers:{name}", args=[handover.pk])).status_code, 404
            )
        for name in ("accept", "reject", "withdraw", "complete"):
            self.client.post(reverse(f"handovers:{name}", args=[handover.pk]), {"reason": "x"})
        handover.refresh_from_db()
        self.assertEqual(handover.status, HandoverStatus.REQUESTED)
        self.assertNotContains(self.client.get(reverse("handovers:list")), "Jansen")

    def test_the_sender_cannot_accept_its_own_handover(self):
        handover = self.send_to_gp()
        self.login(self.specialist)
        response = self.client.post(reverse("handovers:accept", args=[handover.pk]))
        self.assertEqual(response.status_code, 403)
        handover.refresh_from_db()
        self.assertEqual(handover.status, HandoverStatus.REQUESTED)  # nor did reading open it

    def test_the_fhir_export_is_a_valid_task_and_care_plan(self):
        handover = self.send_to_gp()
        self.login(self.gp)
        response = self.client.get(reverse("handovers:fhir", args=[handover.pk]))
        bundle = Bundle.model_validate_json(response.content)
        kinds = [e.resource.get_resource_type() for e in bundle.entry or [] if e.resource]
        self.assertEqual(kinds, ["Task", "CarePlan"])
        task = response.json()["entry"][0]["resource"]
        self.assertEqual((task["status"], task["intent"]), ("requested", "order"))
        self.assertEqual(task["for"]["identifier"]["value"], self.patient.bsn)
        plan = response.json()["entry"][1]["resource"]
        self.assertEqual(
            [a["detail"]["description"] for a in plan["activity"]][:1], ["Nazorggesprek"]
        )
        entry = AccessLogEntry.objects.filter(user=self.gp).order_by("-pk").first()
        assert entry is not None
        self.assertEqual(entry.event, AccessEvent.EXPORT)


class PlanVersionTests(HandoverTestCase):
    def test_a_change_after_acceptance_is_a_new_version_the_gp_is_told_of(self):
        handover = self.send_to_gp()
        actions.do_accept_handover(handover, actor=self.actor(self.gp))
        old_task = AftercareCheck.objects.get(by=FollowUpBy.GP).task
        version = actions.do_revise_plan(
            handover.plan,
            fields=plan_fields(lifestyle="Stoppen met roken"),
            checks=[{"what": "Nazorggesprek", "by": FollowUpBy.GP, "due_on": self.in_days(40)}],
            change_note="Gesprek later gepland",
            actor=self.actor(self.specialist),
        )
        self.assertEqual(version.number, 2)
        assert old_task is not None
        old_task.refresh_from_db()
        self.assertEqual(old_task.status, TaskStatus.CANCELLED)
        new_task = AftercareCheck.objects.get(version=version).task
        assert new_task is not None
        self.assertEqual(timezone.localtime(new_task.due_at).date(), self.in_days(40))
        told = Notification.objects.get(recipient=self.gp, kind="handover_plan_changed")
        self.assertIn("Gesprek later gepland", told.text)
        self.login(self.gp)
        page = self.client.get(handover.get_absolute_url())
        self.assertContains(page, "Gesprek later gepland")
        self.assertContains(page, "Eerdere versie 1")


class TransferAndReferralTests(HandoverTestCase):
    def test_a_transfer_gives_the_receiver_access_and_acceptance_is_the_arrival(self):
        receiver_role = make_person(
            "ontvanger@test.nl",
            self.other_hospital,
            Function.SURGEON,
            "Rob",
            "Ontvanger",
            tumour_types=[self.breast],
        )
        receiver = self.user_of(receiver_role)
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.create(user=receiver, name="app", confirmed=True)
        self.login(receiver)
        self.assertEqual(
            self.client.get(self.pathway.get_absolute_url()).status_code, 404
        )  # not before
        handover = actions.do_send_handover(
            self.pathway,
            direction=Direction.TRANSFER,
            reason=Reason.TRANSFER,
            receiver_organization=self.other_hospital,
            receiver_role=receiver_role,
            letter="Verwijzing voor HIPEC-behandeling.",
            actor=self.actor(self.specialist),
        )
        evaluate_signals(now=timezone.now() + timedelta(days=20))
        self.assertIn(PathwayRule.TRANSFER_WITHOUT_ARRIVAL, self.open_rules())
        page = self.client.get(handover.get_absolute_url())
        self.assertContains(page, "HIPEC")
        self.client.post(reverse("handovers:accept", args=[handover.pk]))
        handover.refresh_from_db()
        self.assertEqual(handover.status, HandoverStatus.ACCEPTED)
        self.assertTrue(self.pathway.events.filter(kind=EventKind.ARRIVAL).exists())
        self.assertTrue(
            self.pathway.hospitals.filter(hospital=self.other_hospital, role="main").exists()
        )
        evaluate_signals(now=timezone.now() + timedelta(days=20))
        self.assertNotIn(PathwayRule.TRANSFER_WITHOUT_ARRIVAL, self.open_rules())

    def test_the_gp_refers_back_for_a_suspected_recurrence(self):
        do_change_phase(self.pathway, Phase.AFTERCARE, actor=self.actor(self.specialist))
        specialist_role = self.specialist.practitioner.roles.get()
        self.login(self.gp)
        new = reverse("handovers:new", args=[self.pathway.pk])
        page = self.client.get(new)
        self.assertContains(page, "verdenking recidief")
        self.assertNotContains(page, "Nazorgplan")
        self.client.post(
            new,
            {
                "reason": Reason.RECURRENCE,
                "receiver_organization": self.hospital.pk,
                "receiver_role": specialist_role.pk,
                "letter": "Nieuwe knobbel rechts, 1 cm.",
            },
        )
        handover = Handover.objects.get(direction=Direction.TO_HOSPITAL)
        actions.do_accept_handover(handover, actor=self.actor(self.specialist))
        self.pathway.refresh_from_db()
        self.assertEqual(self.pathway.phase, Phase.DIAGNOSTICS)

    def test_a_hospital_receiver_must_be_a_person(self):
        self.login(self.specialist)
        new = reverse("handovers:new", args=[self.pathway.pk]) + "?naar=ziekenhuis"
        response = self.client.post(
            new,
            {
                "reason": Reason.TRANSFER,
                "receiver_organization": self.other_hospital.pk,
                "letter": "Graag overname.",
            },
        )
        self.assertContains(response, "Dit veld is verplicht")
        self.assertFalse(Handover.objects.exists())


class AttachmentTests(HandoverTestCase):
    def upload(self, handover: Handover, name: str, content: bytes) -> Any:
        return self.client.post(
            reverse("handovers:add_attachment", args=[handover.pk]),
            {"file": SimpleUploadedFile(name, content)},
            follow=True,
        )

    def test_only_pdf_and_images_within_the_limit_served_only_to_care_relations(self):
        handover = self.send_to_gp()
        self.login(self.specialist)
        refused = self.upload(handover, "brief.pdf", b"MZ\x90\x00 not a pdf")
        self.assertContains(refused, "Alleen PDF-bestanden en afbeeldingen")
        too_large = PDF + b"0" * (ATTACHMENT_MAX_BYTES + 1)
        self.assertContains(self.upload(handover, "groot.pdf", too_large), "groter dan 10 MB")
        self.upload(handover, "Ontslagbrief Jansen.pdf", PDF)
        self.upload(handover, "foto.png", PNG)
        files = list(handover.attachments.all())
        self.assertEqual([f.content_type for f in files], ["application/pdf", "image/png"])
        self.assertNotIn("Jansen", str(files[0].file.name))  # the stored name never holds names
        self.client.logout()
        self.login(self.gp)
        response = self.client.get(files[0].get_absolute_url())
        self.assertEqual(b"".join(response.streaming_content), PDF)  # type: ignore[attr-defined]
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertIn("attachment", response["Content-Disposition"])
        self.client.logout()
        self.login(self.other_gp)
        self.assertEqual(self.client.get(files[0].get_absolute_url()).status_code, 404)


class HandoverSignalTests(HandoverTestCase):
    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return timezone.make_aware(datetime.combine(day, datetime.min.time())).replace(
            hour=hour, minute=minute
        )

    def test_not_opened_within_two_working_days_across_a_weekend_and_a_holiday(self):
        handover = self.send_to_gp()
        # Sent on Thursday 23 April 2026; Friday is a working day, Monday 27 April is
        # Koningsdag: two working days later is Tuesday 28 April, 17:00.
        Handover.objects.filter(pk=handover.pk).update(sent_at=self.at(date(2026, 4, 23), 10))
        evaluate_signals(now=self.at(date(2026, 4, 28), 16, 59))
        self.assertNotIn(HandoverRule.NOT_RECEIVED, self.open_rules())
        evaluate_signals(now=self.at(date(2026, 4, 28), 17, 1))
        self.assertIn(HandoverRule.NOT_RECEIVED, self.open_rules())
        actions.do_open_handover(handover, actor=self.actor(self.gp))
        evaluate_signals(now=self.at(date(2026, 4, 28), 17, 2))
        self.assertNotIn(HandoverRule.NOT_RECEIVED, self.open_rules())

    def test_opened_but_not_accepted_within_five_working_days(self):
        handover = self.send_to_gp()
        actions.do_open_handover(handover, actor=self.actor(self.gp))
        Handover.objects.filter(pk=handover.pk).update(sent_at=self.at(date(2026, 6, 1), 9))
        evaluate_signals(now=self.at(date(2026, 6, 8), 16))  # Monday + 5 = Monday 8 June 17:00
        self.assertNotIn(HandoverRule.NOT_ACCEPTED, self.open_rules())
        evaluate_signals(now=self.at(date(2026, 6, 8), 17, 30))
        self.assertIn(HandoverRule.NOT_ACCEPTED, self.open_rules())
        actions.do_accept_handover(handover, actor=self.actor(self.gp))
        evaluate_signals(now=self.at(date(2026, 6, 8), 17, 31))
        self.assertNotIn(HandoverRule.NOT_ACCEPTED, self.open_rules())

    def test_treatment_end_without_a_handover_and_a_withdrawn_one_does_not_count(self):
        ended = timezone.now() - timedelta(days=20)
        do_record_event(
            self.pathway,
            EventKind.TREATMENT_END,
            organization=self.hospital,
            modality=Modality.RADIOTHERAPY,
            occurred_at=ended,
            actor=self.actor(self.specialist),
        )
        evaluate_signals()
        self.assertIn(PathwayRule.TREATMENT_END_WITHOUT_HANDOVER, self.open_rules())
        handover = self.send_to_gp()
        evaluate_signals()
        self.assertNotIn(PathwayRule.TREATMENT_END_WITHOUT_HANDOVER, self.open_rules())
        actions.do_withdraw_handover(
            handover, reason="Verkeerde patiënt", actor=self.actor(self.specialist)
        )
        evaluate_signals()
        self.assertIn(PathwayRule.TREATMENT_END_WITHOUT_HANDOVER, self.open_rules())

    def test_an_overdue_check_and_a_plan_past_its_review_date(self):
        handover = self.send_to_gp(
            checks=[{"what": "Nazorggesprek", "by": FollowUpBy.GP, "due_on": self.in_days(3)}]
        )
        actions.do_accept_handover(handover, actor=self.actor(self.gp))
        evaluate_signals(now=timezone.now() + timedelta(days=9))
        self.assertNotIn(HandoverRule.CHECK_OVERDUE, self.open_rules())
        evaluate_signals(now=timezone.now() + timedelta(days=11))
        self.assertIn(HandoverRule.CHECK_OVERDUE, self.open_rules())
        self.assertNotIn(HandoverRule.PLAN_REVIEW_DUE, self.open_rules())
        evaluate_signals(now=timezone.now() + timedelta(days=367))
        self.assertIn(HandoverRule.PLAN_REVIEW_DUE, self.open_rules())


class HandoverListQueryTests(HandoverTestCase):
    def count(self) -> int:
        self.client.get(reverse("handovers:list"))
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(reverse("handovers:list")).status_code, 200)
        return len(queries)

    def test_the_list_does_the_same_queries_for_1_and_10_handovers(self):
        self.login(self.gp)
        self.send_to_gp()
        one = self.count()
        for _ in range(9):
            self.send_to_gp()
        self.assertEqual(self.count(), one)
        self.assertEqual(
            Task.objects.filter(
                subject_type=ContentType.objects.get_for_model(CarePathway),
                kind="handovers.accept",
            ).count(),
            10,
        )
