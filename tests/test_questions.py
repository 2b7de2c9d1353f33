"""Issue 14: questions between professionals. A GP asks a person or a team about a patient or
in general; the addressee is aan zet by a reply-by time in working hours; an unanswered
question escalates; the asker closes it or asks further; outsiders see nothing; e-mail never
carries the content."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schakel.accounts.models import User
from schakel.audit.models import AccessLogEntry
from schakel.core.uploads import ATTACHMENT_MAX_BYTES
from schakel.directory.actions import do_set_absence
from schakel.directory.models import Function, PractitionerRole
from schakel.messaging import actions
from schakel.messaging.models import (
    MessageKind,
    Question,
    QuestionStatus,
    Urgency,
)
from schakel.messaging.rules import NOT_ANSWERED
from schakel.patients.models import CareRelation, Patient, RelationKind, Sharing
from schakel.work.access import visible_tasks
from schakel.work.engine import evaluate_signals
from schakel.work.models import Notification, Signal, TaskStatus
from schakel.work.notify import send_notification_emails
from tests.base import last_log_pk, make_person
from tests.pathways_base import PathwayTestCase
from tests.smtp import smtp_server

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PDF = b"%PDF-1.4\n%%EOF\n"


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


class ReplyByTests(PathwayTestCase):
    """Working hours are 08:00-17:00 on working days; Christmas 2026 is Friday."""

    def test_today_is_four_working_hours(self):
        self.assertEqual(
            actions.reply_by(at(2026, 11, 24, 9, 0), Urgency.TODAY), at(2026, 11, 24, 13)
        )
        # Late on a Friday: Monday morning.
        self.assertEqual(
            actions.reply_by(at(2026, 11, 27, 15, 30), Urgency.TODAY), at(2026, 11, 30, 10, 30)
        )

    def test_two_working_days_skip_the_weekend_and_christmas(self):
        self.assertEqual(
            actions.reply_by(at(2026, 11, 27, 10, 0), Urgency.TWO_DAYS), at(2026, 12, 1, 10)
        )
        # Thursday 24 December: Christmas (Friday, Saturday) and the weekend are skipped.
        self.assertEqual(
            actions.reply_by(at(2026, 12, 24, 10, 0), Urgency.TWO_DAYS), at(2026, 12, 29, 10)
        )

    def test_a_week_is_five_working_days_and_the_night_counts_from_the_morning(self):
        self.assertEqual(
            actions.reply_by(at(2026, 11, 23, 20, 0), Urgency.WEEK), at(2026, 11, 30, 17)
        )
        self.assertEqual(
            actions.reply_by(at(2026, 11, 28, 12, 0), Urgency.TODAY), at(2026, 11, 30, 12)
        )


class QuestionTestCase(PathwayTestCase):
    """The GP asks the hospital's breast team (its nurse specialists) or a specialist."""

    nurse_role: PractitionerRole
    nurse: User
    other_nurse: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        from django_otp.plugins.otp_totp.models import TOTPDevice

        cls.nurse_role = make_person(
            "vs@test.nl",
            cls.hospital,
            Function.NURSE_SPECIALIST,
            "Vera",
            "Zorg",
            tumour_types=[cls.breast],
        )
        cls.nurse = cls.user_of(cls.nurse_role)
        cls.other_nurse = cls.user_of(
            make_person("vs2@test.nl", cls.hospital, Function.NURSE_SPECIALIST, "Wim", "Hulp")
        )
        for user in (cls.nurse, cls.other_nurse):
            TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        PractitionerRole.objects.filter(practitioner__user=cls.specialist).update(
            secure_messaging=True
        )

    def ask_team(self, **kwargs: object) -> Question:
        fields: dict[str, object] = {
            "subject": "Pijnstilling na operatie",
            "text": "Mevrouw heeft veel pijn; mag ik de oxycodon ophogen?",
            "urgency": Urgency.TWO_DAYS,
            "actor": self.actor(self.gp),
            "team": self.hospital,
            "team_function": Function.NURSE_SPECIALIST,
            "tumour_type": self.breast,
            "pathway": self.pathway,
        }
        fields.update(kwargs)
        return actions.do_ask_question(**fields)  # type: ignore[arg-type]

    def ask_specialist(self, **kwargs: object) -> Question:
        return self.ask_team(
            team=None,
            team_function="",
            addressee_role=self.specialist.practitioner.roles.get(),
            **kwargs,
        )

    def sees(self, user: User, question: Question) -> bool:
        self.login(user)
        return self.client.get(question.get_absolute_url()).status_code == 200


