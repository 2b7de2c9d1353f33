"""Care pathways across hospitals (FHIR EpisodeOfCare), their timeline and who is aan zet."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.core.models import TimestampedModel
from schakel.directory.models import Organization, PractitionerRole, TumourType
from schakel.patients.models import Patient
from schakel.work.models import Signal, Task


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
    # Work about the pathway lives in the work layer; these give ``pathway.tasks`` and
    # ``Task.objects.filter(pathway=...)``.
    tasks = GenericRelation(
        Task,
        content_type_field="subject_type",
        object_id_field="subject_id",
        related_query_name="pathway",
    )
    signals = GenericRelation(
        Signal,
        content_type_field="subject_type",
        object_id_field="subject_id",
        related_query_name="pathway",
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
    PHASE = "phase", _("phase changed")
    TASK = "task", _("task")


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
            models.Index(fields=["pathway", "kind", "occurred_at"], name="pathways_event_idx"),
            # The event rules look for one kind across all pathways.
            models.Index(fields=["kind", "occurred_at"], name="pathways_event_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"
