from urllib.parse import quote

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from schakel.directory.models import (
    ContactPoint,
    ContactReport,
    Function,
    PractitionerRole,
    ReportReason,
)
from tests.base import SchakelTestCase, make_person


class SearchTests(SchakelTestCase):
    jan: PractitionerRole
    desk: ContactPoint

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.jan = make_person(
            None, cls.hospital, Function.SURGEON, "Jan", "Berg", "van den", title="chirurg-oncoloog"
        )
        cls.desk = cls.contact_point("Mammapoli", description="Afspraken borstkanker")

    def search(self, q: str):
        self.login(self.gp)
        return self.client.get(reverse("directory:search"), {"q": q})

    def test_every_word_must_match_a_name_or_function(self):
        self.assertContains(self.search("jan berg"), "Jan van den Berg")
        self.assertNotContains(self.search("jan smit"), "Jan van den Berg")

    def test_functions_are_found_by_their_dutch_name(self):
        response = self.search("internist-oncoloog")
        self.assertContains(response, "Cor Smit")
        self.assertNotContains(response, "Jan van den Berg")

    def test_titles_and_contact_points_are_found(self):
        self.assertContains(self.search("chirurg"), "Jan van den Berg")
        self.assertContains(self.search("borstkanker"), "Mammapoli")

    def test_nothing_found_says_so(self):
        self.assertContains(self.search("xyzzy"), "Niets gevonden voor “xyzzy”.")

    def test_the_privacy_officer_is_not_a_contact(self):
        self.assertNotContains(self.search("privacyfunctionaris"), "Fien Prins")


class OrganisationPageTests(SchakelTestCase):
    def test_it_lists_the_contacts_with_their_tumour_types(self):
        self.login(self.gp)
        response = self.client.get(reverse("directory:organization", args=[self.hospital.pk]))
        self.assertContains(response, "<h1>Ziekenhuis Testoord</h1>", html=True)
        self.assertContains(response, "Cor Smit")
        self.assertContains(response, "Borstkanker")
        self.assertContains(response, "Laatst gecontroleerd")

    def test_the_list_of_organisations_groups_them_by_kind(self):
        self.login(self.poh)
        response = self.client.get(reverse("directory:organizations"))
        body = response.content.decode()
        self.assertLess(
            body.index("Ziekenhuis Testoord"), body.index("Huisartsenpraktijk Testdorp")
        )

    def test_unknown_and_inactive_organisations_are_404(self):
        self.login(self.gp)
        self.assertEqual(self.client.get("/organisaties/999999/").status_code, 404)
        self.assertEqual(self.client.get("/organisaties/abc/").status_code, 404)
        self.hospital.__class__.objects.filter(pk=self.hospital.pk).update(is_active=False)
        url = reverse("directory:organization", args=[self.hospital.pk])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_anonymous_is_sent_to_login(self):
        url = reverse("directory:organization", args=[self.hospital.pk])
        self.assertEqual(self.client.get(url).status_code, 302)


