"""Issue 13, part 5: consultation moments between GP and oncologist. A hospital team offers
recurring moments, a GP books a slot with a question (about a patient or general), the host is
aan zet and may see that patient for as long as the question needs, the outcome goes on the
timeline, and a cancelled moment tells those who booked. The calendar feed carries the moments
without patient data; outsiders see nothing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schakel.accounts.models import User
from schakel.audit.models import AccessLogEntry
from schakel.core.workdays import working_days_after
from schakel.directory.models import Function, PractitionerRole
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
from schakel.pathways.models import EventKind, PathwayEvent
from schakel.patients.models import CareRelation, Patient, RelationKind, Sharing
from schakel.work.actions import TransitionError
from schakel.work.models import Notification, TaskStatus
from schakel.work.notify import send_notification_emails
from tests.base import last_log_pk, make_person
from tests.pathways_base import PathwayTestCase
from tests.smtp import smtp_server


def series_of(
    recurrence: str, weekday: int, first_date: date, **fields: object
) -> ConsultationSeries:
    """A series that is not saved: what the date rules need."""
    return ConsultationSeries(
        recurrence=recurrence, weekday=weekday, first_date=first_date, **fields
    )


class OccurrenceTests(PathwayTestCase):
    """Christmas 2026 and New Year's Day 2027 fall on Fridays."""

    def test_weekly_skips_the_holidays(self):
        series = series_of(Recurrence.WEEKLY, 4, date(2026, 12, 14))
        self.assertEqual(
            consultations.occurrence_dates(series, date(2027, 1, 10)),
            [date(2026, 12, 18), date(2027, 1, 8)],
        )

    def test_fortnightly_counts_from_the_first_date(self):
        series = series_of(Recurrence.FORTNIGHTLY, 4, date(2026, 12, 18))
        self.assertEqual(
            consultations.occurrence_dates(series, date(2027, 1, 31)),
            [date(2026, 12, 18), date(2027, 1, 15), date(2027, 1, 29)],
        )

    def test_monthly_is_the_first_such_weekday_and_a_holiday_is_not_moved(self):
        series = series_of(Recurrence.MONTHLY, 4, date(2026, 12, 1))
        self.assertEqual(
            consultations.occurrence_dates(series, date(2027, 3, 31)),
            [date(2026, 12, 4), date(2027, 2, 5), date(2027, 3, 5)],
        )


class ConsultationTestCase(PathwayTestCase):
    """A telephone hour of an oncologist at the other hospital, who is not on Piet's care team:
    every Tuesday-like day 12:30-13:00 in three slots of ten minutes, one question each."""

    host_role: PractitionerRole
    host: User
    colleague: User
    series: ConsultationSeries
    session: ConsultationSession
    slots: list[datetime]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.host_role = make_person(
            "host@test.nl",
            cls.other_hospital,
            Function.MEDICAL_ONCOLOGIST,
            "Hanna",
            "Host",
            tumour_types=[cls.breast],
        )
        cls.host = cls.user_of(cls.host_role)
        cls.colleague = cls.user_of(
            make_person("collega@test.nl", cls.other_hospital, Function.SURGEON, "Kees", "Mes")
        )
        from django_otp.plugins.otp_totp.models import TOTPDevice

        for user in (cls.host, cls.colleague):
            TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        # The next working day: a series skips weekends and holidays (a Friday's "tomorrow"
        # would plan nothing).
        tomorrow = working_days_after(timezone.localdate(), 1)
        cls.series = consultations.do_offer_consultations(
            ConsultationSeries(
                organization=cls.other_hospital,
                tumour_type=cls.breast,
                title="Telefonisch spreekuur borstkanker",
                host=cls.host_role,
                mode=ConsultationMode.TELEPHONE,
                how_to_join="Bel 088 765 43 21",
                recurrence=Recurrence.WEEKLY,
                weekday=tomorrow.weekday(),
                starts_at=time(12, 30),
                ends_at=time(13, 0),
                slot_minutes=10,
                capacity=1,
                first_date=tomorrow,
            ),
            actor=cls.actor(cls.host),
        )

    def setUp(self) -> None:
        self.session = self.series.sessions.order_by("starts_at")[0]
        self.slots = consultations.slot_starts(self.session)

    def book(self, slot: int = 0, pathway: object = "default", user=None) -> ConsultationBooking:
        return consultations.do_book(
            self.session,
            slot_start=self.slots[slot],
            question="Tamoxifen en opvliegers: doorgaan of switchen?",
            pathway=self.pathway if pathway == "default" else pathway,  # type: ignore[arg-type]
            actor=self.actor(user or self.gp),
        )

    def begin(self, minutes_ago: int = 5) -> None:
        """The moment began a few minutes ago (the clock cannot be turned; the moment can)."""
        shift = self.session.starts_at - (timezone.now() - timedelta(minutes=minutes_ago))
        session = ConsultationSession.objects.get(pk=self.session.pk)
        session.starts_at -= shift
        session.ends_at -= shift
        session.save()
        for booking in ConsultationBooking.objects.filter(session=session):
            booking.slot_start -= shift
            booking.save()
        self.session = session
        self.slots = consultations.slot_starts(session)

    def host_sees_piet(self) -> bool:
        return visible_pathways(self.host).filter(pk=self.pathway.pk).exists()


