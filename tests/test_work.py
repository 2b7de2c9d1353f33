"""The work layer as people use it: Vandaag, working a task, working a signal, the inbox."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schakel.audit.models import AccessEvent, AccessLogEntry, Outcome
from schakel.pathways import actions
from schakel.pathways.models import CarePathway, EventKind, Phase
from schakel.pathways.rules import PathwayRule
from schakel.patients.models import CareRelation, Sharing
from schakel.work.actions import do_create_task, do_transition_task
from schakel.work.engine import evaluate_signals
from schakel.work.models import Notification, Signal, Task, TaskChange, TaskStatus
from tests.base import last_log_pk
from tests.pathways_base import PathwayTestCase


class TaskWorkTests(PathwayTestCase):
    task: Task

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.task = do_create_task(
            cls.pathway,
            kind="pathways.step",
            title="Uitslag bespreken",
            due_at=timezone.now() + timedelta(days=2),
            owner_role=cls.case_manager.practitioner.roles.get(),
            actor=cls.actor(cls.specialist),
        )

    def post(self, name: str, data: dict[str, str]):
        return self.client.post(reverse(name, args=[self.task.pk]), data, follow=True)

    def test_the_owner_accepts_and_the_change_is_in_history_timeline_and_log(self):
        self.login(self.case_manager)
        before = last_log_pk()
        self.post("work:task_status", {"status": "accepted"})
        self.task.refresh_from_db()
        self.assertEqual(self.task.status, TaskStatus.ACCEPTED)
        self.assertTrue(self.task.history.filter(change=TaskChange.ACCEPTED).exists())
        self.assertTrue(
            self.pathway.events.filter(
                kind=EventKind.TASK, summary__contains="geaccepteerd"
            ).exists()
        )
        self.assertTrue(
            AccessLogEntry.objects.filter(
                pk__gt=before,
                event=AccessEvent.UPDATE,
                object_type="Task",
                user=self.case_manager,
            ).exists()
        )

    def test_declining_needs_a_reason_and_tells_the_one_who_asked(self):
        self.login(self.case_manager)
        page = self.post("work:task_status", {"status": "declined", "note": ""})
        self.assertContains(page, "Zeg waarom u deze taak weigert.")
        self.task.refresh_from_db()
        self.assertEqual(self.task.status, TaskStatus.REQUESTED)
        self.post("work:task_status", {"status": "declined", "note": "Niet mijn patiënt"})
        self.task.refresh_from_db()
        self.assertEqual(self.task.status, TaskStatus.DECLINED)
        self.assertTrue(
            Notification.objects.filter(recipient=self.specialist, kind="task_declined").exists()
        )

    def test_handing_a_task_to_a_colleague_with_a_note(self):
        poh_role = self.poh.practitioner.roles.get()
        self.login(self.case_manager)
        page = self.client.get(self.task.get_absolute_url())
        self.assertContains(page, f'value="role:{poh_role.pk}"')  # the care team's GP practice
        self.post("work:task_hand_over", {"owner": f"role:{poh_role.pk}", "note": "Jij kent hem"})
        self.task.refresh_from_db()
        self.assertEqual(self.task.owner_role, poh_role)
        change = self.task.history.get(change=TaskChange.HANDED_OVER)
        self.assertEqual(change.note, "Jij kent hem")
        self.assertTrue(Notification.objects.filter(recipient=self.poh, kind="task").exists())

    def test_postponing_needs_a_date_and_a_reason(self):
        self.login(self.case_manager)
        later = timezone.localdate() + timedelta(days=10)
        self.post("work:task_postpone", {"due_on": later.isoformat(), "reason": ""})
        self.task.refresh_from_db()
        self.assertNotEqual(timezone.localdate(self.task.due_at), later)
        self.post(
            "work:task_postpone", {"due_on": later.isoformat(), "reason": "Patiënt op vakantie"}
        )
        self.task.refresh_from_db()
        self.assertEqual(timezone.localdate(self.task.due_at), later)
        self.assertEqual(
            self.task.history.get(change=TaskChange.POSTPONED).note, "Patiënt op vakantie"
        )

    def test_a_comment_reaches_the_owner_and_the_one_who_asked(self):
        self.login(self.gp)
        self.post("work:task_comment", {"text": "Patiënt belde mij ook"})
        self.assertTrue(self.task.history.filter(change=TaskChange.COMMENT).exists())
        for user in (self.case_manager, self.specialist):
            self.assertTrue(
                Notification.objects.filter(recipient=user, kind="task_comment").exists(), user
            )

    def test_tasks_i_gave_to_others(self):
        self.login(self.specialist)
        page = self.client.get(reverse("work:tasks"), {"lijst": "gegeven"})
        self.assertContains(page, "Uitslag bespreken")
        self.login(self.case_manager)
        self.assertNotContains(
            self.client.get(reverse("work:tasks"), {"lijst": "gegeven"}), "Uitslag bespreken"
        )

    def test_an_outsider_gets_404_on_every_task_url_and_is_logged(self):
        self.login(self.other_gp)
        for name in (
            "work:task",
            "work:task_status",
            "work:task_hand_over",
            "work:task_postpone",
            "work:task_comment",
        ):
            for method in ("get", "post"):
                response = getattr(self.client, method)(reverse(name, args=[self.task.pk]))
                self.assertIn(response.status_code, (404, 405), (name, method))
        denied = AccessLogEntry.objects.filter(user=self.other_gp, outcome=Outcome.DENIED)
        self.assertTrue(denied.exists())
        self.task.refresh_from_db()
        self.assertEqual(self.task.status, TaskStatus.REQUESTED)


class SignalWorkTests(PathwayTestCase):
    def setUp(self) -> None:
        CarePathway.objects.filter(pk=self.pathway.pk).update(
            phase_since=timezone.now() - timedelta(days=5)
        )
        evaluate_signals()

    def open_rules(self) -> set[str]:
        return set(
            Signal.objects.filter(pathway=self.pathway, resolved_at__isnull=True).values_list(
                "rule", flat=True
            )
        )

    def test_the_worklist_says_what_which_patient_since_when_and_what_to_do(self):
        self.login(self.case_manager)
        page = self.client.get(reverse("work:signals"), {"mijn": "on"})
        self.assertContains(page, "Jansen, Piet")
        self.assertContains(page, "Spreek af wie de volgende stap zet")
        self.login(self.other_gp)
        self.assertNotContains(self.client.get(reverse("work:signals")), "Jansen")

    def test_i_take_it_makes_it_my_task_and_the_signal_is_gone_in_that_same_response(self):
        signal = Signal.objects.get(pathway=self.pathway, rule=PathwayRule.NOBODY_AAN_ZET)
        self.login(self.case_manager)
        due = (timezone.localdate() + timedelta(days=2)).isoformat()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("work:take_signal", args=[signal.pk]), {"due_on": due}
            )
        task = Task.objects.get(focus_type="Signal", focus_id=str(signal.pk))
        self.assertRedirects(response, task.get_absolute_url())
        self.assertEqual(task.owner_role, self.case_manager.practitioner.roles.get())
        self.assertNotIn(PathwayRule.NOBODY_AAN_ZET, self.open_rules())

    def test_snoozing_hides_the_signal_until_its_date_with_a_reason(self):
        signal = Signal.objects.get(pathway=self.pathway, rule=PathwayRule.NOBODY_AAN_ZET)
        self.login(self.case_manager)
        until = (timezone.localdate() + timedelta(days=3)).isoformat()
        self.client.post(reverse("work:snooze_signal", args=[signal.pk]), {"until": until})
        signal.refresh_from_db()
        self.assertIsNone(signal.snoozed_until)  # no reason: refused
        self.client.post(
            reverse("work:snooze_signal", args=[signal.pk]),
            {"until": until, "reason": "Wacht op uitslag"},
        )
        page = self.client.get(reverse("work:signals"))
        self.assertNotContains(page, "Jansen, Piet")
        signal.refresh_from_db()
        self.assertEqual(signal.snooze_reason, "Wacht op uitslag")

    def test_an_outsider_cannot_take_or_snooze(self):
        signal = Signal.objects.get(pathway=self.pathway, rule=PathwayRule.NOBODY_AAN_ZET)
        self.login(self.other_gp)
        for name in ("work:take_signal", "work:snooze_signal"):
            response = self.client.post(reverse(name, args=[signal.pk]), {"due_on": "2099-01-01"})
            self.assertEqual(response.status_code, 404)
        self.assertFalse(Task.objects.filter(focus_type="Signal").exists())


class InboxTests(PathwayTestCase):
    def note(self) -> None:
        actions.do_record_event(
            self.pathway, EventKind.NOTE, summary="x", actor=self.actor(self.specialist)
        )

    def test_updates_about_one_patient_bundle_into_one_line_and_read_looks_different(self):
        self.note()
        self.note()
        self.login(self.gp)
        page = self.client.get(reverse("work:inbox"))
        self.assertContains(page, "2 berichten")
        self.assertContains(page, "inbox__item--unread")
        first = Notification.objects.filter(recipient=self.gp).first()
        assert first is not None
        self.client.post(reverse("work:open", args=[first.pk]))
        self.assertFalse(Notification.objects.filter(recipient=self.gp, read_at=None).exists())
        self.assertContains(self.client.get(reverse("work:inbox")), "inbox__item--read")

    def test_the_inbox_pages_and_shows_only_the_unread_on_request(self):
        """Issue 10, point 11: a long inbox pages, and "only unread" filters (with the pager
        keeping the filter)."""
        from schakel.work.views import PAGE_SIZE

        Notification.objects.bulk_create(
            Notification(recipient=self.gp, kind="task", text=f"Taak {n}")
            for n in range(PAGE_SIZE + 5)
        )
        Notification.objects.filter(recipient=self.gp, text="Taak 0").update(read_at=timezone.now())
        self.login(self.gp)
        first = self.client.get(reverse("work:inbox"))
        self.assertContains(first, "pagina=2")
        second = self.client.get(reverse("work:inbox"), {"pagina": "2"})
        self.assertEqual(second.status_code, 200)
        unread = self.client.get(reverse("work:inbox"), {"ongelezen": "1", "pagina": "2"})
        self.assertContains(unread, "ongelezen=1")
        self.assertNotContains(unread, "inbox__item--read")

    def test_a_notification_about_a_closed_task_ends_on_a_friendly_page(self):
        task = do_create_task(
            self.pathway,
            kind="pathways.step",
            title="Bellen",
            due_at=timezone.now() + timedelta(days=1),
            owner_role=self.gp_role,
            actor=self.actor(self.case_manager),
        )
        do_transition_task(task, TaskStatus.COMPLETED, actor=self.actor(self.case_manager))
        notification = Notification.objects.get(recipient=self.gp, kind="task")
        self.login(self.gp)
        page = self.client.post(reverse("work:open", args=[notification.pk]))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "is al afgerond")

    def test_a_notification_about_a_patient_no_longer_visible_says_so(self):
        self.note()
        notification = Notification.objects.get(recipient=self.case_manager)
        CareRelation.objects.filter(patient=self.patient).update(ended_at=timezone.now())
        self.login(self.case_manager)
        inbox = self.client.get(reverse("work:inbox"))
        self.assertNotContains(inbox, "Jansen")
        self.assertContains(inbox, "niet meer kunt inzien")
        page = self.client.post(reverse("work:open", args=[notification.pk]))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "niet meer kunt inzien")

    def test_a_team_task_notifies_only_team_members_who_may_see_the_patient(self):
        self.patient.sharing = Sharing.NOT_ASKED
        self.patient.save()
        do_create_task(
            self.pathway,
            kind="pathways.step",
            title="Bel Piet Jansen 111222333",
            due_at=timezone.now() + timedelta(days=1),
            owner_team=self.hospital,
            actor=self.actor(self.case_manager),
        )
        # The specialist is at the recording hospital; the hospital's MDO coordinator has no
        # care relation: not told.
        notification = Notification.objects.get(recipient=self.specialist)
        self.assertNotIn("Jansen", notification.text)
        self.assertNotIn("111222333", notification.text)
        self.assertEqual(Notification.objects.filter(kind="task").count(), 1)


class TodayTests(PathwayTestCase):
    def test_each_persona_lands_on_today_after_login(self):
        self.login(self.gp)
        self.assertRedirects(self.client.get("/"), reverse("work:today"))

    def test_a_gp_with_nothing_to_do_sees_that_with_the_finder_one_click_away(self):
        self.login(self.other_gp)
        page = self.client.get(reverse("work:today"))
        self.assertContains(page, "Niets voor u vandaag")
        self.assertContains(page, reverse("directory:finder"))

    def test_my_tasks_late_first_and_the_menu_counts_unread(self):
        for title, days in (("Later", 5), ("Te laat", -1)):
            do_create_task(
                self.pathway,
                kind="pathways.step",
                title=title,
                due_at=timezone.now() + timedelta(days=days),
                owner_role=self.gp_role,
                actor=self.actor(self.case_manager),
            )
        self.login(self.gp)
        page = self.client.get(reverse("work:today")).content.decode()
        self.assertLess(page.index("Te laat"), page.index("Later"))
        self.assertIn('class="badge"', page)

    def test_the_patients_the_sections_name_are_logged_once_in_one_insert(self):
        """My tasks name one patient, my team's tasks that one and another: the page logs
        each patient once, in one insert for all its sections, when it has been answered,
        and every section decides whom it may show from one answer of the access rules."""
        from datetime import date

        from schakel.directory.models import TumourType

        other = self.make_patient("123456782", "Els", "Bakker", date(1948, 6, 2), "female")
        lung = TumourType.objects.get(code="longkanker")
        second = actions.do_start_pathway(
            other,
            tumour_type=lung,
            phase=Phase(self.pathway.phase),
            hospital=self.hospital,
            specialist=self.specialist.practitioner.roles.get(),
            case_manager=self.case_manager.practitioner.roles.get(),
            actor=self.actor(self.case_manager),
        )
        for pathway, owner in (
            (self.pathway, {"owner_role": self.gp_role}),
            (self.pathway, {"owner_team": self.practice}),
            (second, {"owner_team": self.practice}),
        ):
            do_create_task(
                pathway,
                kind="pathways.step",
                title="Uitslag bespreken",
                due_at=timezone.now() + timedelta(days=2),
                actor=self.actor(self.gp),
                **owner,
            )
        self.login(self.gp)
        before = last_log_pk()
        with CaptureQueriesContext(connection) as captured:
            page = self.client.get(reverse("work:today"))
        self.assertContains(page, 'id="today-mine"')
        self.assertContains(page, 'id="today-team"')
        table = AccessLogEntry._meta.db_table
        inserts = [q for q in captured if q["sql"].startswith(f'INSERT INTO "{table}"')]
        self.assertEqual(len(inserts), 1)
        decisions = [q for q in captured if '"patients_carerelation"' in q["sql"]]
        self.assertEqual(len(decisions), 1)
        entries = AccessLogEntry.objects.filter(pk__gt=before).order_by("patient_id")
        self.assertEqual(
            [(e.patient_id, e.event, e.outcome, e.user, e.role) for e in entries],
            [
                (patient.pk, AccessEvent.READ, Outcome.SUCCESS, self.gp, "huisarts")
                for patient in sorted((self.patient, other), key=lambda p: p.pk)
            ],
        )

    def test_my_tasks_count_every_open_task_and_the_late_ones_not_only_those_shown(self):
        import re

        def heading() -> tuple[str, str]:
            page = self.client.get(reverse("work:today")).content.decode()
            found = re.search(
                r'id="today-mine">Mijn taken\s*<span class="count">(\d+)</span>'
                r'(?: <span class="tag tag--warn">(\d+) te laat</span>)?',
                page,
            )
            assert found, "no heading of my tasks"
            return found.group(1), found.group(2) or "0"

        def add(count: int, days: int) -> None:
            for n in range(count):
                do_create_task(
                    self.pathway,
                    kind="pathways.step",
                    title=f"Stap {days} {n}",
                    due_at=timezone.now() + timedelta(days=days),
                    owner_role=self.gp_role,
                    actor=self.actor(self.case_manager),
                )

        self.login(self.gp)
        add(2, 3)
        add(1, -2)
        self.assertEqual(heading(), ("3", "1"))  # all shown: counted from the rows
        add(5, 4)
        add(3, -1)
        self.assertEqual(heading(), ("11", "4"))  # eight shown: counted by the database


class TodayPerPersonaTests(PathwayTestCase):
    def test_the_gp_sees_the_mdo_input_request_with_its_deadline(self):
        from datetime import datetime, time

        from schakel.mdo.actions import do_add_to_agenda
        from schakel.mdo.models import MdoMeeting

        day = timezone.localdate() + timedelta(days=10)
        starts = timezone.make_aware(datetime.combine(day, time(16)))
        meeting = MdoMeeting.objects.create(
            name="MDO", scheduled_for=day, starts_at=starts, ends_at=starts + timedelta(hours=1)
        )
        do_add_to_agenda(
            meeting, self.pathway, question="Beleid?", actor=self.actor(self.specialist)
        )
        self.login(self.gp)
        page = self.client.get(reverse("work:today"))
        self.assertContains(page, "MDO-inbreng gevraagd")
        self.assertContains(page, "inbreng vóór")

    def test_the_privacy_officer_sees_emergency_accesses_to_review(self):
        from schakel.patients.actions import do_start_emergency_access

        do_start_emergency_access(
            self.patient, reason="Spoed op de huisartsenpost", actor=self.actor(self.other_gp)
        )
        self.login(self.privacy_officer)
        self.assertContains(self.client.get(reverse("work:today")), "1 noodtoegangen te beoordelen")

    def test_the_coordinator_sees_the_directory_worklist(self):
        from schakel.directory.actions import do_report_contact_entry
        from schakel.directory.models import ReportReason

        do_report_contact_entry(
            self.gp_role, reason=ReportReason.WRONG_PHONE, actor=self.actor(self.specialist)
        )
        self.login(self.coordinator)
        self.assertContains(self.client.get(reverse("work:today")), "1 meldingen van onjuiste")
