"""The work layer: what someone must do (tasks), what is at risk (signals), what is new
(notifications), about anything.

Each of them is *about* something: a subject (any model, through its content type: a care
pathway, later an agreement version or a session) and, when that subject concerns a patient,
the patient. The patient column is what keeps patient-related work behind the patient access
decision; the subject is what a page links to and groups by.

Kinds of tasks, signal rules and notification kinds are registered by the apps that own them
(``work.registry``); the columns hold their codes, checked against the registry when written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.core.models import TimestampedModel
from schakel.directory.models import Organization, PractitionerRole
from schakel.patients.models import Patient


def patient_reference(*, db_index: bool = True) -> models.ForeignKey:
    """The patient a task, signal or notification is about (``db_index=False`` where a
    composite index of the model starts with the patient)."""
    return models.ForeignKey(
        Patient,
        verbose_name=_("patient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=db_index,
    )


class About(models.Model):
    """What a task, signal or notification is about: a subject, and its patient if any."""

    patient = patient_reference()
    subject_type = models.ForeignKey(
        ContentType,
        verbose_name=_("about (kind)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        # Looked up with the subject's id: the composite indexes of the concrete models
        # serve that; an index of its own only slows every insert.
        db_index=False,
        # Half of a generic reference, whose other half (the id) no database can check: the
        # application checks the pair, and PROTECT still holds there. A foreign key in the
        # database cost every signal and notification a check at commit (a first round of
        # 40,000 signals: 0.12-0.14 s of its 0.8-0.9 s).
        db_constraint=False,
    )
    subject_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")

    class Meta:
        abstract = True


class TaskStatus(models.TextChoices):
    """FHIR Task status codes, as far as Schakel uses them."""

    REQUESTED = "requested", _("requested")
    ACCEPTED = "accepted", _("accepted")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")
    DECLINED = "declined", _("declined")
    CANCELLED = "cancelled", _("cancelled")


OPEN_TASK_STATUSES = (TaskStatus.REQUESTED, TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS)


class TaskQuerySet(models.QuerySet["Task"]):
    def open(self) -> TaskQuerySet:
        return self.filter(status__in=OPEN_TASK_STATUSES)

    def overdue(self, at: datetime | None = None) -> TaskQuerySet:
        return self.open().filter(due_at__lt=at or timezone.now())


class Task(About, TimestampedModel):
    """Who is aan zet: the next step, its owner and its deadline (FHIR Task).

    The owner is a person in a role, or a team: everyone at ``owner_team`` (optionally with
    ``owner_function``), so the step is not lost while someone is away. ``kind`` is a
    registered task kind; ``focus`` names the object the step acts on (an MDO agenda item, a
    score), where the subject is what the task is about (the pathway).
    """

    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("what"), max_length=200)
    description = models.CharField(_("explanation"), max_length=1000, blank=True)
    # The owner, team and creator are looked up by the composite indexes that start with
    # them (below); an index of their own would only be written on every task.
    owner_role = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        db_index=False,
    )
    owner_team = models.ForeignKey(
        Organization,
        verbose_name=_("owning team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="team_tasks",
        db_index=False,
    )
    owner_function = models.CharField(
        _("function within the team"),
        max_length=30,
        blank=True,
        help_text=_("Empty: anyone at the organisation."),
    )
    due_at = models.DateTimeField(_("before"))
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.REQUESTED
    )
    escalation_role = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("escalate to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    focus_type = models.CharField(_("acts on (kind)"), max_length=60, blank=True)
    focus_id = models.CharField(_("acts on (id)"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    created_by_role = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("created in the role of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="work_task_due_idx"),
            models.Index(
                fields=["subject_type", "subject_id", "status"], name="work_task_subject_idx"
            ),
            models.Index(fields=["owner_role", "status"], name="work_task_owner_idx"),
            models.Index(fields=["owner_team", "status"], name="work_task_team_idx"),
            models.Index(fields=["created_by", "status"], name="work_task_creator_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_role__isnull=False) | Q(owner_team__isnull=False),
                name="work_task_has_owner",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("work:task", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TASK_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()

    @property
    def owner_label(self) -> str:
        if self.owner_role is not None:
            return f"{self.owner_role.practitioner.full_name} ({self.owner_role.function_label})"
        assert self.owner_team is not None  # noqa: S101 - the check constraint guarantees it
        return str(self.owner_team)


class TaskChange(models.TextChoices):
    CREATED = "created", _("created")
    ACCEPTED = "accepted", _("accepted")
    STARTED = "in_progress", _("started")
    COMPLETED = "completed", _("completed")
    DECLINED = "declined", _("declined")
    CANCELLED = "cancelled", _("cancelled")
    HANDED_OVER = "handed_over", _("handed to someone else")
    POSTPONED = "postponed", _("postponed")
    COMMENT = "comment", _("comment")


class TaskEvent(models.Model):
    """One step in a task's history: who did what to it, when, and why."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="history"
    )
    change = models.CharField(_("change"), max_length=12, choices=TaskChange.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    by_label = models.CharField(_("by (name and function)"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("task change")
        verbose_name_plural = _("task changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_change_display()} {self.at:%Y-%m-%d %H:%M}"


class SignalThreshold(models.Model):
    """How many days a signal rule waits; per scope (for pathway rules: the phase), empty
    scope for every scope. Set by the coordinator; the unit (calendar or working days) is the
    rule's own."""

    rule = models.CharField(_("rule"), max_length=40)
    scope = models.CharField(_("applies to"), max_length=20, blank=True)
    days = models.PositiveIntegerField(_("days"))

    class Meta:
        verbose_name = _("signal threshold")
        verbose_name_plural = _("signal thresholds")
        ordering = ["rule", "scope"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "scope"], name="work_threshold_unique")
        ]

    def __str__(self) -> str:
        return f"{self.rule} / {self.scope or '*'}: {self.days}"


class Signal(About):
    """A finding of a rule about one subject; at most one open per rule and subject.

    It resolves itself when the rule no longer matches. Someone can take it up (it becomes a
    task for them) or snooze it until a date, with a reason.
    """

    # Looked up by the (patient, resolved_at) index below.
    patient = patient_reference(db_index=False)
    rule = models.CharField(_("rule"), max_length=40)
    opened_at = models.DateTimeField(_("raised at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    snoozed_until = models.DateTimeField(_("snoozed until"), null=True, blank=True)
    snooze_reason = models.CharField(_("why snoozed"), max_length=300, blank=True)
    snoozed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("snoozed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # a partial index: most signals are never snoozed
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("taken up as task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # a partial index: most signals are never taken up
    )

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        ordering = ["-opened_at", "pk"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="work_signal_subject_idx"),
            models.Index(fields=["patient", "resolved_at"], name="work_signal_patient_idx"),
            # Found by a deleted task or user only; the signals without one (nearly all, and
            # every signal a run opens) are left out, so opening a signal writes two indexes
            # fewer. (Measured at 40,000 signals opened in one run, key checks apart: 0.67-0.81
            # -> 0.50-0.54 s with the patient's single-column index gone as well.)
            models.Index(
                fields=["task"], condition=Q(task__isnull=False), name="work_signal_task_idx"
            ),
            models.Index(
                fields=["snoozed_by"],
                condition=Q(snoozed_by__isnull=False),
                name="work_signal_snoozer_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_type", "subject_id"],
                condition=Q(resolved_at__isnull=True),
                name="work_one_open_signal_per_rule",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} ({self.subject_id})"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    def is_snoozed(self, now: datetime | None = None) -> bool:
        return self.snoozed_until is not None and self.snoozed_until > (now or timezone.now())


class Notification(About):
    """Something new for one user. The stored text names no patient; in the app the patient is
    shown only through the access decision (and logged), and e-mail never names one."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # the inbox index starts with it
    )
    kind = models.CharField(_("kind"), max_length=40)
    text = models.CharField(_("text"), max_length=200)
    # Sorted within one recipient's inbox, never across everyone: no index of its own.
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="work_inbox_idx"),
            models.Index(fields=["emailed_at", "read_at"], name="work_pending_mail_idx"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def subject_key(self) -> tuple[Any, Any]:
        return (self.subject_type_id, self.subject_id)
