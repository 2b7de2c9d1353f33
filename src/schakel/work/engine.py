"""The signal engine: registered rules find subjects at risk, evaluated set-based.

Per rule, the matches are computed once per run: a full run (the periodic job) puts them in a
temporary table, from which one UPDATE resolves the open signals whose subject no longer
matches and one INSERT … SELECT opens a signal for each match without one; a run for a few
rows after a write uses the rule's query directly (it is cheap there). No Python loop runs per
subject. Thresholds (days) come from ``SignalThreshold``, per scope where the rule has scopes.

(These are Schakel's signals about patients, not Django's signal dispatcher.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Value
from django.utils import timezone

from schakel.core.events import publish
from schakel.work.models import Signal, SignalThreshold
from schakel.work.registry import SignalRule, Thresholds, registry


def thresholds() -> Thresholds:
    return {(t.rule, t.scope): t.days for t in SignalThreshold.objects.all()}


def seed_thresholds(**kwargs: object) -> int:
    """Give each registered rule that has no threshold at all its default thresholds (after
    migrate, so a new app's rules start working). A rule the coordinator tuned is left alone."""
    known = set(SignalThreshold.objects.values_list("rule", flat=True).distinct())
    new = [
        SignalThreshold(rule=rule.code, scope=scope, days=days)
        for rule in registry.signal_rules.values()
        if rule.code not in known
        for scope, days in rule.defaults
    ]
    SignalThreshold.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def threshold_days(found: Thresholds, rule: str, scope: str = "") -> int | None:
    """The rule's threshold for the scope, else for every scope; None: the rule is off."""
    return found.get((rule, scope), found.get((rule, "")))


@dataclass(frozen=True)
class EvaluationResult:
    opened: int
    resolved: int


@dataclass(frozen=True)
class SignalsOpened:
    """Signals of one rule were opened at ``at`` (published by the engine, once per rule)."""

    rule: SignalRule
    subject_type: ContentType
    at: datetime


MATCHES = "schakel_signal_matches"


def _collect_matches(matching: models.QuerySet, rule: SignalRule) -> None:
    """The rule's matches, worked out once, into a temporary table of this connection."""
    quote = connection.ops.quote_name
    patient = rule.patient_field or Value(None, output_field=models.BigIntegerField())
    select_sql, params = matching.order_by().values_list("pk", patient).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {quote(MATCHES)} "
            "(subject_id bigint PRIMARY KEY, patient_id bigint)"
        )
        cursor.execute(f"DELETE FROM {quote(MATCHES)}")  # noqa: S608 - a fixed name
        cursor.execute(
            f"INSERT INTO {quote(MATCHES)} (subject_id, patient_id) {select_sql}",
            params,
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {quote(MATCHES)}")  # the planner should know its size


def _apply_collected_matches(
    rule: SignalRule, subject_type: ContentType, now: datetime
) -> tuple[int, int]:
    """Resolve the open signals not among the matches, open one per match without one."""
    quote = connection.ops.quote_name
    table, matches = quote(Signal._meta.db_table), quote(MATCHES)
    at = connection.ops.adapt_datetimefield_value(now)
    open_for_rule = "s.rule = %s AND s.subject_type_id = %s AND s.resolved_at IS NULL"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET resolved_at = %s WHERE id IN (SELECT s.id FROM {table} s "  # noqa: S608
            f"WHERE {open_for_rule} AND NOT EXISTS "
            f"(SELECT 1 FROM {matches} m WHERE m.subject_id = s.subject_id))",
            [at, rule.code, subject_type.pk],
        )
        resolved = int(cursor.rowcount)
        cursor.execute(
            f"INSERT INTO {table} (subject_id, patient_id, subject_type_id, rule, opened_at, "  # noqa: S608
            f"snooze_reason) SELECT m.subject_id, m.patient_id, %s, %s, %s, '' FROM {matches} m "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} s WHERE {open_for_rule} "
            "AND s.subject_id = m.subject_id) ON CONFLICT DO NOTHING",
            [subject_type.pk, rule.code, at, rule.code, subject_type.pk],
        )
        return resolved, int(cursor.rowcount)


