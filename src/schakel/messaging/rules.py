"""The signal of questions: not answered by the reply-by time. It escalates the question (a
person's question becomes their team's too), tells the one who asked, and resolves itself
when an answer comes or the question is withdrawn."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from schakel.messaging.actions import do_escalate_question
from schakel.messaging.models import Question, QuestionStatus
from schakel.work.engine import SignalsOpened, threshold_days
from schakel.work.models import Signal
from schakel.work.notify import notify, subject_type_of
from schakel.work.registry import SignalRule, Thresholds, Unit, register_signal_rule

NOT_ANSWERED = "question_not_answered"


def _not_answered(now: datetime, t: Thresholds) -> QuerySet[Question] | None:
    days = threshold_days(t, NOT_ANSWERED)
    if days is None:
        return None
    return Question.objects.filter(
        status=QuestionStatus.OPEN, reply_by__lt=now - timedelta(days=days)
    )


def on_signals_opened(opened: SignalsOpened) -> None:
    """Each question that just went late is escalated once, and its asker is told."""
    if NOT_ANSWERED not in opened.codes(Question):
        return
    late = Signal.objects.filter(
        rule=NOT_ANSWERED,
        subject_type_id=subject_type_of(Question),
        opened_at=opened.at,
        resolved_at__isnull=True,
    ).values_list("subject_id", flat=True)
    for question in Question.objects.filter(pk__in=late).select_related("patient"):
        do_escalate_question(question)
        notify(
            {question.asker_id},
            "question_late",
            question.subject[:200],
            patient=question.patient,
            subject_type_id=subject_type_of(Question),
            subject_id=question.pk,
        )


def register() -> None:
    register_signal_rule(
        SignalRule(
            code=NOT_ANSWERED,
            label=_("question not answered in time"),
            why=_("A question to a colleague or a team has had no answer by its reply-by time."),
            what_to_do=_(
                "The question is now also with the addressee's team; call them if it is urgent."
            ),
            unit=Unit.CALENDAR_DAYS,
            subject=Question,
            matcher=_not_answered,
            defaults=(("", 0),),
        )
    )
