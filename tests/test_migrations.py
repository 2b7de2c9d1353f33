"""Migrations move every row: a database built by the previous version, filled with data, is
migrated forward, and what it held is all there in its new place."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase
from django.utils import timezone

from tests.reference import reseed

# The schema before the work layer: the last migration of each app it touched, and no work.
BEFORE_WORK_LAYER = [
    ("pathways", "0003_mdo_signal_rules"),
    ("messaging", "0002_notification_kind_mdo"),
    ("mdo", "0005_gp_input_g8_gfi_scores"),
    ("proms", "0003_licence_label"),
    ("accounts", "0001_initial_user"),
    ("directory", "0002_seed_tumour_types_and_topics"),
    ("work", None),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def leaves():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


class WorkLayerMigrationTests(TransactionTestCase):
    def tearDown(self) -> None:
        migrate(leaves())
        reseed()

    def test_tasks_signals_thresholds_and_notifications_move_with_their_ids(self):
        old = migrate(BEFORE_WORK_LAYER)
        now = timezone.now()
        region = old.get_model("directory", "Region").objects.create(name="Regio")
        Organization = old.get_model("directory", "Organization")
        hospital = Organization.objects.create(region=region, kind="hospital", name="Zkh")
        practice = Organization.objects.create(region=region, kind="gp_practice", name="Praktijk")
        user = old.get_model("accounts", "User").objects.create(email="gp@example.nl")
        person = old.get_model("directory", "Practitioner").objects.create(
            user=user, given_name="Anna", family_name="Vries", sort_name="vries anna"
        )
        gp = old.get_model("directory", "PractitionerRole").objects.create(
            practitioner=person, organization=practice, function="gp"
        )
        patient = old.get_model("patients", "Patient").objects.create(
            bsn="111222333",
            given_name="Piet",
            family_name="Jansen",
            sort_name="jansen piet",
            birth_date=date(1950, 3, 14),
            gp_practice=practice,
            recorded_by=hospital,
            sharing="permitted",
        )
        # An earlier transactional test may have flushed the seeded tumour types.
        tumour = old.get_model("directory", "TumourType").objects.get_or_create(
            code="borstkanker", defaults={"name": "Borstkanker"}
        )[0]
        pathway = old.get_model("pathways", "CarePathway").objects.create(
            patient=patient, tumour_type=tumour, phase="treatment"
        )
        OldTask = old.get_model("pathways", "Task")
        created = now - timedelta(days=3)
        step = OldTask.objects.create(
            pathway=pathway, title="Uitslag bespreken", owner_role=gp, due_at=now, created_by=user
        )
        OldTask.objects.filter(pk=step.pk).update(created_at=created)
        request = OldTask.objects.create(
            pathway=pathway,
            title="MDO-inbreng",
            owner_team=practice,
            owner_function="poh_oncology",
            due_at=now,
            status="declined",
            closed_at=now,
            focus_type="AgendaItem",
            focus_id="1",
        )
        meeting = old.get_model("mdo", "MdoMeeting").objects.create(
            name="MDO", scheduled_for=timezone.localdate(), starts_at=now, ends_at=now
        )
        item = old.get_model("mdo", "AgendaItem").objects.create(
            meeting=meeting, pathway=pathway, question="Beleid?", input_request=request
        )
        signal = old.get_model("pathways", "Signal").objects.create(
            pathway=pathway, rule="task_overdue", opened_at=now
        )
        thresholds = set(
            old.get_model("pathways", "SignalThreshold").objects.values_list(
                "rule", "phase", "days"
            )
        )
        OldNotification = old.get_model("messaging", "Notification")
        task_news = OldNotification.objects.create(
            recipient=user, kind="task", text="Uitslag bespreken", pathway=pathway
        )
        moved = OldNotification.objects.create(
            recipient=user, kind="mdo", text="moved", pathway=pathway, read_at=now
        )

        new = migrate(leaves())

        Task = new.get_model("work", "Task")
        pathway_type = new.get_model("contenttypes", "ContentType").objects.get(
            app_label="pathways", model="carepathway"
        )
        moved_step = Task.objects.get(pk=step.pk)
        self.assertEqual(
            (
                moved_step.kind,
                moved_step.title,
                moved_step.owner_role_id,
                moved_step.patient_id,
                moved_step.subject_type_id,
                moved_step.subject_id,
                moved_step.created_by_id,
                moved_step.created_at,
            ),
            (
                "pathways.step",
                "Uitslag bespreken",
                gp.pk,
                patient.pk,
                pathway_type.pk,
                pathway.pk,
                user.pk,
                created,
            ),
        )
        moved_request = Task.objects.get(pk=request.pk)
        self.assertEqual(
            (
                moved_request.kind,
                moved_request.status,
                moved_request.owner_team_id,
                moved_request.owner_function,
            ),
            ("mdo.gp_input", "declined", practice.pk, "poh_oncology"),
        )
        self.assertEqual(
            new.get_model("mdo", "AgendaItem").objects.get(pk=item.pk).input_request_id,
            request.pk,
        )
        moved_signal = new.get_model("work", "Signal").objects.get(pk=signal.pk)
        self.assertEqual(
            (
                moved_signal.rule,
                moved_signal.subject_id,
                moved_signal.patient_id,
                moved_signal.resolved_at,
            ),
            ("task_overdue", pathway.pk, patient.pk, None),
        )
        self.assertEqual(
            set(
                new.get_model("work", "SignalThreshold").objects.values_list(
                    "rule", "scope", "days"
                )
            ),
            thresholds,
        )
        Notification = new.get_model("work", "Notification")
        self.assertEqual(
            sorted(Notification.objects.values_list("pk", "kind", "patient_id", "subject_id")),
            [
                (task_news.pk, "task", patient.pk, pathway.pk),
                (moved.pk, "mdo_moved", patient.pk, pathway.pk),
            ],
        )
        self.assertEqual(Notification.objects.get(pk=moved.pk).read_at, now)
        # The id sequences continue after the moved rows.
        fresh = Task.objects.create(
            kind="pathways.step",
            title="Nieuw",
            owner_role_id=gp.pk,
            due_at=now,
            patient_id=patient.pk,
        )
        self.assertGreater(fresh.pk, request.pk)


class GpInputVersionMigrationTests(TransactionTestCase):
    def tearDown(self) -> None:
        migrate(leaves())
        reseed()

    def test_inputs_given_twice_become_versions_that_keep_the_first(self):
        old = migrate(
            [("mdo", "0006_tasks_from_the_work_layer"), ("accounts", "0001_initial_user")]
        )
        region = old.get_model("directory", "Region").objects.create(name="Regio")
        Organization = old.get_model("directory", "Organization")
        hospital = Organization.objects.create(region=region, kind="hospital", name="Zkh")
        user = old.get_model("accounts", "User").objects.create(email="gp@example.nl")
        patient = old.get_model("patients", "Patient").objects.create(
            bsn="111222333",
            given_name="Piet",
            family_name="Jansen",
            sort_name="jansen piet",
            birth_date=date(1950, 3, 14),
            recorded_by=hospital,
        )
        tumour = old.get_model("directory", "TumourType").objects.get_or_create(
            code="borstkanker", defaults={"name": "Borstkanker"}
        )[0]
        pathway = old.get_model("pathways", "CarePathway").objects.create(
            patient=patient, tumour_type=tumour, phase="treatment"
        )
        now = timezone.now()
        meeting = old.get_model("mdo", "MdoMeeting").objects.create(
            name="MDO", scheduled_for=timezone.localdate(), starts_at=now, ends_at=now
        )
        item = old.get_model("mdo", "AgendaItem").objects.create(
            meeting=meeting, pathway=pathway, question="Beleid?"
        )
        GpInput = old.get_model("mdo", "GpInput")
        first = GpInput.objects.create(
            pathway=pathway, agenda_item=item, treatment_limits="Geen IC", submitted_by=user
        )
        second = GpInput.objects.create(
            pathway=pathway, agenda_item=item, nothing_to_add=True, submitted_by=user
        )
        other = GpInput.objects.create(pathway=pathway, nothing_to_add=True, submitted_by=user)

        new = migrate(leaves())

        rows = {
            row.pk: (row.version, row.supersedes_id, row.treatment_limits)
            for row in new.get_model("mdo", "GpInput").objects.all()
        }
        self.assertEqual(
            rows,
            {
                first.pk: (1, None, "Geen IC"),
                second.pk: (2, first.pk, ""),
                other.pk: (1, None, ""),
            },
        )


class AccessLogChainMigrationTests(TransactionTestCase):
    """The access log's entries from before the chain was deferred keep their place and hashes,
    and new entries chain on after them."""

    def tearDown(self) -> None:
        migrate(leaves())
        reseed()

    def test_entries_keep_their_chain_and_new_ones_follow(self):
        from schakel.audit.actions import do_record_access
        from schakel.audit.chain import chain_pending
        from schakel.audit.models import GENESIS_HASH, AccessEvent, AccessLogEntry, Outcome
        from schakel.audit.verify import verify_chain

        old = migrate([("audit", "0004_keyed_chain")])
        OldEntry = old.get_model("audit", "AccessLogEntry")
        previous = GENESIS_HASH
        for sequence in (1, 2, 3):
            fields: dict[str, Any] = {
                "sequence": sequence,
                "previous_hash": previous,
                "occurred_at": timezone.now(),
                "event": "read",
                "outcome": "success",
                "user_identifier": "gp@example.nl",
                "patient_id": 40 + sequence,
                "object_type": "Patient",
                "object_id": str(40 + sequence),
            }
            # The hash as the previous version computed it (the algorithm did not change).
            fields["entry_hash"] = AccessLogEntry(**fields).compute_hash()
            OldEntry.objects.create(**fields)
            previous = fields["entry_hash"]

        migrate(leaves())
        kept = list(
            AccessLogEntry.objects.order_by("sequence").values_list("sequence", "content_mac")
        )
        self.assertEqual(kept, [(1, ""), (2, ""), (3, "")])
        for n in range(2):
            do_record_access(
                event=AccessEvent.READ,
                outcome=Outcome.SUCCESS,
                user=None,
                user_identifier="x",
                patient_id=n,
            )
        self.assertEqual(chain_pending(), 2)
        report = verify_chain()
        self.assertEqual((report.intact, report.checked, report.problem), (True, 5, ""))
        self.assertEqual(AccessLogEntry.objects.get(sequence=4).previous_hash, previous)
