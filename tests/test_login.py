import re
from datetime import timedelta

from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from schakel.audit.models import AccessEvent, AccessLogEntry, Outcome
from tests.base import PASSWORD, SchakelTestCase

LOGIN = reverse("accounts:login")
REFUSED = "Het e-mailadres of wachtwoord klopt niet, of er is hier te vaak"


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

    def test_a_wrong_password_is_refused_and_logged(self):
        response = self.post_login("gp@test.nl", "wrong")
        self.assertContains(response, REFUSED)
        entry = AccessLogEntry.objects.get()
        self.assertEqual((entry.event, entry.outcome), (AccessEvent.LOGIN, Outcome.FAILURE))
        self.assertEqual(entry.detail, "wrong password")

    def test_an_unknown_address_gets_the_same_answer_and_is_logged(self):
        response = self.post_login("nobody@test.nl", "wrong")
        self.assertContains(response, REFUSED)
        entry = AccessLogEntry.objects.get()
        self.assertIsNone(entry.user)
        self.assertEqual(entry.user_identifier, "nobody@test.nl")

    @override_settings(AXES_FAILURE_LIMIT=3)
    def test_repeated_failures_lock_the_pair_and_answer_as_for_an_unknown_address(self):
        for _ in range(3):
            self.post_login("GP@test.nl", "wrong")  # the case of the address does not matter
        locked = self.post_login("gp@test.nl", PASSWORD)
        self.assertNotIn("_auth_user_id", self.client.session)
        for _ in range(4):
            self.post_login("nobody@test.nl", "wrong")
        unknown = self.post_login("nobody@test.nl", "wrong")

        def text(response) -> str:  # without the per-request CSRF token
            return re.sub(r"[A-Za-z0-9]{64}", "", response.content.decode())

        self.assertEqual(locked.status_code, unknown.status_code)
        self.assertEqual(
            text(locked).replace("gp@test.nl", ""), text(unknown).replace("nobody@test.nl", "")
        )
        self.assertContains(locked, REFUSED)

    @override_settings(AXES_FAILURE_LIMIT=3)
    def test_someone_elsewhere_cannot_lock_the_gp_out(self):
        for _ in range(5):
            self.client.post(
                LOGIN, {"email": "gp@test.nl", "password": "wrong"}, REMOTE_ADDR="203.0.113.9"
            )
        response = self.post_login("gp@test.nl", PASSWORD)  # from the GP's own address
        self.assertEqual(response.status_code, 302)

    @override_settings(SCHAKEL_LOGIN_ADDRESS_MAX_FAILURES=6)
    def test_one_address_is_throttled_over_all_accounts(self):
        for n in range(6):
            self.post_login(f"guess{n}@test.nl", "wrong")
        response = self.post_login("gp@test.nl", PASSWORD)
        self.assertContains(response, REFUSED)
        other = self.client_class().post(
            LOGIN, {"email": "gp@test.nl", "password": PASSWORD}, REMOTE_ADDR="198.51.100.4"
        )
        self.assertEqual(other.status_code, 302)

    @override_settings(AXES_FAILURE_LIMIT=3)
    def test_a_locked_user_unlocks_with_the_second_factor(self):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from tests.test_two_factor import current_token

        for _ in range(3):
            self.post_login("gp@test.nl", "wrong")
        unlock = reverse("accounts:unlock")
        wrong = self.client.post(unlock, {"email": "gp@test.nl", "token": "000000"})
        self.assertContains(wrong, "De code klopt niet")
        device = TOTPDevice.objects.get(user=self.gp)
        device.throttle_reset()  # the app's own wait after a wrong code, as time passes
        self.client.post(unlock, {"email": "gp@test.nl", "token": current_token(device)})
        response = self.post_login("gp@test.nl", PASSWORD)
        self.assertEqual(response.status_code, 302)

    def test_the_lock_expires(self):
        from axes.models import AccessAttempt

        with override_settings(AXES_FAILURE_LIMIT=2):
            for _ in range(2):
                self.post_login("gp@test.nl", "wrong")
            AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=1))
            response = self.post_login("gp@test.nl", PASSWORD)
        self.assertEqual(response.status_code, 302)

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
        """Exact to the minute: 30 idle minutes keep the session, 31 end it."""
        from unittest import mock

        from schakel.accounts import idle

        self.login(self.gp)
        key = self.client.session.session_key
        start = idle._minute()
        with mock.patch.object(idle, "_minute", return_value=start + 1):
            self.client.get(reverse("directory:finder"))
        remaining = Session.objects.get(session_key=key).expire_date - timezone.now()
        self.assertGreater(remaining, timedelta(minutes=30))
        self.assertLessEqual(remaining, timedelta(minutes=31))
        with mock.patch.object(idle, "_minute", return_value=start + 1 + 30):
            self.assertEqual(self.client.get(reverse("directory:finder")).status_code, 200)
        with mock.patch.object(idle, "_minute", return_value=start + 1 + 30 + 31):
            response = self.client.get(reverse("directory:finder"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(LOGIN))
        self.assertFalse(Session.objects.filter(session_key=key).exists())  # flushed

    def test_a_request_in_the_same_minute_does_not_write_the_session(self):
        """Issue 12, point 5: no session UPDATE on every request."""
        from unittest import mock

        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from schakel.accounts import idle

        self.login(self.gp)
        with mock.patch.object(idle, "_minute", return_value=idle._minute()):
            self.client.get(reverse("directory:finder"))  # marks this minute
            with CaptureQueriesContext(connection) as queries:
                self.client.get(reverse("directory:finder"))
        writes = [
            q["sql"] for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]
        ]
        self.assertEqual(writes, [])