class AskingTests(QuestionTestCase):
    def test_a_team_question_is_the_teams_task_and_gives_its_people_access(self):
        question = self.ask_team()
        task = question.task
        assert task is not None
        self.assertEqual(
            (task.owner_team, task.owner_function), (self.hospital, "nurse_specialist")
        )
        self.assertEqual(task.due_at, question.reply_by)
        self.assertEqual(task.escalation_role, self.pathway.case_manager)
        # The team's people who cover breast cancer may see Piet; the other nurse does not.
        for nurse, covers in ((self.nurse, True), (self.other_nurse, False)):
            self.assertEqual(visible_tasks(nurse).filter(pk=task.pk).exists(), covers)
            self.assertEqual(
                CareRelation.objects.filter(
                    patient=self.patient,
                    role__practitioner__user=nurse,
                    kind=RelationKind.CONSULTED,
                    ended_at__isnull=True,
                ).exists(),
                covers,
            )
        # Without a tumour type the whole team is asked.
        general = self.ask_team(tumour_type=None, subject="Mammapoli bereikbaar?")
        self.assertTrue(self.sees(self.other_nurse, general))
        self.assertEqual(question.messages.get().kind, MessageKind.QUESTION)
        # Told in Schakel (a task for the team), by e-mail without the content.
        self.assertTrue(Notification.objects.filter(recipient=self.nurse, kind="task").exists())
        with smtp_server() as smtp:
            send_notification_emails()
        mail = next(m for m in smtp.messages if m["To"] == "vs@test.nl")
        payload = mail.get_payload(decode=True)
        assert isinstance(payload, bytes)
        for content in ("Piet", "Jansen", "oxycodon", "Pijnstilling", "Borstkanker"):
            self.assertNotIn(content, payload.decode() + mail["Subject"])

    def test_the_gp_asks_from_the_pathway_page_and_mistakes_are_said_in_dutch(self):
        self.login(self.gp)
        page = self.client.get(self.pathway.get_absolute_url())
        url = reverse("messaging:ask") + f"?traject={self.pathway.pk}"
        self.assertContains(page, url)
        form = self.client.get(url)
        self.assertContains(form, "Over deze patiënt")
        self.assertContains(form, "Smit, Cor")  # the care team is offered
        self.assertNotContains(form, "---------")
        empty = self.client.post(url, {"subject": "Vraag", "text": "Tekst", "urgency": "today"})
        self.assertContains(empty, "Kies een persoon of een team", status_code=400)
        no_function = self.client.post(
            url,
            {"team": self.hospital.pk, "subject": "Vraag", "text": "Tekst", "urgency": "today"},
        )
        self.assertContains(no_function, "Kies de functie van het team", status_code=400)
        wrong_file = self.client.post(
            url,
            {
                "to_role": self.specialist.practitioner.roles.get().pk,
                "about_patient": "on",
                "subject": "Uitslag",
                "text": "Hoe verder?",
                "urgency": "today",
                "attachment": SimpleUploadedFile("brief.exe", b"MZ\x90\x00"),
            },
        )
        self.assertContains(wrong_file, "Alleen PDF-bestanden", status_code=400)
        self.assertFalse(Question.objects.exists())
        response = self.client.post(
            url,
            {
                "to_role": self.specialist.practitioner.roles.get().pk,
                "about_patient": "on",
                "subject": "Uitslag",
                "text": "Hoe verder?",
                "urgency": "today",
                "attachment": SimpleUploadedFile("uitslag.pdf", PDF),
            },
        )
        question = Question.objects.get()
        self.assertRedirects(response, question.get_absolute_url())
        self.assertEqual(question.patient, self.patient)
        self.assertEqual(question.attachments.count(), 1)
        self.assertContains(self.client.get(self.pathway.get_absolute_url()), "Uitslag")

    def test_a_too_large_attachment_is_refused(self):
        self.login(self.gp)
        response = self.client.post(
            reverse("messaging:ask"),
            {
                "to_role": self.specialist.practitioner.roles.get().pk,
                "subject": "Algemeen",
                "text": "Vraag",
                "urgency": "week",
                "attachment": SimpleUploadedFile(
                    "groot.pdf", PDF + b"0" * (ATTACHMENT_MAX_BYTES + 1)
                ),
            },
        )
        self.assertContains(response, "groter dan 10 MB", status_code=400)
        self.assertFalse(Question.objects.exists())

    def test_without_consent_only_the_recording_organisation_can_be_asked(self):
        Patient.objects.filter(pk=self.patient.pk).update(
            sharing=Sharing.NOT_ASKED, recorded_by=self.practice
        )
        self.pathway.patient.refresh_from_db()
        with self.assertRaises(actions.NotShared):
            self.ask_team()
        self.assertFalse(Question.objects.exists())
        self.assertFalse(CareRelation.objects.filter(kind=RelationKind.CONSULTED).exists())

    def test_the_finder_offers_to_ask_the_team_and_the_person(self):
        self.login(self.gp)
        response = self.client.get(
            reverse("directory:finder"),
            {"hospital": self.hospital.pk, "tumour_type": self.breast.pk},
        )
        self.assertContains(response, "Stel het borstkanker-team van Ziekenhuis Testoord een vraag")
        self.assertContains(
            response,
            f"/vragen/nieuw/?organisatie={self.hospital.pk}&amp;tumor={self.breast.pk}"
            "&amp;functie=nurse_specialist",
        )
        self.assertContains(
            response, f"/vragen/nieuw/?rol={self.specialist.practitioner.roles.get().pk}"
        )


