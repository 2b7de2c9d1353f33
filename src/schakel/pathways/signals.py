"""Signals: rules that find pathways at risk of losing their patient, evaluated set-based.

Each rule is a queryset of the open pathways it currently matches; evaluation is, per rule, one
query for the matches, one insert of new signals and one update that resolves the signals
whose cause is gone. No Python loop runs per pathway. Thresholds (days) come from
``SignalThreshold``, per phase where the rule is phase-dependent.

(These are Schakel's signals about patients, not Django's signal dispatcher.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from schakel.core.events import publish
from schakel.pathways.models import (
    OPEN_TASK_STATUSES,
    CarePathway,
    EventKind,
    PathwayEvent,
    Phase,
    Signal,
    SignalRule,
    SignalThreshold,
    Task,
)


@dataclass(frozen=True)
class RuleText:
    """Why a rule fired and what to do, in plain words for the people aan zet."""

    why: str | Promise
    what_to_do: str | Promise


TEXTS: dict[str, RuleText] = {
    SignalRule.NOBODY_AAN_ZET: RuleText(
        _("Nobody is aan zet on this pathway: there is no open task."),
        _("Agree who takes the next step and create a task for them."),
    ),
    SignalRule.TASK_OVERDUE: RuleText(
        _("A task on this pathway is past its deadline."),
        _("Contact the owner of the task, or its escalation contact."),
    ),
    SignalRule.TRANSFER_WITHOUT_ARRIVAL: RuleText(
        _("The patient was transferred, but the receiving hospital has not recorded arrival."),
        _("Check with the receiving hospital whether the patient arrived and is expected."),
    ),
    SignalRule.TREATMENT_END_WITHOUT_HANDOVER: RuleText(
        _("Treatment ended, but no handover to the GP has been recorded."),
        _("Ask the treating hospital to hand over to the GP, with the aftercare plan."),
    ),
    SignalRule.SILENCE: RuleText(
        _("Nothing has been recorded on this pathway for longer than this phase allows."),
        _("Check where the patient is and record what is happening."),
    ),
    SignalRule.DECEASED_OPEN: RuleText(
        _("The patient has died, but the pathway is still open."),
        _("Close the pathway, and cancel any remaining tasks and appointments."),
    ),
}


Thresholds = dict[tuple[str, str], int]
# A rule: given the moment and the thresholds, the open pathways it matches (None: switched off).
Matcher = Callable[[datetime, Thresholds], "QuerySet[CarePathway] | None"]


def _thresholds() -> Thresholds:
    return {(t.rule, t.phase): t.days for t in SignalThreshold.objects.all()}


def threshold_days(thresholds: Thresholds, rule: str, phase: str = "") -> int | None:
    """The rule's threshold for the phase, else for every phase; None when it has none (off)."""
    return thresholds.get((rule, phase), thresholds.get((rule, "")))


def open_pathways() -> QuerySet[CarePathway]:
    """The pathways rules look at: all but the closed ones."""
    return CarePathway.objects.exclude(phase=Phase.CLOSED)


def _nobody_aan_zet(now: datetime, t: Thresholds) -> QuerySet[CarePathway] | None:
    days = threshold_days(t, SignalRule.NOBODY_AAN_ZET)
    if days is None:
        return None
    since = now - timedelta(days=days)
    open_task = Task.objects.filter(pathway=OuterRef("pk"), status__in=OPEN_TASK_STATUSES)
    recent_task = Task.objects.filter(pathway=OuterRef("pk"), closed_at__gt=since)
    return open_pathways().filter(~Exists(open_task), ~Exists(recent_task), phase_since__lt=since)


def _task_overdue(now: datetime, t: Thresholds) -> QuerySet[CarePathway] | None:
    days = threshold_days(t, SignalRule.TASK_OVERDUE)
    if days is None:
        return None
    late = Task.objects.filter(
        pathway=OuterRef("pk"),
        status__in=OPEN_TASK_STATUSES,
        due_at__lt=now - timedelta(days=days),
    )
    return open_pathways().filter(Exists(late))


def _event_without_follow_up(
    now: datetime, days: int, kind: EventKind, follow_up: Q
) -> QuerySet[CarePathway]:
    """Open pathways with an event of ``kind`` older than ``days`` that no later event
    matching ``follow_up`` (a condition on the later event, OuterRef = the first) answered."""
    answered = PathwayEvent.objects.filter(
        follow_up, pathway=OuterRef("pathway"), occurred_at__gte=OuterRef("occurred_at")
    )
    waiting = PathwayEvent.objects.filter(
        pathway=OuterRef("pk"), kind=kind, occurred_at__lt=now - timedelta(days=days)
    ).filter(~Exists(answered))
    return open_pathways().filter(Exists(waiting))


def _transfer_without_arrival(now: datetime, t: Thresholds) -> QuerySet[CarePathway] | None:
    days = threshold_days(t, SignalRule.TRANSFER_WITHOUT_ARRIVAL)
    if days is None:
        return None
    # Arrival at the hospital the patient was transferred to.
    arrival = Q(kind=EventKind.ARRIVAL, organization=OuterRef("to_organization"))
    return _event_without_follow_up(now, days, EventKind.TRANSFER, arrival)


