"""The questions' part of "Vandaag": the asker's questions that went past their reply-by time
(the addressee's are tasks, already on the page; so is an answer to read)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from schakel.core.templatetags.schakel import datumtijd
from schakel.core.today import TodayRow, render_today_list
from schakel.messaging.models import Question, QuestionStatus


def late_questions(request: HttpRequest) -> SafeString | str:
    questions = list(
        Question.objects.filter(
            asker_id=request.user.pk, status=QuestionStatus.OPEN, reply_by__lt=timezone.now()
        )
        .select_related("addressee_role__practitioner", "team")
        .order_by("reply_by")[:10]
    )
    rows = [
        TodayRow(
            text=question.subject,
            url=question.get_absolute_url(),
            meta=_("answer expected %(when)s") % {"when": datumtijd(question.reply_by)},
            late=True,
        )
        for question in questions
    ]
    return render_today_list(
        request,
        "late_questions",
        _("Your questions without an answer in time"),
        rows,
        more_url=reverse("messaging:inbox") + "?map=gesteld",
        more_label=_("All your questions"),
    )
