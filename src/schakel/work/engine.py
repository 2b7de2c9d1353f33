"""The signal engine: registered rules find subjects at risk, evaluated set-based.

Each rule's matches are computed once per run. A full run (the periodic job) puts every
rule's matches in one temporary table; one UPDATE resolves the open signals, of all rules,
whose subject no longer matches; the matches that already have an open signal are dropped
from the table, and one INSERT … SELECT opens a signal for each that is left. A run for a
few rows after a write uses the rules' queries directly (cheap there). No Python loop runs
per subject, and the subscribers hear once per run which rules opened signals. Thresholds
(days) come from ``SignalThreshold``, per scope where the rule has scopes.

(These are Schakel's signals about patients, not Django's signal dispatcher.)
"""

from __future__ import annotations

from collections import Counter
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
# Opening this many signals in one run is a bulk load: the table's statistics are refreshed.
BULK = 10_000


def _empty_matches_table(cursor: Any) -> None:
    """A temporary table of this connection for the matches of every rule, emptied.

    No key and no index: appending a country's matches is then as cheap as fetching them,
    and the two statements that read the table hash it whole.
    """
    table = connection.ops.quote_name(MATCHES)
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {table} (rule varchar(40) NOT NULL, "
        "subject_type_id integer NOT NULL, subject_id bigint NOT NULL, patient_id bigint)"
    )
    postgresql = connection.vendor == "postgresql"
    cursor.execute(f"TRUNCATE {table}" if postgresql else f"DELETE FROM {table}")  # noqa: S608 - a fixed name


def _collect_matches(cursor: Any, rule: SignalRule, matching: models.QuerySet) -> None:
    """The rule's matches, worked out once, into the temporary table."""
    patient = rule.patient_field or Value(None, output_field=models.BigIntegerField())
    select_sql, params = matching.order_by().values_list("pk", patient).query.sql_with_params()
    subject_type = ContentType.objects.get_for_model(rule.subject)
    cursor.execute(
        f"INSERT INTO {connection.ops.quote_name(MATCHES)} "  # noqa: S608 - names from Django, values bound
        f"(rule, subject_type_id, subject_id, patient_id) SELECT %s, %s, q.* FROM ({select_sql}) q",
        [rule.code, subject_type.pk, *params],
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


def _keep_only_new(cursor: Any) -> None:
    """Drop the matches that already have an open signal: what stays is what to open.

    (Not a NOT EXISTS in the INSERT itself: a statement that reads the signals while it
    appends to them scans its own new rows as well, which grows with the square of a first
    round.)
    """
    quote = connection.ops.quote_name
    table, matches = quote(Signal._meta.db_table), quote(MATCHES)
    cursor.execute(
        f"DELETE FROM {matches} WHERE EXISTS (SELECT 1 FROM {table} s "  # noqa: S608 - names from Django
        f"WHERE s.rule = {matches}.rule AND s.subject_type_id = {matches}.subject_type_id "
        f"AND s.subject_id = {matches}.subject_id AND s.resolved_at IS NULL)"
    )


def _open_collected(cursor: Any, at: object) -> Counter[str]:
    """One INSERT for every rule: a signal for each new match. Returns how many each rule
    opened. (ON CONFLICT DO NOTHING lets a concurrent evaluation that opened the same signal
    win quietly.)"""
    quote = connection.ops.quote_name
    table, matches = quote(Signal._meta.db_table), quote(MATCHES)
    # "WHERE true" keeps SQLite from reading ON CONFLICT as part of the SELECT.
    insert = (
        f"INSERT INTO {table} (subject_id, patient_id, subject_type_id, rule, opened_at, "  # noqa: S608 - names from Django, values bound
        f"snooze_reason) SELECT m.subject_id, m.patient_id, m.subject_type_id, m.rule, %s, '' "
        f"FROM {matches} m WHERE true ON CONFLICT DO NOTHING RETURNING rule"
    )
    if connection.vendor == "postgresql":  # counted where the rows are
        cursor.execute(
            f"WITH new AS ({insert}) SELECT rule, count(*) FROM new GROUP BY rule",  # noqa: S608 - as above
            [at],
        )
        return Counter({rule: int(count) for rule, count in cursor.fetchall()})
    cursor.execute(insert, [at])
    return Counter(rule for (rule,) in cursor.fetchall())


def _evaluate_everything(
    rules: list[SignalRule], found: Thresholds, now: datetime
) -> tuple[list[SignalRule], int, int]:
    """The periodic run: every rule's matches into one table, one UPDATE resolves what no
    longer matches (a rule switched off matches nothing), one INSERT opens what is new."""
    if not rules:
        return [], 0, 0
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        _empty_matches_table(cursor)
        for rule in rules:
            matching = rule.matcher(now, found)
            if matching is not None:
                _collect_matches(cursor, rule, matching)
        if connection.vendor == "postgresql":  # the planner should know its size
            cursor.execute(f"ANALYZE {connection.ops.quote_name(MATCHES)}")
        resolved = _resolve_unmatched(cursor, rules, at)
        _keep_only_new(cursor)
        opened = _open_collected(cursor, at)
        if connection.vendor == "postgresql" and sum(opened.values()) >= BULK:
            # A bulk load of signals (the first run, a rule just added or loosened): the
            # subscribers that now look up the new signals need the planner to know they
            # exist, or it joins them one by one. Autovacuum would learn it only later.
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Signal._meta.db_table)}")
    return [rule for rule in rules if opened[rule.code]], sum(opened.values()), resolved


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
