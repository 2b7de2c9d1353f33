"""The pathway pages, every persona, and the access log."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from schakel.audit.models import AccessEvent, AccessLogEntry, Outcome
from schakel.directory.models import Function, Organization, OrganizationKind, PractitionerRole
from schakel.pathways.models import CarePathway, EventKind, PathwayHospital, Phase
from schakel.pathways.rules import PathwayRule
from schakel.patients.models import CareRelation, Patient, RelationKind, Sharing
from schakel.proms.actions import do_submit_by_professional
from schakel.proms.models import PathwaySchedule, PromSchedule, QuestionnaireVersion, Response
from schakel.proms.schedules import do_follow_schedule
from schakel.work.actions import do_create_task
from schakel.work.models import Notification, Signal, Task, TaskStatus
from tests.base import last_log_pk
from tests.pathways_base import PathwayTestCase


def object_urls() -> list[tuple[str, str]]:
    """Every URL of the project that takes a pk under /patienten/, /trajecten/ or /taken/.

    Generated from the URLconf, so a new view that shows patient data cannot escape the tests.
    """
    found: list[tuple[str, str]] = []

    def walk(patterns: list, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    pattern.namespace or namespace,
                )
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if route.startswith(("patienten/", "trajecten/", "taken/")) and "<id:pk>" in route:
                    found.append((f"{namespace}:{pattern.name}", route))

    walk(get_resolver().url_patterns, "", "")
    return found


class EveryPersonaTests(PathwayTestCase):
    """Each patient-data URL against each persona: 404 for outsiders, logged either way."""

    prom_response: Response
    followed: PathwaySchedule

    task: Task

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.task = do_create_task(
            cls.pathway,
            kind="pathways.step",
            title="Uitslag bespreken",
            due_at=timezone.now() + timedelta(days=2),
            owner_role=cls.gp_role,
            actor=cls.actor(cls.case_manager),
        )
        ecog = QuestionnaireVersion.objects.get(instrument__code="ecog")
        cls.prom_response = do_submit_by_professional(
            cls.pathway, ecog, {"ecog": "1"}, actor=cls.actor(cls.gp)
        )
        cls.followed = do_follow_schedule(
            cls.pathway,
            PromSchedule.objects.get(),
            email="piet@example.nl",
            actor=cls.actor(cls.case_manager),
        )

    def url_for(self, name: str, route: str) -> str:
        kwargs: dict[str, object] = {}
        if route.startswith("patienten/"):
            kwargs["pk"] = self.patient.pk
        elif route.startswith("trajecten/"):
            kwargs["pk"] = self.pathway.pk
        else:
            kwargs["pk"] = self.task.pk
        if "<str:status>" in route:
            kwargs["status"] = TaskStatus.ACCEPTED
        if "<slug:code>" in route:
            kwargs["code"] = "g8"
        if "<id:response_pk>" in route:
            kwargs["response_pk"] = self.prom_response.pk
        if "<id:followed_pk>" in route:
            kwargs["followed_pk"] = self.followed.pk
        return reverse(name, kwargs=kwargs)

    def test_the_generated_list_covers_the_pathway_views(self):
        names = {name for name, _ in object_urls()}
        for name in (
            "pathways:detail",
            "pathways:add_event",
            "pathways:add_task",
            "work:task_status",
            "work:task",
            "pathways:start",
            "patients:detail",
        ):
            self.assertIn(name, names)

    def test_outsiders_get_404_everywhere_and_each_attempt_is_logged_as_denied(self):
        for outsider in (self.other_gp, self.coordinator, self.privacy_officer):
            self.client.logout()
            self.login(outsider)
            for name, route in object_urls():
                for method in ("get", "post"):
                    before = AccessLogEntry.objects.count()
                    response = getattr(self.client, method)(self.url_for(name, route))
                    self.assertIn(response.status_code, (404, 405), (outsider, name, method))
                    if response.status_code == 404:
                        entry = AccessLogEntry.objects.order_by("-pk").first()
                        assert entry is not None
                        self.assertEqual(AccessLogEntry.objects.count(), before + 1)
                        self.assertEqual((entry.user, entry.outcome), (outsider, Outcome.DENIED))
        self.task.refresh_from_db()
        self.assertEqual(self.task.status, TaskStatus.REQUESTED)  # nothing changed

    def test_members_reach_every_page_and_each_read_is_logged(self):
        for member in (self.gp, self.poh, self.specialist, self.case_manager):
            self.client.logout()
            self.login(member)
            for name, route in object_urls():
                if name in {
                    "pathways:detail",
                    "patients:detail",
                    "pathways:start",
                    "proms:pathway",
                    "proms:response",
                    "proms:enter",
                }:
                    before = AccessLogEntry.objects.count()
                    response = self.client.get(self.url_for(name, route))
                    self.assertEqual(response.status_code, 200, (member, name))
                    entry = (
                        AccessLogEntry.objects.filter(event=AccessEvent.READ, user=member)
                        .order_by("-pk")
                        .first()
                    )
                    assert entry is not None
                    self.assertGreater(AccessLogEntry.objects.count(), before)
                    self.assertEqual(entry.patient_id, self.patient.pk)

    def test_anonymous_visitors_are_sent_to_login(self):
        for name, route in object_urls():
            response = self.client.get(self.url_for(name, route))
            self.assertIn(response.status_code, (302, 405), name)


class PathwayPageTests(PathwayTestCase):
    def test_the_gp_sees_who_is_aan_zet_and_the_fixed_contact(self):
        do_create_task(
            self.pathway,
            kind="pathways.step",
            title="Bespreek uitslag PET-scan",
            due_at=timezone.now() + timedelta(days=1),
            owner_role=self.specialist.practitioner.roles.get(),
            actor=self.actor(self.case_manager),
        )
        self.login(self.gp)
        response = self.client.get(reverse("pathways:detail", args=[self.pathway.pk]))
        self.assertContains(response, "Bespreek uitslag PET-scan")
        self.assertContains(response, "Cor Smit")
        self.assertContains(response, "Dina van den Berg")  # the case manager
        self.assertContains(
            response, f"?hospital={self.hospital.pk}&amp;tumour_type={self.breast.pk}"
        )

    def test_nobody_aan_zet_is_said_plainly(self):
        self.login(self.gp)
        response = self.client.get(reverse("pathways:detail", args=[self.pathway.pk]))
        self.assertContains(response, "Niemand is aan zet")

    def test_a_transfer_or_handover_is_not_a_line_typed_on_the_timeline(self):
        """They go through a handover, which the receiver accepts (tests/test_handovers.py)."""
        self.login(self.specialist)
        page = self.client.get(
            reverse("pathways:detail", args=[self.pathway.pk]), {"formulier": "tijdlijn"}
        )
        kinds = [value for value, _label in page.context["record_form"].fields["kind"].choices]
        self.assertNotIn(EventKind.TRANSFER, kinds)
        self.assertNotIn(EventKind.HANDOVER, kinds)
        self.assertContains(page, "Overdragen aan een ander ziekenhuis")
        response = self.client.post(
            reverse("pathways:add_event", args=[self.pathway.pk]),
            {
                "kind": EventKind.TRANSFER,
                "organization": self.hospital.pk,
                "to_organization": self.other_hospital.pk,
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(self.pathway.events.filter(kind=EventKind.TRANSFER).exists())

    def test_a_record_form_is_rendered_when_its_panel_opens_not_on_every_view(self):
        """Four panels, each a link (without JavaScript) that shows the page with that form,
        and a request htmx makes as the panel opens, answered with the form alone."""
        self.login(self.case_manager)
        url = reverse("pathways:detail", args=[self.pathway.pk])
        page = self.client.get(url)
        self.assertNotContains(page, f'action="{url}')  # no record form posts to this pathway
        for which, action in (
            ("taak", "add_task"),
            ("tijdlijn", "add_event"),
            ("team", "add_team_member"),
            ("fase", "change_phase"),
        ):
            self.assertContains(page, f'href="?formulier={which}#vastleggen-{which}"')
            self.assertContains(page, f'hx-get="{url}?formulier={which}"')
            posts_to = f'action="{reverse(f"pathways:{action}", args=[self.pathway.pk])}"'
            plain = self.client.get(url, {"formulier": which})
            self.assertContains(plain, posts_to)
            self.assertContains(plain, f'id="vastleggen-{which}" open')
            self.assertContains(plain, self.patient.full_name)  # the whole page
            loaded = self.client.get(url, {"formulier": which}, headers={"HX-Request": "true"})
            self.assertContains(loaded, posts_to)
            self.assertNotContains(loaded, "<h1>")  # the form alone
            self.assertNotContains(loaded, self.patient.full_name)
        # A search in a picker answers with its form, also when the search was emptied.
        searched = self.client.get(url, {"persoon": ""}, headers={"HX-Request": "true"})
        self.assertContains(searched, 'id="team-form"')
        # Something else asked for is the plain page.
        odd = self.client.get(url, {"formulier": "<script>"}, headers={"HX-Request": "true"})
        self.assertContains(odd, "<h1>")
        self.assertNotContains(odd, "<script>")

    def test_who_may_only_read_gets_no_record_form_when_asking_for_one(self):
        from schakel.patients.actions import do_start_emergency_access

        url = reverse("pathways:detail", args=[self.pathway.pk])
        self.login(self.other_gp)
        self.assertEqual(self.client.get(url, {"formulier": "taak"}).status_code, 404)
        do_start_emergency_access(  # read-only access
            self.patient, reason="Spoed op de huisartsenpost", actor=self.actor(self.other_gp)
        )
        for headers in ({}, {"HX-Request": "true"}):
            page = self.client.get(url, {"formulier": "taak"}, headers=headers)
            self.assertContains(page, "<h1>")
            self.assertNotContains(page, "vastleggen-taak")
            self.assertNotContains(page, f'action="{url}')

    def test_an_incomplete_event_is_refused_with_a_reason_and_nothing_stored(self):
        self.login(self.specialist)
        response = self.client.post(
            reverse("pathways:add_event", args=[self.pathway.pk]),
            {"kind": EventKind.TREATMENT_START, "organization": self.hospital.pk},
            follow=True,
        )
        self.assertContains(response, "Dit soort gebeurtenis vraagt om dit veld.")
        self.assertFalse(self.pathway.events.filter(kind=EventKind.TREATMENT_START).exists())

    def test_creating_and_completing_a_task_through_the_page(self):
        self.login(self.case_manager)
        self.client.post(
            reverse("pathways:add_task", args=[self.pathway.pk]),
            {
                "title": "Contactmoment met POH",
                "owner": f"team:{self.practice.pk}",
                "due_on": (timezone.localdate() + timedelta(days=5)).isoformat(),
            },
        )
        task = Task.objects.get(title="Contactmoment met POH")
        self.assertEqual(task.owner_team, self.practice)
        self.client.logout()
        self.login(self.poh)  # the team's task: the POH picks it up
        team = self.client.get(reverse("work:tasks"), {"lijst": "team"})
        self.assertContains(team, "Contactmoment met POH")
        self.client.post(reverse("work:task_status", args=[task.pk]), {"status": "completed"})
        task.refresh_from_db()
        self.assertEqual(task.status, TaskStatus.COMPLETED)
        response = self.client.post(
            reverse("work:task_status", args=[task.pk]), {"status": "accepted"}, follow=True
        )
        self.assertContains(response, "Deze taak kan niet meer naar die status.")

    def test_a_foreign_next_address_is_not_followed(self):
        task = do_create_task(
            self.pathway,
            kind="pathways.step",
            title="Bellen",
            due_at=timezone.now() + timedelta(days=1),
            owner_role=self.gp_role,
            actor=self.actor(self.case_manager),
        )
        self.login(self.gp)
        response = self.client.post(
            reverse("work:task_status", args=[task.pk]),
            {"status": "accepted", "next": "https://evil.example/"},
        )
        self.assertEqual(response["Location"], task.get_absolute_url())

    def test_a_task_in_the_past_is_refused(self):
        self.login(self.case_manager)
        self.client.post(
            reverse("pathways:add_task", args=[self.pathway.pk]),
            {
                "title": "Te laat",
                "owner": f"role:{self.gp_role.pk}",
                "due_on": "2000-01-01",
            },
        )
        self.assertFalse(Task.objects.filter(title="Te laat").exists())

    def test_the_late_list_shows_overdue_tasks_to_the_owner_and_the_escalation_contact(self):
        task = do_create_task(
            self.pathway,
            kind="pathways.step",
            title="Terugbellen",
            due_at=timezone.now() - timedelta(hours=1),
            owner_role=self.gp_role,
            escalation_role=self.case_manager.practitioner.roles.get(),
            actor=self.actor(self.case_manager),
        )
        for user in (self.gp, self.case_manager):
            self.client.logout()
            self.login(user)
            late = self.client.get(reverse("work:tasks"), {"lijst": "te-laat"})
            self.assertContains(late, task.title)
        self.client.logout()
        self.login(self.other_gp)
        self.assertNotContains(
            self.client.get(reverse("work:tasks"), {"lijst": "te-laat"}), task.title
        )

    def test_changing_the_phase_to_closed_needs_a_reason(self):
        self.login(self.case_manager)
        url = reverse("pathways:change_phase", args=[self.pathway.pk])
        self.client.post(url, {"phase": Phase.CLOSED})
        self.pathway.refresh_from_db()
        self.assertEqual(self.pathway.phase, Phase.TREATMENT)
        self.client.post(url, {"phase": Phase.CLOSED, "closed_reason": "completed"})
        self.pathway.refresh_from_db()
        self.assertEqual(self.pathway.phase, Phase.CLOSED)

    def test_a_new_team_member_gets_access(self):
        nurse_user = self.other_gp  # any role will do for the mechanism
        self.login(nurse_user)
        detail = reverse("pathways:detail", args=[self.pathway.pk])
        self.assertEqual(self.client.get(detail).status_code, 404)
        self.client.logout()
        self.login(self.case_manager)
        self.client.post(
            reverse("pathways:add_team_member", args=[self.pathway.pk]),
            {"role": nurse_user.practitioner.roles.get().pk},
        )
        self.client.logout()
        self.login(nurse_user)
        self.assertEqual(self.client.get(detail).status_code, 200)

    def test_starting_a_pathway_from_the_patient(self):
        self.login(self.specialist)
        response = self.client.post(
            reverse("pathways:start", args=[self.patient.pk]),
            {
                "tumour_type": self.lung.pk,
                "phase": Phase.DIAGNOSTICS,
                "hospital": self.hospital.pk,
            },
        )
        pathway = CarePathway.objects.get(tumour_type=self.lung)
        self.assertRedirects(response, pathway.get_absolute_url(), fetch_redirect_response=False)

    def test_a_search_keeps_what_was_filled_in_and_offers_what_it_found(self):
        """What htmx sends while someone types in the search: the form's values come along and
        come back chosen, beside the hospital the search found."""
        far = Organization.objects.create(
            region=self.region, kind=OrganizationKind.HOSPITAL, name="Ommelander Ziekenhuis"
        )
        self.login(self.specialist)
        start = reverse("pathways:start", args=[self.patient.pk])
        page = self.client.get(
            start,
            {
                "zoeken": "ommeland",
                "tumour_type": str(self.lung.pk),
                "phase": str(Phase.TREATMENT),
            },
        )
        self.assertContains(
            page, f'<option value="{far.pk}">Ommelander Ziekenhuis</option>', html=True
        )
        self.assertContains(
            page, f'<option value="{self.lung.pk}" selected>{self.lung.name}</option>', html=True
        )
        self.assertContains(page, 'hx-include="#start-form"')
        self.assertContains(page, 'hx-params="not csrfmiddlewaretoken"')
        # A hospital chosen before the search stays offered, wherever it is.
        later = self.client.get(start, {"zoeken": "xyz", "hospital": str(far.pk)})
        self.assertContains(
            later, f'<option value="{far.pk}" selected>Ommelander Ziekenhuis</option>', html=True
        )
        # The plain search, without JavaScript, sends only itself: the form starts empty.
        plain = self.client.get(start, {"zoeken": "ommeland"})
        self.assertEqual(plain.context["form"].initial, {})

    def test_a_specialist_of_another_hospital_is_refused_as_responsible(self):
        self.login(self.specialist)
        response = self.client.post(
            reverse("pathways:start", args=[self.patient.pk]),
            {
                "tumour_type": self.lung.pk,
                "phase": Phase.DIAGNOSTICS,
                "hospital": self.other_hospital.pk,
                "specialist": self.specialist.practitioner.roles.get().pk,
            },
        )
        self.assertContains(response, "Kies een specialist van het hoofdbehandelend ziekenhuis.")


class PathwayListTests(PathwayTestCase):
    def test_the_list_shows_phase_hospitals_case_manager_aan_zet_and_signals(self):
        do_create_task(
            self.pathway,
            kind="pathways.step",
            title="MDO-inbreng",
            due_at=timezone.now() - timedelta(days=1),
            owner_role=self.gp_role,
            actor=self.actor(self.case_manager),
        )
        Signal.objects.create(
            subject=self.pathway, patient=self.patient, rule=PathwayRule.TASK_OVERDUE
        )
        self.login(self.gp)
        response = self.client.get(reverse("pathways:list"))
        for text in (
            "Jansen, Piet",
            "Borstkanker",
            "behandeling",
            "Ziekenhuis Testoord",
            "Dina van den Berg",
            "MDO-inbreng",
            "te laat",
            "1 signaal",
        ):
            self.assertContains(response, text)
        entry = AccessLogEntry.objects.filter(user=self.gp, event=AccessEvent.READ).last()
        assert entry is not None
        self.assertEqual(entry.patient_id, self.patient.pk)

    def test_filter_on_signals_and_phase(self):
        self.login(self.gp)
        self.assertNotContains(
            self.client.get(reverse("pathways:list"), {"signals": "on"}), "Jansen, Piet"
        )
        self.assertNotContains(
            self.client.get(reverse("pathways:list"), {"phase": "aftercare"}), "Jansen, Piet"
        )

    def add_pathways(self, n: int) -> None:
        from schakel.core.identifiers import make_valid_bsn

        patients: list[Patient] = []
        number = 40000000 + Patient.objects.count() * 100
        while len(patients) < n:
            number += 1
            bsn = make_valid_bsn(f"{number:08d}")
            if bsn:
                patients.append(
                    Patient(
                        bsn=bsn,
                        given_name="P",
                        family_name=f"Test{number}",
                        sort_name=f"test{number}",
                        birth_date=self.patient.birth_date,
                        gp_practice=self.practice,
                        recorded_by=self.hospital,
                        sharing=Sharing.PERMITTED,
                    )
                )
        Patient.objects.bulk_create(patients)
        pathways = CarePathway.objects.bulk_create(
            CarePathway(
                patient=p,
                tumour_type=self.breast,
                phase=Phase.TREATMENT,
                case_manager=self.pathway.case_manager,
            )
            for p in patients
        )
        PathwayHospital.objects.bulk_create(
            PathwayHospital(pathway=p, hospital=self.hospital, role="main") for p in pathways
        )
        # Each pathway: a task for the GP, one for the case manager (late), one for her team,
        # and a notification for her: every list the case manager opens has rows.
        manager = self.pathway.case_manager
        assert manager is not None
        Task.objects.bulk_create(
            Task(
                subject=p,
                patient=p.patient,
                kind="pathways.step",
                title="Stap",
                owner_role=owner,
                owner_team=team,
                due_at=timezone.now() + timedelta(days=days),
            )
            for p in pathways
            for owner, team, days in (
                (self.gp_role, None, 1),
                (manager, None, -1),
                (None, manager.organization, 2),
            )
        )
        Notification.objects.bulk_create(
            Notification(
                recipient=self.case_manager,
                kind="pathway",
                text="note",
                patient=p.patient,
                subject=p,
            )
            for p in pathways
        )
        Signal.objects.bulk_create(
            Signal(subject=p, patient=p.patient, rule=PathwayRule.SILENCE) for p in pathways
        )
        CareRelation.objects.bulk_create(
            CareRelation(patient=p, role=self.pathway.case_manager, kind=RelationKind.CASE_MANAGER)
            for p in patients
        )

    def count(self, user, path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(path).status_code, 200)
        return len(queries)

    def test_list_pages_do_the_same_queries_at_10_and_500_pathways(self):
        self.login(self.case_manager)
        pages = [
            reverse("pathways:list"),
            reverse("work:tasks") + "?lijst=team",
            reverse("work:tasks"),
            reverse("patients:list"),
            reverse("work:today"),
            reverse("work:signals"),
            reverse("work:signals") + "?mijn=on",
            reverse("work:inbox"),
        ]
        self.add_pathways(9)
        small = [self.count(self.case_manager, page) for page in pages]
        self.add_pathways(490)
        large = [self.count(self.case_manager, page) for page in pages]
        print("QUERYCOUNTS", list(zip(pages, small, large, strict=True)))  # closing note: -s
        self.assertEqual(small, large)
        # The pager keeps the filter.
        listing = self.client.get(reverse("pathways:list") + "?sort=phase")
        self.assertContains(listing, "?sort=phase&amp;pagina=2")


class RefusedWritesAreLoggedAsRefusedTests(PathwayTestCase):
    def test_a_write_through_read_only_emergency_access_is_logged_as_denied(self):
        from schakel.patients.actions import do_start_emergency_access

        do_start_emergency_access(
            self.patient, reason="Spoed op de huisartsenpost", actor=self.actor(self.other_gp)
        )
        self.login(self.other_gp)
        response = self.client.post(
            reverse("pathways:add_event", args=[self.pathway.pk]),
            {"kind": "note", "summary": "x"},
        )
        self.assertEqual(response.status_code, 403)
        last = AccessLogEntry.objects.order_by("-pk").first()
        assert last is not None
        self.assertEqual((last.event, last.outcome), (AccessEvent.UPDATE, Outcome.DENIED))
        self.assertFalse(
            AccessLogEntry.objects.filter(
                user=self.other_gp, event=AccessEvent.UPDATE, outcome=Outcome.SUCCESS
            ).exists()
        )

    def test_an_invalid_form_is_a_read_not_a_logged_change(self):
        self.login(self.gp)
        before = last_log_pk()
        self.client.post(reverse("pathways:add_event", args=[self.pathway.pk]), {"kind": "note"})
        written = AccessLogEntry.objects.filter(pk__gt=before)
        self.assertEqual(list(written.values_list("event", "outcome")), [("read", "success")])


class ListLogsTheRoleThatGivesAccessTests(PathwayTestCase):
    def test_each_patient_listed_is_logged_with_the_role_that_gives_access(self):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from tests.base import make_person

        # Someone whose first role (an oncologist elsewhere) gives no access to Piet, and whose
        # second (GP at his practice) does: the log names the second.
        elsewhere = make_person(
            "dubbel@test.nl", self.other_hospital, Function.MEDICAL_ONCOLOGIST, "Dirk", "Dubbel"
        )
        PractitionerRole.objects.create(
            practitioner=elsewhere.practitioner, organization=self.practice, function=Function.GP
        )
        user = self.user_of(elsewhere)
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        self.login(user)
        before = last_log_pk()
        self.client.get(reverse("patients:list"))
        entry = AccessLogEntry.objects.get(pk__gt=before, patient_id=self.patient.pk)
        self.assertEqual((entry.role, entry.organisation), ("huisarts", self.practice.name))


class PickersDoNotGrowWithTheRegionTests(PathwayTestCase):
    def page_size(self) -> int:
        response = self.client.get(reverse("pathways:detail", args=[self.pathway.pk]))
        return len(response.content)

    def test_the_pathway_page_offers_who_matters_and_finds_the_rest_by_search(self):
        from tests.base import make_person

        self.login(self.case_manager)
        before = self.page_size()
        for n in range(40):  # a hospital elsewhere in the region, with its people
            make_person(None, self.other_hospital, Function.SURGEON, f"Chirurg{n}", "Elders")
        self.assertEqual(self.page_size(), before)
        found = self.client.get(
            reverse("pathways:detail", args=[self.pathway.pk]), {"persoon": "Chirurg7"}
        )
        self.assertContains(found, "Elders, Chirurg7")
        self.assertNotContains(found, "Elders, Chirurg8")
        role = PractitionerRole.objects.get(practitioner__given_name="Chirurg7")
        self.client.post(
            reverse("pathways:add_team_member", args=[self.pathway.pk]), {"role": role.pk}
        )
        self.assertTrue(self.pathway.team.filter(role=role).exists())
        option = f'<option value="{self.other_hospital.pk}">Medisch Centrum Elders</option>'
        plain = self.client.get(reverse("pathways:detail", args=[self.pathway.pk]))
        self.assertNotContains(plain, option)
        other = self.client.get(
            reverse("pathways:detail", args=[self.pathway.pk]), {"organisatie": "Elders"}
        )
        self.assertContains(other, option, count=2)  # where, and to
