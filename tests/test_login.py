from datetime import timedelta

from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from schakel.accounts.models import User
from schakel.audit.models import AccessEvent, AccessLogEntry, Outcome
from tests.base import PASSWORD, SchakelTestCase

LOGIN = reverse("accounts:login")


class LoginTests(SchakelTestCase):
    def post_login(self, email: str, password: str, **extra: str):
        return self.client.post(LOGIN, {"email": email, "password": password, **extra})

    def test_the_login_page_is_dutch_by_default(self):
        response = self.client.get(LOGIN)
        self.assertContains(response, '<html lang="nl">')
        self.assertContains(response, "Inloggen bij Schakel")

    def test_anonymous_visitors_are_sent_to_login(self):
        response = self.client.get(reverse("directory:finder"))
        self.assertRedirects(response, f"{LOGIN}?next=/wegwijzer/", fetch_redirect_response=False)

    def test_a_correct_password_logs_in_and_is_logged(self):
        response = self.post_login("GP@test.nl", PASSWORD)
        # Two factors are required: the second step comes next.
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:two_factor_verify")))
        entry = AccessLogEntry.objects.get(event=AccessEvent.LOGIN)
        self.assertEqual(entry.outcome, Outcome.SUCCESS)
        self.assertEqual(entry.user, self.gp)
        self.assertEqual(entry.source_address, "127.0.0.1")

    def test_a_wrong_password_is_refused_counted_and_logged(self):
        response = self.post_login("gp@test.nl", "wrong")
        self.assertContains(response, "Het e-mailadres of wachtwoord klopt niet.")
        self.gp.refresh_from_db()
        self.assertEqual(self.gp.failed_login_count, 1)
        entry = AccessLogEntry.objects.get()
        self.assertEqual((entry.event, entry.outcome), (AccessEvent.LOGIN, Outcome.FAILURE))
        self.assertEqual(entry.detail, "wrong password")

    def test_an_unknown_address_gets_the_same_answer_and_is_logged(self):
        response = self.post_login("nobody@test.nl", "wrong")
        self.assertContains(response, "Het e-mailadres of wachtwoord klopt niet.")
        entry = AccessLogEntry.objects.get()
        self.assertIsNone(entry.user)
        self.assertEqual(entry.user_identifier, "nobody@test.nl")

    @override_settings(SCHAKEL_LOGIN_MAX_FAILURES=3, SCHAKEL_LOGIN_LOCKOUT_MINUTES=15)
    def test_repeated_failures_lock_the_account_even_for_the_right_password(self):
        for _ in range(3):
            self.post_login("gp@test.nl", "wrong")
        self.gp.refresh_from_db()
        self.assertTrue(self.gp.is_locked())
        response = self.post_login("gp@test.nl", PASSWORD)
        self.assertContains(response, "tijdelijk geblokkeerd")
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertEqual(
            AccessLogEntry.objects.filter(outcome=Outcome.FAILURE, user=self.gp).count(), 4
        )

    def test_the_lock_expires(self):
        User.objects.filter(pk=self.gp.pk).update(
            failed_login_count=5, locked_until=timezone.now() - timedelta(seconds=1)
        )
        response = self.post_login("gp@test.nl", PASSWORD)
        self.assertEqual(response.status_code, 302)
        self.gp.refresh_from_db()
        self.assertEqual(self.gp.failed_login_count, 0)

    def test_a_foreign_next_address_is_ignored(self):
        response = self.post_login("gp@test.nl", PASSWORD, next="https://evil.example/")
        self.assertNotIn("evil.example", response["Location"])

    def test_logout_is_a_post_and_is_logged(self):
        self.login(self.gp)
        self.assertEqual(self.client.get(reverse("accounts:logout")).status_code, 405)
        response = self.client.post(reverse("accounts:logout"))
        self.assertRedirects(response, LOGIN, fetch_redirect_response=False)
        self.assertTrue(
            AccessLogEntry.objects.filter(event=AccessEvent.LOGOUT, user=self.gp).exists()
        )
        self.assertEqual(self.client.get(reverse("directory:finder")).status_code, 302)

    def test_the_management_login_goes_through_schakels_login(self):
        response = self.client.get("/beheer/login/?next=/beheer/")
        self.assertRedirects(response, f"{LOGIN}?next=/beheer/", fetch_redirect_response=False)

    def test_the_session_expires_after_the_idle_minutes(self):
        self.login(self.gp)
        key = self.client.session.session_key
        self.client.get(reverse("directory:finder"))
        remaining = Session.objects.get(session_key=key).expire_date - timezone.now()
        self.assertGreater(remaining, timedelta(minutes=29))
        self.assertLessEqual(remaining, timedelta(minutes=30))
        Session.objects.filter(session_key=key).update(
            expire_date=timezone.now() - timedelta(seconds=1)
        )
        response = self.client.get(reverse("directory:finder"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(LOGIN))
