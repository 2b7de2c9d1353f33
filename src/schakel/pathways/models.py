"""Care pathways across hospitals (FHIR EpisodeOfCare), their timeline and who is aan zet."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.core.models import TimestampedModel
from schakel.directory.models import Organization, PractitionerRole, TumourType
from schakel.patients.models import Patient


class Phase(models.TextChoices):
    DIAGNOSTICS = "diagnostics", _("suspicion and diagnostics")
    TREATMENT = "treatment", _("treatment")
    FOLLOW_UP = "follow_up", _("follow-up")
    AFTERCARE = "aftercare", _("aftercare")
    PALLIATIVE = "palliative", _("palliative")
    CLOSED = "closed", _("closed")


class ClosedReason(models.TextChoices):
    COMPLETED = "completed", _("care completed")
    DECEASED = "deceased", _("patient died")
    TRANSFERRED = "transferred", _("care moved outside the region")
    PATIENT_CHOICE = "patient_choice", _("at the patient's request")
    ERROR = "error", _("registered in error")


class CarePathway(TimestampedModel):
    """A patient's cancer care for one tumour type, across hospitals (FHIR EpisodeOfCare).

    The network case manager is the patient's fixed contact; the GP is the patient's own.
    """

    patient = models.ForeignKey(
        Patient, verbose_name=_("patient"), on_delete=models.PROTECT, related_name="pathways"
    )
    tumour_type = models.ForeignKey(
        TumourType, verbose_name=_("tumour type"), on_delete=models.PROTECT, related_name="+"
    )
    phase = models.CharField(_("phase"), max_length=12, choices=Phase.choices)
    phase_since = models.DateTimeField(_("in this phase since"), default=timezone.now)
    case_manager = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("network case manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_pathways",
    )
    general_practitioner = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("GP"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gp_pathways",
    )
    closed_reason = models.CharField(
        _("closed because"), max_length=16, choices=ClosedReason.choices, blank=True
    )
    last_event_at = models.DateTimeField(
        _("last event"),
        null=True,
        blank=True,
        # Kept by the event actions, so that "silence" is one indexed comparison per pathway.
        db_index=True,
    )

    class Meta:
        verbose_name = _("care pathway")
        verbose_name_plural = _("care pathways")
        ordering = ["-updated_at", "pk"]
        indexes = [models.Index(fields=["phase", "last_event_at"], name="pathways_phase_event_idx")]

    def __str__(self) -> str:
        return f"{self.tumour_type} ({self.get_phase_display()})"

    def get_absolute_url(self) -> str:
        return reverse("pathways:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.phase != Phase.CLOSED


class HospitalRole(models.TextChoices):
    MAIN = "main", _("main treating hospital")
    CO_TREATING = "co_treating", _("co-treating")
    REFERRED = "referred", _("referred to")


class PathwayHospital(models.Model):
    """A hospital involved in a pathway, in which role, from when until when."""

    pathway = models.ForeignKey(
        CarePathway,
        verbose_name=_("care pathway"),
        on_delete=models.CASCADE,
        related_name="hospitals",
    )
    hospital = models.ForeignKey(
        Organization, verbose_name=_("hospital"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=12, choices=HospitalRole.choices)
    specialist = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("responsible specialist"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    since = models.DateField(_("since"), default=timezone.localdate)
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("hospital in the pathway")
        verbose_name_plural = _("hospitals in the pathway")
        ordering = ["since", "pk"]

    def __str__(self) -> str:
        return f"{self.hospital} ({self.get_role_display()})"

    @property
    def is_current(self) -> bool:
        return self.until is None or self.until >= timezone.localdate()


class CareTeamMember(models.Model):
    """Someone on the pathway's care team; membership gives a care relation with the patient."""

    pathway = models.ForeignKey(
        CarePathway,
        verbose_name=_("care pathway"),
        on_delete=models.CASCADE,
        related_name="team",
    )
    role = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("practitioner role"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsibility = models.CharField(_("responsibility"), max_length=120, blank=True)
    since = models.DateTimeField(_("since"), default=timezone.now)
    until = models.DateTimeField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("care team member")
        verbose_name_plural = _("care team members")
        ordering = ["since", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "role"],
                condition=Q(until__isnull=True),
                name="pathways_one_active_membership",
            )
        ]

    def __str__(self) -> str:
        return str(self.role)


class EventKind(models.TextChoices):
    REFERRAL = "referral", _("referral")
    DIAGNOSIS = "diagnosis", _("diagnosis")
    MDO = "mdo", _("discussed in the MDO")
    TREATMENT_START = "treatment_start", _("treatment started")
    TREATMENT_END = "treatment_end", _("treatment ended")
    TRANSFER = "transfer", _("transfer to another hospital")
    ARRIVAL = "arrival", _("arrival at the hospital")
    ADMISSION = "admission", _("admission")
    DISCHARGE = "discharge", _("discharge")
    COMPLICATION = "complication", _("complication")
    HANDOVER = "handover", _("handover")
    DEATH = "death", _("death")
    NOTE = "note", _("note")