class PlanningTests(ConsultationTestCase):
    def test_an_offered_series_is_planned_twelve_weeks_ahead_once(self):
        sessions = list(self.series.sessions.order_by("starts_at"))
        self.assertGreaterEqual(len(sessions), 10)  # twelve weeks, less a holiday or two
        last = timezone.localdate() + timedelta(weeks=consultations.WEEKS_AHEAD)
        self.assertLessEqual(timezone.localtime(sessions[-1].starts_at).date(), last)
        first = timezone.localtime(sessions[0].starts_at)
        self.assertEqual((first.hour, first.minute), (12, 30))
        again = consultations.do_plan_sessions(self.series, until=last, actor=self.actor(self.host))
        self.assertEqual(again, [])
        self.assertEqual(len(self.slots), 3)
        self.assertEqual(consultations.places(self.session), 3)

    def test_a_stopped_series_cancels_its_coming_moments_and_tells_who_booked(self):
        booking = self.book()
        cancelled = consultations.do_stop_series(
            self.series, reason="Spreekuur vervalt wegens vertrek", actor=self.actor(self.host)
        )
        self.assertEqual(cancelled, self.series.sessions.count())
        booking.refresh_from_db()
        self.assertEqual(booking.status, BookingStatus.CANCELLED)
        self.assertTrue(
            Notification.objects.filter(recipient=self.gp, kind="consultation_cancelled").exists()
        )
        self.assertEqual(
            consultations.do_plan_sessions(
                self.series, until=date(2030, 1, 1), actor=self.actor(self.host)
            ),
            [],
        )


