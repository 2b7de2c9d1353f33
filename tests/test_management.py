"""The management screens go through the same actions and access rules as the pages: every
change is in the change log, nobody gives themselves patient access, and reading the access
log asks for two factors and is logged."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from schakel.audit.models import AccessEvent, AccessLogEntry, ChangeAction, ChangeLogEntry
from schakel.directory.actions import (
    PATIENT_ACCESS_GRANT,
    SelfGrantError,
    do_save_directory_entry,
)
from schakel.directory.actor import Actor
from schakel.directory.models import Function, Practitioner, PractitionerRole
from schakel.work.models import SignalThreshold
from tests.base import SchakelTestCase, last_log_pk


class ManagementTestCase(SchakelTestCase):
    coordinator_role: PractitionerRole

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.coordinator.is_staff = True
        cls.coordinator.save()
        cls.coordinator.user_permissions.set(
            Permission.objects.filter(content_type__app_label__in=["directory", "work"])
        )
        cls.coordinator_role = cls.coordinator.practitioner.roles.get()

    def role_form(self, practitioner: Practitioner, function: str = Function.GP) -> dict[str, str]:
        return {
            "practitioner": str(practitioner.pk),
            "organization": str(self.practice.pk),
            "function": function,
            "title": "",
            "phone": "",
            "email": "",
            "hours": "",
            "is_active": "on",
        }


class SelfGrantTests(ManagementTestCase):
    def test_the_coordinator_cannot_give_themselves_a_gp_role(self):
        self.login(self.coordinator)
        before = PractitionerRole.objects.count()
        page = self.client.post(
            reverse("admin:directory_practitionerrole_add"),
            self.role_form(self.coordinator.practitioner),
        )
        self.assertContains(page, "U kunt uzelf geen rol met toegang tot patiënten geven")
        self.assertEqual(PractitionerRole.objects.count(), before)

    def test_the_action_refuses_it_too_whatever_screen_calls_it(self):
        role = PractitionerRole(
            practitioner=self.coordinator.practitioner,
            organization=self.practice,
            function=Function.GP,
        )
        with self.assertRaises(SelfGrantError):
            do_save_directory_entry(role, actor=Actor(self.coordinator, self.coordinator_role))
        self.assertIsNone(role.pk)

    def test_linking_ones_account_to_a_gp_is_refused(self):
        gp_person = self.gp_role.practitioner
        gp_person.user = None
        gp_person.save()
        with self.assertRaises(SelfGrantError):
            gp_person.user = self.coordinator
            do_save_directory_entry(
                gp_person,
                actor=Actor(self.coordinator, self.coordinator_role),
                before={"user": None},
            )

    def test_a_grant_to_someone_else_is_in_the_change_log_and_on_the_privacy_list(self):
        newcomer = Practitioner.objects.create(given_name="Nieuwe", family_name="Arts")
        self.login(self.coordinator)
        self.client.post(reverse("admin:directory_practitionerrole_add"), self.role_form(newcomer))
        role = PractitionerRole.objects.get(practitioner=newcomer)
        entry = ChangeLogEntry.objects.get(
            object_type="directory.practitionerrole", object_id=str(role.pk)
        )
        self.assertEqual(
            (entry.action, entry.user, entry.flag),
            (ChangeAction.CREATE, self.coordinator, PATIENT_ACCESS_GRANT),
        )
        self.assertEqual(entry.changes["function"], [None, "gp"])
        self.login(self.privacy_officer)
        self.assertContains(self.client.get(reverse("patients:access_grants")), "Nieuwe Arts")


class ChangeLogTests(ManagementTestCase):
    def test_an_edit_keeps_the_old_and_the_new_value(self):
        self.login(self.coordinator)
        url = reverse("admin:directory_organization_change", args=[self.hospital.pk])
        page = self.client.get(url)
        self.assertContains(page, "Ziekenhuis Testoord")  # the form opens with what is there
        self.client.post(
            url,
            {
                "region": str(self.region.pk),
                "kind": "hospital",
                "name": "Ziekenhuis Testoord-Noord",
                "agb": "",
                "ura": "",
                "street": "",
                "postal_code": "",
                "city": "",
                "phone": "",
                "is_active": "on",
            },
        )
        entry = ChangeLogEntry.objects.get(object_type="directory.organization")
        self.assertEqual(
            entry.changes["name"], ["Ziekenhuis Testoord", "Ziekenhuis Testoord-Noord"]
        )
        self.assertEqual(entry.user, self.coordinator)

    def test_a_threshold_change_is_logged(self):
        threshold = SignalThreshold.objects.get(rule="nobody_aan_zet", scope="")
        self.login(self.coordinator)
        self.client.post(
            reverse("admin:work_signalthreshold_change", args=[threshold.pk]),
            {"rule": "nobody_aan_zet", "scope": "", "days": "5"},
        )
        threshold.refresh_from_db()
        self.assertEqual(threshold.days, 5)
        entry = ChangeLogEntry.objects.get(object_type="work.signalthreshold")
        self.assertEqual(entry.changes["days"], [2, 5])

    def test_the_change_log_cannot_be_changed(self):
        from schakel.audit.models import AppendOnlyError

        entry = ChangeLogEntry.objects.create(
            occurred_at=timezone.now(), action="update", object_type="x", object_id="1"
        )
        with self.assertRaises(AppendOnlyError):
            entry.save()
        with self.assertRaises(AppendOnlyError):
            ChangeLogEntry.objects.all().delete()


class SideDoorTests(ManagementTestCase):
    def setUp(self) -> None:
        self.privacy_officer.is_staff = True
        self.privacy_officer.save()
        self.privacy_officer.user_permissions.set(
            Permission.objects.filter(content_type__app_label="audit")
        )

    def without_device(self) -> None:
        """As in the demo: no authenticator app yet, and two factors optional."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.filter(user=self.privacy_officer).delete()
        self.client.force_login(self.privacy_officer)

    def test_the_access_log_page_without_two_factors_says_so_in_dutch(self):
        self.without_device()
        with self.settings(SCHAKEL_TWO_FACTOR_OPTIONAL=True):
            page = self.client.get(reverse("patients:access_log"))
        self.assertEqual(page.status_code, 403)
        self.assertContains(page, "tweestaps", status_code=403)
        self.assertContains(page, reverse("accounts:two_factor_setup"), status_code=403)

    def test_the_management_screens_ask_the_same_second_factor_and_log_the_read(self):
        url = reverse("admin:audit_accesslogentry_changelist")
        self.login(self.privacy_officer)
        before = last_log_pk()
        self.assertEqual(self.client.get(url).status_code, 200)
        read = AccessLogEntry.objects.filter(pk__gt=before, user=self.privacy_officer)
        self.assertTrue(read.filter(event=AccessEvent.SEARCH, object_type="AccessLog").exists())
        self.without_device()
        with self.settings(SCHAKEL_TWO_FACTOR_OPTIONAL=True):
            self.assertEqual(self.client.get(url).status_code, 403)

    def test_not_found_is_a_schakel_page_in_dutch(self):
        self.login(self.gp)
        page = self.client.get("/trajecten/999999/")
        self.assertContains(page, "Deze pagina bestaat niet", status_code=404)