class AnsweringTests(QuestionTestCase):
    def test_answer_follow_up_and_close_move_the_aan_zet(self):
        question = self.ask_team()
        self.login(self.nurse)
        page = self.client.get(question.get_absolute_url())
        self.assertContains(page, "Piet Jansen")
        self.assertContains(page, "Het antwoord versturen")
        before = last_log_pk()
        self.client.post(
            reverse("messaging:answer", args=[question.pk]), {"text": "Ja, tot 10 mg."}
        )
        question.refresh_from_db()
        assert question.task is not None
        self.assertEqual(question.status, QuestionStatus.ANSWERED)
        self.assertEqual(question.holder_role, self.nurse_role)
        self.assertEqual(question.task.owner_role, self.gp_role)
        self.assertTrue(question.answered_on_time)
        self.assertTrue(
            AccessLogEntry.objects.filter(
                pk__gt=before, user=self.nurse, patient_id=self.patient.pk, object_type="Question"
            ).exists()
        )
        # The GP asks further: the nurse who answered is aan zet again.
        self.login(self.gp)
        self.client.post(
            reverse("messaging:follow_up", args=[question.pk]), {"text": "En bij obstipatie?"}
        )
        question.refresh_from_db()
        assert question.task is not None
        self.assertEqual((question.status, question.task.owner_role), ("open", self.nurse_role))
        self.login(self.nurse)
        self.client.post(reverse("messaging:answer", args=[question.pk]), {"text": "Movicolon."})
        self.login(self.gp)
        self.client.post(reverse("messaging:close", args=[question.pk]), {"note": "Dank"})
        question.refresh_from_db()
        assert question.task is not None
        self.assertEqual(question.status, QuestionStatus.CLOSED)
        self.assertEqual(question.task.status, TaskStatus.COMPLETED)
        self.assertEqual(
            list(question.messages.values_list("kind", flat=True)),
            ["question", "answer", "follow_up", "answer", "closed"],
        )
        # Access ends two weeks after the close.
        relation = CareRelation.objects.get(
            patient=self.patient, role=self.nurse_role, kind=RelationKind.CONSULTED
        )
        assert relation.ended_at is not None
        self.assertGreater(relation.ended_at, timezone.now() + timedelta(days=13))

    def test_only_the_right_side_may_answer_or_close(self):
        question = self.ask_team()
        self.login(self.gp)  # the asker does not answer their own question
        self.assertEqual(
            self.client.post(
                reverse("messaging:answer", args=[question.pk]), {"text": "x"}
            ).status_code,
            403,
        )
        self.login(self.nurse)
        self.assertEqual(
            self.client.post(reverse("messaging:close", args=[question.pk]), {}).status_code, 403
        )
        empty = self.client.post(reverse("messaging:answer", args=[question.pk]), {"text": ""})
        self.assertContains(empty, "Dit veld is verplicht", status_code=400)

    def test_a_colleague_takes_it_over_with_a_note(self):
        question = self.ask_specialist()
        self.login(self.specialist)
        response = self.client.post(
            reverse("messaging:hand_over", args=[question.pk]),
            {"to": self.nurse_role.pk, "note": "Vera weet dit beter"},
        )
        self.assertRedirects(response, question.get_absolute_url())
        question.refresh_from_db()
        assert question.task is not None
        self.assertEqual(
            (question.holder_role, question.task.owner_role), (self.nurse_role, self.nurse_role)
        )
        self.assertTrue(self.sees(self.nurse, question))
        self.login(self.nurse)
        self.client.post(reverse("messaging:answer", args=[question.pk]), {"text": "Geregeld."})
        question.refresh_from_db()
        self.assertEqual(question.status, QuestionStatus.ANSWERED)

    def test_the_asker_withdraws_an_open_question(self):
        question = self.ask_team()
        self.login(self.gp)
        self.client.post(reverse("messaging:withdraw", args=[question.pk]), {"reason": "Opgelost"})
        question.refresh_from_db()
        assert question.task is not None
        self.assertEqual(question.status, QuestionStatus.WITHDRAWN)
        self.assertEqual(question.task.status, TaskStatus.CANCELLED)


