"""Who sees a patient, and the access-log entry for every look."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from schakel.audit.models import AccessEvent, AccessLogEntry, Grounds, Outcome
from schakel.directory.models import Function, PractitionerRole
from schakel.patients.access import _decide, visible_patients, visible_to
from schakel.patients.models import CareRelation, EmergencyAccess, Patient, RelationKind, Sharing
from tests.base import make_person
from tests.patients_base import PatientTestCase


def patient_urls() -> list[tuple[str, str]]:
    """Every URL of the project that takes a patient's pk under /patienten/, from the URLconf.

    A new patient-data view is in this list without anyone adding it.
    """
    found: list[tuple[str, str]] = []

    def walk(patterns: list, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if route.startswith("patienten/") and "<id:pk>" in route:
                    found.append((f"{namespace}:{pattern.name}", route))

    walk(get_resolver().url_patterns, "", "")
    return found


class AccessDecisionTests(PatientTestCase):
    def sees(self, user) -> bool:
        return visible_patients(user).filter(pk=self.patient.pk).exists()

    def test_the_gp_poh_care_team_and_case_manager_see_the_patient(self):
        for user in (self.gp, self.poh, self.specialist, self.case_manager):
            self.assertTrue(self.sees(user), user)

    def test_outsiders_do_not(self):
        for user in (self.other_gp, self.coordinator, self.privacy_officer):
            self.assertFalse(self.sees(user), user)

    def test_an_ended_care_relation_ends_access(self):
        CareRelation.objects.filter(role__practitioner__user=self.specialist).update(
            ended_at=timezone.now() - timedelta(minutes=1)
        )
        self.assertFalse(self.sees(self.specialist))

    def test_without_consent_only_the_recording_organisation_sees_the_patient(self):
        type(self.patient).objects.filter(pk=self.patient.pk).update(sharing=Sharing.NOT_ASKED)
        self.assertTrue(self.sees(self.specialist))  # at the recording hospital
        self.assertFalse(self.sees(self.gp))
        self.assertFalse(self.sees(self.case_manager))

    def test_an_objection_stops_sharing_at_once(self):
        type(self.patient).objects.filter(pk=self.patient.pk).update(sharing=Sharing.OBJECTED)
        self.assertFalse(self.sees(self.gp))
        self.assertTrue(self.sees(self.specialist))

    def test_an_active_emergency_access_opens_and_then_closes(self):
        role = self.other_gp.practitioner.roles.get()
        access = EmergencyAccess.objects.create(
            patient=self.patient,
            user=self.other_gp,
            role=role,
            reason="Acute opname, geen gegevens",
            expires_at=timezone.now() + timedelta(hours=1),
        )
        self.assertTrue(self.sees(self.other_gp))
        EmergencyAccess.objects.filter(pk=access.pk).update(expires_at=timezone.now())
        self.assertFalse(self.sees(self.other_gp))

    def test_the_list_is_a_fixed_number_of_queries_with_the_grounds_attached(self):
        with self.assertNumQueries(3):  # the user's roles, the ways in, the patients
            patients = list(visible_patients(self.gp))
        grounds = [p.access_grounds for p in patients]  # type: ignore[attr-defined]  # annotated
        self.assertEqual(grounds, [Grounds.CONSENT])


class OneRuleTests(PatientTestCase):
    """The caseload (``visible_to``, for lists and sections) and one patient (the patient's
    page) are decided by the same rule: same patients, same grounds, same role."""

    def test_every_way_in_and_every_consent_state_is_decided_alike(self):
        specialist_role = self.specialist.practitioner.roles.get()
        # A second role of the specialist, related later to the same patients but from an
        # earlier date: both answers must name the same one of the two.
        second_role = PractitionerRole.objects.create(
            practitioner=self.specialist.practitioner,
            organization=self.other_hospital,
            function=Function.MEDICAL_ONCOLOGIST,
        )
        other_gp_role = self.other_gp.practitioner.roles.get()
        # A GP who has left: their only role ended while their emergency accesses still run.
        former_role = make_person("former-gp@test.nl", self.other_practice, Function.GP, "H", "Oud")
        former = former_role.practitioner.user
        assert former is not None
        patients = []
        combinations = itertools.product(
            Sharing.values,
            (self.hospital, self.practice, self.other_practice),  # who recorded the patient
            (self.practice, self.other_practice),  # the GP practice
            (False, True),  # the specialist has a care relation
            (False, True),  # the other GP opened an emergency access
        )
        for n, (sharing, recorded_by, practice, related, emergency) in enumerate(combinations):
            patient = Patient.objects.create(
                bsn=f"9{n:08d}",
                given_name="Proef",
                family_name=f"Persoon {n}",
                birth_date=date(1960, 1, 1),
                gender="female",
                gp_practice=practice,
                recorded_by=recorded_by,
                sharing=sharing,
            )
            if related:
                CareRelation.objects.create(
                    patient=patient, role=specialist_role, kind=RelationKind.CARE_TEAM
                )
                CareRelation.objects.create(
                    patient=patient,
                    role=second_role,
                    kind=RelationKind.CARE_TEAM,
                    started_at=timezone.now() - timedelta(days=365),
                )
            if emergency:
                for user, role in ((self.other_gp, other_gp_role), (former, former_role)):
                    EmergencyAccess.objects.create(
                        patient=patient,
                        user=user,
                        role=role,
                        reason="Acute opname",
                        expires_at=timezone.now() + timedelta(hours=1),
                    )
            patients.append(patient)
        PractitionerRole.objects.filter(pk=former_role.pk).update(is_active=False)
        users = (self.gp, self.poh, self.specialist, self.other_gp, self.coordinator, former)
        for user in users:
            caseload = visible_to(user)
            seen = 0
            for patient in patients:
                one = _decide(user, patient)
                listed = caseload.get(patient.pk)
                with self.subTest(user=user.email, patient=patient.family_name):
                    self.assertEqual(
                        (listed.grounds, listed.role_id) if listed else None,
                        (one.grounds, one.role.pk) if one else None,
                    )
                seen += one is not None
            # Every user with a way in sees some and misses some, so both answers were put to
            # the test; who has no active role sees nobody, emergency access or not.
            if user in (self.coordinator, former):
                self.assertEqual(seen, 0, user.email)
            else:
                self.assertTrue(0 < seen < len(patients), user.email)


class PatientUrlsTests(PatientTestCase):
    """Every patient URL against every persona: outsiders get 404 and the look is logged."""

    def url(self, name: str) -> str:
        return reverse(name, args=[self.patient.pk])

    def test_the_url_list_is_generated_and_not_empty(self):
        names = {name for name, _ in patient_urls()}
        self.assertIn("patients:detail", names)
        self.assertIn("patients:consent", names)

    def test_outsiders_get_404_on_every_patient_url_and_the_attempt_is_logged(self):
        for outsider in (self.other_gp, self.coordinator, self.privacy_officer):
            self.client.logout()
            self.login(outsider)
            for name, _route in patient_urls():
                for method in ("get", "post"):
                    response = getattr(self.client, method)(self.url(name))
                    self.assertIn(response.status_code, (404, 405), (outsider, name, method))
                    if response.status_code == 404:
                        entry = AccessLogEntry.objects.order_by("-pk").first()
                        assert entry is not None
                        self.assertEqual(
                            (entry.user, entry.outcome, entry.patient_id),
                            (outsider, Outcome.DENIED, self.patient.pk),
                        )

    def test_anonymous_visitors_are_sent_to_login_on_every_patient_url(self):
        for name, _route in patient_urls():
            response = self.client.get(self.url(name))
            self.assertIn(response.status_code, (302, 405), name)
            if response.status_code == 302:
                self.assertTrue(response["Location"].startswith(reverse("accounts:login")))

    def test_malformed_and_unknown_ids_are_404(self):
        self.login(self.gp)
        self.assertEqual(self.client.get("/patienten/abc/").status_code, 404)
        self.assertEqual(self.client.get("/patienten/999999/").status_code, 404)

    def test_each_read_writes_a_correct_access_log_entry(self):
        for user, grounds in ((self.gp, Grounds.CONSENT), (self.specialist, Grounds.CARE_RELATION)):
            self.client.logout()
            self.login(user)
            response = self.client.get(self.url("patients:detail"))
            self.assertContains(response, "Piet Jansen")
            entry = AccessLogEntry.objects.order_by("-pk").first()
            assert entry is not None
            self.assertEqual(entry.event, AccessEvent.READ)
            self.assertEqual(entry.outcome, Outcome.SUCCESS)
            self.assertEqual(entry.user, user)
            self.assertEqual(entry.patient_id, self.patient.pk)
            self.assertEqual(entry.grounds, grounds)
            self.assertEqual(entry.source_address, "127.0.0.1")
            self.assertTrue(entry.role and entry.organisation)
            # Never the data itself.
            self.assertNotIn("Jansen", f"{entry.detail}{entry.role}{entry.organisation}")

    def test_the_list_logs_every_patient_shown(self):
        self.login(self.case_manager)
        response = self.client.get(reverse("patients:list"))
        self.assertContains(response, "Jansen, Piet")
        entry = AccessLogEntry.objects.get(event=AccessEvent.READ)
        self.assertEqual((entry.patient_id, entry.grounds), (self.patient.pk, Grounds.CONSENT))

    def test_the_list_logs_an_emergency_access_with_the_role_it_was_opened_with(self):
        # The other GP opened the access as GP of their practice, then moved to the hospital
        # (that role ended): the list still shows the patient, logged with the first role.
        practice_role = self.other_gp.practitioner.roles.get()
        PractitionerRole.objects.create(
            practitioner=self.other_gp.practitioner,
            organization=self.other_hospital,
            function=Function.MEDICAL_ONCOLOGIST,
        )
        EmergencyAccess.objects.create(
            patient=self.patient,
            user=self.other_gp,
            role=practice_role,
            reason="Acute opname, geen gegevens",
            expires_at=timezone.now() + timedelta(hours=1),
        )
        PractitionerRole.objects.filter(pk=practice_role.pk).update(is_active=False)
        self.login(self.other_gp)
        self.assertContains(self.client.get(reverse("patients:list")), "Jansen, Piet")
        entry = AccessLogEntry.objects.get(event=AccessEvent.READ)
        self.assertEqual(
            (entry.patient_id, entry.grounds, entry.role, entry.organisation),
            (self.patient.pk, Grounds.EMERGENCY, "huisarts", self.other_practice.name),
        )

    def test_a_search_is_logged_as_a_search(self):
        self.login(self.gp)
        self.assertContains(
            self.client.get(reverse("patients:list"), {"q": "111 222 333"}), "Jansen"
        )
        self.assertTrue(
            AccessLogEntry.objects.filter(
                event=AccessEvent.SEARCH, patient_id=self.patient.pk
            ).exists()
        )

    def test_an_outsiders_list_is_empty_and_logs_nothing_about_the_patient(self):
        self.login(self.other_gp)
        response = self.client.get(reverse("patients:list"))
        self.assertNotContains(response, "Jansen")
        self.assertFalse(AccessLogEntry.objects.filter(patient_id=self.patient.pk).exists())