class DebugNotFoundTests(SchakelTestCase):
    def test_with_debug_an_unknown_address_is_a_schakel_page_too(self):
        from importlib import reload

        from django.test import override_settings
        from django.urls import clear_url_caches

        import schakel.urls

        try:
            with override_settings(DEBUG=True):
                reload(schakel.urls)  # the catch-all is added when DEBUG is on
                clear_url_caches()
                page = self.client.get("/bestaat-niet/")
        finally:
            reload(schakel.urls)
            clear_url_caches()
        self.assertContains(page, "Deze pagina bestaat niet", status_code=404)


class AccountChangesTests(ManagementTestCase):
    def test_making_someone_staff_is_in_the_change_log(self):
        from django.contrib.auth.models import Permission as P

        self.coordinator.is_superuser = True  # an administrator
        self.coordinator.save()
        self.coordinator.user_permissions.set(P.objects.filter(content_type__app_label="accounts"))
        self.login(self.coordinator)
        url = reverse("admin:accounts_user_change", args=[self.other_gp.pk])
        self.client.post(
            url,
            {
                "email": self.other_gp.email,
                "display_name": "Gijs",
                "language": "nl",
                "is_active": "on",
                "is_staff": "on",
                "last_login_0": "",
                "last_login_1": "",
                "date_joined_0": "2026-01-01",
                "date_joined_1": "10:00:00",
            },
        )
        self.other_gp.refresh_from_db()
        self.assertTrue(self.other_gp.is_staff)
        entry = ChangeLogEntry.objects.get(object_type="accounts.user")
        self.assertEqual(entry.changes["is_staff"], [False, True])
        self.assertEqual(entry.user, self.coordinator)
