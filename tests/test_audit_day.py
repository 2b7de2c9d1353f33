"""A day of demo activity leaves an intact access log; a changed record is found."""

from __future__ import annotations

from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from schakel.accounts.models import User
from schakel.audit.models import AccessLogEntry
from schakel.pathways.access import visible_pathways
from tests.test_audit_chain import raw_update


class DayOfActivityTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("demo", stdout=StringIO())

    def log_in(self, email: str) -> User:
        user = User.objects.get(email=email)
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        self.client.force_login(user)
        session = self.client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        return user

    def test_the_chain_verifies_after_a_day_of_work_and_breaks_when_tampered(self):
        for email in (
            "huisarts@schakel.test",
            "casemanager@schakel.test",
            "specialist@schakel.test",
        ):
            self.client.logout()
            user = self.log_in(email)
            self.client.get(reverse("pathways:list"))
            self.client.get(reverse("patients:list"), {"q": "a"})
            self.client.get(reverse("work:tasks"), {"lijst": "te-laat"})
            for pathway in visible_pathways(user)[:5]:
                self.client.get(reverse("pathways:detail", args=[pathway.pk]))
                self.client.post(
                    reverse("pathways:add_event", args=[pathway.pk]),
                    {"kind": "note", "summary": "Telefonisch contact gehad"},
                )
        self.client.logout()
        self.log_in("privacy@schakel.test")
        self.client.get(reverse("patients:access_log"))
        entries = AccessLogEntry.objects.count()
        self.assertGreater(entries, 100)
        out = StringIO()
        call_command("audit", "verify", stdout=out)
        self.assertIn(f"{entries} entries verified", out.getvalue())
        middle = entries // 2
        raw_update(
            "UPDATE audit_accesslogentry SET user_identifier = %s WHERE sequence = %s",
            ["iemand@anders.nl", middle],
        )
        with self.assertRaisesMessage(CommandError, f"broken at entry {middle}"):
            call_command("audit", "verify", stdout=StringIO())
