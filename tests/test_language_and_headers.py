import re

from django.urls import reverse

from tests.base import SchakelTestCase

FINDER = reverse("directory:finder")


class LanguageTests(SchakelTestCase):
    def test_dutch_is_the_default(self):
        self.login(self.gp)
        response = self.client.get(FINDER)
        self.assertContains(response, "<h1>Wie benader ik waarvoor?</h1>", html=True)
        self.assertContains(response, "Borstkanker")

    def test_an_english_browser_still_gets_dutch_until_the_user_chooses(self):
        response = self.client.get(
            reverse("accounts:login"), headers={"Accept-Language": "en-US,en"}
        )
        self.assertContains(response, "Inloggen bij Schakel")

    def test_switching_to_english_is_remembered_on_the_account(self):
        self.login(self.gp)
        response = self.client.post(
            reverse("accounts:set_language"), {"language": "en", "next": FINDER}
        )
        self.assertRedirects(response, FINDER, fetch_redirect_response=False)
        self.gp.refresh_from_db()
        self.assertEqual(self.gp.language, "en")
        page = self.client.get(FINDER)
        self.assertContains(page, "<h1>Whom to contact for what?</h1>", html=True)
        self.assertContains(page, "Breast cancer")
        self.assertContains(page, '<html lang="en">')

    def test_an_unknown_language_changes_nothing(self):
        self.login(self.gp)
        self.client.post(reverse("accounts:set_language"), {"language": "xx"})
        self.gp.refresh_from_db()
        self.assertEqual(self.gp.language, "nl")

    def test_the_language_of_the_account_applies_at_login(self):
        self.gp.language = "en"
        self.gp.save()
        response = self.client.post(
            reverse("accounts:login"),
            {"email": "gp@test.nl", "password": "correct horse battery staple"},
        )
        self.assertEqual(response.cookies["schakel_language"].value, "en")


class HeadersTests(SchakelTestCase):
    def test_every_page_forbids_third_party_content(self):
        self.login(self.gp)
        response = self.client.get(FINDER)
        csp = response["Content-Security-Policy"]
        self.assertIn("default-src 'self'", csp)
        self.assertIn("script-src 'self'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertEqual(response["X-Frame-Options"], "DENY")

    def test_kept_libraries_write_the_policy_and_detect_htmx(self):
        """Issue 10, point 14: django-csp writes the header, django-htmx tells htmx requests
        apart; Schakel's hand-written versions are gone."""
        from django.conf import settings

        import schakel.core.middleware as own

        self.assertIn("csp.middleware.CSPMiddleware", settings.MIDDLEWARE)
        self.assertIn("django_htmx.middleware.HtmxMiddleware", settings.MIDDLEWARE)
        self.assertFalse(hasattr(own, "ContentSecurityPolicyMiddleware"))
        self.login(self.gp)
        page = self.client.get(FINDER)
        self.assertIn("object-src 'none'", page["Content-Security-Policy"])
        self.assertEqual(page["Permissions-Policy"], "camera=(), microphone=(), geolocation=()")
        self.assertFalse(page.wsgi_request.htmx)  # type: ignore[attr-defined]
        part = self.client.get(
            FINDER, headers={"HX-Request": "true", "HX-Target": "finder-results"}
        )
        self.assertTrue(part.wsgi_request.htmx)  # type: ignore[attr-defined]
        self.assertNotIn("<html", part.content.decode())  # a fragment for htmx
        boosted = self.client.get(FINDER, headers={"HX-Request": "true", "HX-Boosted": "true"})
        self.assertIn("<html", boosted.content.decode())  # a boosted request gets the page

    def test_pages_load_nothing_from_other_hosts(self):
        self.login(self.gp)
        body = self.client.get(FINDER).content.decode()
        sources = re.findall(r'(?:src|href)="([^"]+)"', body)
        self.assertTrue(sources)
        self.assertFalse([s for s in sources if s.startswith(("http:", "https:", "//"))])

    def test_the_layout_has_landmarks_and_a_skip_link(self):
        self.login(self.gp)
        response = self.client.get(FINDER)
        for fragment in (
            '<a class="skip-link" href="#main">',
            "<nav ",
            '<main id="main"',
            "<footer",
            '<label for="id_hospital">',
        ):
            self.assertContains(response, fragment)


def test_every_interface_string_has_a_dutch_translation():
    from babel.messages.pofile import read_po
    from django.conf import settings

    path = settings.LOCALE_PATHS[0] / "nl" / "LC_MESSAGES" / "django.po"
    with open(path, "rb") as po_file:
        catalog = read_po(po_file)

    def translated(string: object) -> bool:
        if isinstance(string, str):
            return bool(string)
        return isinstance(string, tuple | list) and all(string)

    missing = [
        message.id
        for message in catalog
        if message.id and ("fuzzy" in message.flags or not translated(message.string))
    ]
    assert missing == []


def test_dates_read_the_dutch_way_with_a_year_only_when_it_is_another():
    from datetime import date, datetime

    from django.utils import timezone, translation

    from schakel.core.templatetags.schakel import datum, datum_jaar, datumtijd

    this_year = timezone.localdate().year
    with translation.override("nl"):
        assert datum(date(this_year, 12, 5)) == "5 dec."
        assert datum(date(this_year + 1, 5, 12)) == f"12 mei {this_year + 1}"
        assert datum_jaar(date(this_year, 3, 1)) == f"1 mrt. {this_year}"
        moment = datetime(this_year, 10, 7, 14, 30, tzinfo=timezone.get_current_timezone())
        assert datumtijd(moment) == "7 okt. 14:30"
    with translation.override("en"):
        assert datum(date(this_year, 12, 5)) == "5 Dec."


def test_a_select_is_djangos_own_markup_with_the_empty_choice_in_words():
    """Schakel writes its selects in Python (schakel.core.renderer) for speed: the markup is
    what Django's own templates write, every value escaped, "---------" worded."""
    from django import forms
    from django.forms.renderers import DjangoTemplates
    from django.utils import translation

    from schakel.core.renderer import FormRenderer

    class Choices(forms.Form):
        plain = forms.ChoiceField(
            choices=[("", "---------"), ('x"<y', 'A "quoted" & <b>bold</b>'), ("n", "één")],
            required=False,
        )
        grouped = forms.ChoiceField(choices=[("Groep <1>", [("1", "een"), ("2", "twee")])])
        several = forms.MultipleChoiceField(
            choices=[("1", "een"), ("2", "twee")],
            widget=forms.SelectMultiple(attrs={"data-x": "1&2", "disabled": True, "hidden": False}),
        )
        yes_no = forms.NullBooleanField()

    def between_tags(html: str) -> str:  # Django's templates leave blank lines between options
        return re.sub(r">\s+<", "><", html)

    initial = {"plain": "n", "grouped": "2", "several": ["1", "2"], "yes_no": True}
    with translation.override("nl"):
        for name in Choices.base_fields:
            django_own = Choices(initial=initial, renderer=DjangoTemplates())[name].as_widget()
            ours = Choices(initial=initial, renderer=FormRenderer())[name].as_widget()
            expected = django_own.replace(">---------<", ">– kies –<")
            assert between_tags(ours) == between_tags(expected), name
        plain = Choices(renderer=FormRenderer())["plain"].as_widget()
    assert '<option value="x&quot;&lt;y">A &quot;quoted&quot; &amp; &lt;b&gt;bold' in plain
    assert "– kies –" in plain
