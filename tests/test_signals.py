"""Each signal rule fires, stays single, and resolves itself when the cause is gone."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from schakel.pathways import actions
from schakel.pathways.models import CarePathway, ClosedReason, EventKind, Modality, Phase
from schakel.pathways.rules import PathwayRule
from schakel.work.actions import do_create_task, do_transition_task
from schakel.work.engine import evaluate_signals
from schakel.work.models import Signal, SignalThreshold, Task, TaskStatus
from schakel.work.registry import registry
from tests.pathways_base import PathwayTestCase


class SignalTestCase(PathwayTestCase):
    """A pathway and helpers to see its open signals and give it a task."""

    def open_rules(self) -> set[str]:
        return set(
            Signal.objects.filter(pathway=self.pathway, resolved_at__isnull=True).values_list(
                "rule", flat=True
            )
        )

    def ago(self, days: int):
        return timezone.now() - timedelta(days=days)

    def task(self, due_days: int = 3) -> Task:
        return do_create_task(
            self.pathway,
            kind="pathways.step",
            title="Bel patiënt",
            due_at=timezone.now() + timedelta(days=due_days),
            owner_role=self.gp_role,
            actor=self.actor(self.case_manager),
        )


class SignalRuleTests(SignalTestCase):
    def test_nobody_aan_zet_fires_and_resolves_when_someone_is(self):
        CarePathway.objects.filter(pk=self.pathway.pk).update(phase_since=self.ago(3))
        evaluate_signals()
        self.assertIn(PathwayRule.NOBODY_AAN_ZET, self.open_rules())
        self.task()
        evaluate_signals()
        self.assertNotIn(PathwayRule.NOBODY_AAN_ZET, self.open_rules())

    def test_an_overdue_task_fires_and_completing_it_resolves(self):
        task = self.task(due_days=-1)
        evaluate_signals()
        self.assertIn(PathwayRule.TASK_OVERDUE, self.open_rules())
        do_transition_task(task, TaskStatus.COMPLETED, actor=self.actor(self.gp))
        evaluate_signals()
        self.assertNotIn(PathwayRule.TASK_OVERDUE, self.open_rules())

    def test_a_transfer_without_arrival_fires_and_the_arrival_resolves(self):
        actor = self.actor(self.specialist)
        actions.do_record_event(
            self.pathway,
            EventKind.TRANSFER,
            organization=self.hospital,
            to_organization=self.other_hospital,
            actor=actor,
            occurred_at=self.ago(15),
        )
        evaluate_signals()
        self.assertIn(PathwayRule.TRANSFER_WITHOUT_ARRIVAL, self.open_rules())
        actions.do_record_event(
            self.pathway, EventKind.ARRIVAL, organization=self.other_hospital, actor=actor
        )
        evaluate_signals()
        self.assertNotIn(PathwayRule.TRANSFER_WITHOUT_ARRIVAL, self.open_rules())
        main = self.pathway.hospitals.get(role="main", until__isnull=True)
        self.assertEqual(main.hospital, self.other_hospital)

    def test_an_arrival_elsewhere_does_not_count(self):
        actor = self.actor(self.specialist)
        actions.do_record_event(
            self.pathway,
            EventKind.TRANSFER,
            organization=self.hospital,
            to_organization=self.other_hospital,
            actor=actor,
            occurred_at=self.ago(15),
        )
        actions.do_record_event(
            self.pathway, EventKind.ARRIVAL, organization=self.hospital, actor=actor
        )
        evaluate_signals()
        self.assertIn(PathwayRule.TRANSFER_WITHOUT_ARRIVAL, self.open_rules())

    def test_treatment_end_without_handover_fires_and_the_handover_resolves(self):
        actor = self.actor(self.specialist)
        actions.do_record_event(
            self.pathway,
            EventKind.TREATMENT_END,
            organization=self.hospital,
            modality=Modality.CHEMOTHERAPY,
            actor=actor,
            occurred_at=self.ago(20),
        )
        evaluate_signals()
        self.assertIn(PathwayRule.TREATMENT_END_WITHOUT_HANDOVER, self.open_rules())
        # A line "handover" on the timeline is not a handover: one sent to the GP is.
        actions.do_record_event(
            self.pathway,
            EventKind.HANDOVER,
            organization=self.hospital,
            to_organization=self.practice,
            actor=actor,
        )
        evaluate_signals()
        self.assertIn(PathwayRule.TREATMENT_END_WITHOUT_HANDOVER, self.open_rules())
        from schakel.handovers.actions import do_send_handover
        from schakel.handovers.models import Direction, Reason

        do_send_handover(
            self.pathway,
            direction=Direction.TO_GP,
            reason=Reason.END_OF_TREATMENT,
            receiver_organization=self.practice,
            receiver_role=None,
            letter="Behandeling afgerond.",
            plan={
                "diagnosis": "Mammacarcinoom",
                "treatment_summary": "Chemotherapie",
                "alarm_symptoms": "Botpijn",
                "review_date": timezone.localdate() + timedelta(days=365),
            },
            actor=actor,
        )
        evaluate_signals()
        self.assertNotIn(PathwayRule.TREATMENT_END_WITHOUT_HANDOVER, self.open_rules())

    def test_silence_depends_on_the_phase_and_news_resolves_it(self):
        CarePathway.objects.filter(pk=self.pathway.pk).update(last_event_at=self.ago(50))
        evaluate_signals()
        self.assertIn(PathwayRule.SILENCE, self.open_rules())  # treatment allows 42 days
        CarePathway.objects.filter(pk=self.pathway.pk).update(phase=Phase.AFTERCARE)
        evaluate_signals()
        self.assertNotIn(PathwayRule.SILENCE, self.open_rules())  # aftercare allows 180
        SignalThreshold.objects.filter(rule=PathwayRule.SILENCE, scope=Phase.AFTERCARE).update(
            days=30
        )
        evaluate_signals()
        self.assertIn(PathwayRule.SILENCE, self.open_rules())  # the coordinator tightened it
        actions.do_record_event(
            self.pathway, EventKind.NOTE, summary="Controle gepland", actor=self.actor(self.gp)
        )
        evaluate_signals()
        self.assertNotIn(PathwayRule.SILENCE, self.open_rules())

    def test_a_deceased_patient_with_an_open_pathway_fires_until_it_is_closed(self):
        actions.do_record_event(self.pathway, EventKind.DEATH, actor=self.actor(self.gp))
        evaluate_signals()
        self.assertIn(PathwayRule.DECEASED_OPEN, self.open_rules())
        actions.do_change_phase(
            self.pathway,
            Phase.CLOSED,
            actor=self.actor(self.gp),
            closed_reason=ClosedReason.DECEASED,
        )
        evaluate_signals()
        self.assertEqual(self.open_rules(), set())

    def test_at_most_one_open_signal_per_rule_and_pathway(self):
        self.task(due_days=-2)
        self.task(due_days=-1)
        for _ in range(3):
            evaluate_signals()
        self.assertEqual(
            Signal.objects.filter(pathway=self.pathway, rule=PathwayRule.TASK_OVERDUE).count(), 1
        )

    def test_the_kind_of_subject_a_signal_or_task_names_stays_protected(self):
        # The database no longer checks the content type (half of a generic reference);
        # the application's PROTECT still keeps it while a signal or task names it.
        self.task(due_days=-1)
        evaluate_signals()
        kind = ContentType.objects.get_for_model(CarePathway)
        with self.assertRaises(ProtectedError):
            kind.delete()
        self.assertTrue(Signal.objects.filter(subject_type=kind).exists())

    def test_a_resolved_signal_can_fire_again_as_a_new_one(self):
        task = self.task(due_days=-1)
        evaluate_signals()
        do_transition_task(task, TaskStatus.CANCELLED, actor=self.actor(self.gp))
        evaluate_signals()
        self.task(due_days=-1)
        evaluate_signals()
        signals = Signal.objects.filter(pathway=self.pathway, rule=PathwayRule.TASK_OVERDUE)
        self.assertEqual(signals.count(), 2)
        self.assertEqual(signals.filter(resolved_at__isnull=True).count(), 1)

    def test_every_rule_explains_itself_in_dutch(self):
        from django.utils import translation

        with translation.override("nl"):
            for rule in registry.signal_rules.values():
                self.assertNotEqual(str(rule.why), "", rule.code)
                self.assertNotEqual(str(rule.what_to_do), "", rule.code)
            self.assertIn("aan zet", str(registry.signal_rules[PathwayRule.NOBODY_AAN_ZET].why))
            end = registry.signal_rules[PathwayRule.TREATMENT_END_WITHOUT_HANDOVER]
            self.assertIn("huisarts", str(end.why))

    def test_writes_evaluate_the_pathway_after_commit(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.task(due_days=-1)
        self.assertIn(PathwayRule.TASK_OVERDUE, self.open_rules())


class SetBasedEvaluationTests(PathwayTestCase):
    def add_pathways(self, n: int) -> None:
        CarePathway.objects.bulk_create(
            CarePathway(
                patient=self.patient,
                tumour_type=self.lung,
                phase=Phase.TREATMENT,
                phase_since=timezone.now() - timedelta(days=10),
                last_event_at=timezone.now() - timedelta(days=60),
            )
            for _ in range(n)
        )

    def count(self) -> int:
        with CaptureQueriesContext(connection) as queries:
            evaluate_signals()
        return len(queries)

    def test_the_number_of_queries_does_not_depend_on_the_number_of_pathways(self):
        self.add_pathways(10)
        small = self.count()
        Signal.objects.all().delete()
        self.add_pathways(190)
        self.assertEqual(self.count(), small)
        self.assertEqual(
            Signal.objects.filter(rule=PathwayRule.SILENCE, resolved_at__isnull=True).count(), 200
        )


class EvaluatedOncePerWriteTests(SignalTestCase):
    def test_a_request_with_several_writes_evaluates_each_subject_once_after_the_last(self):
        from unittest import mock

        from django.db import transaction

        from schakel.work import engine

        CarePathway.objects.filter(pk=self.pathway.pk).update(phase_since=self.ago(3))
        evaluate_signals()
        self.assertIn(PathwayRule.NOBODY_AAN_ZET, self.open_rules())
        calls: list[tuple[type, list[int]]] = []
        real = engine.evaluate_signals

        def counting(model, ids, **kwargs):
            calls.append((model, list(ids)))
            return real(model, ids, **kwargs)

        with (
            mock.patch.object(engine, "evaluate_signals", counting),
            self.captureOnCommitCallbacks(execute=True),
            transaction.atomic(),
        ):
            self.task()  # a task on the pathway
            actions.do_record_event(
                self.pathway,
                EventKind.NOTE,
                actor=self.actor(self.case_manager),
                summary="Patiënt gebeld",
            )
            self.assertEqual(calls, [])  # nothing before the commit
        # Two writes on the pathway, one evaluation (it was one per write).
        self.assertEqual(calls, [(CarePathway, [self.pathway.pk])])
        self.assertNotIn(PathwayRule.NOBODY_AAN_ZET, self.open_rules())

    def test_a_rolled_back_write_is_not_evaluated_with_the_next_transaction(self):
        from unittest import mock

        from django.db import transaction

        from schakel.work import engine

        calls: list[tuple[type, list[int]]] = []

        def counting(model, ids, **kwargs):
            calls.append((model, list(ids)))

        with mock.patch.object(engine, "evaluate_signals", counting):
            with self.captureOnCommitCallbacks(execute=True):
                try:
                    with transaction.atomic():
                        engine.evaluate_now(self.patient)  # a subject written, then undone
                        raise RuntimeError
                except RuntimeError:
                    pass
            with self.captureOnCommitCallbacks(execute=True), transaction.atomic():
                engine.evaluate_now(self.pathway)
        self.assertEqual(calls, [(CarePathway, [self.pathway.pk])])


class OneFullRunTests(SignalTestCase):
    def test_a_full_run_asks_each_rule_once_and_tells_the_subscribers_once(self):
        import dataclasses
        from collections import Counter
        from unittest import mock

        from schakel.work import engine
        from schakel.work.models import Notification

        self.task(due_days=-1)  # an overdue task
        CarePathway.objects.filter(pk=self.pathway.pk).update(last_event_at=self.ago(50))
        asked: Counter[str] = Counter()

        def counting(rule):
            def matcher(now, found):
                asked[rule.code] += 1
                return rule.matcher(now, found)

            return dataclasses.replace(rule, matcher=matcher)

        rules = {code: counting(rule) for code, rule in registry.signal_rules.items()}
        published: list[engine.SignalsOpened] = []
        real_publish = engine.publish

        def publish(event: engine.SignalsOpened) -> None:
            published.append(event)
            real_publish(event)

        with (
            mock.patch.dict(registry.signal_rules, rules),
            mock.patch.object(engine, "publish", side_effect=publish),
        ):
            evaluate_signals()
        self.assertEqual(asked, Counter(dict.fromkeys(registry.signal_rules, 1)))
        self.assertEqual(len(published), 1)
        opened = self.open_rules()
        self.assertTrue({PathwayRule.TASK_OVERDUE, PathwayRule.SILENCE} <= opened)
        self.assertEqual(set(published[0].codes(CarePathway)), opened)
        # The fan-out reached the case manager once per signal, whatever the number of rules.
        told = Notification.objects.filter(recipient=self.case_manager, kind="signal")
        self.assertEqual(sorted(told.values_list("text", flat=True)), sorted(opened))

    def test_a_bulk_opening_refreshes_the_signals_statistics_and_a_quiet_run_does_not(self):
        from unittest import mock

        from schakel.work import engine

        if connection.vendor != "postgresql":
            self.skipTest("statistics are PostgreSQL's")
        self.task(due_days=-1)

        def analyses() -> int:
            with CaptureQueriesContext(connection) as queries:
                evaluate_signals()
            return sum(q["sql"] == 'ANALYZE "work_signal"' for q in queries)

        with mock.patch.object(engine, "BULK", 1):
            self.assertEqual(analyses(), 1)  # it opened signals: at least BULK of them
            self.assertEqual(analyses(), 0)  # nothing new
