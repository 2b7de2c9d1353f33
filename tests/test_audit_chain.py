from io import StringIO

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from schakel.audit.actions import client_address, do_record_access
from schakel.audit.chain import chain_pending
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


class RecordsAccess(SchakelTestCase):
    def record(self, n: int = 5, chain: bool = True) -> list[AccessLogEntry]:
        """Append n entries; with ``chain``, give them their place as the request's end would."""
        entries = self.append(n)
        if chain:
            chain_pending()
            for entry in entries:
                entry.refresh_from_db()
        return entries

    def append(self, n: int) -> list[AccessLogEntry]:
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


class AccessLogTests(RecordsAccess):
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
        raw_update(
            "UPDATE audit_accesslogentry SET patient_id = %s, entry_hash = %s, content_mac = %s "
            "WHERE sequence = %s",
            [9, forged.compute_hash(), forged.compute_content_mac(), 3],
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


class KeyedChainAndSealTests(RecordsAccess):
    """What plain hashing missed: a rebuilt chain, entries cut from the end, an emptied table."""

    def test_a_chain_rebuilt_without_the_key_is_found(self):
        import hashlib
        import json

        entries = self.record(4)
        # Change entry 2 and recompute every following hash the way an intruder with only the
        # database could: plain SHA-256, and the scheme set back to the old one.
        previous = entries[0].entry_hash
        for entry in entries[1:]:
            entry.refresh_from_db()
            content = entry.hashed_content()
            if entry.sequence == 2:
                content["detail"] = "nothing happened"
            payload = json.dumps(content, sort_keys=True, separators=(",", ":"))
            forged = hashlib.sha256(f"{previous}\n{payload}".encode()).hexdigest()
            raw_update(
                "UPDATE audit_accesslogentry SET detail = %s, previous_hash = %s, "
                "entry_hash = %s, hash_scheme = 'sha256' WHERE sequence = %s",
                [content["detail"], previous, forged, entry.sequence],
            )
            previous = forged
        report = verify_chain()
        self.assertEqual(report.broken_sequence, 2)
        self.assertIn("downgraded", report.problem)

    def test_entries_removed_from_the_end_are_found_against_the_seal(self):
        from schakel.audit.seal import seal_chain

        self.record(5)
        seal_chain()
        self.assertTrue(verify_chain().intact)
        raw_update("DELETE FROM audit_accesslogentry WHERE sequence >= %s", [4])
        report = verify_chain()
        self.assertFalse(report.intact)
        self.assertIn("entry 5 was sealed", report.problem)

    def test_an_emptied_table_is_found_against_the_seal(self):
        from schakel.audit.seal import seal_chain

        self.record(3)
        seal_chain()
        raw_update("DELETE FROM audit_accesslogentry", [])
        with self.assertRaises(CommandError):
            call_command("audit", "verify", stdout=StringIO())

    def test_a_forged_seal_is_found(self):
        import json

        from django.conf import settings

        self.record(2)
        forged = {"sequence": 1, "entry_hash": "0" * 64, "sealed_at": "x", "signature": "f" * 64}
        settings.SCHAKEL_AUDIT_SEAL_FILE.parent.mkdir(parents=True, exist_ok=True)
        settings.SCHAKEL_AUDIT_SEAL_FILE.write_text(json.dumps(forged) + "\n")
        self.assertIn("signature", verify_chain().problem)

    def test_the_seal_command_and_the_periodic_job(self):
        from django.conf import settings

        self.record(2)
        out = StringIO()
        call_command("audit", "seal", stdout=out)
        self.assertIn("entry 2", out.getvalue())
        self.assertIn("schakel.audit.jobs.seal_access_log", dict(settings.SCHAKEL_PERIODIC_JOBS))

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL trigger")
    def test_postgresql_refuses_truncate(self):
        from importlib import import_module

        guard = import_module("schakel.audit.migrations.0004_keyed_chain").TRUNCATE_GUARD
        self.record(1)
        with (
            self.assertRaises(DatabaseError),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(guard)  # installed by the migration outside the test suite
            cursor.execute("TRUNCATE audit_accesslogentry")
        self.assertEqual(AccessLogEntry.objects.count(), 1)


class ChainedAfterAppendTests(RecordsAccess):
    """Appends take no lock; the chain is made after the request, and the gap is guarded."""

    def test_an_entry_waits_without_a_place_until_the_request_has_been_answered(self):
        self.login(self.gp)
        [entry] = self.append(1)
        self.assertIsNone(entry.sequence)
        self.assertEqual(entry.content_mac, entry.compute_content_mac())
        # Any request that logs something chains, after its response, all that waits.
        self.client.get(reverse("patients:list"))
        entry.refresh_from_db()
        self.assertIsNotNone(entry.sequence)
        self.assertTrue(AccessLogEntry.objects.filter(sequence__isnull=True).count() == 0)
        self.assertTrue(verify_chain().intact)

    def test_waiting_entries_are_chained_in_the_order_they_were_written(self):
        self.record(2)
        later = self.append(3)
        self.assertEqual(verify_chain().waiting, 3)
        self.assertEqual(chain_pending(), 3)
        sequences = [AccessLogEntry.objects.get(pk=e.pk).sequence for e in later]
        self.assertEqual(sequences, [3, 4, 5])
        report = verify_chain()
        self.assertEqual((report.intact, report.checked, report.waiting), (True, 5, 0))
        self.assertEqual(chain_pending(), 0)

    def test_an_entry_changed_while_it_waits_is_found_by_its_content_mac(self):
        [entry] = self.append(1)
        raw_update("UPDATE audit_accesslogentry SET patient_id = %s WHERE id = %s", [9, entry.pk])
        self.assertIn("waiting to be chained", verify_chain().problem)
        # Chaining it does not launder it: the chained entry still fails its MAC.
        chain_pending()
        report = verify_chain()
        self.assertEqual(report.broken_sequence, 1)
        self.assertIn("MAC written with it", report.problem)

    def test_a_content_mac_removed_after_the_first_one_is_found(self):
        self.record(3)
        raw_update("UPDATE audit_accesslogentry SET content_mac = '' WHERE sequence = %s", [2])
        report = verify_chain()
        self.assertEqual(report.broken_sequence, 2)

    def test_postgresql_lets_only_the_chaining_through(self):
        if connection.vendor != "postgresql":
            self.skipTest("the trigger exists on PostgreSQL")
        [entry] = self.append(1)
        refused = (
            # a content change dressed up as chaining
            "UPDATE audit_accesslogentry SET sequence = 1, detail = 'x' WHERE id = %s",
            # a chained entry moved elsewhere in the chain
            "UPDATE audit_accesslogentry SET sequence = 7 WHERE id = %s",
        )
        for n, sql in enumerate(refused):
            if n == 1:
                chain_pending()
            with (
                self.assertRaisesMessage(DatabaseError, "append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql, [entry.pk])
        self.assertTrue(verify_chain().intact)

    def test_the_periodic_job_chains_what_no_request_did(self):
        from django.conf import settings

        from schakel.audit.jobs import chain_access_log

        self.append(2)
        self.assertEqual(chain_access_log.call(), 2)
        self.assertIn("schakel.audit.jobs.chain_access_log", dict(settings.SCHAKEL_PERIODIC_JOBS))


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