class BookingTests(ConsultationTestCase):
    def test_a_booking_makes_the_host_aan_zet_and_gives_access_for_as_long_as_needed(self):
        self.assertFalse(self.host_sees_piet())
        booking = self.book(slot=1)
        task = booking.task
        assert task is not None
        self.assertEqual(task.owner_role, self.host_role)
        self.assertEqual(task.status, TaskStatus.REQUESTED)
        self.assertEqual(task.due_at, self.slots[1] + timedelta(minutes=10))
        relation = CareRelation.objects.get(
            patient=self.patient, role=self.host_role, kind=RelationKind.CONSULTED
        )
        assert relation.ended_at is not None
        self.assertEqual(
            relation.ended_at,
            self.session.ends_at + timedelta(days=consultations.RELATION_DAYS_AFTER),
        )
        self.assertTrue(self.host_sees_piet())

    def test_a_full_slot_is_refused_and_the_others_stay_free(self):
        self.book(slot=0)
        with self.assertRaises(consultations.SlotTaken):
            self.book(slot=0, pathway=None, user=self.poh)
        self.book(slot=2, pathway=None, user=self.poh)
        booked = list(
            consultations.active_bookings(self.session).values_list("slot_start", flat=True)
        )
        self.assertEqual(consultations.free_slots(self.session, booked), [self.slots[1]])

    def test_without_consent_the_question_goes_without_the_patient(self):
        # Recorded by the practice, consent not asked yet: the GP sees Piet, the host may not.
        Patient.objects.filter(pk=self.patient.pk).update(
            sharing=Sharing.NOT_ASKED, recorded_by=self.practice
        )
        self.pathway.patient.refresh_from_db()
        with self.assertRaises(consultations.NotShared):
            self.book()
        self.assertFalse(ConsultationBooking.objects.exists())
        self.assertFalse(self.host_sees_piet())
        # Through the page: the message says why, in Dutch, next to the patient field.
        self.login(self.gp)
        page = self.client.post(
            self.session.get_absolute_url(),
            {"slot": self.slots[0].isoformat(), "pathway": self.pathway.pk, "question": "Vraag"},
        )
        self.assertContains(page, "geen toestemming", status_code=400)
        self.assertFalse(ConsultationBooking.objects.exists())

    def test_a_past_or_cancelled_moment_cannot_be_booked(self):
        self.begin()
        with self.assertRaises(TransitionError):
            self.book(slot=2)

    def test_the_gp_books_from_the_pathway_page(self):
        self.login(self.gp)
        pathway_page = self.client.get(self.pathway.get_absolute_url())
        overview = reverse("consultations:overview") + f"?traject={self.pathway.pk}"
        self.assertContains(pathway_page, overview)
        listing = self.client.get(overview)
        session_url = self.session.get_absolute_url() + f"?traject={self.pathway.pk}"
        self.assertContains(listing, session_url)
        form = self.client.get(session_url)
        self.assertContains(form, f'<option value="{self.pathway.pk}" selected>')
        self.assertNotContains(form, "---------")
        # Forgetting the question: said in Dutch, nothing booked.
        empty = self.client.post(
            session_url, {"slot": self.slots[0].isoformat(), "pathway": self.pathway.pk}
        )
        self.assertEqual(empty.status_code, 400)
        self.assertContains(empty, "Dit veld is verplicht", status_code=400)
        self.assertFalse(ConsultationBooking.objects.exists())
        response = self.client.post(
            session_url,
            {
                "slot": self.slots[0].isoformat(),
                "pathway": self.pathway.pk,
                "question": "Opvliegers onder tamoxifen",
            },
        )
        booking = ConsultationBooking.objects.get()
        self.assertRedirects(response, booking.get_absolute_url())
        self.assertEqual(booking.pathway, self.pathway)
        # The slot is taken: the next GP cannot choose it.
        self.login(self.poh)
        taken = self.client.post(
            self.session.get_absolute_url(),
            {"slot": self.slots[0].isoformat(), "question": "Algemene vraag"},
        )
        self.assertEqual(taken.status_code, 400)
        self.assertEqual(ConsultationBooking.objects.count(), 1)
        # The pathway page shows the booking.
        self.login(self.gp)
        self.assertContains(
            self.client.get(self.pathway.get_absolute_url()), "Opvliegers onder tamoxifen"
        )

    def test_cancelling_frees_the_slot_cancels_the_task_and_ends_the_access(self):
        booking = self.book()
        self.login(self.gp)
        response = self.client.post(
            reverse("consultations:cancel_booking", args=[booking.pk]),
            {"reason": "Al opgelost"},
        )
        self.assertRedirects(response, booking.get_absolute_url())
        booking.refresh_from_db()
        assert booking.task is not None
        self.assertEqual(booking.status, BookingStatus.CANCELLED)
        self.assertEqual(booking.task.status, TaskStatus.CANCELLED)
        self.assertFalse(self.host_sees_piet())
        self.assertEqual(
            consultations.free_slots(self.session, []), consultations.slot_starts(self.session)
        )
        with self.assertRaises(TransitionError):
            consultations.do_cancel_booking(booking, reason="", actor=self.actor(self.gp))

    def test_access_stays_while_another_question_about_the_patient_needs_it(self):
        first = self.book(slot=0)
        self.book(slot=1, user=self.poh)
        consultations.do_cancel_booking(first, reason="", actor=self.actor(self.gp))
        self.assertTrue(self.host_sees_piet())


class OutcomeTests(ConsultationTestCase):
    def test_the_outcome_waits_for_the_moment(self):
        booking = self.book()
        with self.assertRaises(TransitionError):
            consultations.do_record_consultation(
                booking, outcome="Doorgaan", actor=self.actor(self.host)
            )
        self.login(self.host)
        page = self.client.get(booking.get_absolute_url())
        self.assertContains(page, "vanaf het geboekte tijdstip")

    def test_the_host_records_the_outcome_on_the_timeline_and_the_gp_is_told(self):
        booking = self.book()
        self.begin()
        self.login(self.host)
        url = booking.get_absolute_url()
        page = self.client.get(url)
        self.assertContains(page, "Piet")  # the host may see the patient now, logged
        empty = self.client.post(url, {"outcome": ""})
        self.assertContains(empty, "Dit veld is verplicht", status_code=400)
        response = self.client.post(
            url, {"outcome": "Tamoxifen continueren; venlafaxine 37,5 mg proberen."}
        )
        self.assertRedirects(response, url)
        booking.refresh_from_db()
        assert booking.task is not None
        self.assertEqual(booking.status, BookingStatus.HELD)
        self.assertEqual(booking.outcome_by, self.host)
        self.assertEqual(booking.task.status, TaskStatus.COMPLETED)
        note = PathwayEvent.objects.get(pathway=self.pathway, kind=EventKind.NOTE)
        self.assertIn("venlafaxine 37,5 mg", note.summary)
        self.assertIn("Consultatiemoment huisarts", note.summary)
        told = Notification.objects.get(recipient=self.gp, kind="consultation_outcome")
        self.assertEqual(told.patient, self.patient)
        # Once recorded, it is not recorded again.
        self.assertEqual(self.client.post(url, {"outcome": "Nogmaals"}).status_code, 403)

    def test_a_general_question_records_without_a_timeline(self):
        booking = self.book(pathway=None)
        self.begin()
        booking.refresh_from_db()
        consultations.do_record_consultation(
            booking, outcome="Zie de richtlijn", actor=self.actor(self.host)
        )
        self.assertFalse(PathwayEvent.objects.filter(kind=EventKind.NOTE).exists())
        self.assertTrue(
            Notification.objects.filter(
                recipient=self.gp, kind="consultation_outcome", patient=None
            ).exists()
        )