def _open_new_signals(
    rule: SignalRule, subject_type: ContentType, matching: models.QuerySet, now: datetime
) -> int:
    """INSERT … SELECT: a signal for each match without an open one for the rule.

    ON CONFLICT DO NOTHING lets a concurrent evaluation that opened the same signal win
    quietly (the partial unique constraint keeps one).
    """
    already = Signal.objects.filter(
        rule=rule.code,
        subject_type=subject_type,
        subject_id=OuterRef("pk"),
        resolved_at__isnull=True,
    )
    patient = rule.patient_field or Value(None, output_field=models.BigIntegerField())
    select_sql, params = (
        matching.filter(~Exists(already))
        .order_by()
        .values_list("pk", patient)
        .query.sql_with_params()
    )
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(c)
        for c in (
            "subject_id",
            "patient_id",
            "subject_type_id",
            "rule",
            "opened_at",
            "snooze_reason",
        )
    )
    # "WHERE true" keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
    sql = (
        f"INSERT INTO {quote(Signal._meta.db_table)} ({columns}) "  # noqa: S608 - names from Django, values bound
        f"SELECT m.*, %s, %s, %s, '' FROM ({select_sql}) m WHERE true ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        # The moment as the ORM stores it, so later lookups on opened_at match it exactly.
        at = connection.ops.adapt_datetimefield_value(now)
        cursor.execute(sql, [subject_type.pk, rule.code, at, *params])
        return int(cursor.rowcount)


@transaction.atomic
def evaluate_signals(
    subject: type[models.Model] | None = None,
    ids: Iterable[int] | None = None,
    *,
    now: datetime | None = None,
) -> EvaluationResult:
    """Open the signals whose rule matches and resolve those whose cause is gone.

    ``subject`` and ``ids`` limit the work to the rules about that model and those rows
    (after a write); without them every rule runs over everything (the periodic job).
    """
    now = now or timezone.now()
    only = list(ids) if ids is not None else None
    found = thresholds()
    opened = resolved = 0
    for rule in list(registry.signal_rules.values()):
        if subject is not None and rule.subject is not subject:
            continue
        subject_type = ContentType.objects.get_for_model(rule.subject)
        open_signals = Signal.objects.filter(
            rule=rule.code, subject_type=subject_type, resolved_at__isnull=True
        )
        if only is not None:
            open_signals = open_signals.filter(subject_id__in=only)
        matching = rule.matcher(now, found)
        if matching is None:  # switched off: nothing of it stays open
            resolved += open_signals.update(resolved_at=now)
            continue
        if only is None:
            _collect_matches(matching, rule)
            gone, new = _apply_collected_matches(rule, subject_type, now)
            resolved += gone
        else:
            matching = matching.filter(pk__in=only)
            still = matching.filter(pk=OuterRef("subject_id"))
            resolved += open_signals.filter(~Exists(still)).update(resolved_at=now)
            new = _open_new_signals(rule, subject_type, matching, now)
        if new:
            publish(SignalsOpened(rule, subject_type, now))
        opened += new
    return EvaluationResult(opened, resolved)


class _Evaluation:
    """One write's subject, to evaluate when its transaction commits: a commit callback."""

    def __init__(self, model: type[models.Model], pk: Any) -> None:
        self.model, self.pk, self.done = model, pk, False

    def __call__(self) -> None:
        """The first callback of a commit evaluates its whole batch, each subject once; the
        others find themselves done."""
        if self.done:
            return
        batch = [e for e in getattr(connection, _BATCH, ()) if not e.done]
        if self not in batch:
            batch.append(self)
        subjects: dict[type[models.Model], set[Any]] = {}
        for evaluation in batch:
            evaluation.done = True
            subjects.setdefault(evaluation.model, set()).add(evaluation.pk)
        setattr(connection, _BATCH, [])
        for model, ids in subjects.items():
            evaluate_signals(model, sorted(ids))


# The evaluations the current transaction waits for, in the order of its writes.
_BATCH = "schakel_signals_to_evaluate"


def evaluate_now(instance: models.Model) -> None:
    """After a write: this subject's signals, evaluated when the transaction commits, so the
    page the user sees next already shows what the write resolved or raised.

    A request that makes several writes (a task and a timeline line, say) evaluates each
    subject once, after the last write. The batch is rebuilt at each write from the callbacks
    the connection still holds, so the writes of a rolled-back savepoint or transaction
    (whose callbacks Django dropped) are left out.
    """
    evaluation = _Evaluation(type(instance), instance.pk)
    waiting = [
        entry[1]
        for entry in connection.run_on_commit
        if isinstance(entry[1], _Evaluation) and not entry[1].done
    ]
    setattr(connection, _BATCH, [*waiting, evaluation])
    transaction.on_commit(evaluation)