class Modality(models.TextChoices):
    SURGERY = "surgery", _("surgery")
    CHEMOTHERAPY = "chemotherapy", _("chemotherapy")
    RADIOTHERAPY = "radiotherapy", _("radiotherapy")
    IMMUNOTHERAPY = "immunotherapy", _("immunotherapy")
    OTHER = "other", _("other treatment")


class PathwayEvent(models.Model):
    """One entry on the pathway's timeline. Written by the action for its kind only."""

    pathway = models.ForeignKey(
        CarePathway,
        verbose_name=_("care pathway"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    occurred_at = models.DateTimeField(_("when"))
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_organization = models.ForeignKey(
        Organization,
        verbose_name=_("to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For a transfer: the receiving hospital."),
    )
    modality = models.CharField(_("treatment"), max_length=16, choices=Modality.choices, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by_role = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("in the role of"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("pathway event")
        verbose_name_plural = _("pathway events")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["pathway", "kind", "occurred_at"], name="pathways_event_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"


class TaskStatus(models.TextChoices):
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

    def overdue(self, at: object = None) -> TaskQuerySet:
        return self.open().filter(due_at__lt=at or timezone.now())


class Task(TimestampedModel):
    """Who is aan zet: the next step on a pathway, its owner and its deadline (FHIR Task).

    The owner is a person in a role, or a team: everyone at ``owner_team`` (optionally with
    ``owner_function``), so the step is not lost while someone is away. Later capabilities
    (MDO input, handovers, PROMs, questions) create their tasks through ``do_create_task``,
    pointing ``focus`` at the object the task is about.
    """

    pathway = models.ForeignKey(
        CarePathway,
        verbose_name=_("care pathway"),
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    title = models.CharField(_("what"), max_length=200)
    description = models.CharField(_("explanation"), max_length=1000, blank=True)
    owner_role = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    owner_team = models.ForeignKey(
        Organization,
        verbose_name=_("owning team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="team_tasks",
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
    focus_type = models.CharField(_("about (kind)"), max_length=60, blank=True)
    focus_id = models.CharField(_("about (id)"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="pathways_task_due_idx"),
            models.Index(fields=["pathway", "status"], name="pathways_task_pathway_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_role__isnull=False) | Q(owner_team__isnull=False),
                name="pathways_task_has_owner",
            )
        ]

    def __str__(self) -> str:
        return self.title

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


class SignalRule(models.TextChoices):
    """Rules that find a pathway at risk of losing its patient."""

    NOBODY_AAN_ZET = "nobody_aan_zet", _("nobody is aan zet")
    TASK_OVERDUE = "task_overdue", _("a task is overdue")
    TRANSFER_WITHOUT_ARRIVAL = "transfer_no_arrival", _("transfer without arrival")
    TREATMENT_END_WITHOUT_HANDOVER = "end_no_handover", _("treatment ended without handover")
    SILENCE = "silence", _("no news for too long")
    DECEASED_OPEN = "deceased_open", _("deceased patient with an open pathway")
    # Evaluated by the mdo app (registered in its AppConfig.ready); thresholds in working days.
    MDO_ADVICE_NOT_SENT = "mdo_advice_not_sent", _("MDO advice not sent to the GP")
    MDO_NOT_ACKNOWLEDGED = "mdo_not_acknowledged", _("GP has not acknowledged the MDO advice")


class SignalThreshold(models.Model):
    """How many days a rule waits, per phase (empty phase: every phase). Set by the coordinator.

    Calendar days, except for the MDO rules, which count working days (as the MDO does).
    """

    rule = models.CharField(_("rule"), max_length=24, choices=SignalRule.choices)
    phase = models.CharField(_("phase"), max_length=12, choices=Phase.choices, blank=True)
    days = models.PositiveIntegerField(_("days"))

    class Meta:
        verbose_name = _("signal threshold")
        verbose_name_plural = _("signal thresholds")
        ordering = ["rule", "phase"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "phase"], name="pathways_threshold_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} / {self.get_phase_display() or '*'}: {self.days}"


class Signal(models.Model):
    """An open (or resolved) finding of a rule on a pathway; at most one open per rule."""

    pathway = models.ForeignKey(
        CarePathway,
        verbose_name=_("care pathway"),
        on_delete=models.CASCADE,
        related_name="signals",
    )
    rule = models.CharField(_("rule"), max_length=24, choices=SignalRule.choices)
    opened_at = models.DateTimeField(_("raised at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        ordering = ["-opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "rule"],
                condition=Q(resolved_at__isnull=True),
                name="pathways_one_open_signal_per_rule",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} ({self.pathway_id})"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
