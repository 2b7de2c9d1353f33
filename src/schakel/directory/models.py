"""The directory: organisations, people in their functions, desks, tumour types and topics.

It answers "whom do I contact, for what, in this hospital" (see ``directory.finder``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from schakel.core.identifiers import validate_agb, validate_big, validate_ura, validate_uzi
from schakel.core.models import TimestampedModel


class BilingualNameMixin(models.Model):
    """Reference data with a Dutch name and an English one, shown in the user's language."""

    name = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)

    class Meta:
        abstract = True

    @property
    def label(self) -> str:
        if self.name_en and (get_language() or "nl").startswith("en"):
            return self.name_en
        return self.name


class Region(TimestampedModel):
    """A region whose GPs and hospitals work together (e.g. an oncology network)."""

    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TumourType(BilingualNameMixin):
    """A tumour group as Dutch oncology networks organise care (e.g. borstkanker)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    icd10 = models.CharField(
        _("ICD-10 codes"), max_length=120, blank=True, help_text=_("e.g. C50, D05")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("tumour type")
        verbose_name_plural = _("tumour types")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.label


class ContactTopic(BilingualNameMixin):
    """What a GP wants to contact the hospital about (e.g. side effects during treatment)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("contact topic")
        verbose_name_plural = _("contact topics")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.label


class OrganizationKind(models.TextChoices):
    HOSPITAL = "hospital", _("hospital")
    GP_PRACTICE = "gp_practice", _("GP practice")
    GP_COOPERATIVE = "gp_cooperative", _("GP cooperative (out-of-hours)")
    CARE_GROUP = "care_group", _("care group")
    NETWORK = "network", _("network")


