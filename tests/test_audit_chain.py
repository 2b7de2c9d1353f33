from io import StringIO

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from schakel.audit.actions import client_address, do_record_access
from schakel.audit.models import (
    GENESIS_HASH,
    AccessEvent,
    AccessLogEntry,
    AppendOnlyError,
    Grounds,
    Outcome,
)
from schakel.audit.verify import verify_chain
from tests.base import SchakelTestCase


def raw_update(sql: str, params: list) -> None:
    """Change the table behind the application's back, as a database superuser could.

    On PostgreSQL that means switching triggers off first (replica mode).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


class AccessLogTests(SchakelTestCase):
    def record(self, n: int = 5) -> list[AccessLogEntry]:
        request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
        return [
            do_record_access(
                event=AccessEvent.READ,
                outcome=Outcome.SUCCESS,
                user=self.gp,
                request=request,
                role="huisarts",
                organisation="Huisartsenpraktijk Testdorp",
                patient_id=1000 + i,
                object_type="Patient",
                object_id=1000 + i,
                grounds=Grounds.CARE_RELATION,
            )
            for i in range(n)
        ]

    def test_each_entry_carries_the_hash_of_the_one_before(self):
        first, second, third = self.record(3)
        self.assertEqual(first.previous_hash, GENESIS_HASH)
        self.assertEqual(second.previous_hash, first.entry_hash)
        self.assertEqual(third.previous_hash, second.entry_hash)
        self.assertEqual([e.sequence for e in (first, second, third)], [1, 2, 3])
        self.assertEqual(first.source_address, "10.1.2.3")
        self.assertEqual(first.user_identifier, "gp@test.nl")

    def test_an_untouched_log_verifies(self):
        self.record(5)
        out = StringIO()
        call_command("audit", "verify", stdout=out)
        self.assertIn("Access log intact: 5 entries verified.", out.getvalue())

    def test_a_changed_entry_is_found(self):
        self.record(5)
        raw_update("UPDATE audit_accesslogentry SET patient_id = %s WHERE sequence = %s", [9, 3])
        report = verify_chain()
        self.assertEqual(report.broken_sequence, 3)
        self.assertIn("content does not match", report.problem)
        with self.assertRaisesMessage(CommandError, "Access log broken at entry 3"):
            call_command("audit", "verify", stdout=StringIO())

    def test_a_changed_entry_with_a_recomputed_hash_breaks_the_next_link(self):
        entries = self.record(5)
        forged = entries[2]
        forged.patient_id = 9
        forged_hash = forged.compute_hash()
        raw_update(
            "UPDATE audit_accesslogentry SET patient_id = %s, entry_hash = %s WHERE sequence = %s",
            [9, forged_hash, 3],
        )
        report = verify_chain()
        self.assertEqual(report.broken_sequence, 4)
        self.assertIn("previous-hash does not match", report.problem)

    def test_a_removed_entry_is_found(self):
        self.record(5)
        raw_update("DELETE FROM audit_accesslogentry WHERE sequence = %s", [2])
        report = verify_chain()
        self.assertEqual(report.broken_sequence, 3)
        self.assertIn("entry 2 is missing", report.problem)

    def test_the_application_cannot_change_or_remove_entries(self):
        entry = self.record(1)[0]
        entry.detail = "changed"
        with pytest.raises(AppendOnlyError):
            entry.save()
        with pytest.raises(AppendOnlyError):
            entry.delete()
        with pytest.raises(AppendOnlyError):
            AccessLogEntry.objects.filter(pk=entry.pk).update(detail="changed")
        with pytest.raises(AppendOnlyError):
            AccessLogEntry.objects.all().delete()

    def test_the_management_screens_are_read_only(self):
        admin = site._registry[AccessLogEntry]
        request = RequestFactory().get("/")
        request.user = self.privacy_officer
        self.assertFalse(admin.has_add_permission(request))
        self.assertFalse(admin.has_change_permission(request))
        self.assertFalse(admin.has_delete_permission(request))

    def test_the_database_refuses_changes_on_postgresql(self):
        if connection.vendor != "postgresql":
            self.skipTest("the trigger exists on PostgreSQL")
        self.record(1)
        for sql in (
            "UPDATE audit_accesslogentry SET detail = 'x'",
            "DELETE FROM audit_accesslogentry",
        ):
            with (
                self.assertRaisesMessage(DatabaseError, "append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)

    def test_the_log_never_stores_more_than_identifiers(self):
        field_names = {f.name for f in AccessLogEntry._meta.get_fields()}
        self.assertFalse({"bsn", "name", "birth_date", "data", "payload"} & field_names)


class ClientAddressTests(SchakelTestCase):
    def address(self, **meta: str) -> str | None:
        request = RequestFactory().get("/")
        request.META.update(meta)
        return client_address(request)

    def test_without_proxies_the_connection_address_counts_and_forwarded_is_ignored(self):
        self.assertEqual(
            self.address(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6"), "10.0.0.5"
        )

    def test_behind_one_proxy_the_address_it_appended_counts(self):
        with self.settings(SCHAKEL_TRUSTED_PROXIES=1):
            forged_then_real = "6.6.6.6, 192.0.2.44"
            self.assertEqual(
                self.address(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forged_then_real),
                "192.0.2.44",
            )
            self.assertIsNone(
                self.address(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
            )
