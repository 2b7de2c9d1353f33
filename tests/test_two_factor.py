from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from schakel.audit.models import AccessEvent, AccessLogEntry, Outcome
from tests.base import PASSWORD, SchakelTestCase

FINDER = reverse("directory:finder")
VERIFY = reverse("accounts:two_factor_verify")
SETUP = reverse("accounts:two_factor_setup")


def current_token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


class TwoFactorTests(SchakelTestCase):
    def password_only(self, user) -> None:
        self.client.post(reverse("accounts:login"), {"email": user.email, "password": PASSWORD})

    def test_without_the_second_factor_every_page_asks_for_it(self):
        self.password_only(self.gp)
        response = self.client.get(FINDER)
        self.assertRedirects(
            response, f"{VERIFY}?next=%2Fwegwijzer%2F", fetch_redirect_response=False
        )
        response = self.client.get("/beheer/")
        self.assertTrue(response["Location"].startswith(VERIFY))

    def test_the_right_code_completes_the_login_and_is_logged(self):
        self.password_only(self.gp)
        device = TOTPDevice.objects.get(user=self.gp)
        response = self.client.post(VERIFY, {"token": current_token(device), "next": FINDER})
        self.assertRedirects(response, FINDER, fetch_redirect_response=False)
        self.assertEqual(self.client.get(FINDER).status_code, 200)
        entry = AccessLogEntry.objects.get(event=AccessEvent.TWO_FACTOR_CHECK)
        self.assertEqual(entry.outcome, Outcome.SUCCESS)

    def test_a_wrong_code_is_refused_and_logged(self):
        self.password_only(self.gp)
        device = TOTPDevice.objects.get(user=self.gp)
        wrong = f"{(int(current_token(device)) + 1) % 1_000_000:06d}"
        response = self.client.post(VERIFY, {"token": wrong})
        self.assertContains(response, "Deze code klopt niet")
        self.assertEqual(self.client.get(FINDER).status_code, 302)
        entry = AccessLogEntry.objects.get(event=AccessEvent.TWO_FACTOR_CHECK)
        self.assertEqual(entry.outcome, Outcome.FAILURE)

    def test_a_code_with_letters_gets_a_clear_error(self):
        self.password_only(self.gp)
        response = self.client.post(VERIFY, {"token": "12ab56"})
        self.assertContains(response, "alleen uit cijfers")

    def test_a_user_without_an_app_enrols_one_first(self):
        TOTPDevice.objects.filter(user=self.gp).delete()
        self.password_only(self.gp)
        response = self.client.get(FINDER)
        self.assertTrue(response["Location"].startswith(SETUP))
        page = self.client.get(SETUP)
        self.assertContains(page, "<svg")
        device = TOTPDevice.objects.get(user=self.gp, confirmed=False)
        response = self.client.post(SETUP, {"token": current_token(device), "next": FINDER})
        self.assertRedirects(response, FINDER, fetch_redirect_response=False)
        device.refresh_from_db()
        self.assertTrue(device.confirmed)
        self.assertTrue(
            AccessLogEntry.objects.filter(event=AccessEvent.TWO_FACTOR_ENABLED).exists()
        )
        self.assertEqual(self.client.get(FINDER).status_code, 200)

    def test_enrolment_keeps_the_same_secret_across_page_loads(self):
        TOTPDevice.objects.filter(user=self.gp).delete()
        self.password_only(self.gp)
        first = self.client.get(SETUP).context["secret"]
        second = self.client.get(SETUP).context["secret"]
        self.assertEqual(first, second)

    def test_an_enrolled_user_cannot_replace_the_app_without_the_current_code(self):
        self.password_only(self.gp)
        response = self.client.get(SETUP)
        self.assertRedirects(response, VERIFY, fetch_redirect_response=False)

    def test_replacing_the_app_is_logged_and_asks_for_a_new_one(self):
        self.login(self.gp)
        response = self.client.post(reverse("accounts:security"), {"action": "remove"})
        self.assertRedirects(response, SETUP, fetch_redirect_response=False)
        self.assertFalse(TOTPDevice.objects.filter(user=self.gp, confirmed=True).exists())
        self.assertTrue(
            AccessLogEntry.objects.filter(event=AccessEvent.TWO_FACTOR_DISABLED).exists()
        )
        self.assertTrue(self.client.get(FINDER)["Location"].startswith(SETUP))

    @override_settings(SCHAKEL_TWO_FACTOR_OPTIONAL=True)
    def test_the_local_demo_can_relax_it_but_not_for_enrolled_users(self):
        TOTPDevice.objects.filter(user=self.poh).delete()
        self.password_only(self.poh)
        self.assertEqual(self.client.get(FINDER).status_code, 200)
        self.client.logout()
        self.password_only(self.gp)
        self.assertEqual(self.client.get(FINDER).status_code, 302)