class CancelledMomentTests(ConsultationTestCase):
    def test_a_cancelled_moment_tells_who_booked_by_email_without_content(self):
        booking = self.book()
        self.login(self.host)
        url = reverse("consultations:cancel_session", args=[self.session.pk])
        self.client.post(url, {"reason": ""})  # a reason is required
        self.session.refresh_from_db()
        self.assertEqual(self.session.status, SessionStatus.PLANNED)
        response = self.client.post(url, {"reason": "Dokter Host is met spoed afwezig"})
        self.assertRedirects(response, self.session.get_absolute_url())
        self.session.refresh_from_db()
        booking.refresh_from_db()
        self.assertEqual(self.session.status, SessionStatus.CANCELLED)
        self.assertEqual(booking.status, BookingStatus.CANCELLED)
        self.assertEqual(booking.cancel_reason, "Dokter Host is met spoed afwezig")
        self.assertFalse(self.host_sees_piet())
        told = Notification.objects.get(recipient=self.gp, kind="consultation_cancelled")
        self.assertIn("met spoed afwezig", told.text)
        with smtp_server() as smtp:
            send_notification_emails()
        to_gp = [m for m in smtp.messages if m["To"] == "gp@test.nl"]
        self.assertEqual(len(to_gp), 1)
        payload = to_gp[0].get_payload(decode=True)
        assert isinstance(payload, bytes)
        for content in ("Piet", "Jansen", "spoed", "Tamoxifen", "Host"):
            self.assertNotIn(content, payload.decode() + to_gp[0]["Subject"])
        # The booker's page says so; the moment cannot be cancelled twice.
        self.login(self.gp)
        self.assertContains(self.client.get(booking.get_absolute_url()), "met spoed afwezig")
        with self.assertRaises(TransitionError):
            consultations.do_cancel_session(self.session, reason="x", actor=self.actor(self.host))


class CalendarTests(ConsultationTestCase):
    def feed(self, user) -> list[tuple[str, str, str]]:
        from icalendar import Calendar

        self.login(user)
        feed_url = self.client.get(reverse("mdo:calendar_settings")).context["feed_url"]
        self.client.logout()
        response = self.client.get(feed_url)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(b"Piet", response.content)
        self.assertNotIn(b"Jansen", response.content)
        self.assertNotIn(b"amoxifen", response.content)  # the question
        calendar = Calendar.from_ical(response.content)
        return [
            (str(e.get("summary")), str(e.get("status", "")), e.decoded("dtstart").isoformat())
            for e in calendar.walk("VEVENT")
        ]

    def test_both_have_the_moment_in_their_feed_without_patient_data(self):
        self.book(slot=1)
        gp_events = self.feed(self.gp)
        self.assertIn(
            (
                "Consultatiemoment Medisch Centrum Elders (telefonisch)",
                "",
                self.slots[1].isoformat(),
            ),
            gp_events,
        )
        host_events = [s for s, _, _ in self.feed(self.host)]
        self.assertIn("Telefonisch spreekuur borstkanker (1 vragen geboekt)", host_events)


