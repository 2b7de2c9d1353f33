"""Issue 13, part 6: contact moments between the network case manager and the GP or POH,
planned at the points the region chose, held with an outcome on the timeline that sets the
next aan zet; the outsider sees none of it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from schakel.core.workdays import working_days_after
from schakel.handovers.contact_moments import do_plan_contact_moment
from schakel.handovers.models import (
    ContactMoment,
    ContactMomentSetting,
    ContactMomentStatus,
    MomentPoint,
)
from schakel.pathways.actions import do_record_event
from schakel.pathways.models import EventKind, Modality
from schakel.work.models import Task, TaskStatus
from tests.pathways_base import PathwayTestCase


class ContactMomentTests(PathwayTestCase):
    def end_treatment(self) -> None:
        do_record_event(
            self.pathway,
            EventKind.TREATMENT_END,
            organization=self.hospital,
            modality=Modality.CHEMOTHERAPY,
            actor=self.actor(self.specialist),
        )

    def plan(self) -> ContactMoment:
        return do_plan_contact_moment(
            self.pathway,
            point=MomentPoint.AFTER_MDO,
            planned_for=timezone.localdate() + timedelta(days=3),
            participant=None,
            actor=self.actor(self.case_manager),
        )

    def test_the_end_of_treatment_plans_one_moment_for_the_case_manager_with_the_gp(self):
        self.end_treatment()
        self.end_treatment()  # recorded twice: planned once
        moment = ContactMoment.objects.get(pathway=self.pathway)
        self.assertEqual(moment.point, MomentPoint.END_OF_TREATMENT)
        self.assertEqual(moment.participant, self.gp_role)
        day = working_days_after(timezone.localdate(), 5)
        self.assertEqual(moment.planned_for, day)
        assert moment.task is not None
        self.assertEqual(moment.task.owner_role, self.case_manager.practitioner.roles.get())
        self.assertEqual(
            timezone.localtime(moment.task.due_at).replace(tzinfo=None),
            datetime.combine(day, datetime.min.time()).replace(hour=17),
        )

    def test_a_point_the_region_switched_off_plans_nothing(self):
        ContactMomentSetting.objects.filter(point=MomentPoint.END_OF_TREATMENT).update(
            is_active=False
        )
        self.end_treatment()
        self.assertFalse(ContactMoment.objects.exists())

    def test_the_outcome_goes_on_the_timeline_and_the_next_step_is_someones_task(self):
        moment = self.plan()
        poh_role = self.poh.practitioner.roles.get()
        self.login(self.case_manager)
        url = moment.get_absolute_url()
        page = self.client.get(url)
        self.assertContains(page, "Uitkomst vastleggen")
        # A next step without whom: refused, in Dutch, nothing changed.
        refused = self.client.post(url, {"agreed": "Gaat goed.", "next_step": "Bellen"})
        self.assertContains(refused, "Zeg wie de volgende stap zet.", status_code=400)
        moment.refresh_from_db()
        self.assertEqual(moment.status, ContactMomentStatus.PLANNED)
        response = self.client.post(
            url,
            {
                "agreed": "Patiënt moe maar zelfstandig; POH belt over vier weken.",
                "next_step": "POH belt patiënt over herstel en werk",
                "next_owner": poh_role.pk,
            },
        )
        self.assertRedirects(response, url)
        moment.refresh_from_db()
        self.assertEqual(moment.status, ContactMomentStatus.DONE)
        assert moment.task is not None and moment.next_task is not None
        self.assertEqual(moment.task.status, TaskStatus.COMPLETED)
        self.assertEqual(moment.next_task.owner_role, poh_role)  # the next aan zet
        self.assertEqual(moment.next_task.status, TaskStatus.REQUESTED)
        note = self.pathway.events.get(kind=EventKind.NOTE, summary__startswith="Contactmoment")
        self.assertIn("POH belt over vier weken", note.summary)
        # Held once: a second outcome is refused.
        self.client.post(url, {"agreed": "Nog eens"})
        moment.refresh_from_db()
        self.assertEqual(moment.agreed, "Patiënt moe maar zelfstandig; POH belt over vier weken.")

    def test_the_gp_plans_one_and_cancelling_needs_a_reason(self):
        self.login(self.gp)
        new = reverse("handovers:plan_contact_moment", args=[self.pathway.pk])
        self.assertContains(self.client.get(new), "Contactmoment plannen")
        day = timezone.localdate() + timedelta(days=7)
        response = self.client.post(
            new, {"point": MomentPoint.OTHER, "planned_for": day.isoformat()}
        )
        moment = ContactMoment.objects.get(point=MomentPoint.OTHER)
        self.assertRedirects(response, moment.get_absolute_url())
        self.assertEqual(moment.case_manager, self.pathway.case_manager)
        # One planned moment per point of the pathway: a second is refused with a message.
        first = {"point": MomentPoint.AFTER_MDO, "planned_for": day.isoformat()}
        self.client.post(new, first)
        again = self.client.post(new, first)
        self.assertContains(
            again, "Op dit moment is al een contactmoment gepland.", status_code=400
        )
        self.assertEqual(ContactMoment.objects.filter(point=MomentPoint.AFTER_MDO).count(), 1)
        cancel = reverse("handovers:cancel_contact_moment", args=[moment.pk])
        self.client.post(cancel, {"reason": ""})
        moment.refresh_from_db()
        self.assertEqual(moment.status, ContactMomentStatus.PLANNED)
        self.client.post(cancel, {"reason": "Patiënt verhuisd"})
        moment.refresh_from_db()
        self.assertEqual(moment.status, ContactMomentStatus.CANCELLED)
        assert moment.task is not None
        self.assertEqual(moment.task.status, TaskStatus.CANCELLED)

    def test_the_outsider_gets_404_everywhere_and_changes_nothing(self):
        moment = self.plan()
        self.login(self.other_gp)
        urls = [
            reverse("handovers:plan_contact_moment", args=[self.pathway.pk]),
            moment.get_absolute_url(),
            reverse("handovers:cancel_contact_moment", args=[moment.pk]),
        ]
        for url in urls:
            self.assertEqual(self.client.get(url).status_code, 404 if "vervalt" not in url else 405)
            self.assertEqual(
                self.client.post(url, {"agreed": "x", "reason": "x"}).status_code, 404, url
            )
        moment.refresh_from_db()
        self.assertEqual(moment.status, ContactMomentStatus.PLANNED)
        self.assertEqual(Task.objects.filter(kind="pathways.step").count(), 0)

    def test_the_pathway_page_lists_them_in_a_constant_number_of_queries(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.login(self.case_manager)
        url = self.pathway.get_absolute_url()

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                self.client.get(url)
            return len(captured)

        self.plan()
        one = queries()
        for _ in range(5):
            do_plan_contact_moment(
                self.pathway,
                point=MomentPoint.OTHER,
                planned_for=timezone.localdate(),
                participant=self.poh.practitioner.roles.get(),
                actor=self.actor(self.case_manager),
            )
        self.assertEqual(queries(), one)
        self.assertContains(self.client.get(url), "Contactmomenten met huisarts of POH")
