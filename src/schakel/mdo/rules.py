"""The MDO's signal rules: advice that has not reached the GP, and advice the GP has not read.

Both count working days, as the MDO itself does. They are registered with the pathways' rule
engine from ``MdoConfig.ready`` (pathways sits below mdo and does not import it).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from schakel.core.workdays import last_day_overdue as core_last_day_overdue
from schakel.core.workdays import start_of_day_after
from schakel.mdo.actions import INPUT_DUE_TIME
from schakel.mdo.models import AgendaItem, MdoOutcome, MeetingStatus
from schakel.pathways.models import CarePathway
from schakel.pathways.rules import open_pathways
from schakel.work.engine import threshold_days
from schakel.work.registry import SignalRule, Thresholds, Unit, register_signal_rule


class MdoRule:
    """The codes of the MDO's rules."""

    ADVICE_NOT_SENT = "mdo_advice_not_sent"
    NOT_ACKNOWLEDGED = "mdo_not_acknowledged"


def last_day_overdue(now: datetime, working_days: int) -> date:
    """The last day whose MDO deadline (17:00, N working days later) has passed."""
    return core_last_day_overdue(now, working_days, INPUT_DUE_TIME)


def _advice_not_sent(now: datetime, t: Thresholds) -> QuerySet[CarePathway] | None:
    """A case was discussed (the meeting took place) and no advice recorded within N days."""
    days = threshold_days(t, MdoRule.ADVICE_NOT_SENT)
    if days is None:
        return None
    discussed_before = start_of_day_after(last_day_overdue(now, days))
    waiting = AgendaItem.objects.filter(
        pathway=OuterRef("pk"),
        removed_at__isnull=True,
        meeting__status=MeetingStatus.SCHEDULED,
        meeting__starts_at__lt=discussed_before,
        outcome__isnull=True,
    )
    return open_pathways().filter(Exists(waiting))


def _not_acknowledged(now: datetime, t: Thresholds) -> QuerySet[CarePathway] | None:
    """The advice was recorded more than N working days ago and the GP has not read it."""
    days = threshold_days(t, MdoRule.NOT_ACKNOWLEDGED)
    if days is None:
        return None
    recorded_before = start_of_day_after(last_day_overdue(now, days))
    unread = MdoOutcome.objects.filter(
        agenda_item__pathway=OuterRef("pk"),
        acknowledged_at__isnull=True,
        created_at__lt=recorded_before,
    )
    return open_pathways().filter(Exists(unread))


def register() -> None:
    register_signal_rule(
        SignalRule(
            code=MdoRule.ADVICE_NOT_SENT,
            label=_("MDO advice not sent to the GP"),
            why=_(
                "The patient was discussed at the MDO, but the advice has not been sent to the GP."
            ),
            what_to_do=_(
                "Ask the MDO chair or coordinator to record the advice, so it reaches the GP."
            ),
            unit=Unit.WORKING_DAYS,
            subject=CarePathway,
            matcher=_advice_not_sent,
            # The advice should reach the GP within two working days of the meeting.
            defaults=(("", 2),),
        )
    )
    register_signal_rule(
        SignalRule(
            code=MdoRule.NOT_ACKNOWLEDGED,
            label=_("GP has not acknowledged the MDO advice"),
            why=_("The GP has not acknowledged the MDO advice."),
            what_to_do=_("Contact the GP practice to make sure the advice has been read."),
            unit=Unit.WORKING_DAYS,
            subject=CarePathway,
            matcher=_not_acknowledged,
            # The GP's acknowledgement task is due in three working days; two more first.
            defaults=(("", 5),),
        )
    )
