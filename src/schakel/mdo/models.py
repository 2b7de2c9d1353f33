"""Multidisciplinary team meetings (MDO): series, meetings, agendas and the GP's input."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from schakel.core.models import TimestampedModel, Weekday
from schakel.directory.models import Organization, PractitionerRole, TumourType
from schakel.pathways.models import CarePathway
from schakel.work.models import Task


class MdoSeries(TimestampedModel):
    """A recurring MDO (e.g. every Tuesday 16:00-17:30), at a hospital or regional."""

    name = models.CharField(_("name"), max_length=160)
    hospital = models.ForeignKey(
        Organization,
        verbose_name=_("hospital"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mdo_series",
        help_text=_("Empty for a regional MDO across hospitals."),
    )
    tumour_types = models.ManyToManyField(TumourType, verbose_name=_("tumour types"), blank=True)
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    chair = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("chair"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    coordinator = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("MDO coordinator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    input_lead_days = models.PositiveSmallIntegerField(
        _("GP input due (working days before)"), default=2
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("MDO series")
        verbose_name_plural = _("MDO series")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    CANCELLED = "cancelled", _("cancelled")


class MdoMeeting(TimestampedModel):
    """One MDO. Moving it moves the deadlines of the open GP input requests."""

    series = models.ForeignKey(
        MdoSeries,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    name = models.CharField(_("name"), max_length=160)
    hospital = models.ForeignKey(
        Organization,
        verbose_name=_("hospital"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scheduled_for = models.DateField(
        _("planned date"), help_text=_("The date the series planned; stays when it is moved.")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    chair = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("chair"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    coordinator = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("MDO coordinator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    input_lead_days = models.PositiveSmallIntegerField(
        _("GP input due (working days before)"), default=2
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    cancel_reason = models.CharField(_("why cancelled"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("MDO meeting")
        verbose_name_plural = _("MDO meetings")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "scheduled_for"], name="mdo_one_meeting_per_series_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.starts_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("mdo:meeting", args=[self.pk])


class AgendaItem(TimestampedModel):
    """A pathway on a meeting's agenda, with the question for the MDO and its time slot."""

    meeting = models.ForeignKey(
        MdoMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="items"
    )
    pathway = models.ForeignKey(
        CarePathway,
        verbose_name=_("care pathway"),
        on_delete=models.CASCADE,
        related_name="mdo_items",
    )
    question = models.CharField(_("question for the MDO"), max_length=500)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    slot_start = models.TimeField(_("time slot"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    input_request = models.OneToOneField(
        Task,
        verbose_name=_("GP input request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    removed_at = models.DateTimeField(_("taken off the agenda"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "pathway"],
                condition=Q(removed_at__isnull=True),
                name="mdo_pathway_once_per_agenda",
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} #{self.position}"


class PerformanceStatus(models.IntegerChoices):
    """WHO/ECOG performance status (public domain)."""

    FULLY_ACTIVE = 0, _("0 – fully active")
    RESTRICTED = 1, _("1 – restricted in strenuous activity, can do light work")
    AMBULATORY = 2, _("2 – self-care, cannot work, up more than half the day")
    LIMITED = 3, _("3 – limited self-care, in bed or chair more than half the day")
    DISABLED = 4, _("4 – completely disabled, no self-care")


class AdvanceCarePlanning(models.TextChoices):
    NOT_DISCUSSED = "not_discussed", _("not discussed")
    IN_PROGRESS = "in_progress", _("discussed, not recorded")
    RECORDED = "recorded", _("wishes recorded (wilsverklaring)")


class SurpriseAnswer(models.TextChoices):
    YES = "yes", _("yes, I would be surprised")
    NO = "no", _("no, I would not be surprised")
    UNKNOWN = "unknown", _("don't know")


class GpInput(TimestampedModel):
    """What the GP knows that the MDO should weigh: frailty, life, wishes. Short by design.

    Given for an agenda item (on request or not), or for a pathway without a meeting yet.
    "Nothing to add" is an answer too. Changing it makes a new version (``supersedes`` the
    earlier one, which is kept); once the MDO's advice is recorded, it is closed.
    """

    pathway = models.ForeignKey(
        CarePathway,
        verbose_name=_("care pathway"),
        on_delete=models.CASCADE,
        related_name="gp_inputs",
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inputs",
    )
    nothing_to_add = models.BooleanField(_("nothing to add"), default=False)
    performance_status = models.PositiveSmallIntegerField(
        _("performance status (WHO/ECOG), the GP's estimate"),
        choices=PerformanceStatus.choices,
        null=True,
        blank=True,
    )
    # Scores of questionnaires done at the practice. (Filled in through Schakel's questionnaires,
    # their latest scores show beside this form.)
    g8_score = models.PositiveSmallIntegerField(
        _("G8 score, if done (0–17; 14 or less: frail)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(17)],
    )
    gfi_score = models.PositiveSmallIntegerField(
        _("GFI score, if done (0–15; 4 or more: frail)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(15)],
    )
    quality_of_life = models.TextField(_("quality of life"), max_length=1000, blank=True)
    patient_wishes = models.TextField(
        _("what the patient wants: goals, what matters most"), max_length=1000, blank=True
    )
    treatment_limits = models.CharField(_("treatment limits"), max_length=500, blank=True)
    advance_care_planning = models.CharField(
        _("advance care planning"),
        max_length=16,
        choices=AdvanceCarePlanning.choices,
        blank=True,
    )
    comorbidity = models.TextField(
        _("relevant comorbidity and medication"), max_length=1000, blank=True
    )
    social_situation = models.TextField(
        _("social situation and informal carer"), max_length=1000, blank=True
    )
    surprise_question = models.CharField(
        _("would you be surprised if this patient died in the next 12 months?"),
        max_length=8,
        choices=SurpriseAnswer.choices,
        blank=True,
    )
    other = models.TextField(_("anything else"), max_length=1000, blank=True)
    wants_to_join = models.BooleanField(_("I want to join the discussion"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_by_role = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("in the role of"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    late = models.BooleanField(_("after the deadline"), default=False)
    # A change is a new version; the earlier one stays, readable, for the chair and the record.
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("GP input")
        verbose_name_plural = _("GP inputs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"GP input {self.pk}"


class InputBy(models.TextChoices):
    GP = "gp", _("the patient's GP")
    POH = "poh", _("the practice nurse oncology (POH)")


class PracticeMdoPreference(models.Model):
    """Whom a GP practice wants MDO input requests to go to."""

    practice = models.OneToOneField(
        Organization,
        verbose_name=_("GP practice"),
        on_delete=models.CASCADE,
        related_name="mdo_preference",
    )
    input_by = models.CharField(
        _("input requests go to"), max_length=4, choices=InputBy.choices, default=InputBy.GP
    )

    class Meta:
        verbose_name = _("practice MDO preference")
        verbose_name_plural = _("practice MDO preferences")

    def __str__(self) -> str:
        return f"{self.practice}: {self.get_input_by_display()}"


class TreatmentIntent(models.TextChoices):
    CURATIVE = "curative", _("curative")
    PALLIATIVE = "palliative", _("palliative")
    WAIT_AND_SEE = "wait_and_see", _("wait and see")
    NO_TREATMENT = "no_treatment", _("no treatment")


class MdoOutcome(TimestampedModel):
    """The MDO's advice for one case. Recording it asks the GP to read and acknowledge it."""

    agenda_item = models.OneToOneField(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        related_name="outcome",
    )
    advice = models.TextField(_("advice and conclusion"), max_length=2000)
    intent = models.CharField(_("treatment intent"), max_length=14, choices=TreatmentIntent.choices)
    plan = models.TextField(_("proposed plan"), max_length=2000, blank=True)
    gp_request = models.TextField(_("what the GP is asked to do"), max_length=1000, blank=True)
    responsible_specialist = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("responsible specialist"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    informs_patient = models.CharField(_("who informs the patient"), max_length=160)
    informs_patient_on = models.DateField(_("informs the patient on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledgement = models.OneToOneField(
        Task,
        verbose_name=_("GP acknowledgement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged by the GP at"), null=True, blank=True)

    class Meta:
        verbose_name = _("MDO outcome")
        verbose_name_plural = _("MDO outcomes")

    def __str__(self) -> str:
        return f"{self.get_intent_display()}: {self.advice[:40]}"


class CalendarFeed(models.Model):
    """A user's personal iCalendar feed: a secret address, reset when it leaks.

    The feed never names a patient; it lists meetings and the slots a GP joins.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="mdo_calendar",
    )
    token = models.CharField(_("secret"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"calendar of {self.user_id}"
