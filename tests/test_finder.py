from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schakel.directory.finder import MatchLevel, find_contacts
from schakel.directory.models import (
    ContactPoint,
    Function,
    Organization,
    OrganizationKind,
    Practitioner,
    PractitionerRole,
)
from tests.base import SchakelTestCase, make_person

FINDER = reverse("directory:finder")


class FinderRankingTests(SchakelTestCase):
    nurse: PractitionerRole
    surgeon: PractitionerRole
    pulmonologist: PractitionerRole
    elsewhere: PractitionerRole
    day_unit: ContactPoint
    secretary: ContactPoint

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Specific: breast cancer + side effects.
        cls.nurse = make_person(
            None,
            cls.hospital,
            Function.NURSE_SPECIALIST,
            "Hanna",
            "Linden",
            "van der",
            title="verpleegkundig specialist mammacare",
            tumour_types=[cls.breast],
            topics=[cls.side_effects],
            phone="088 123 45 67",
            hours="ma–vr 8:30–17:00",
        )
        # Tumour team: breast cancer, another topic.
        cls.surgeon = make_person(
            None,
            cls.hospital,
            Function.SURGEON,
            "Ivo",
            "Jansen",
            tumour_types=[cls.breast],
            topics=[cls.results],
        )
        # Another tumour type only: never shown for breast cancer.
        cls.pulmonologist = make_person(
            None,
            cls.hospital,
            Function.PULMONOLOGIST,
            "Jet",
            "Meer",
            "van der",
            tumour_types=[cls.lung],
            topics=[cls.side_effects],
        )
        # General contacts: no tumour type; one for the topic.
        cls.day_unit = cls.contact_point(
            "Oncologische dagbehandeling",
            topics=[cls.side_effects],
            always_available=True,
        )
        cls.secretary = cls.contact_point("Secretariaat oncologie")
        # At another hospital: never shown.
        cls.elsewhere = make_person(
            None,
            cls.other_hospital,
            Function.NURSE_SPECIALIST,
            "Kim",
            "Wit",
            "de",
            tumour_types=[cls.breast],
            topics=[cls.side_effects],
        )

    def levels(self, result):
        return {
            group.level: [
                c.entry.pk if isinstance(c.entry, PractitionerRole) else f"cp{c.entry.pk}"
                for c in group.contacts
            ]
            for group in result.groups
        }

    def test_the_specific_role_comes_first_then_the_team_then_general(self):
        result = find_contacts(self.hospital, self.breast, self.side_effects)
        self.assertEqual(
            self.levels(result),
            {
                MatchLevel.SPECIFIC: [self.nurse.pk],
                # Within a level, people by family name: Jansen before Smit.
                MatchLevel.TUMOUR_TEAM: [
                    self.surgeon.pk,
                    self.specialist.practitioner.roles.get().pk,
                ],
                MatchLevel.GENERAL: [f"cp{self.day_unit.pk}", f"cp{self.secretary.pk}"],
            },
        )
        self.assertEqual(result.best_level, MatchLevel.SPECIFIC)

    def test_without_a_specific_contact_the_team_is_the_best_match(self):
        PractitionerRole.objects.filter(pk=self.nurse.pk).update(is_active=False)
        result = find_contacts(self.hospital, self.breast, self.side_effects)
        self.assertEqual(result.best_level, MatchLevel.TUMOUR_TEAM)

    def test_without_a_tumour_team_the_general_contacts_remain_topic_first(self):
        result = find_contacts(
            self.hospital, self.lung.__class__.objects.get(code="hematologie"), self.side_effects
        )
        self.assertEqual(result.best_level, MatchLevel.GENERAL)
        general = self.levels(result)[MatchLevel.GENERAL]
        self.assertEqual(general, [f"cp{self.day_unit.pk}", f"cp{self.secretary.pk}"])

    def test_other_tumour_types_and_other_hospitals_are_left_out(self):
        result = find_contacts(self.hospital, self.breast, self.side_effects)
        shown = [c.entry for g in result.groups for c in g.contacts]
        self.assertNotIn(self.pulmonologist, shown)
        self.assertNotIn(self.elsewhere, shown)

    def test_inactive_entries_and_non_contacts_are_left_out(self):
        ContactPoint.objects.filter(pk=self.day_unit.pk).update(is_active=False)
        make_person(None, self.hospital, Function.PRIVACY_OFFICER, "Lot", "Kok")
        result = find_contacts(self.hospital, self.breast, self.side_effects)
        shown = [c.entry for g in result.groups for c in g.contacts]
        self.assertNotIn(self.day_unit, shown)
        self.assertFalse(any(getattr(e, "function", "") == Function.PRIVACY_OFFICER for e in shown))

    def test_the_gp_sees_the_contact_with_phone_hours_and_function(self):
        self.login(self.gp)
        response = self.client.get(
            FINDER,
            {
                "hospital": self.hospital.pk,
                "tumour_type": self.breast.pk,
                "topic": self.side_effects.pk,
            },
        )
        self.assertContains(response, "Beste match: aanspreekpunten specifiek voor dit tumortype")
        self.assertContains(response, "Hanna van der Linden")
        self.assertContains(response, "verpleegkundig specialist mammacare")
        self.assertContains(response, "088 123 45 67")
        self.assertContains(response, "ma–vr 8:30–17:00")
        self.assertContains(response, "24 uur per dag, 7 dagen per week")
        self.assertNotContains(response, "Jet van der Meer")
        body = response.content.decode()
        self.assertLess(body.index("Hanna van der Linden"), body.index("Ivo Jansen"))
        self.assertLess(body.index("Ivo Jansen"), body.index("Oncologische dagbehandeling"))

    def test_it_says_which_level_it_shows(self):
        self.login(self.gp)
        response = self.client.get(
            FINDER, {"hospital": self.hospital.pk, "tumour_type": self.lung.pk}
        )
        self.assertContains(response, "Er is geen aanspreekpunt specifiek voor dit onderwerp")

    def test_htmx_gets_only_the_results(self):
        self.login(self.gp)
        response = self.client.get(
            FINDER,
            {"hospital": self.hospital.pk, "tumour_type": self.breast.pk},
            headers={"HX-Request": "true", "HX-Target": "finder-results"},
        )
        self.assertNotContains(response, "<html")
        self.assertContains(response, "Ivo Jansen")
        # The hospital search swaps the form: it gets the page and picks the form out of it.
        search = self.client.get(
            FINDER,
            {"ziekenhuis_zoeken": "zkh", "tumour_type": str(self.breast.pk)},
            headers={"HX-Request": "true", "HX-Target": "finder-form"},
        )
        self.assertContains(search, 'id="finder-form"')

    def test_a_bad_choice_is_explained_in_dutch(self):
        self.login(self.gp)
        response = self.client.get(FINDER, {"hospital": "999999", "tumour_type": "abc"})
        self.assertContains(response, "Kies een ziekenhuis uit de lijst.")
        self.assertContains(response, "Kies een tumortype uit de lijst.")
        response = self.client.get(FINDER, {"hospital": self.practice.pk})
        self.assertContains(response, "Kies een ziekenhuis uit de lijst.")

    def test_anonymous_is_sent_to_login_and_post_is_refused(self):
        self.assertEqual(self.client.get(FINDER).status_code, 302)
        self.login(self.gp)
        self.assertEqual(self.client.post(FINDER).status_code, 405)


