from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from schakel.audit.models import AccessEvent, AccessLogEntry, Grounds
from schakel.patients.models import (
    CareRelation,
    Consent,
    EmergencyAccess,
    Patient,
    RelationKind,
    Sharing,
)
from tests.base import last_log_pk
from tests.patients_base import PatientTestCase

REGISTER = reverse("patients:register")
EMERGENCY = reverse("patients:emergency")


class RegisterTests(PatientTestCase):
    def data(self, **changes: str) -> dict[str, str]:
        fields = {
            "bsn": "123456782",
            "given_name": "Truus",
            "name_prefix": "van der",
            "family_name": "Berg",
            "birth_date": "1948-07-01",
            "gender": "female",
            "gp_practice": str(self.practice.pk),
        }
        return {**fields, **changes}

    def test_a_gp_registers_a_patient_recorded_by_the_practice(self):
        self.login(self.gp)
        response = self.client.post(REGISTER, self.data())
        patient = Patient.objects.get(bsn="123456782")
        self.assertRedirects(response, patient.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(patient.recorded_by, self.practice)
        self.assertEqual(patient.sorted_name, "Berg, Truus van der")
        entry = AccessLogEntry.objects.get(event=AccessEvent.CREATE)
        self.assertEqual((entry.patient_id, entry.user), (patient.pk, self.gp))

    def test_a_known_bsn_is_refused_with_a_link_to_the_existing_record(self):
        self.login(self.gp)
        response = self.client.post(REGISTER, self.data(bsn="1112.22.333"))
        self.assertContains(response, "Er is al een patiënt met dit BSN geregistreerd.")
        self.assertContains(response, f'href="{self.patient.get_absolute_url()}"')
        self.assertEqual(Patient.objects.count(), 1)

    def test_a_known_bsn_tells_an_outsider_nothing_and_logs_the_attempt(self):
        self.login(self.other_gp)
        response = self.client.post(REGISTER, self.data(bsn="111222333"))
        self.assertNotContains(response, "al een patiënt met dit BSN")
        self.assertNotContains(response, self.patient.get_absolute_url())
        self.assertContains(response, EMERGENCY)
        self.assertEqual(Patient.objects.count(), 1)
        attempt = AccessLogEntry.objects.get(user=self.other_gp, event=AccessEvent.CREATE)
        self.assertEqual((attempt.patient_id, attempt.outcome), (self.patient.pk, "denied"))

    def test_bad_input_is_explained_and_nothing_is_stored(self):
        self.login(self.gp)
        response = self.client.post(
            REGISTER, self.data(bsn="738472983", birth_date="2999-01-01", family_name="")
        )
        self.assertContains(response, "11-proef")
        self.assertContains(response, "De geboortedatum ligt in de toekomst.")
        self.assertContains(response, "Dit veld is verplicht.")
        self.assertEqual(Patient.objects.count(), 1)
        self.assertFalse(AccessLogEntry.objects.filter(event=AccessEvent.CREATE).exists())

    def test_users_without_a_care_role_may_not_register(self):
        self.client.logout()
        self.client.force_login(self.gp)  # password only: two factors still missing
        self.assertEqual(self.client.get(REGISTER).status_code, 302)


class ConsentTests(PatientTestCase):
    def test_an_objection_recorded_by_the_gp_hides_the_patient_from_the_case_manager(self):
        self.login(self.gp)
        url = reverse("patients:consent", args=[self.patient.pk])
        response = self.client.post(url, {"decision": "objected", "method": "verbal"})
        self.assertRedirects(
            response, self.patient.get_absolute_url(), fetch_redirect_response=False
        )
        self.patient.refresh_from_db()
        self.assertEqual(self.patient.sharing, Sharing.OBJECTED)
        consent = Consent.objects.get()
        self.assertEqual((consent.recorded_by, consent.decision), (self.gp, Sharing.OBJECTED))
        self.assertTrue(AccessLogEntry.objects.filter(object_type="Consent").exists())
        self.client.logout()
        self.login(self.case_manager)
        detail = reverse("patients:detail", args=[self.patient.pk])
        self.assertEqual(self.client.get(detail).status_code, 404)
        self.client.logout()
        self.login(self.specialist)  # the recording hospital keeps its own data
        self.assertEqual(self.client.get(detail).status_code, 200)

    def test_an_invalid_decision_changes_nothing(self):
        self.login(self.gp)
        self.client.post(reverse("patients:consent", args=[self.patient.pk]), {"decision": "maybe"})
        self.patient.refresh_from_db()
        self.assertEqual(self.patient.sharing, Sharing.PERMITTED)
        self.assertFalse(Consent.objects.exists())


class EmergencyAccessTests(PatientTestCase):
    def test_break_the_glass_needs_a_reason_and_is_marked_in_the_log(self):
        self.login(self.other_gp)
        detail = reverse("patients:detail", args=[self.patient.pk])
        self.assertEqual(self.client.get(detail).status_code, 404)
        response = self.client.post(EMERGENCY, {"bsn": "111222333", "reason": "kort"})
        self.assertContains(response, "ten minste 10 tekens")
        self.assertFalse(EmergencyAccess.objects.exists())
        response = self.client.post(
            EMERGENCY, {"bsn": "111222333", "reason": "Waarneming in de avond, patiënt benauwd"}
        )
        self.assertRedirects(response, detail, fetch_redirect_response=False)
        page = self.client.get(detail)
        self.assertContains(page, "via noodtoegang")
        self.assertNotContains(page, "Toestemming of bezwaar vastleggen")  # read-only
        kinds = list(
            AccessLogEntry.objects.filter(patient_id=self.patient.pk, user=self.other_gp)
            .order_by("pk")
            .values_list("event", "grounds")
        )
        self.assertIn((AccessEvent.EMERGENCY_ACCESS, Grounds.EMERGENCY), kinds)
        self.assertEqual(kinds[-1], (AccessEvent.READ, Grounds.EMERGENCY))
        access = EmergencyAccess.objects.get()
        self.assertEqual((access.expires_at - access.started_at).total_seconds(), 24 * 3600)

    def test_an_unknown_bsn_says_so(self):
        self.login(self.other_gp)
        response = self.client.post(
            EMERGENCY, {"bsn": "123456782", "reason": "Acute situatie in de nacht"}
        )
        self.assertContains(response, "Er is geen patiënt met dit BSN")


class PrivacyOfficerTests(PatientTestCase):
    def test_only_the_privacy_officer_reads_the_log_and_reading_is_logged(self):
        for user in (self.gp, self.coordinator):
            self.client.logout()
            self.login(user)
            self.assertEqual(self.client.get(reverse("patients:access_log")).status_code, 403)
        self.client.logout()
        self.login(self.privacy_officer)
        response = self.client.get(reverse("patients:access_log"), {"bsn": "111222333"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(
            AccessLogEntry.objects.filter(
                user=self.privacy_officer, object_type="AccessLog"
            ).exists()
        )

    def test_two_factors_are_required_even_where_the_demo_relaxes_them(self):
        TOTPDevice.objects.filter(user=self.privacy_officer).delete()
        self.client.force_login(self.privacy_officer)
        with self.settings(SCHAKEL_TWO_FACTOR_OPTIONAL=True):
            self.assertEqual(self.client.get(reverse("patients:access_log")).status_code, 403)

    def test_the_patient_access_report_lists_who_looked(self):
        self.login(self.gp)
        self.client.get(reverse("patients:detail", args=[self.patient.pk]))
        self.client.logout()
        self.login(self.privacy_officer)
        report = self.client.get(reverse("patients:access_report", args=[self.patient.pk]))
        self.assertContains(report, "<td>Anna</td><td>huisarts, Huisartsenpraktijk Testdorp")
        self.assertContains(report, "Wie heeft mijn gegevens ingezien")
        empty = self.client.get(
            reverse("patients:access_report", args=[self.patient.pk]), {"date_to": "2000-01-01"}
        )
        self.assertNotContains(empty, "Huisartsenpraktijk Testdorp")
        self.assertTrue(AccessLogEntry.objects.filter(event=AccessEvent.EXPORT).exists())

    def test_the_privacy_officer_reviews_emergency_accesses(self):
        self.login(self.other_gp)
        self.client.post(EMERGENCY, {"bsn": "111222333", "reason": "Waarneming, acute benauwdheid"})
        self.client.logout()
        self.login(self.privacy_officer)
        page = self.client.get(reverse("patients:emergency_review"))
        self.assertContains(page, "Waarneming, acute benauwdheid")
        access = EmergencyAccess.objects.get()
        url = reverse("patients:review_emergency", args=[access.pk])
        empty = self.client.post(url, {}, follow=True)
        self.assertContains(empty, "Kies een oordeel")
        self.assertContains(empty, "Schrijf op wat u vond")
        access.refresh_from_db()
        self.assertIsNone(access.reviewed_at)
        self.client.post(url, {"verdict": "justified", "note": "Terecht"})
        access.refresh_from_db()
        self.assertEqual(
            (access.verdict, access.review_note, access.reviewed_by),
            ("justified", "Terecht", self.privacy_officer),
        )
        self.assertContains(self.client.get(reverse("patients:emergency_review")), "Terecht")


class PatientListQueryCountTests(PatientTestCase):
    def add_patients(self, n: int) -> None:
        from schakel.core.identifiers import make_valid_bsn

        role = self.case_manager.practitioner.roles.get()
        start = Patient.objects.count()
        made: list[Patient] = []
        number = 20000000 + start * 10
        while len(made) < n:
            number += 1
            bsn = make_valid_bsn(f"{number:08d}")
            if bsn:
                made.append(
                    Patient(
                        bsn=bsn,
                        given_name="P",
                        family_name=f"Test {len(made)}",
                        sort_name=f"test {start + len(made)}",
                        birth_date=date(1960, 1, 1),
                        gp_practice=self.practice,
                        recorded_by=self.hospital,
                        sharing=Sharing.PERMITTED,
                    )
                )
        Patient.objects.bulk_create(made)
        CareRelation.objects.bulk_create(
            CareRelation(patient=p, role=role, kind=RelationKind.CASE_MANAGER) for p in made
        )

    def count(self) -> int:
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(reverse("patients:list")).status_code, 200)
        return len(queries)

    def test_the_list_does_the_same_queries_for_10_and_500_patients(self):
        self.login(self.case_manager)
        self.add_patients(10)
        small = self.count()
        self.add_patients(490)
        self.assertEqual(self.count(), small)
        # The pager keeps the search: page 2 of the search "Test".
        page = self.client.get(reverse("patients:list") + "?q=Test")
        self.assertContains(page, "?q=Test&amp;pagina=2")


class PrivacyOfficerListsTests(PatientTestCase):
    def test_the_access_log_names_patients_and_people_and_logs_the_names_shown(self):
        self.login(self.gp)
        self.client.get(reverse("patients:detail", args=[self.patient.pk]))
        self.login(self.privacy_officer)
        before = last_log_pk()
        page = self.client.get(reverse("patients:access_log"))
        self.assertContains(page, "Jansen, Piet")
        self.assertContains(page, "Anna")  # the GP by name, not only by e-mail
        self.assertTrue(
            AccessLogEntry.objects.filter(
                pk__gt=before, user=self.privacy_officer, patient_id=self.patient.pk
            ).exists()
        )
        report = self.client.get(reverse("patients:access_report", args=[self.patient.pk]))
        self.assertContains(report, "data-print")
        self.assertContains(report, "Anna")
