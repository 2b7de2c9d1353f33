"""Notifications: who hears what, the inbox, and e-mail over real SMTP without patient data."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from schakel.audit.models import AccessEvent, AccessLogEntry
from schakel.pathways import actions
from schakel.pathways.models import CarePathway, EventKind
from schakel.pathways.rules import PathwayRule
from schakel.work.actions import do_create_task
from schakel.work.engine import evaluate_signals
from schakel.work.models import Notification
from schakel.work.notify import send_notification_emails
from tests.base import last_log_pk
from tests.pathways_base import PathwayTestCase
from tests.smtp import smtp_server


class WhoHearsWhatTests(PathwayTestCase):
    def inbox(self, user) -> list[tuple[str, str]]:
        return list(
            Notification.objects.filter(recipient=user).values_list("kind", "text").order_by("pk")
        )

    def test_a_task_notifies_its_owner_not_its_author(self):
        do_create_task(
            self.pathway,
            kind="pathways.step",
            title="MDO-inbreng geven",
            due_at=timezone.now() + timedelta(days=2),
            owner_role=self.gp_role,
            actor=self.actor(self.case_manager),
        )
        self.assertEqual(self.inbox(self.gp), [("task", "MDO-inbreng geven")])
        self.assertEqual(self.inbox(self.case_manager), [])

    def test_a_team_task_notifies_everyone_in_the_team(self):
        do_create_task(
            self.pathway,
            kind="pathways.step",
            title="Contactmoment",
            due_at=timezone.now() + timedelta(days=2),
            owner_team=self.practice,
            actor=self.actor(self.case_manager),
        )
        self.assertEqual(len(self.inbox(self.gp)), 1)
        self.assertEqual(len(self.inbox(self.poh)), 1)
        self.assertEqual(self.inbox(self.other_gp), [])

    def test_a_signal_notifies_the_case_manager_and_the_gp(self):
        CarePathway.objects.filter(pk=self.pathway.pk).update(
            phase_since=timezone.now() - timedelta(days=5)
        )
        evaluate_signals()
        for user in (self.case_manager, self.gp):
            self.assertIn(("signal", PathwayRule.NOBODY_AAN_ZET), self.inbox(user))
        self.assertEqual(self.inbox(self.specialist), [])

    def test_news_on_a_pathway_reaches_its_followers(self):
        actions.do_record_event(
            self.pathway,
            EventKind.NOTE,
            summary="Belt morgen terug",
            actor=self.actor(self.specialist),
        )
        self.assertEqual(self.inbox(self.gp), [("pathway", "note")])
        self.assertEqual(self.inbox(self.case_manager), [("pathway", "note")])
        self.assertEqual(self.inbox(self.specialist), [])  # the author


class InboxTests(PathwayTestCase):
    def test_the_inbox_names_the_patient_logs_it_and_opening_goes_through_the_access_helper(self):
        actions.do_record_event(
            self.pathway, EventKind.NOTE, summary="x", actor=self.actor(self.specialist)
        )
        self.login(self.gp)
        before = last_log_pk()
        page = self.client.get(reverse("work:inbox"))
        self.assertContains(
            page, "Jansen, Piet</strong>: Nieuws in een traject dat u volgt: notitie"
        )
        shown = AccessLogEntry.objects.filter(pk__gt=before, user=self.gp).get()
        self.assertEqual((shown.patient_id, shown.event), (self.patient.pk, AccessEvent.READ))
        notification = Notification.objects.get(recipient=self.gp)
        response = self.client.post(reverse("work:open", args=[notification.pk]))
        self.assertRedirects(
            response, self.pathway.get_absolute_url(), fetch_redirect_response=False
        )
        notification.refresh_from_db()
        self.assertIsNotNone(notification.read_at)

    def test_someone_elses_notification_is_404(self):
        actions.do_record_event(
            self.pathway, EventKind.NOTE, summary="x", actor=self.actor(self.specialist)
        )
        notification = Notification.objects.filter(recipient=self.gp).get()
        self.login(self.other_gp)
        self.assertEqual(
            self.client.post(reverse("work:open", args=[notification.pk])).status_code, 404
        )
        self.assertEqual(
            self.client.get(reverse("work:open", args=[notification.pk])).status_code, 405
        )


class EmailTests(PathwayTestCase):
    def test_one_bundled_email_per_user_over_smtp_without_patient_data(self):
        for title in ("Eerste stap", "Tweede stap", "Derde stap"):
            do_create_task(
                self.pathway,
                kind="pathways.step",
                title=title,
                due_at=timezone.now() + timedelta(days=2),
                owner_role=self.gp_role,
                actor=self.actor(self.case_manager),
            )
        with smtp_server() as smtp:
            self.assertEqual(send_notification_emails(), 1)
            self.assertEqual(send_notification_emails(), 0)  # nothing new
            do_create_task(
                self.pathway,
                kind="pathways.step",
                title="Vierde",
                due_at=timezone.now() + timedelta(days=2),
                owner_role=self.gp_role,
                actor=self.actor(self.case_manager),
            )
            self.assertEqual(send_notification_emails(), 0)  # bundled: not again within the hour
        self.assertEqual(len(smtp.messages), 1)
        message = smtp.messages[0]
        self.assertEqual(message["To"], "gp@test.nl")
        payload = message.get_payload(decode=True)
        assert isinstance(payload, bytes)
        body = payload.decode()
        self.assertIn("/meldingen/", body)
        self.assertIn("Nieuw in Schakel", message["Subject"])
        for patient_data in (
            "Piet",
            "Jansen",
            "111222333",
            "Borstkanker",
            "borstkanker",
            "Eerste stap",
            "1950",
        ):
            self.assertNotIn(patient_data, body + message["Subject"])

    def test_read_notifications_are_not_mailed(self):
        actions.do_record_event(
            self.pathway, EventKind.NOTE, summary="x", actor=self.actor(self.specialist)
        )
        Notification.objects.update(read_at=timezone.now())
        with smtp_server() as smtp:
            self.assertEqual(send_notification_emails(), 0)
        self.assertEqual(smtp.messages, [])