class FinderQueryCountTests(SchakelTestCase):
    """The finder does the same number of queries with 10 or 1,000 contacts."""

    def add_contacts(self, n: int) -> None:
        people = Practitioner.objects.bulk_create(
            Practitioner(given_name="P", family_name=f"Persoon {i}", sort_name=f"persoon {i}")
            for i in range(n)
        )
        roles = PractitionerRole.objects.bulk_create(
            PractitionerRole(
                practitioner=p, organization=self.hospital, function=Function.ONCOLOGY_NURSE
            )
            for p in people
        )
        through = PractitionerRole.tumour_types.through
        through.objects.bulk_create(
            through(practitionerrole_id=r.pk, tumourtype_id=self.breast.pk) for r in roles[::2]
        )
        topics = PractitionerRole.topics.through
        topics.objects.bulk_create(
            topics(practitionerrole_id=r.pk, contacttopic_id=self.side_effects.pk)
            for r in roles[::3]
        )
        ContactPoint.objects.bulk_create(
            ContactPoint(organization=self.hospital, name=f"Balie {i}") for i in range(n // 10)
        )

    def count_queries(self, path: str, params: dict) -> int:
        """In the steady state: the first visit may write the session (a recent hospital)."""
        self.client.get(path, params)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(path, params)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_finder_and_organisation_page_query_counts_do_not_grow(self):
        self.login(self.gp)
        params = {
            "hospital": self.hospital.pk,
            "tumour_type": self.breast.pk,
            "topic": self.side_effects.pk,
        }
        org_page = reverse("directory:organization", args=[self.hospital.pk])
        self.add_contacts(10)
        small = (self.count_queries(FINDER, params), self.count_queries(org_page, {}))
        self.add_contacts(990)
        large = (self.count_queries(FINDER, params), self.count_queries(org_page, {}))
        self.assertEqual(small, large)
        # The figures themselves, so a new query shows up here as a conscious change.
        self.assertEqual(small, (FINDER_QUERIES, ORGANISATION_QUERIES))


# Session, user and OTP device (3); the form's three choices validated and its three lists
# rendered (6); the ranked roles and contact points (2); the user's roles for the navigation (1).
# The session is not written: the idle mark moves once a minute, the recent hospital is known.
FINDER_QUERIES = 13
# Session, user and OTP device (3); the organisation (1); its roles and contact points with their
# tumour types and topics prefetched (6); the user's roles for the navigation (1).
ORGANISATION_QUERIES = 12


class FinderWithoutTumourTypeTests(SchakelTestCase):
    def test_the_hospital_alone_shows_general_contacts_and_asks_for_a_tumour_type(self):
        self.contact_point("Spoedlijn oncologie", always_available=True)
        self.login(self.gp)
        response = self.client.get(FINDER, {"hospital": self.hospital.pk})
        self.assertContains(response, "Kies een tumortype om de specifieke aanspreekpunten te zien")
        self.assertContains(response, "Spoedlijn oncologie")


class HospitalPickerTests(SchakelTestCase):
    """Issue 12, point 1: the finder offers the region's hospitals up to a limit, the recent
    ones and what a search found; never a national list."""

    def test_search_finds_a_far_hospital_and_the_finder_remembers_it(self):
        from schakel.directory.offers import REGION_LIMIT

        far = [
            Organization.objects.create(
                region=self.region, kind=OrganizationKind.HOSPITAL, name=f"Zuidziekenhuis {n:02d}"
            )
            for n in range(REGION_LIMIT + 5)
        ]
        last = far[-1]
        self.login(self.gp)
        page = self.client.get(FINDER)
        offered = list(page.context["form"].fields["hospital"].widget.choices)
        self.assertEqual(len(offered), REGION_LIMIT + 1)  # and "Kies een ziekenhuis"
        self.assertNotContains(page, last.name)
        found = self.client.get(FINDER, {"ziekenhuis_zoeken": "zuidziekenhuis 29"})
        self.assertContains(found, f'<option value="{last.pk}">{last.name}</option>', html=True)
        self.assertNotContains(found, "Dit veld is verplicht")  # searching is not submitting
        self.client.get(FINDER, {"hospital": last.pk, "tumour_type": self.breast.pk})
        self.assertContains(self.client.get(FINDER), last.name)  # remembered as recent
