"""The handovers' signal rules, about the pathway (so they show where the patient is):

- a handover not opened by the receiving side within N working days;
- a handover opened but not accepted (or rejected) within N working days;
- treatment ended without a handover to the GP (moved here from pathways: a Handover, not a
  line on the timeline, is what counts now);
- an aftercare check for the GP practice overdue by N days;
- an aftercare plan past its review date.

Each rule picks its pathways with ``pk IN (…)`` rather than a correlated EXISTS per pathway:
both databases then work out the few handovers, checks or plans once (SQLite otherwise walked
every plan for every pathway).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.core.workdays import last_day_overdue, start_of_day_after
from schakel.handovers.actions import DUE_TIME
from schakel.handovers.models import (
    AftercareCheck,
    AftercarePlanVersion,
    Direction,
    Handover,
    HandoverStatus,
)
from schakel.pathways.models import CarePathway, EventKind, PathwayEvent
from schakel.pathways.rules import PathwayRule, open_pathways
from schakel.work.engine import threshold_days
from schakel.work.models import OPEN_TASK_STATUSES
from schakel.work.registry import SignalRule, Thresholds, Unit, register_signal_rule


class HandoverRule:
    NOT_RECEIVED = "handover_not_received"
    NOT_ACCEPTED = "handover_not_accepted"
    # The code it had in pathways: its thresholds and open signals carry on.
    TREATMENT_END_WITHOUT_HANDOVER = PathwayRule.TREATMENT_END_WITHOUT_HANDOVER
    CHECK_OVERDUE = "aftercare_check_overdue"
    PLAN_REVIEW_DUE = "aftercare_plan_review"


def _waiting(now: datetime, t: Thresholds, code: str, status: str) -> QuerySet[CarePathway] | None:
    days = threshold_days(t, code)
    if days is None:
        return None
    sent_before = start_of_day_after(last_day_overdue(now, days, DUE_TIME))
    waiting = Handover.objects.filter(status=status, sent_at__lt=sent_before)
    return open_pathways().filter(pk__in=waiting.values("pathway"))


def _not_received(now: datetime, t: Thresholds) -> QuerySet[CarePathway] | None:
    return _waiting(now, t, HandoverRule.NOT_RECEIVED, HandoverStatus.REQUESTED)


def _not_accepted(now: datetime, t: Thresholds) -> QuerySet[CarePathway] | None:
    return _waiting(now, t, HandoverRule.NOT_ACCEPTED, HandoverStatus.RECEIVED)


def _treatment_end_without_handover(now: datetime, t: Thresholds) -> QuerySet[CarePathway] | None:
    """Treatment ended more than N days ago, and no handover to the GP was sent since (a
    withdrawn one does not count; a rejected one does: its sender is aan zet)."""
    days = threshold_days(t, HandoverRule.TREATMENT_END_WITHOUT_HANDOVER)
    if days is None:
        return None
    handed_over = Handover.objects.filter(
        pathway=OuterRef("pathway"),
        direction=Direction.TO_GP,
        sent_at__gte=OuterRef("occurred_at"),
    ).exclude(status=HandoverStatus.CANCELLED)
    ended = PathwayEvent.objects.filter(
        pathway=OuterRef("pk"),
        kind=EventKind.TREATMENT_END,
        occurred_at__lt=now - timedelta(days=days),
    ).filter(~Exists(handed_over))
    return open_pathways().filter(Exists(ended))


def _check_overdue(now: datetime, t: Thresholds) -> QuerySet[CarePathway] | None:
    days = threshold_days(t, HandoverRule.CHECK_OVERDUE)
    if days is None:
        return None
    overdue = AftercareCheck.objects.filter(
        task__status__in=OPEN_TASK_STATUSES, task__due_at__lt=now - timedelta(days=days)
    )
    return open_pathways().filter(pk__in=overdue.values("version__plan__handover__pathway"))


def _review_due(now: datetime, t: Thresholds) -> QuerySet[CarePathway] | None:
    days = threshold_days(t, HandoverRule.PLAN_REVIEW_DUE)
    if days is None:
        return None
    latest = AftercarePlanVersion.objects.filter(plan=OuterRef("plan")).order_by("-number")
    past = AftercarePlanVersion.objects.filter(
        Q(pk=latest.values("pk")[:1]),
        plan__handover__status=HandoverStatus.ACCEPTED,
        review_date__lt=timezone.localdate(now) - timedelta(days=days),
    )
    return open_pathways().filter(pk__in=past.values("plan__handover__pathway"))


def register() -> None:
    def rule(code, label, why, what_to_do, matcher, unit, days):  # type: ignore[no-untyped-def]
        register_signal_rule(
            SignalRule(
                code=code,
                label=label,
                why=why,
                what_to_do=what_to_do,
                unit=unit,
                subject=CarePathway,
                matcher=matcher,
                defaults=(("", days),),
            )
        )

    rule(
        HandoverRule.NOT_RECEIVED,
        _("handover not opened"),
        _("A handover was sent, but nobody at the receiving side has opened it."),
        _("Call the receiving practice or hospital and ask them to open the handover."),
        _not_received,
        Unit.WORKING_DAYS,
        2,
    )
    rule(
        HandoverRule.NOT_ACCEPTED,
        _("handover not accepted"),
        _("The handover was opened, but not accepted or rejected."),
        _("Ask the receiver to accept the handover, or to say why not."),
        _not_accepted,
        Unit.WORKING_DAYS,
        5,
    )
    rule(
        HandoverRule.TREATMENT_END_WITHOUT_HANDOVER,
        _("treatment ended without handover"),
        _("Treatment ended, but no handover to the GP has been sent."),
        _("Ask the treating hospital to hand over to the GP, with the aftercare plan."),
        _treatment_end_without_handover,
        Unit.CALENDAR_DAYS,
        14,
    )
    rule(
        HandoverRule.CHECK_OVERDUE,
        _("aftercare check overdue"),
        _("A check of the aftercare plan is past its date and not done."),
        _("Ask the GP practice to do the check, or to move it with a reason."),
        _check_overdue,
        Unit.CALENDAR_DAYS,
        7,
    )
    rule(
        HandoverRule.PLAN_REVIEW_DUE,
        _("aftercare plan past its review date"),
        _("The aftercare plan has not been reviewed on its review date."),
        _("Review the plan with the GP and the patient, and record a new version."),
        _review_due,
        Unit.CALENDAR_DAYS,
        0,
    )
