"""Patients, their consent to sharing, who has a care relation with them, emergency access.

The access decision built on these lives in ``patients.access``, and only there.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.core.identifiers import validate_bsn
from schakel.core.models import TimestampedModel
from schakel.directory.models import Organization, PractitionerRole, dutch_sort_key


class AdministrativeGender(models.TextChoices):
    """FHIR administrative gender."""

    FEMALE = "female", _("female")
    MALE = "male", _("male")
    OTHER = "other", _("other")
    UNKNOWN = "unknown", _("unknown")


class Sharing(models.TextChoices):
    """Whether the patient's data may be shared beyond the organisation that recorded it."""

    NOT_ASKED = "not_asked", _("not asked yet")
    PERMITTED = "permitted", _("consent to share")
    OBJECTED = "objected", _("objection to sharing")


class Patient(TimestampedModel):
    """A person with cancer whose care the region shares.

    ``recorded_by`` is the organisation that registered the patient: without consent the data
    stays there. ``sharing`` is the current consent state; its history is in ``Consent``, and
    only ``do_record_consent`` changes both.
    """

    bsn = models.CharField(_("BSN"), max_length=9, unique=True, validators=[validate_bsn])
    given_name = models.CharField(_("given name"), max_length=100)
    name_prefix = models.CharField(_("voorvoegsel"), max_length=20, blank=True)
    family_name = models.CharField(_("family name"), max_length=100)
    sort_name = models.CharField(_("sort name"), max_length=220, editable=False, db_index=True)
    birth_date = models.DateField(_("date of birth"))
    gender = models.CharField(
        _("gender"), max_length=10, choices=AdministrativeGender.choices, default="unknown"
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=7, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    gp_practice = models.ForeignKey(
        Organization,
        verbose_name=_("GP practice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="patients",
    )
    general_practitioner = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("GP"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gp_patients",
    )
    deceased_on = models.DateField(_("date of death"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        Organization,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="recorded_patients",
    )
    sharing = models.CharField(
        _("sharing"), max_length=12, choices=Sharing.choices, default=Sharing.NOT_ASKED
    )

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        ordering = ["sort_name", "pk"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sort_name = dutch_sort_key(self.family_name, self.given_name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("patients:detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.name_prefix, self.family_name) if p)

    @property
    def sorted_name(self) -> str:
        rest = " ".join(p for p in (self.given_name, self.name_prefix) if p)
        return f"{self.family_name}, {rest}" if rest else self.family_name

    def age(self, on: date | None = None) -> int:
        on = on or timezone.localdate()
        years = on.year - self.birth_date.year
        return years - ((on.month, on.day) < (self.birth_date.month, self.birth_date.day))


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("verbally")
    WRITTEN = "written", _("in writing")
    FORM = "form", _("consent form")


class Consent(models.Model):
    """One decision of the patient about sharing (consent or objection): the history."""

    patient = models.ForeignKey(
        Patient, verbose_name=_("patient"), on_delete=models.CASCADE, related_name="consents"
    )
    decision = models.CharField(
        _("decision"),
        max_length=12,
        choices=[
            (Sharing.PERMITTED, Sharing.PERMITTED.label),
            (Sharing.OBJECTED, Sharing.OBJECTED.label),
        ],
    )
    method = models.CharField(_("how"), max_length=10, choices=ConsentMethod.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
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

    class Meta:
        verbose_name = _("consent decision")
        verbose_name_plural = _("consent decisions")
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.recorded_at:%Y-%m-%d})"


class RelationKind(models.TextChoices):
    """Why someone has a care relation with a patient."""

    CARE_TEAM = "care_team", _("member of the care team")
    CASE_MANAGER = "case_manager", _("network case manager")
    TREATING = "treating", _("treating specialist")
    MDO = "mdo", _("MDO participant")
    CONSULTED = "consulted", _("consulted by the GP")


class CareRelationQuerySet(models.QuerySet["CareRelation"]):
    def active(self, at: datetime | None = None) -> CareRelationQuerySet:
        at = at or timezone.now()
        return self.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=at), started_at__lte=at)


class CareRelation(TimestampedModel):
    """A treatment relation between a practitioner role and a patient, from when until when.

    The GP relation needs no row: it follows from the patient's GP practice. Pathways, MDOs
    and handovers create and end the others through ``patients.actions``.
    """

    patient = models.ForeignKey(
        Patient, verbose_name=_("patient"), on_delete=models.CASCADE, related_name="relations"
    )
    role = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("practitioner role"),
        on_delete=models.CASCADE,
        related_name="care_relations",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RelationKind.choices)
    started_at = models.DateTimeField(_("since"), default=timezone.now)
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)

    objects = CareRelationQuerySet.as_manager()

    class Meta:
        verbose_name = _("care relation")
        verbose_name_plural = _("care relations")
        ordering = ["started_at"]
        indexes = [models.Index(fields=["role", "patient"], name="patients_relation_role_idx")]

    def __str__(self) -> str:
        return f"{self.role} – {self.get_kind_display()}"


class Verdict(models.TextChoices):
    """The privacy officer's judgement of an emergency access."""

    JUSTIFIED = "justified", _("justified")
    NOT_JUSTIFIED = "not_justified", _("not justified")
    FOLLOW_UP = "follow_up", _("needs follow-up")


class EmergencyAccessQuerySet(models.QuerySet["EmergencyAccess"]):
    def active(self, at: datetime | None = None) -> EmergencyAccessQuerySet:
        return self.filter(expires_at__gt=at or timezone.now())


class EmergencyAccess(models.Model):
    """Break-the-glass: access without a care relation, for a stated reason, for a short time.

    Every use is marked in the access log; the privacy officer reviews each one.
    """

    patient = models.ForeignKey(
        Patient, verbose_name=_("patient"), on_delete=models.CASCADE, related_name="emergencies"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.ForeignKey(
        PractitionerRole, verbose_name=_("role"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verdict = models.CharField(_("verdict"), max_length=14, choices=Verdict.choices, blank=True)
    review_note = models.CharField(_("review"), max_length=500, blank=True)

    objects = EmergencyAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.user} → {self.patient_id} ({self.started_at:%Y-%m-%d %H:%M})"