class ReportTests(SchakelTestCase):
    role: PractitionerRole

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.role = PractitionerRole.objects.get(practitioner__user=cls.specialist)

    def report_url(self, kind="role", pk=None):
        return reverse("directory:report", args=[kind, pk or self.role.pk])

    def test_a_gp_reports_an_entry_in_two_clicks(self):
        self.login(self.gp)
        page = self.client.get(reverse("directory:organization", args=[self.hospital.pk]))
        self.assertContains(page, "Klopt dit niet?")  # click one opens the form
        response = self.client.post(
            self.report_url(), {"reason": "outdated", "next": "/wegwijzer/"}
        )
        self.assertRedirects(response, "/wegwijzer/", fetch_redirect_response=False)
        report = ContactReport.objects.get()
        self.assertEqual(
            (report.role, report.reason, report.reported_by),
            (self.role, ReportReason.OUTDATED, self.gp),
        )

    def test_a_card_fetches_its_report_form_when_opened_and_links_to_it_without_javascript(self):
        self.login(self.gp)
        finder = self.client.get(reverse("directory:organization", args=[self.hospital.pk]))
        url = self.report_url()
        back = quote(finder.wsgi_request.get_full_path(), safe="/")  # as the urlencode filter
        self.assertContains(finder, f'hx-get="{url}?next={back}"')
        self.assertContains(finder, f'<a href="{url}?next={back}">')
        self.assertNotContains(finder, 'name="reason"')  # no form per card
        page = self.client.get(url, {"next": finder.wsgi_request.get_full_path()})
        self.assertContains(page, "<h1>")
        self.assertContains(page, 'name="reason"')
        self.assertContains(
            page, f'name="next" value="{escape(finder.wsgi_request.get_full_path())}"'
        )
        fragment = self.client.get(
            url, {"next": "https://evil.example/"}, headers={"HX-Request": "true"}
        )
        self.assertNotContains(fragment, "<h1>")
        self.assertContains(fragment, f'hx-post="{url}"')
        self.assertNotContains(fragment, "evil.example")  # a foreign next is not carried along
        self.assertFalse(ContactReport.objects.exists())  # opening is not reporting

    def test_htmx_gets_a_thank_you_in_place(self):
        self.login(self.gp)
        response = self.client.post(
            self.report_url(), {"reason": "wrong_phone"}, headers={"HX-Request": "true"}
        )
        self.assertContains(response, "Dank u. De netwerkcoördinator controleert deze gegevens.")
        self.assertNotContains(response, "<html")

    def test_reporting_twice_keeps_one_open_report(self):
        self.login(self.gp)
        self.client.post(self.report_url(), {"reason": "outdated"})
        self.client.post(self.report_url(), {"reason": "left", "comment": "met pensioen"})
        report = ContactReport.objects.get()
        self.assertEqual((report.reason, report.comment), ("left", "met pensioen"))

    def test_contact_points_can_be_reported(self):
        desk = self.contact_point("Dagbehandeling")
        self.login(self.poh)
        self.client.post(self.report_url("point", desk.pk), {"reason": "wrong_phone"})
        self.assertEqual(ContactReport.objects.get().contact_point, desk)

    def test_a_missing_reason_is_refused_and_nothing_is_stored(self):
        self.login(self.gp)
        response = self.client.post(self.report_url(), {"reason": "nonsense"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Kies wat er niet klopt.", status_code=400)
        self.assertFalse(ContactReport.objects.exists())

    def test_a_foreign_next_address_is_not_followed(self):
        self.login(self.gp)
        response = self.client.post(
            self.report_url(), {"reason": "outdated", "next": "https://evil.example/"}
        )
        self.assertEqual(response["Location"], self.hospital.get_absolute_url())

    def test_malformed_targets_method_and_anonymous(self):
        self.login(self.gp)
        self.assertEqual(
            self.client.post(self.report_url("nonsense"), {"reason": "outdated"}).status_code, 404
        )
        self.assertEqual(
            self.client.post(self.report_url(pk=999999), {"reason": "outdated"}).status_code, 404
        )
        self.assertEqual(self.client.put(self.report_url()).status_code, 405)
        self.client.logout()
        self.assertEqual(
            self.client.post(self.report_url(), {"reason": "outdated"}).status_code, 302
        )
        self.assertFalse(ContactReport.objects.exists())


class WorklistTests(SchakelTestCase):
    role: PractitionerRole
    stale: PractitionerRole
    never: ContactPoint
    report: ContactReport

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.role = PractitionerRole.objects.get(practitioner__user=cls.specialist)
        cls.stale = make_person(
            None,
            cls.hospital,
            Function.ONCOLOGY_NURSE,
            "Oud",
            "Gegeven",
            last_verified_at=cls.long_ago(),
        )
        cls.never = cls.contact_point("Nooit gecontroleerd")
        cls.report = ContactReport.objects.create(
            role=cls.role,
            reason=ReportReason.WRONG_PHONE,
            comment="geen gehoor",
            reported_by=cls.gp,
        )

    def test_the_coordinator_sees_reports_and_stale_entries(self):
        self.login(self.coordinator)
        response = self.client.get(reverse("directory:worklist"))
        self.assertContains(response, "1 open melding")
        self.assertContains(response, "geen gehoor")
        self.assertContains(response, "Oud Gegeven")
        self.assertContains(response, "Nooit gecontroleerd")
        self.assertNotContains(response, "Anna de Vries, huisarts")  # verified recently

    def test_the_worklist_pages_and_filters(self):
        """Issue 10, point 11: a national directory does not fit on one page."""
        for n in range(30):
            make_person(
                None,
                self.hospital,
                Function.SECRETARY,
                "Veel",
                f"Secretaresse{n:02d}",
                last_verified_at=self.long_ago(),
            )
        self.login(self.coordinator)
        url = reverse("directory:worklist")
        with CaptureQueriesContext(connection) as on_first:
            first = self.client.get(url)
        self.assertEqual(len(first.context["stale_roles"]), 25)
        self.assertContains(first, "personen=2")
        with CaptureQueriesContext(connection) as on_second:
            second = self.client.get(url, {"personen": 2})
        total = first.context["stale_roles"].paginator.count
        self.assertEqual(len(second.context["stale_roles"]), total - 25)
        self.assertEqual(len(on_first), len(on_second))
        found = self.client.get(url, {"zoek": "secretaresse07"})
        names = [role.practitioner.family_name for role in found.context["stale_roles"]]
        self.assertEqual(names, ["Secretaresse07"])
        self.assertEqual(found.context["reports"].paginator.count, 0)
        self.assertContains(self.client.get(url, {"zoek": "geen gehoor"}), "0 open meldingen")

    def test_a_gp_may_not_see_the_worklist(self):
        self.login(self.gp)
        self.assertEqual(self.client.get(reverse("directory:worklist")).status_code, 403)
        url = reverse("directory:verify", args=["role", self.stale.pk])
        self.assertEqual(self.client.post(url).status_code, 403)
        self.assertEqual(
            self.client.post(
                reverse("directory:resolve", args=[self.report.pk]), {"resolution": "x"}
            ).status_code,
            403,
        )

    def test_the_coordinator_marks_an_entry_verified(self):
        self.login(self.coordinator)
        self.client.post(reverse("directory:verify", args=["role", self.stale.pk]))
        self.stale.refresh_from_db()
        self.assertFalse(self.stale.is_stale())
        self.assertEqual(self.stale.last_verified_by, self.coordinator)
        stale_roles = self.client.get(reverse("directory:worklist")).context["stale_roles"]
        self.assertNotIn(self.stale, stale_roles)

    def test_the_coordinator_closes_a_report_saying_what_was_done(self):
        self.login(self.coordinator)
        url = reverse("directory:resolve", args=[self.report.pk])
        response = self.client.post(url, {"resolution": ""})
        self.assertEqual(response.status_code, 302)
        self.report.refresh_from_db()
        self.assertIsNone(self.report.resolved_at)
        self.client.post(url, {"resolution": "Nummer aangepast", "entry_verified": "on"})
        self.report.refresh_from_db()
        self.assertIsNotNone(self.report.resolved_at)
        self.assertEqual(self.report.resolved_by, self.coordinator)
        self.role.refresh_from_db()
        self.assertEqual(self.role.last_verified_by, self.coordinator)
        self.assertEqual(self.client.post(url, {"resolution": "again"}).status_code, 404)

    def test_the_worklist_is_in_the_coordinators_navigation_only(self):
        self.login(self.coordinator)
        self.assertContains(self.client.get(reverse("directory:finder")), "Werklijst wegwijzer")
        self.client.logout()
        self.login(self.gp)
        self.assertNotContains(self.client.get(reverse("directory:finder")), "Werklijst wegwijzer")

    def test_an_edit_in_the_management_screens_counts_as_verified(self):
        self.coordinator.is_staff = True
        self.coordinator.save()
        from django.contrib.auth.models import Permission

        self.coordinator.user_permissions.set(
            Permission.objects.filter(content_type__app_label="directory")
        )
        self.login(self.coordinator)
        url = reverse("admin:directory_contactpoint_change", args=[self.never.pk])
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        response = self.client.post(
            url,
            {
                "organization": self.hospital.pk,
                "name": "Dagbehandeling",
                "phone": "088 000 00 00",
                "hours": "24/7",
                "is_active": "on",
            },
        )
        self.assertEqual(
            response.status_code,
            302,
            getattr(response, "context", None) and response.context["adminform"].form.errors,
        )
        self.never.refresh_from_db()
        self.assertEqual(self.never.name, "Dagbehandeling")
        self.assertEqual(self.never.last_verified_by, self.coordinator)