def _treatment_end_without_handover(now: datetime, t: Thresholds) -> QuerySet[CarePathway] | None:
    days = threshold_days(t, SignalRule.TREATMENT_END_WITHOUT_HANDOVER)
    if days is None:
        return None
    return _event_without_follow_up(now, days, EventKind.TREATMENT_END, Q(kind=EventKind.HANDOVER))


def _silence(now: datetime, t: Thresholds) -> QuerySet[CarePathway] | None:
    per_phase = Q()
    for phase in Phase:
        days = threshold_days(t, SignalRule.SILENCE, phase)
        if phase != Phase.CLOSED and days is not None:
            per_phase |= Q(phase=phase, last_event_at__lt=now - timedelta(days=days))
    if not per_phase:
        return None
    return open_pathways().filter(per_phase)


def _deceased_open(now: datetime, t: Thresholds) -> QuerySet[CarePathway] | None:
    days = threshold_days(t, SignalRule.DECEASED_OPEN)
    if days is None:
        return None
    return open_pathways().filter(
        patient__deceased_on__isnull=False,
        patient__deceased_on__lte=timezone.localdate(now) - timedelta(days=days),
    )


RULES: dict[str, Matcher] = {
    SignalRule.NOBODY_AAN_ZET: _nobody_aan_zet,
    SignalRule.TASK_OVERDUE: _task_overdue,
    SignalRule.TRANSFER_WITHOUT_ARRIVAL: _transfer_without_arrival,
    SignalRule.TREATMENT_END_WITHOUT_HANDOVER: _treatment_end_without_handover,
    SignalRule.SILENCE: _silence,
    SignalRule.DECEASED_OPEN: _deceased_open,
}


def register_rule(rule: str, matcher: Matcher, text: RuleText) -> None:
    """Let an app above pathways add a rule (e.g. the MDO's); called from its ``ready()``.

    The rule must be one of ``SignalRule``, so signals and thresholds keep one vocabulary.
    """
    if rule not in SignalRule.values:
        raise ValueError(f"unknown signal rule {rule!r}")
    RULES[rule] = matcher
    TEXTS[rule] = text


@dataclass(frozen=True)
class EvaluationResult:
    opened: int
    resolved: int


def _open_new_signals(rule: str, matching: QuerySet[CarePathway], now: datetime) -> list[int]:
    """INSERT … SELECT: a signal for each matching pathway without an open one for the rule.

    One statement, whatever the number of pathways. ON CONFLICT DO NOTHING lets a concurrent
    evaluation that opened the same signal win quietly (the partial unique constraint keeps
    one). Returns the pathways that got a new signal.
    """
    already = Signal.objects.filter(pathway=OuterRef("pk"), rule=rule, resolved_at__isnull=True)
    select_sql, select_params = (
        matching.filter(~Exists(already)).order_by().values_list("id").query.sql_with_params()
    )
    quote = connection.ops.quote_name
    # "WHERE true" keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
    sql = (
        f"INSERT INTO {quote(Signal._meta.db_table)} "  # noqa: S608 - names from Django, values bound
        f"({quote('pathway_id')}, {quote('rule')}, {quote('opened_at')}) "
        f"SELECT m.id, %s, %s FROM ({select_sql}) m WHERE true "
        f"ON CONFLICT DO NOTHING RETURNING {quote('pathway_id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [rule, now, *select_params])
        return [row[0] for row in cursor.fetchall()]


@transaction.atomic
def evaluate_signals(
    pathway_ids: Iterable[int] | None = None, *, now: datetime | None = None
) -> EvaluationResult:
    """Open the signals whose rule matches and resolve those whose cause is gone.

    Per rule: one UPDATE resolves, one INSERT … SELECT opens. ``pathway_ids`` limits the work
    to some pathways (after a write); None means all.
    """
    now = now or timezone.now()
    ids = list(pathway_ids) if pathway_ids is not None else None
    thresholds = _thresholds()
    opened = resolved = 0
    for rule, matches_for in RULES.items():
        matching = matches_for(now, thresholds)
        signals = Signal.objects.filter(rule=rule, resolved_at__isnull=True)
        if ids is not None:
            signals = signals.filter(pathway_id__in=ids)
        if matching is None:  # the rule is switched off: nothing of it stays open
            resolved += signals.update(resolved_at=now)
            continue
        if ids is not None:
            matching = matching.filter(pk__in=ids)
        still_matching = matching.filter(pk=OuterRef("pathway_id"))
        resolved += signals.filter(~Exists(still_matching)).update(resolved_at=now)
        new_ids = _open_new_signals(rule, matching, now)
        if new_ids:
            publish("signals_opened", rule=rule, pathway_ids=new_ids)
        opened += len(new_ids)
    return EvaluationResult(opened, resolved)


def schedule_evaluation(pathway_ids: list[int]) -> None:
    """Evaluate the signals of these pathways in the background (at once in tests)."""
    from schakel.pathways.jobs import evaluate_pathway_signals

    evaluate_pathway_signals.enqueue(pathway_ids)