class WhoSeesWhatTests(ConsultationTestCase):
    def test_outsiders_get_404_and_the_hospital_team_sees_no_patient_it_has_no_access_to(self):
        booking = self.book()
        # Piet's own specialist may see the question about him (it goes on his timeline).
        for outsider in (self.other_gp, self.coordinator, self.privacy_officer):
            self.login(outsider)
            with self.subTest(outsider.email):
                self.assertEqual(self.client.get(booking.get_absolute_url()).status_code, 404)
                session = self.client.get(self.session.get_absolute_url())
                self.assertNotContains(session, "Jansen")
                self.assertNotContains(session, "amoxifen")
        before = last_log_pk()
        self.login(self.colleague)  # the host's hospital: manages the moment, not the patient
        page = self.client.get(booking.get_absolute_url())
        self.assertContains(page, "een patiënt die u niet mag inzien")
        self.assertNotContains(page, "Jansen")
        session = self.client.get(self.session.get_absolute_url())
        self.assertContains(session, "amoxifen")
        self.assertNotContains(session, "Jansen")
        self.assertFalse(
            AccessLogEntry.objects.filter(
                pk__gt=before, user=self.colleague, patient_id=self.patient.pk, outcome="success"
            ).exists()
        )
        self.assertEqual(
            self.client.post(booking.get_absolute_url(), {"outcome": "x"}).status_code, 403
        )

    def test_only_a_hospital_offers_and_only_its_own_series_are_managed(self):
        self.login(self.gp)
        self.assertEqual(self.client.get(reverse("consultations:offer")).status_code, 403)
        self.assertEqual(self.client.get(self.series.get_absolute_url()).status_code, 404)
        self.login(self.specialist)
        self.assertEqual(self.client.get(self.series.get_absolute_url()).status_code, 404)
        self.assertEqual(
            self.client.post(
                reverse("consultations:cancel_session", args=[self.session.pk]), {"reason": "x"}
            ).status_code,
            404,
        )


class OfferPageTests(ConsultationTestCase):
    def test_the_host_offers_a_monthly_meeting_and_mistakes_are_said_in_dutch(self):
        self.login(self.specialist)
        url = reverse("consultations:offer")
        form = self.client.get(url)
        self.assertContains(form, "Alle tumortypen")
        data = {
            "organization": self.hospital.pk,
            "tumour_type": "",
            "title": "Regionaal overleg oncologie",
            "host": self.specialist.practitioner.roles.get().pk,
            "mode": ConsultationMode.MEETING,
            "how_to_join": "Vergaderzaal 2",
            "recurrence": Recurrence.MONTHLY,
            "weekday": 3,
            "starts_at": "18:00",
            "ends_at": "17:00",
            "slot_minutes": 0,
            "capacity": 8,
            "first_date": timezone.localdate().isoformat(),
        }
        wrong = self.client.post(url, data)
        self.assertContains(wrong, "eindigt na het begin", status_code=400)
        self.assertFalse(ConsultationSeries.objects.filter(title__startswith="Regionaal").exists())
        data["ends_at"] = "19:00"
        response = self.client.post(url, data)
        series = ConsultationSeries.objects.get(title="Regionaal overleg oncologie")
        self.assertRedirects(response, series.get_absolute_url())
        self.assertTrue(series.sessions.exists())
        for session in series.sessions.all():
            day = timezone.localtime(session.starts_at).date()
            self.assertEqual((day.weekday(), day.day <= 7), (3, True))
        self.assertEqual(consultations.places(series.sessions.order_by("starts_at")[0]), 8)


class QueryCountTests(ConsultationTestCase):
    def count(self, user, url: str) -> int:
        self.login(user)
        self.client.get(url)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(queries)

    def grow(self) -> None:
        for n in range(6):
            consultations.do_offer_consultations(
                ConsultationSeries(
                    organization=self.other_hospital,
                    title=f"Spreekuur {n}",
                    host=self.host_role,
                    mode=ConsultationMode.VIDEO,
                    recurrence=Recurrence.WEEKLY,
                    weekday=n % 5,
                    starts_at=time(8),
                    ends_at=time(9),
                    slot_minutes=15,
                    capacity=2,
                    first_date=timezone.localdate(),
                ),
                actor=self.actor(self.host),
            )
        for slot in range(2):  # one slot stays free: the booking form is on the page
            self.book(slot=slot, user=self.gp if slot % 2 else self.poh)

    def test_pages_ask_as_many_questions_for_many_moments_as_for_few(self):
        self.book(slot=0)
        pages = {
            "overview GP": (self.gp, reverse("consultations:overview")),
            "overview host": (self.host, reverse("consultations:overview")),
            "session host": (self.host, self.session.get_absolute_url()),
            "session GP": (self.gp, self.session.get_absolute_url()),
            "series": (self.host, self.series.get_absolute_url()),
        }
        few = {name: self.count(user, url) for name, (user, url) in pages.items()}
        ConsultationBooking.objects.all().delete()
        self.grow()
        many = {name: self.count(user, url) for name, (user, url) in pages.items()}
        self.assertEqual(many, few)
