"""The MDO hears the GP: the request, its deadline, the input, moved and cancelled meetings."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from schakel.accounts.models import User
from schakel.audit.models import AccessEvent, AccessLogEntry
from schakel.directory.actor import Actor
from schakel.directory.models import Function, PractitionerRole
from schakel.mdo import actions
from schakel.mdo.forms import OutcomeForm
from schakel.mdo.jobs import plan_series_meetings
from schakel.mdo.models import (
    AgendaItem,
    GpInput,
    InputBy,
    MdoMeeting,
    MdoOutcome,
    MdoSeries,
    MeetingStatus,
    PracticeMdoPreference,
)
from schakel.mdo.rules import MdoRule
from schakel.pathways.models import CarePathway, EventKind
from schakel.patients.models import CareRelation, RelationKind
from schakel.work.engine import evaluate_signals
from schakel.work.models import Notification, Signal, Task, TaskStatus
from tests.base import last_log_pk, make_person
from tests.pathways_base import PathwayTestCase

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=AMSTERDAM)


def request_of(item: AgendaItem) -> Task:
    """The GP input request of an agenda item, as it is in the database now."""
    assert item.input_request is not None
    return Task.objects.get(pk=item.input_request.pk)


class MdoTestCase(PathwayTestCase):
    meeting: MdoMeeting
    coordinator_role: PractitionerRole
    mdo_coordinator: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.coordinator_role = make_person(
            "mdo@test.nl", cls.hospital, Function.MDO_COORDINATOR, "Mies", "Bos"
        )
        cls.mdo_coordinator = cls.user_of(cls.coordinator_role)
        TOTPDevice.objects.create(user=cls.mdo_coordinator, name="app", confirmed=True)
        day = timezone.localdate() + timedelta(days=14)
        cls.meeting = MdoMeeting.objects.create(
            name="MDO mammacarcinoom",
            hospital=cls.hospital,
            scheduled_for=day,
            starts_at=at(day, 16),
            ends_at=at(day, 17, 30),
            coordinator=cls.coordinator_role,
            chair=cls.specialist.practitioner.roles.get(),
            video_link="https://video.example/mdo",
        )

    def add(self, meeting: MdoMeeting | None = None) -> AgendaItem:
        return actions.do_add_to_agenda(
            meeting or self.meeting,
            self.pathway,
            question="Adjuvante chemotherapie?",
            actor=self.actor(self.specialist),
        )


class DeadlineTests(MdoTestCase):
    def test_the_request_is_due_two_working_days_before_across_a_weekend(self):
        tuesday = date(2026, 12, 1)
        self.meeting.starts_at = at(tuesday, 16)
        self.assertEqual(actions.input_deadline(self.meeting), at(date(2026, 11, 27), 17))

    def test_and_across_a_public_holiday(self):
        self.meeting.starts_at = at(date(2026, 4, 28), 16)  # the day after Koningsdag
        self.assertEqual(actions.input_deadline(self.meeting), at(date(2026, 4, 23), 17))
        self.meeting.input_lead_days = 3
        self.assertEqual(actions.input_deadline(self.meeting), at(date(2026, 4, 22), 17))


class AgendaTests(MdoTestCase):
    def test_putting_a_patient_on_the_agenda_asks_the_gp_with_a_deadline(self):
        item = self.add()
        task = item.input_request
        assert task is not None
        self.assertEqual(task.owner_role, self.gp_role)
        self.assertEqual(task.due_at, actions.input_deadline(self.meeting))
        self.assertEqual(task.focus_type, "AgendaItem")
        self.assertEqual(task.escalation_role, self.coordinator_role)
        self.assertTrue(Notification.objects.filter(recipient=self.gp, kind="task").exists())
        self.assertTrue(
            self.pathway.events.filter(
                kind=EventKind.NOTE, summary__startswith="Aangemeld"
            ).exists()
        )
        # The coordinator now has a care relation for this case.
        self.assertTrue(
            CareRelation.objects.filter(role=self.coordinator_role, kind=RelationKind.MDO).exists()
        )

    def test_a_practice_that_prefers_its_poh_gets_a_team_task_for_the_poh(self):
        PracticeMdoPreference.objects.create(practice=self.practice, input_by=InputBy.POH)
        task = self.add().input_request
        assert task is not None
        self.assertEqual(
            (task.owner_team, task.owner_function), (self.practice, Function.POH_ONCOLOGY)
        )
        self.assertTrue(Notification.objects.filter(recipient=self.poh).exists())
        self.assertFalse(Notification.objects.filter(recipient=self.gp, kind="task").exists())

    def test_moving_the_meeting_moves_the_deadline_and_tells_the_gp(self):
        item = self.add()
        later = self.meeting.starts_at + timedelta(days=7)
        moved = actions.do_move_meeting(
            self.meeting,
            starts_at=later,
            ends_at=later + timedelta(hours=1),
            actor=Actor(self.mdo_coordinator, self.coordinator_role),
        )
        self.assertEqual(moved, 1)
        task = request_of(item)
        self.assertEqual(task.due_at, actions.input_deadline(self.meeting))
        self.assertTrue(Notification.objects.filter(recipient=self.gp, kind="mdo_moved").exists())

    def test_cancelling_or_removing_withdraws_the_request_and_tells_the_gp(self):
        item = self.add()
        actions.do_remove_from_agenda(item, actor=self.actor(self.mdo_coordinator))
        self.assertEqual(request_of(item).status, TaskStatus.CANCELLED)
        self.assertTrue(
            Notification.objects.filter(recipient=self.gp, kind="mdo_withdrawn").exists()
        )
        item = self.add()
        actions.do_cancel_meeting(
            self.meeting, reason="Geen voorzitter", actor=self.actor(self.mdo_coordinator)
        )
        self.assertEqual(self.meeting.status, MeetingStatus.CANCELLED)
        self.assertEqual(request_of(item).status, TaskStatus.CANCELLED)

    def test_a_series_generates_its_meetings_once(self):
        series = MdoSeries.objects.create(
            name="MDO longoncologie",
            hospital=self.hospital,
            weekday=1,
            starts_at=time(16),
            ends_at=time(17, 30),
        )
        today = timezone.localdate()
        until = today + timedelta(weeks=4)
        tuesdays = [
            today + timedelta(days=n)
            for n in range(29)
            if (today + timedelta(days=n)).weekday() == 1
        ]
        first = actions.do_schedule_meetings(series, until=until, actor=Actor.system())
        self.assertEqual([m.scheduled_for for m in first], tuesdays)
        self.assertEqual(
            actions.do_schedule_meetings(series, until=until, actor=Actor.system()), []
        )
        self.assertTrue(all(m.starts_at.astimezone(AMSTERDAM).weekday() == 1 for m in first))


class GpInputTests(MdoTestCase):
    def url(self, item: AgendaItem) -> str:
        return reverse("mdo:gp_input", args=[self.pathway.pk]) + f"?agendapunt={item.pk}"

    def test_nothing_to_add_is_an_answer_that_completes_the_request(self):
        item = self.add()
        self.login(self.gp)
        page = self.client.get(self.url(item))
        self.assertContains(page, "Adjuvante chemotherapie?")
        response = self.client.post(self.url(item), {"nothing_to_add": "on", "agendapunt": item.pk})
        self.assertRedirects(
            response, self.pathway.get_absolute_url(), fetch_redirect_response=False
        )
        gp_input = GpInput.objects.get()
        self.assertTrue(gp_input.nothing_to_add)
        self.assertFalse(gp_input.late)
        self.assertEqual(request_of(item).status, TaskStatus.COMPLETED)

    def test_input_given_again_is_a_new_version_that_keeps_the_earlier_one(self):
        item = self.add()
        self.login(self.gp)
        first = {"treatment_limits": "Geen reanimatie", "agendapunt": item.pk}
        self.client.post(self.url(item), first)
        page = self.client.get(self.url(item))
        self.assertContains(page, "Geen reanimatie")  # the form opens with what is there
        self.assertContains(page, "versie 1")
        self.client.post(self.url(item), first)  # the same again: nothing new
        self.assertEqual(GpInput.objects.count(), 1)
        self.client.post(
            self.url(item),
            {"nothing_to_add": "on", "treatment_limits": "", "agendapunt": item.pk},
        )
        latest, earlier = GpInput.objects.order_by("-version")
        self.assertEqual((latest.version, latest.supersedes), (2, earlier))
        self.assertEqual(earlier.treatment_limits, "Geen reanimatie")  # kept, not overwritten
        self.login(self.mdo_coordinator)
        agenda = self.client.get(self.meeting.get_absolute_url())
        self.assertContains(agenda, "gewijzigd door de huisarts: versie 2")
        self.assertContains(agenda, "Geen reanimatie")  # the earlier version stays readable

    def test_the_pathway_page_leads_the_gp_back_to_their_input_until_the_advice(self):
        item = self.add()
        self.login(self.gp)
        self.client.post(
            self.url(item), {"treatment_limits": "Geen reanimatie", "agendapunt": item.pk}
        )
        page = self.client.get(self.pathway.get_absolute_url())
        self.assertContains(page, "Inbreng huisarts: versie 1")
        self.assertContains(page, self.url(item))
        self.login(self.specialist)  # the hospital reads the state, but gives no GP input
        page = self.client.get(self.pathway.get_absolute_url())
        self.assertContains(page, "Inbreng huisarts: versie 1")
        self.assertNotContains(page, "Uw MDO-inbreng bekijken of aanpassen")
        actions.do_record_outcome(
            item,
            actor=self.actor(self.specialist),
            advice="Adjuvant",
            intent="curative",
            informs_patient="Internist",
        )
        self.login(self.gp)
        page = self.client.get(self.pathway.get_absolute_url())
        self.assertNotContains(page, "Uw MDO-inbreng bekijken of aanpassen")
        self.assertContains(page, "Advies lezen")

    def test_after_the_advice_the_input_is_closed(self):
        item = self.add()
        actions.do_record_outcome(
            item,
            actor=self.actor(self.specialist),
            advice="Adjuvant",
            intent="curative",
            informs_patient="Internist",
        )
        self.login(self.gp)
        page = self.client.get(self.url(item))
        self.assertContains(page, "de inbreng is gesloten")
        self.assertNotContains(page, "Naar het MDO sturen")
        self.client.post(self.url(item), {"nothing_to_add": "on", "agendapunt": item.pk})
        self.assertFalse(GpInput.objects.exists())
        with self.assertRaises(actions.InputClosedError):
            actions.do_submit_gp_input(
                self.pathway, actor=self.actor(self.gp), agenda_item=item, nothing_to_add=True
            )

    def test_an_empty_form_is_refused_in_dutch(self):
        item = self.add()
        self.login(self.gp)
        response = self.client.post(self.url(item), {"agendapunt": item.pk})
        self.assertContains(response, "Vul ten minste één vraag in")
        self.assertFalse(GpInput.objects.exists())

    def test_input_after_the_deadline_is_accepted_and_marked_late(self):
        item = self.add()
        Task.objects.filter(pk=request_of(item).pk).update(
            due_at=timezone.now() - timedelta(hours=1)
        )
        self.login(self.gp)
        self.client.post(
            self.url(item),
            {
                "performance_status": "2",
                "patient_wishes": "Wil thuis blijven",
                "agendapunt": item.pk,
            },
        )
        self.assertTrue(GpInput.objects.get().late)

    def test_the_coordinator_sees_the_status_and_the_input_beside_the_case(self):
        item = self.add()
        self.login(self.gp)
        self.client.post(
            self.url(item),
            {
                "quality_of_life": "Fietst nog dagelijks",
                "g8_score": "12",
                "wants_to_join": "on",
                "agendapunt": item.pk,
            },
        )
        self.client.logout()
        self.login(self.mdo_coordinator)
        page = self.client.get(self.meeting.get_absolute_url())
        self.assertContains(page, "Piet Jansen")
        self.assertContains(page, "Fietst nog dagelijks")
        self.assertContains(page, "<dt>G8</dt><dd>12 · kwetsbaar</dd>", html=True)
        self.assertContains(page, "input-status--received")

    def test_a_score_out_of_range_is_refused(self):
        item = self.add()
        self.login(self.gp)
        response = self.client.post(self.url(item), {"g8_score": "18", "agendapunt": item.pk})
        self.assertContains(response, "Zorg ervoor dat deze waarde hoogstens 17 is.")
        self.assertFalse(GpInput.objects.exists())

    def test_a_gp_of_another_practice_cannot_see_the_agenda_patient(self):
        item = self.add()
        self.login(self.other_gp)
        self.assertEqual(self.client.get(self.url(item)).status_code, 404)
        # Not a participant of this hospital's meeting: the meeting itself is not found.
        self.assertEqual(self.client.get(self.meeting.get_absolute_url()).status_code, 404)

    def test_a_participant_without_a_care_relation_sees_the_case_but_not_the_patient(self):
        item = self.add()
        nurse = make_person("nurse@test.nl", self.hospital, Function.ONCOLOGY_NURSE, "Nel", "Wit")
        nurse_user = self.user_of(nurse)
        TOTPDevice.objects.create(user=nurse_user, name="app", confirmed=True)
        self.login(nurse_user)
        page = self.client.get(self.meeting.get_absolute_url())
        self.assertContains(page, "Een patiënt met wie u geen behandelrelatie heeft.")
        self.assertNotContains(page, "Jansen")
        self.assertNotContains(page, item.question)
        from schakel.audit.models import AccessLogEntry

        self.assertFalse(
            AccessLogEntry.objects.filter(user=nurse_user, patient_id=self.patient.pk).exists()
        )

    def test_the_agenda_page_does_the_same_queries_for_1_and_10_items(self):
        from tests.test_pathway_pages import PathwayListTests

        self.login(self.mdo_coordinator)
        self.add()

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(self.meeting.get_absolute_url()).status_code, 200)
            return len(queries)

        one = count()
        helper = PathwayListTests()
        helper.patient, helper.practice, helper.hospital = (
            self.patient,
            self.practice,
            self.hospital,
        )
        helper.pathway, helper.gp_role, helper.breast = self.pathway, self.gp_role, self.breast
        helper.case_manager = self.case_manager
        helper.add_pathways(9)
        from schakel.pathways.models import CarePathway

        for pathway in CarePathway.objects.exclude(pk=self.pathway.pk):
            actions.do_add_to_agenda(
                self.meeting, pathway, question="Beleid?", actor=self.actor(self.specialist)
            )
        self.assertEqual(self.meeting.items.count(), 10)
        self.assertEqual(count(), one)


class OutcomeTests(MdoTestCase):
    def setUp(self) -> None:
        # The advice is recorded at (or after) the meeting: it has begun.
        started = timezone.now() - timedelta(minutes=30)
        MdoMeeting.objects.filter(pk=self.meeting.pk).update(
            starts_at=started, ends_at=started + timedelta(hours=1)
        )
        self.meeting.refresh_from_db()

    def test_the_advice_waits_for_the_meeting_and_names_only_specialists(self):
        item = self.add()
        later = timezone.now() + timedelta(days=3)
        MdoMeeting.objects.filter(pk=self.meeting.pk).update(
            starts_at=later, ends_at=later + timedelta(hours=1)
        )
        self.record(item)
        self.assertFalse(MdoOutcome.objects.exists())
        nurse = make_person(None, self.hospital, Function.ONCOLOGY_NURSE, "Nel", "Zorg")
        form = OutcomeForm(
            {
                "advice": "x",
                "intent": "curative",
                "informs_patient": "x",
                "responsible_specialist": nurse.pk,
            }
        )
        self.assertIn("responsible_specialist", form.errors)

    def record(self, item: AgendaItem) -> None:
        self.login(self.mdo_coordinator)
        response = self.client.post(
            reverse("mdo:record_outcome", args=[item.pk]),
            {
                "advice": "Adjuvante chemotherapie, daarna radiotherapie.",
                "intent": "curative",
                "informs_patient": "Internist-oncoloog",
                "responsible_specialist": self.specialist.practitioner.roles.get().pk,
            },
        )
        self.assertRedirects(
            response, self.meeting.get_absolute_url(), fetch_redirect_response=False
        )
        self.client.logout()

    def test_the_advice_goes_to_the_gp_who_acknowledges_it(self):
        item = self.add()
        self.record(item)
        from schakel.mdo.models import MdoOutcome

        outcome = MdoOutcome.objects.get(agenda_item=item)
        assert outcome.acknowledgement is not None
        self.assertEqual(outcome.acknowledgement.owner_role, self.gp_role)
        self.assertTrue(self.pathway.events.filter(kind=EventKind.MDO).exists())
        self.login(self.gp)
        page = self.client.get(reverse("mdo:outcomes", args=[self.pathway.pk]))
        self.assertContains(page, "Adjuvante chemotherapie, daarna radiotherapie.")
        self.client.post(reverse("mdo:outcomes", args=[self.pathway.pk]), {"outcome": outcome.pk})
        outcome.refresh_from_db()
        self.assertIsNotNone(outcome.acknowledged_at)
        self.assertEqual(
            Task.objects.get(pk=outcome.acknowledgement.pk).status, TaskStatus.COMPLETED
        )

    def test_only_the_chair_or_coordinator_records_the_advice(self):
        item = self.add()
        self.login(self.gp)
        response = self.client.post(
            reverse("mdo:record_outcome", args=[item.pk]),
            {"advice": "x", "intent": "curative", "informs_patient": "x"},
        )
        # The GP sees this meeting (their patient is on it) but does not run it.
        self.assertEqual(response.status_code, 403)
        self.assertFalse(hasattr(AgendaItem.objects.get(pk=item.pk), "outcome"))

    def test_read_only_emergency_access_cannot_record_the_advice(self):
        from schakel.patients.actions import do_start_emergency_access

        item = self.add()
        CareRelation.objects.filter(role=self.coordinator_role).update(ended_at=timezone.now())
        do_start_emergency_access(
            self.patient,
            reason="Spoedoverleg zonder behandelrelatie",
            actor=Actor(self.mdo_coordinator, self.coordinator_role),
        )
        self.login(self.mdo_coordinator)
        response = self.client.post(
            reverse("mdo:record_outcome", args=[item.pk]),
            {"advice": "x", "intent": "curative", "informs_patient": "x"},
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(hasattr(AgendaItem.objects.get(pk=item.pk), "outcome"))

    def test_an_incomplete_advice_is_refused(self):
        item = self.add()
        self.login(self.mdo_coordinator)
        response = self.client.post(
            reverse("mdo:record_outcome", args=[item.pk]), {"advice": ""}, follow=True
        )
        self.assertContains(response, "Schrijf het advies")


class CalendarTests(MdoTestCase):
    def test_the_personal_feed_parses_and_holds_no_patient_data(self):
        from icalendar import Calendar

        item = self.add()
        self.login(self.gp)
        self.client.post(
            reverse("mdo:gp_input", args=[self.pathway.pk]) + f"?agendapunt={item.pk}",
            {"wants_to_join": "on", "other": "Sluit graag aan", "agendapunt": item.pk},
        )
        settings_page = self.client.get(reverse("mdo:calendar_settings"))
        feed_url = settings_page.context["feed_url"]
        self.client.logout()  # calendar apps cannot log in
        response = self.client.get(feed_url)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        calendar = Calendar.from_ical(response.content)
        summaries = [str(e.get("summary")) for e in calendar.walk("VEVENT")]
        self.assertIn("MDO: bespreking van uw patiënt", summaries)
        body = response.content.decode()
        for patient_data in ("Piet", "Jansen", "111222333", "Adjuvante", "Borstkanker"):
            self.assertNotIn(patient_data, body)

    def test_a_reset_address_replaces_the_old_one(self):
        self.login(self.mdo_coordinator)
        old = self.client.get(reverse("mdo:calendar_settings")).context["feed_url"]
        self.client.post(reverse("mdo:calendar_settings"))
        new = self.client.get(reverse("mdo:calendar_settings")).context["feed_url"]
        self.assertNotEqual(old, new)
        self.client.logout()
        self.assertEqual(self.client.get(old).status_code, 404)
        self.assertEqual(self.client.get(new).status_code, 200)
        self.assertIn(b"MDO mammacarcinoom", self.client.get(new).content)
        self.assertEqual(self.client.get("/kalender/geraden.ics").status_code, 404)

    def test_a_meeting_downloads_as_ics_for_participants_only(self):
        from icalendar import Calendar

        self.login(self.mdo_coordinator)
        response = self.client.get(reverse("mdo:meeting_ics", args=[self.meeting.pk]))
        event = next(iter(Calendar.from_ical(response.content).walk("VEVENT")))
        self.assertEqual(str(event.get("summary")), "MDO mammacarcinoom")
        self.client.logout()
        self.login(self.other_gp)
        self.assertEqual(
            self.client.get(reverse("mdo:meeting_ics", args=[self.meeting.pk])).status_code, 404
        )


class MdoSignalTests(MdoTestCase):
    """Advice not sent within N working days of the meeting; advice not acknowledged."""

    def meeting_on(self, day: date) -> MdoMeeting:
        return MdoMeeting.objects.create(
            name="MDO",
            hospital=self.hospital,
            scheduled_for=day,
            starts_at=at(day, 16),
            ends_at=at(day, 17),
            coordinator=self.coordinator_role,
        )

    def open_rules(self, now: datetime) -> set[str]:
        evaluate_signals(CarePathway, [self.pathway.pk], now=now)
        return set(
            Signal.objects.filter(pathway=self.pathway, resolved_at__isnull=True).values_list(
                "rule", flat=True
            )
        )

    def test_advice_not_sent_two_working_days_after_the_meeting(self):
        item = self.add(self.meeting_on(date(2026, 12, 1)))  # a Tuesday
        self.assertNotIn(MdoRule.ADVICE_NOT_SENT, self.open_rules(at(date(2026, 12, 3), 16)))
        self.assertIn(MdoRule.ADVICE_NOT_SENT, self.open_rules(at(date(2026, 12, 3), 17, 1)))
        actions.do_record_outcome(
            item,
            actor=self.actor(self.specialist),
            advice="Operatie",
            intent="curative",
            informs_patient="Chirurg",
        )
        self.assertNotIn(MdoRule.ADVICE_NOT_SENT, self.open_rules(at(date(2026, 12, 3), 18)))
        self.assertEqual(
            Signal.objects.filter(pathway=self.pathway, rule=MdoRule.ADVICE_NOT_SENT).count(),
            1,
        )

    def test_the_working_days_skip_christmas(self):
        self.add(self.meeting_on(date(2026, 12, 24)))  # Thursday; Friday 25th is Christmas
        self.assertNotIn(MdoRule.ADVICE_NOT_SENT, self.open_rules(at(date(2026, 12, 28), 18)))
        self.assertIn(MdoRule.ADVICE_NOT_SENT, self.open_rules(at(date(2026, 12, 29), 17, 1)))

    def test_a_cancelled_meeting_or_removed_case_raises_nothing(self):
        meeting = self.meeting_on(date(2026, 12, 1))
        item = self.add(meeting)
        actions.do_remove_from_agenda(item, actor=self.actor(self.specialist))
        later = at(date(2026, 12, 10), 12)
        self.assertNotIn(MdoRule.ADVICE_NOT_SENT, self.open_rules(later))
        self.add(meeting)
        actions.do_cancel_meeting(meeting, reason="Feestdag", actor=self.actor(self.specialist))
        self.assertNotIn(MdoRule.ADVICE_NOT_SENT, self.open_rules(later))

    def test_advice_not_acknowledged_within_five_working_days(self):
        item = self.add(self.meeting_on(date(2026, 11, 24)))
        outcome = actions.do_record_outcome(
            item,
            actor=self.actor(self.specialist),
            advice="Operatie",
            intent="curative",
            informs_patient="Chirurg",
        )
        MdoOutcome.objects.filter(pk=outcome.pk).update(created_at=at(date(2026, 11, 30), 10))
        self.assertNotIn(MdoRule.NOT_ACKNOWLEDGED, self.open_rules(at(date(2026, 12, 7), 16)))
        self.assertIn(MdoRule.NOT_ACKNOWLEDGED, self.open_rules(at(date(2026, 12, 7), 17, 1)))
        actions.do_acknowledge_outcome(outcome, actor=self.actor(self.gp))
        self.assertNotIn(MdoRule.NOT_ACKNOWLEDGED, self.open_rules(at(date(2026, 12, 7), 18)))

    def test_the_signal_explains_itself_on_the_pathway(self):
        self.add(self.meeting_on(date(2026, 11, 3)))
        evaluate_signals(CarePathway, [self.pathway.pk])
        self.login(self.gp)
        page = self.client.get(self.pathway.get_absolute_url())
        self.assertContains(page, "het advies is nog niet naar de huisarts gestuurd")


def weekdays_ahead(weekday: int) -> int:
    """How many of this weekday fall from today up to SCHAKEL_MDO_WEEKS_AHEAD (8) weeks on."""
    today = timezone.localdate()
    return sum((today + timedelta(days=n)).weekday() == weekday for n in range(8 * 7 + 1))


class SeriesPageTests(MdoTestCase):
    """Recurring MDOs are planned on their own page, by the people who run them."""

    def form(self, **changes: object) -> dict[str, object]:
        data: dict[str, object] = {
            "name": "MDO longoncologie",
            "hospital": self.hospital.pk,
            "tumour_types": [self.lung.pk],
            "weekday": 1,
            "starts_at": "16:00",
            "ends_at": "17:30",
            "location": "Zaal 3",
            "video_link": "https://video.example/long",
            "coordinator": self.coordinator_role.pk,
            "input_lead_days": 2,
            "is_active": "on",
        }
        data.update(changes)
        return data

    def test_the_mdo_coordinator_plans_a_series_and_its_meetings_follow(self):
        self.login(self.mdo_coordinator)
        response = self.client.post(reverse("mdo:series_create"), self.form())
        self.assertRedirects(response, reverse("mdo:series_list"))
        series = MdoSeries.objects.get(name="MDO longoncologie")
        self.assertEqual(list(series.tumour_types.all()), [self.lung])
        meetings = list(series.meetings.order_by("starts_at"))
        self.assertEqual(len(meetings), weekdays_ahead(1))
        self.assertTrue(all(m.starts_at.astimezone(AMSTERDAM).weekday() == 1 for m in meetings))
        # A case on the second meeting keeps it; the others move to Thursday 08:00.
        self.add(meetings[1])
        response = self.client.post(
            reverse("mdo:series_edit", args=[series.pk]),
            self.form(weekday=3, starts_at="08:00", ends_at="09:00"),
            follow=True,
        )
        self.assertContains(response, "1 komende vergaderingen hebben al patiënten op de agenda")
        after = list(series.meetings.filter(scheduled_for__gt=timezone.localdate()))
        kept = [m for m in after if m.pk == meetings[1].pk]
        self.assertEqual(len(kept), 1)
        self.assertEqual(timezone.localtime(kept[0].starts_at).time(), time(16))
        moved = [m for m in after if m.pk != meetings[1].pk]
        self.assertTrue(moved)
        self.assertTrue(all(timezone.localtime(m.starts_at).weekday() == 3 for m in moved))
        self.assertTrue(all(timezone.localtime(m.starts_at).time() == time(8) for m in moved))

    def test_a_new_time_on_the_same_day_keeps_the_meetings_in_calendars(self):
        self.login(self.mdo_coordinator)
        self.client.post(reverse("mdo:series_create"), self.form())
        series = MdoSeries.objects.get()
        tomorrow = timezone.localdate() + timedelta(days=1)
        before = set(
            series.meetings.filter(scheduled_for__gte=tomorrow).values_list("pk", flat=True)
        )
        self.client.post(
            reverse("mdo:series_edit", args=[series.pk]),
            self.form(starts_at="17:00", ends_at="18:00", tumour_types=[self.breast.pk]),
        )
        after = series.meetings.filter(scheduled_for__gte=tomorrow)
        self.assertEqual(set(after.values_list("pk", flat=True)), before)
        self.assertTrue(all(timezone.localtime(m.starts_at).time() == time(17) for m in after))
        self.assertEqual(list(MdoSeries.objects.get().tumour_types.all()), [self.breast])

    def test_an_mdo_coordinator_cannot_plan_a_regional_series(self):
        self.login(self.mdo_coordinator)
        response = self.client.post(reverse("mdo:series_create"), self.form(hospital=""))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Dit veld is verplicht")
        self.assertFalse(MdoSeries.objects.exists())

    def test_an_invalid_series_is_refused_in_dutch(self):
        self.login(self.mdo_coordinator)
        response = self.client.post(
            reverse("mdo:series_create"), self.form(ends_at="15:00", input_lead_days=30)
        )
        self.assertContains(response, "Het overleg moet eindigen na het begin.")
        self.assertFalse(MdoSeries.objects.exists())

    def test_the_network_coordinator_plans_a_regional_series_everyone_sees(self):
        self.login(self.coordinator)
        response = self.client.post(reverse("mdo:series_create"), self.form(hospital=""))
        self.assertRedirects(response, reverse("mdo:series_list"))
        series = MdoSeries.objects.get()
        self.assertIsNone(series.hospital)
        self.login(self.gp)
        page = self.client.get(reverse("mdo:series_list"))
        self.assertContains(page, "MDO longoncologie")
        self.assertNotContains(page, reverse("mdo:series_edit", args=[series.pk]))

    def test_a_gp_or_another_hospital_cannot_change_a_series(self):
        series = MdoSeries.objects.create(
            name="MDO", hospital=self.hospital, weekday=1, starts_at=time(16), ends_at=time(17)
        )
        self.login(self.gp)
        self.assertEqual(self.client.get(reverse("mdo:series_create")).status_code, 403)
        self.assertEqual(
            self.client.post(reverse("mdo:series_edit", args=[series.pk]), self.form()).status_code,
            404,
        )
        other = self.user_of(
            make_person("mdo@elders.nl", self.other_hospital, Function.MDO_COORDINATOR, "Jo", "Ek")
        )
        TOTPDevice.objects.create(user=other, name="app", confirmed=True)
        self.login(other)
        self.assertEqual(
            self.client.get(reverse("mdo:series_edit", args=[series.pk])).status_code, 404
        )

    def test_the_daily_job_plans_the_coming_weeks(self):
        series = MdoSeries.objects.create(
            name="MDO", hospital=self.hospital, weekday=4, starts_at=time(8), ends_at=time(9)
        )
        MdoSeries.objects.create(
            name="Gestopt", weekday=4, starts_at=time(8), ends_at=time(9), is_active=False
        )
        self.assertEqual(plan_series_meetings.call(), {"planned": weekdays_ahead(4)})
        self.assertEqual(plan_series_meetings.call(), {"planned": 0})
        self.assertEqual(series.meetings.count(), weekdays_ahead(4))


class MdoQuestionnaireTests(MdoTestCase):
    def test_the_latest_scores_are_in_the_gp_input_and_at_the_meeting(self):
        from schakel.proms.actions import do_submit_by_professional
        from schakel.proms.models import QuestionnaireVersion

        item = self.add()
        ecog = QuestionnaireVersion.objects.get(instrument__code="ecog")
        for grade in ("1", "3"):  # the latest counts
            do_submit_by_professional(
                self.pathway, ecog, {"ecog": grade}, actor=self.actor(self.gp)
            )
        self.login(self.gp)
        form = self.client.get(reverse("mdo:gp_input", args=[self.pathway.pk]))
        self.assertContains(form, "3 – alleen zelfzorg of minder")
        self.assertContains(form, reverse("proms:enter", args=[self.pathway.pk, "g8"]))
        self.client.logout()
        self.login(self.mdo_coordinator)
        agenda = self.client.get(item.meeting.get_absolute_url())
        self.assertContains(agenda, "3 – alleen zelfzorg of minder")
        self.assertNotContains(agenda, "1 – actief")


class AgendaSearchTests(MdoTestCase):
    def test_patients_are_searched_for_not_listed_and_each_one_shown_is_logged(self):
        self.login(self.specialist)
        before = last_log_pk()
        page = self.client.get(self.meeting.get_absolute_url())
        self.assertNotContains(page, "Jansen")  # no drop-down of every patient
        self.assertFalse(
            AccessLogEntry.objects.filter(pk__gt=before).exclude(patient_id=None).exists()
        )
        found = self.client.get(self.meeting.get_absolute_url(), {"zoek": "jans"})
        self.assertContains(found, "Jansen, Piet")
        logged = AccessLogEntry.objects.filter(
            pk__gt=before, patient_id=self.patient.pk, event=AccessEvent.SEARCH
        )
        self.assertEqual(logged.count(), 1)
        self.client.post(
            reverse("mdo:add_to_agenda", args=[self.meeting.pk]),
            {"pathway": self.pathway.pk, "question": "Beleid na operatie?"},
        )
        self.assertTrue(self.meeting.items.filter(pathway=self.pathway).exists())

    def test_a_pathway_the_user_may_not_see_cannot_be_put_on_the_agenda(self):
        self.login(self.other_gp)
        self.client.post(
            reverse("mdo:add_to_agenda", args=[self.meeting.pk]),
            {"pathway": self.pathway.pk, "question": "?"},
        )
        self.assertFalse(self.meeting.items.exists())


class MoveFormTests(MdoTestCase):
    def test_the_move_form_opens_with_the_current_date_and_moving_only_the_time_works(self):
        self.login(self.mdo_coordinator)
        page = self.client.get(self.meeting.get_absolute_url())
        day = timezone.localdate(self.meeting.starts_at)
        self.assertContains(page, f'value="{day.isoformat()}"')
        self.client.post(
            reverse("mdo:move", args=[self.meeting.pk]),
            {"date": day.isoformat(), "starts": "09:00", "ends": "10:00"},
        )
        self.meeting.refresh_from_db()
        start = timezone.localtime(self.meeting.starts_at)
        self.assertEqual((start.date(), start.hour), (day, 9))


class GpMeetingsPageTests(MdoTestCase):
    def test_the_gp_sees_meetings_with_their_own_patients_upcoming_and_past(self):
        self.add()
        past_day = timezone.localdate() - timedelta(days=14)
        starts = timezone.make_aware(datetime.combine(past_day, time(16)))
        past = MdoMeeting.objects.create(
            name="MDO van vorige maand",
            hospital=self.hospital,
            scheduled_for=past_day,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
        )
        actions.do_add_to_agenda(
            past, self.pathway, question="?", actor=self.actor(self.specialist)
        )
        self.login(self.gp)
        page = self.client.get(reverse("mdo:meetings"))
        self.assertContains(page, self.meeting.name)  # at a hospital, not regional
        self.assertContains(page, "MDO van vorige maand")
        self.login(self.other_gp)
        other = self.client.get(reverse("mdo:meetings"))
        self.assertNotContains(other, "MDO van vorige maand")


class CancelAndUndoTests(MdoTestCase):
    def test_cancelling_asks_a_reason_and_confirmation_and_can_be_undone_before_the_time(self):
        item = self.add()
        self.login(self.mdo_coordinator)
        url = reverse("mdo:cancel", args=[self.meeting.pk])
        refused = self.client.post(url, {"reason": "Geen voorzitter"}, follow=True)
        self.assertContains(refused, "Bevestig dat het MDO wordt geannuleerd")
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.status, MeetingStatus.SCHEDULED)
        self.client.post(url, {"reason": "Geen voorzitter", "confirm": "on"})
        self.meeting.refresh_from_db()
        self.assertEqual(
            (self.meeting.status, self.meeting.cancel_reason),
            (MeetingStatus.CANCELLED, "Geen voorzitter"),
        )
        self.assertEqual(request_of(item).status, TaskStatus.CANCELLED)
        page = self.client.get(self.meeting.get_absolute_url())
        self.assertContains(page, "Geen voorzitter")
        self.client.post(reverse("mdo:restore", args=[self.meeting.pk]))
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.status, MeetingStatus.SCHEDULED)
        item.refresh_from_db()
        assert item.input_request is not None
        self.assertEqual(item.input_request.status, TaskStatus.REQUESTED)  # the GP asked again

    def test_a_meeting_whose_time_has_passed_cannot_be_restored(self):
        actions.do_cancel_meeting(self.meeting, reason="x", actor=self.actor(self.mdo_coordinator))
        past = timezone.now() - timedelta(hours=1)
        MdoMeeting.objects.filter(pk=self.meeting.pk).update(starts_at=past, ends_at=past)
        self.meeting.refresh_from_db()
        with self.assertRaises(actions.RestoreError):
            actions.do_restore_meeting(self.meeting, actor=self.actor(self.mdo_coordinator))