class AbsenceTests(QuestionTestCase):
    def test_a_question_to_someone_away_goes_to_their_team(self):
        specialist_role = self.specialist.practitioner.roles.get()
        self.login(self.specialist)
        self.client.post(
            reverse("messaging:absence"),
            {
                "away_until": (timezone.localdate() + timedelta(days=7)).isoformat(),
                "note": "Vakantie",
            },
        )
        specialist_role.refresh_from_db()
        self.assertTrue(specialist_role.is_away())
        # The finder says so.
        self.login(self.gp)
        finder = self.client.get(
            reverse("directory:finder"),
            {"hospital": self.hospital.pk, "tumour_type": self.breast.pk},
        )
        self.assertContains(finder, "Afwezig tot")
        question = self.ask_specialist()
        assert question.task is not None
        self.assertIsNone(question.task.owner_role)
        self.assertEqual(
            (question.task.owner_team, question.task.owner_function),
            (self.hospital, Function.MEDICAL_ONCOLOGIST),
        )
        do_set_absence(specialist_role, until=None, note="", actor=self.actor(self.specialist))
        self.assertFalse(specialist_role.is_away())

    def test_an_absence_in_the_past_is_refused(self):
        self.login(self.specialist)
        response = self.client.post(
            reverse("messaging:absence"),
            {"away_until": (timezone.localdate() - timedelta(days=1)).isoformat()},
        )
        self.assertContains(response, "Kies vandaag of een latere datum", status_code=400)


class EscalationTests(QuestionTestCase):
    def test_an_unanswered_question_escalates_once_and_resolves_with_the_answer(self):
        question = self.ask_specialist()
        evaluate_signals()
        self.assertFalse(Signal.objects.filter(rule=NOT_ANSWERED).exists())
        # The reply-by time passes.
        Question.objects.filter(pk=question.pk).update(
            reply_by=timezone.now() - timedelta(minutes=1)
        )
        evaluate_signals()
        evaluate_signals()  # the steady state: still one signal, escalated once
        signal = Signal.objects.get(rule=NOT_ANSWERED, resolved_at__isnull=True)
        self.assertEqual(signal.subject_id, question.pk)
        question.refresh_from_db()
        assert question.task is not None
        self.assertIsNotNone(question.escalated_at)
        self.assertEqual(
            (question.task.owner_team, question.task.owner_function),
            (self.hospital, Function.MEDICAL_ONCOLOGIST),
        )
        self.assertEqual(question.messages.filter(kind=MessageKind.ESCALATED).count(), 1)
        self.assertTrue(
            Notification.objects.filter(recipient=self.gp, kind="question_late").exists()
        )
        # On the asker's Vandaag.
        self.login(self.gp)
        today = self.client.get(reverse("work:today"))
        self.assertContains(today, "Uw vragen zonder antwoord op tijd")
        self.assertContains(today, question.subject)
        # The specialist answers (still able to: the question was theirs): resolved at once.
        self.login(self.specialist)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("messaging:answer", args=[question.pk]), {"text": "Sorry, ja."}
            )
        signal.refresh_from_db()
        self.assertIsNotNone(signal.resolved_at)
        question.refresh_from_db()
        self.assertFalse(question.answered_on_time)

    def test_an_answer_left_unclosed_closes_by_itself_with_a_note(self):
        question = self.ask_team()
        actions.do_answer_question(question, text="Ja.", actor=self.actor(self.nurse))
        self.assertEqual(actions.do_close_answered_questions(), 0)
        Question.objects.filter(pk=question.pk).update(
            answered_at=timezone.now() - timedelta(days=actions.autoclose_days() + 1)
        )
        self.assertEqual(actions.do_close_answered_questions(), 1)
        question.refresh_from_db()
        self.assertEqual(question.status, QuestionStatus.CLOSED)
        note = question.messages.get(kind=MessageKind.CLOSED)
        self.assertIn("Automatisch gesloten", note.text)