class VerifiedEntry(TimestampedModel):
    """A directory entry that the coordinator checks now and then; stale ones are flagged."""

    last_verified_at = models.DateTimeField(_("last verified"), null=True, blank=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    def is_stale(self, now: datetime | None = None) -> bool:
        """Not verified within the configured period (six months by default)."""
        now = now or timezone.now()
        if self.last_verified_at is None:
            return True
        age = now - self.last_verified_at
        return age.days > settings.SCHAKEL_DIRECTORY_STALE_DAYS


class Organization(VerifiedEntry):
    """A hospital, GP practice, GP cooperative, care group or the network itself."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="organizations"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    agb = models.CharField(_("AGB code"), max_length=8, blank=True, validators=[validate_agb])
    ura = models.CharField(_("URA number"), max_length=8, blank=True, validators=[validate_ura])
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=7, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agb"], condition=~Q(agb=""), name="directory_org_agb_unique"
            ),
            models.UniqueConstraint(
                fields=["ura"], condition=~Q(ura=""), name="directory_org_ura_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:organization", args=[self.pk])


def dutch_sort_key(family_name: str, given_name: str) -> str:
    """Sort the Dutch way: on the family name without its voorvoegsel ("Berg, van den")."""
    return f"{family_name} {given_name}".casefold()


class Practitioner(TimestampedModel):
    """A person who provides care. Names follow Dutch practice.

    The voorvoegsel ("van der") is stored apart: the name is shown as "Jan van der Berg" and
    sorted under B, as "Berg, Jan van der".
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practitioner",
    )
    given_name = models.CharField(_("given name"), max_length=100)
    name_prefix = models.CharField(
        _("voorvoegsel"), max_length=20, blank=True, help_text=_('e.g. "van der"')
    )
    family_name = models.CharField(_("family name"), max_length=100)
    sort_name = models.CharField(_("sort name"), max_length=220, editable=False, db_index=True)
    big = models.CharField(_("BIG number"), max_length=11, blank=True, validators=[validate_big])
    agb = models.CharField(_("AGB code"), max_length=8, blank=True, validators=[validate_agb])
    uzi = models.CharField(_("UZI number"), max_length=9, blank=True, validators=[validate_uzi])

    class Meta:
        verbose_name = _("practitioner")
        verbose_name_plural = _("practitioners")
        ordering = ["sort_name"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sort_name = dutch_sort_key(self.family_name, self.given_name)
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        """As written in a letter: "Jan van der Berg"."""
        return " ".join(p for p in (self.given_name, self.name_prefix, self.family_name) if p)

    @property
    def sorted_name(self) -> str:
        """As in a list sorted on family name: "Berg, Jan van der"."""
        rest = " ".join(p for p in (self.given_name, self.name_prefix) if p)
        return f"{self.family_name}, {rest}" if rest else self.family_name


class Function(models.TextChoices):
    """What a person does at an organisation."""

    GP = "gp", _("general practitioner")
    POH_ONCOLOGY = "poh_oncology", _("practice nurse oncology (POH)")
    MEDICAL_ONCOLOGIST = "medical_oncologist", _("medical oncologist")
    SURGEON = "surgeon", _("surgeon")
    RADIOTHERAPIST = "radiotherapist", _("radiation oncologist")
    PULMONOLOGIST = "pulmonologist", _("pulmonologist")
    GASTROENTEROLOGIST = "gastroenterologist", _("gastroenterologist")
    UROLOGIST = "urologist", _("urologist")
    GYNAECOLOGIST = "gynaecologist", _("gynaecologist")
    HAEMATOLOGIST = "haematologist", _("haematologist")
    ONCOLOGY_NURSE = "oncology_nurse", _("oncology nurse")
    NURSE_SPECIALIST = "nurse_specialist", _("nurse specialist (verpleegkundig specialist)")
    CASE_MANAGER = "case_manager", _("network case manager")
    MDO_COORDINATOR = "mdo_coordinator", _("MDO coordinator")
    SECRETARY = "secretary", _("secretary")
    PALLIATIVE_CONSULTANT = "palliative_consultant", _("palliative care consultant")
    NETWORK_COORDINATOR = "network_coordinator", _("network coordinator")
    PRIVACY_OFFICER = "privacy_officer", _("privacy officer")


# The medical specialists: who can be the responsible specialist of a case.
MEDICAL_SPECIALISTS = (
    Function.MEDICAL_ONCOLOGIST,
    Function.SURGEON,
    Function.RADIOTHERAPIST,
    Function.PULMONOLOGIST,
    Function.GASTROENTEROLOGIST,
    Function.UROLOGIST,
    Function.GYNAECOLOGIST,
    Function.HAEMATOLOGIST,
)


class PractitionerRoleQuerySet(models.QuerySet["PractitionerRole"]):
    def active(self) -> PractitionerRoleQuerySet:
        return self.filter(is_active=True, organization__is_active=True)


class PractitionerRole(VerifiedEntry):
    """A person in a function at an organisation, with the tumour types and topics they cover.

    A user acts through their roles: the role decides what they may see and do.
    """

    practitioner = models.ForeignKey(
        Practitioner, verbose_name=_("person"), on_delete=models.CASCADE, related_name="roles"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="roles"
    )
    function = models.CharField(_("function"), max_length=30, choices=Function.choices)
    title = models.CharField(
        _("title"),
        max_length=120,
        blank=True,
        help_text=_('How the function is called locally, e.g. "mammacareverpleegkundige".'),
    )
    tumour_types = models.ManyToManyField(
        TumourType, verbose_name=_("tumour types"), blank=True, related_name="roles"
    )
    topics = models.ManyToManyField(
        ContactTopic, verbose_name=_("topics"), blank=True, related_name="roles"
    )
    phone = models.CharField(_("direct phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    hours = models.CharField(_("reachable"), max_length=120, blank=True)
    secure_messaging = models.BooleanField(_("secure messaging"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    # Away (holiday, leave): new questions to this person go to their team until this day.
    away_until = models.DateField(_("away until"), null=True, blank=True)
    away_note = models.CharField(_("about the absence"), max_length=200, blank=True)

    objects = PractitionerRoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("practitioner role")
        verbose_name_plural = _("practitioner roles")
        ordering = ["practitioner__sort_name"]

    def __str__(self) -> str:
        return f"{self.practitioner} – {self.function_label} – {self.organization}"

    @property
    def function_label(self) -> str:
        return self.title or str(self.get_function_display())

    def is_away(self, on: date | None = None) -> bool:
        """Away today (or on ``on``): the absence runs until and including ``away_until``."""
        return self.away_until is not None and self.away_until >= (on or timezone.localdate())


class ContactPoint(VerifiedEntry):
    """A desk or function reachable without a named person ("oncologische dagbehandeling").

    Without tumour types it is a general oncology contact of its organisation.
    """

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="contact_points",
    )
    name = models.CharField(_("name"), max_length=160)
    description = models.CharField(_("description"), max_length=300, blank=True)
    tumour_types = models.ManyToManyField(
        TumourType, verbose_name=_("tumour types"), blank=True, related_name="contact_points"
    )
    topics = models.ManyToManyField(
        ContactTopic, verbose_name=_("topics"), blank=True, related_name="contact_points"
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    hours = models.CharField(_("reachable"), max_length=120, blank=True)
    always_available = models.BooleanField(_("24/7"), default=False)
    secure_messaging = models.BooleanField(_("secure messaging"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} – {self.organization}"


class ReportReason(models.TextChoices):
    OUTDATED = "outdated", _("outdated or incorrect")
    WRONG_PHONE = "wrong_phone", _("phone number does not work")
    LEFT = "left", _("person no longer works here")
    WRONG_TOPIC = "wrong_topic", _("not the right contact for this")


class ContactReport(TimestampedModel):
    """A user's report that a directory entry is wrong or outdated; the coordinator handles it."""

    role = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("practitioner role"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
    )
    contact_point = models.ForeignKey(
        ContactPoint,
        verbose_name=_("contact point"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution = models.CharField(_("how it was handled"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("report on a directory entry")
        verbose_name_plural = _("reports on directory entries")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__isnull=False, contact_point__isnull=True)
                    | Q(role__isnull=True, contact_point__isnull=False)
                ),
                name="directory_report_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.entry}"

    @property
    def entry(self) -> PractitionerRole | ContactPoint:
        target = self.role or self.contact_point
        assert target is not None  # guaranteed by the check constraint  # noqa: S101
        return target
