"""The signal engine: registered rules find subjects at risk, evaluated set-based.

Each rule's matches are computed once per run. A full run (the periodic job) puts every
rule's matches in one temporary table; one UPDATE resolves the open signals, of all rules,
whose subject no longer matches, and one INSERT … SELECT per rule opens a signal for each
match without one. A run for a few rows after a write uses the rules' queries directly (cheap
there). No Python loop runs per subject, and the subscribers hear once per run which rules
opened signals. Thresholds (days) come from ``SignalThreshold``, per scope where the rule has
scopes.

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
    """Signals were opened at ``at`` for these rules (published by the engine once per
    evaluation, whatever the number of rules, so that a subscriber can fan out in one
    statement)."""

    rules: tuple[SignalRule, ...]
    at: datetime

    def codes(self, subject: type[models.Model]) -> list[str]:
        """The codes of the rules about ``subject`` that opened signals."""
        return [rule.code for rule in self.rules if rule.subject is subject]


MATCHES = "schakel_signal_matches"


def _empty_matches_table(cursor: Any) -> None:
    """A temporary table of this connection for the matches of every rule, emptied."""
    quote = connection.ops.quote_name
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {quote(MATCHES)} (rule varchar(40) NOT NULL, "
        "subject_id bigint NOT NULL, patient_id bigint, PRIMARY KEY (rule, subject_id))"
    )
    cursor.execute(f"DELETE FROM {quote(MATCHES)}")  # noqa: S608 - a fixed name


def _collect_matches(cursor: Any, rule: SignalRule, matching: models.QuerySet) -> None:
    """The rule's matches, worked out once, into the temporary table."""
    patient = rule.patient_field or Value(None, output_field=models.BigIntegerField())
    select_sql, params = matching.order_by().values_list("pk", patient).query.sql_with_params()
    cursor.execute(
        f"INSERT INTO {connection.ops.quote_name(MATCHES)} (rule, subject_id, patient_id) "  # noqa: S608 - names from Django, values bound
        f"SELECT %s, q.* FROM ({select_sql}) q",
        [rule.code, *params],
    )


def _resolve_unmatched(cursor: Any, rules: list[SignalRule], at: object) -> int:
    """One UPDATE for every rule: resolve the open signals whose subject no longer matches."""
    quote = connection.ops.quote_name
    table, matches = quote(Signal._meta.db_table), quote(MATCHES)
    codes = ", ".join(["%s"] * len(rules))
    cursor.execute(
        f"UPDATE {table} SET resolved_at = %s WHERE id IN (SELECT s.id FROM {table} s "  # noqa: S608 - names from Django, values bound
        f"WHERE s.resolved_at IS NULL AND s.rule IN ({codes}) AND NOT EXISTS "
        f"(SELECT 1 FROM {matches} m WHERE m.rule = s.rule AND m.subject_id = s.subject_id))",
        [at, *(rule.code for rule in rules)],
    )
    return int(cursor.rowcount)


def _open_collected(cursor: Any, rule: SignalRule, subject_type: ContentType, at: object) -> int:
    """A signal for each of the rule's matches without an open one (ON CONFLICT DO NOTHING
    lets a concurrent evaluation that opened the same signal win quietly)."""
    quote = connection.ops.quote_name
    table, matches = quote(Signal._meta.db_table), quote(MATCHES)
    cursor.execute(
        f"INSERT INTO {table} (subject_id, patient_id, subject_type_id, rule, opened_at, "  # noqa: S608 - names from Django, values bound
        f"snooze_reason) SELECT m.subject_id, m.patient_id, %s, m.rule, %s, '' FROM {matches} m "
        f"WHERE m.rule = %s AND NOT EXISTS (SELECT 1 FROM {table} s WHERE s.rule = m.rule "
        "AND s.subject_type_id = %s AND s.subject_id = m.subject_id AND s.resolved_at IS NULL) "
        "ON CONFLICT DO NOTHING",
        [subject_type.pk, at, rule.code, subject_type.pk],
    )
    return int(cursor.rowcount)


def _evaluate_everything(
    rules: list[SignalRule], found: Thresholds, now: datetime
) -> tuple[list[SignalRule], int, int]:
    """The periodic run: every rule's matches into one table, one UPDATE resolves what no
    longer matches (a rule switched off matches nothing), one INSERT per rule opens."""
    if not rules:
        return [], 0, 0
    at = connection.ops.adapt_datetimefield_value(now)
    opened_by: list[SignalRule] = []
    opened = 0
    with connection.cursor() as cursor:
        _empty_matches_table(cursor)
        for rule in rules:
            matching = rule.matcher(now, found)
            if matching is not None:
                _collect_matches(cursor, rule, matching)
        if connection.vendor == "postgresql":  # the planner should know its size
            cursor.execute(f"ANALYZE {connection.ops.quote_name(MATCHES)}")
        resolved = _resolve_unmatched(cursor, rules, at)
        for rule in rules:
            new = _open_collected(cursor, rule, ContentType.objects.get_for_model(rule.subject), at)
            if new:
                opened_by.append(rule)
                opened += new
    return opened_by, opened, resolved


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


def _evaluate_rows(
    rules: list[SignalRule], found: Thresholds, now: datetime, only: list[int]
) -> tuple[list[SignalRule], int, int]:
    """After a write: the rules about one model, for a few of its rows, with the rules'
    queries directly (cheap there)."""
    opened_by: list[SignalRule] = []
    opened = resolved = 0
    for rule in rules:
        subject_type = ContentType.objects.get_for_model(rule.subject)
        open_signals = Signal.objects.filter(
            rule=rule.code,
            subject_type=subject_type,
            resolved_at__isnull=True,
            subject_id__in=only,
        )
        matching = rule.matcher(now, found)
        if matching is None:  # switched off: nothing of it stays open
            resolved += open_signals.update(resolved_at=now)
            continue
        matching = matching.filter(pk__in=only)
        still = matching.filter(pk=OuterRef("subject_id"))
        resolved += open_signals.filter(~Exists(still)).update(resolved_at=now)
        new = _open_new_signals(rule, subject_type, matching, now)
        if new:
            opened_by.append(rule)
            opened += new
    return opened_by, opened, resolved


@transaction.atomic
def evaluate_signals(
    subject: type[models.Model] | None = None,
    ids: Iterable[int] | None = None,
    *,
    now: datetime | None = None,
) -> EvaluationResult:
    """Open the signals whose rule matches and resolve those whose cause is gone.

    ``subject`` and ``ids`` limit the work to the rules about that model and those rows
    (after a write); without them every rule runs over everything (the periodic job). The
    subscribers hear once (``SignalsOpened``) which rules opened signals.
    """
    now = now or timezone.now()
    found = thresholds()
    rules = [
        rule
        for rule in registry.signal_rules.values()
        if subject is None or rule.subject is subject
    ]
    if ids is None:
        opened_by, opened, resolved = _evaluate_everything(rules, found, now)
    else:
        opened_by, opened, resolved = _evaluate_rows(rules, found, now, list(ids))
    if opened_by:
        publish(SignalsOpened(tuple(opened_by), now))
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
