"""Questions between professionals: a GP asks the hospital, a hospital or case manager asks a
GP or POH. A question has an asker and an addressee (a person in a role, or a team: an
organisation and a function, optionally for one tumour type), is about a patient or general,
and carries an urgency that sets the reply-by time in working hours. The addressee is aan zet
until they answer; then the asker is, until they close it or ask a follow-up.

Every moment is stored (asked, first answered, closed), with the addressing organisation and
tumour type, so "answered on time" and "time to answer" can be computed later per organisation
and tumour type.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.core.models import AttachedFile, TimestampedModel
from schakel.directory.models import Function, Organization, PractitionerRole, TumourType
from schakel.pathways.models import CarePathway
from schakel.patients.models import Patient
from schakel.work.models import Task


class Urgency(models.TextChoices):
    """How soon an answer is needed; the working hours it gives (08:00-17:00, working days)."""

    TODAY = "today", _("today (within 4 working hours)")
    TWO_DAYS = "two_days", _("within two working days")
    WEEK = "week", _("within a week (five working days)")


URGENCY_HOURS = {Urgency.TODAY: 4, Urgency.TWO_DAYS: 18, Urgency.WEEK: 45}


class QuestionStatus(models.TextChoices):
    OPEN = "open", _("open")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Question(TimestampedModel):
    """A question from one professional to another, or to a team."""

    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    asker_role = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("asked as"),
        on_delete=models.PROTECT,
        related_name="questions_asked",
    )
    # The addressee: a person in a role, or a team (organisation + function [+ tumour type]).
    addressee_role = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questions_received",
    )
    team = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="questions",
        help_text=_("The addressee's organisation (also for a person)."),
    )
    team_function = models.CharField(
        _("function"), max_length=30, choices=Function.choices, blank=True
    )
    tumour_type = models.ForeignKey(
        TumourType,
        verbose_name=_("tumour type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    patient = models.ForeignKey(
        Patient,
        verbose_name=_("patient"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pathway = models.ForeignKey(
        CarePathway,
        verbose_name=_("pathway"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questions",
    )
    subject = models.CharField(_("subject"), max_length=200)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.OPEN
    )
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    reply_by = models.DateTimeField(_("reply by"))
    first_answered_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("last answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    # On the addressee's side, who holds it now: the person handed it, or who answered.
    holder_role = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("held by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The care relations the question gave its addressees (ended two weeks after it closes).
    relations = models.ManyToManyField(
        "patients.CareRelation", verbose_name=_("care relations"), blank=True, related_name="+"
    )
    # Whose move it is now: the addressee's task while open, the asker's once answered.
    task = models.ForeignKey(
        Task, verbose_name=_("task"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [
            models.Index(fields=["status", "reply_by"], name="messaging_open_reply_by_idx"),
            models.Index(fields=["asker", "status"], name="messaging_asker_idx"),
            models.Index(fields=["team", "team_function", "status"], name="messaging_team_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(addressee_role__isnull=False) | ~models.Q(team_function=""),
                name="messaging_question_has_an_addressee",
            ),
            models.CheckConstraint(
                condition=models.Q(pathway__isnull=True) | models.Q(patient__isnull=False),
                name="messaging_question_pathway_has_patient",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("messaging:question", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == QuestionStatus.OPEN

    @property
    def answered_on_time(self) -> bool | None:
        if self.first_answered_at is None:
            return None
        return self.first_answered_at <= self.reply_by


class MessageKind(models.TextChoices):
    QUESTION = "question", _("question")
    ANSWER = "answer", _("answer")
    FOLLOW_UP = "follow_up", _("follow-up question")
    HANDED_OVER = "handed_over", _("handed to a colleague")
    ESCALATED = "escalated", _("past its reply-by time")
    CLOSED = "closed", _("closed")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Message(models.Model):
    """One step of a question's thread: the question, an answer, a follow-up, a hand-over."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    author_role = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("as"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("text"), max_length=4000, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"


def _attachment_path(instance: QuestionAttachment, filename: str) -> str:
    # Never the uploaded name on disk (it may hold the patient's name); the name is a field.
    return f"questions/{instance.question_id}/{instance.stored_name}"


class QuestionAttachment(AttachedFile):
    """A PDF or image with a question, served only through the question's access (logged)."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)

    class Meta(AttachedFile.Meta):
        pass

    def get_absolute_url(self) -> str:
        return reverse("messaging:attachment", args=[self.pk])