class WhoSeesWhatTests(QuestionTestCase):
    def test_outsiders_get_404_and_the_care_team_sees_the_question(self):
        question = self.ask_team(
            pathway=None,
            subject="Algemene vraag over het nieuwe protocol",
            team_function=Function.NURSE_SPECIALIST,
        )
        for outsider in (self.other_gp, self.case_manager, self.coordinator, self.specialist):
            with self.subTest(outsider.email):
                self.assertFalse(self.sees(outsider, question))
        about_piet = self.ask_team()
        self.assertTrue(self.sees(self.case_manager, about_piet))  # Piet's care relation
        self.assertFalse(self.sees(self.other_gp, about_piet))
        self.login(self.other_gp)
        inbox = self.client.get(reverse("messaging:inbox"))
        self.assertNotContains(inbox, "Pijnstilling")
        attachment = actions.do_add_question_attachment(
            about_piet,
            SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\n0000"),
            actor=self.actor(self.gp),
        )
        self.assertEqual(self.client.get(attachment.get_absolute_url()).status_code, 404)
        self.login(self.nurse)
        download = self.client.get(attachment.get_absolute_url())
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download["Content-Type"], "image/png")

    def test_an_objection_hides_the_patient_from_the_addressees_at_once(self):
        Patient.objects.filter(pk=self.patient.pk).update(recorded_by=self.practice)
        self.pathway.patient.refresh_from_db()
        question = self.ask_team()
        self.assertTrue(self.sees(self.nurse, question))
        Patient.objects.filter(pk=self.patient.pk).update(sharing=Sharing.OBJECTED)
        self.assertFalse(self.sees(self.nurse, question))
        self.assertTrue(self.sees(self.gp, question))  # the practice recorded him


class InboxTests(QuestionTestCase):
    def test_the_inbox_shows_mine_and_my_teams_and_filters(self):
        team_question = self.ask_team()
        general = self.ask_specialist(pathway=None, subject="Protocol neutropene koorts")
        self.login(self.nurse)
        inbox = self.client.get(reverse("messaging:inbox"))
        self.assertContains(inbox, team_question.subject)
        self.assertContains(inbox, "Jansen, Piet")
        self.assertNotContains(inbox, general.subject)
        self.login(self.gp)
        asked = self.client.get(reverse("messaging:inbox"), {"map": "gesteld"})
        self.assertContains(asked, team_question.subject)
        self.assertContains(asked, general.subject)
        closed_only = self.client.get(
            reverse("messaging:inbox"), {"map": "gesteld", "status": "gesloten"}
        )
        self.assertNotContains(closed_only, general.subject)
        urgent = self.client.get(
            reverse("messaging:inbox"), {"map": "gesteld", "urgentie": "today"}
        )
        self.assertNotContains(urgent, general.subject)

    def count(self, user: User, url: str) -> int:
        self.login(user)
        self.client.get(url)
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(queries)

    def make(self, n: int) -> None:
        specialist_role = self.specialist.practitioner.roles.get()
        now = timezone.now()
        Question.objects.bulk_create(
            Question(
                asker=self.gp,
                asker_role=self.gp_role,
                addressee_role=specialist_role if i % 2 else None,
                team=self.hospital,
                team_function="" if i % 2 else Function.NURSE_SPECIALIST,
                tumour_type=self.breast,
                patient=self.patient if i % 3 else None,
                pathway=self.pathway if i % 3 else None,
                subject=f"Vraag {i}",
                urgency=Urgency.WEEK,
                asked_at=now,
                reply_by=now + timedelta(days=i % 5 - 2),
            )
            for i in range(n)
        )

    def test_the_inbox_asks_as_many_questions_for_500_as_for_10(self):
        pages = {
            "gp asked": (self.gp, reverse("messaging:inbox") + "?map=gesteld"),
            "nurse": (self.nurse, reverse("messaging:inbox")),
            "specialist": (self.specialist, reverse("messaging:inbox")),
        }
        self.make(10)
        few = {name: self.count(user, url) for name, (user, url) in pages.items()}
        self.make(490)
        many = {name: self.count(user, url) for name, (user, url) in pages.items()}
        self.assertEqual(many, few)
