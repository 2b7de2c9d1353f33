"""Handovers between hospital and GP (and between hospitals), and the aftercare plan.

A handover follows the FHIR Task status codes that Nictiz eOverdracht uses: requested (sent)
→ received (opened by the receiving side) → accepted, or rejected with a reason (the sender is
aan zet again and may send it again) → completed. Every moment is stored, so that the
dashboard can compute "end of treatment → accepted handover" without reading the history.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from schakel.core.models import AttachedFile, TimestampedModel, Weekday
from schakel.directory.models import ContactPoint, Organization, PractitionerRole, TumourType
from schakel.pathways.models import CarePathway
from schakel.proms.models import PromSchedule
from schakel.work.models import Task


class Direction(models.TextChoices):
    TO_GP = "to_gp", _("hospital to GP")
    TO_HOSPITAL = "to_hospital", _("GP to hospital")
    TRANSFER = "transfer", _("hospital to hospital")


class Reason(models.TextChoices):
    END_OF_TREATMENT = "end_of_treatment", _("end of treatment: aftercare by the GP")
    RE_REFERRAL = "re_referral", _("re-referral")
    RECURRENCE = "recurrence", _("suspected recurrence")
    REASSESS = "reassess", _("request to re-assess")
    TRANSFER = "transfer", _("transfer of treatment")


# Which reasons fit which direction.
REASONS: dict[str, tuple[Reason, ...]] = {
    Direction.TO_GP: (Reason.END_OF_TREATMENT,),
    Direction.TO_HOSPITAL: (Reason.RE_REFERRAL, Reason.RECURRENCE, Reason.REASSESS),
    Direction.TRANSFER: (Reason.TRANSFER,),
}


class HandoverStatus(models.TextChoices):
    """FHIR Task.status, as eOverdracht uses it."""

    REQUESTED = "requested", _("sent")
    RECEIVED = "received", _("opened")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("withdrawn")


OPEN_STATUSES = (HandoverStatus.REQUESTED, HandoverStatus.RECEIVED)


class Handover(TimestampedModel):
    """One handover of a patient's care from one organisation (and person) to another."""

    pathway = models.ForeignKey(
        CarePathway,
        verbose_name=_("care pathway"),
        on_delete=models.PROTECT,
        related_name="handovers",
    )
    direction = models.CharField(_("direction"), max_length=12, choices=Direction.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    sender_organization = models.ForeignKey(
        Organization, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    sender_role = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("sent by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    receiver_organization = models.ForeignKey(
        Organization, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    receiver_role = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("to (person)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: the organisation's team receives it."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=HandoverStatus.choices, db_index=True
    )
    letter = models.TextField(_("summary letter"))
    rejection_reason = models.TextField(_("reason for rejecting"), blank=True)
    times_sent = models.PositiveSmallIntegerField(_("times sent"), default=1)
    # The moments, each kept once set (the dashboard's "end of treatment → accepted").
    sent_at = models.DateTimeField(_("sent at"))
    received_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # Whose move it is now: the receiver's "accept" task, or the sender's after a rejection.
    task = models.ForeignKey(
        Task,
        verbose_name=_("current task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["status", "sent_at"], name="handovers_status_sent_idx")]

    def __str__(self) -> str:
        route = f"{self.sender_organization} → {self.receiver_organization}"
        return f"{self.get_reason_display()}: {route}"

    def get_absolute_url(self) -> str:
        return reverse("handovers:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def has_plan(self) -> bool:
        return self.direction == Direction.TO_GP


class HandoverStep(models.Model):
    """The handover's history: each status it went through, when, by whom, with a note."""

    handover = models.ForeignKey(
        Handover, verbose_name=_("handover"), on_delete=models.CASCADE, related_name="steps"
    )
    status = models.CharField(_("status"), max_length=10, choices=HandoverStatus.choices)
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    by_role = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("in the role of"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("handover step")
        verbose_name_plural = _("handover steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.at:%Y-%m-%d %H:%M}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    # Never the uploaded name on disk (it may hold the patient's name); the name is a field.
    return f"handovers/{instance.handover_id}/{instance.stored_name}"


class Attachment(AttachedFile):
    """A PDF or image with a handover, stored through Django's storage, served only through
    the access helper (and logged)."""

    handover = models.ForeignKey(
        Handover, verbose_name=_("handover"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)

    class Meta(AttachedFile.Meta):
        pass

    def get_absolute_url(self) -> str:
        return reverse("handovers:attachment", args=[self.pk])


class LateEffect(models.TextChoices):
    """Late effects to watch, after "Herstel na kanker" and the ASCO survivorship care plan."""

    FATIGUE = "fatigue", _("fatigue")
    EMOTIONAL = "emotional", _("emotional: fear of recurrence, low mood")
    COGNITIVE = "cognitive", _("concentration and memory")
    PAIN = "pain", _("pain and neuropathy")
    SEXUAL = "sexual", _("sexuality and intimacy")
    FERTILITY = "fertility", _("fertility")
    CARDIAC = "cardiac", _("heart and blood vessels")
    LYMPHOEDEMA = "lymphoedema", _("lymphoedema")
    WORK = "work", _("work and money")


class FollowUpBy(models.TextChoices):
    HOSPITAL = "hospital", _("hospital")
    GP = "gp", _("GP practice")
    SHARED = "shared", _("together")


class AftercarePlan(models.Model):
    """The aftercare plan (nazorgplan, FHIR CarePlan) that goes with a handover to the GP.
    Its content is in versions: a change after acceptance is a new version."""

    handover = models.OneToOneField(
        Handover,
        verbose_name=_("handover"),
        on_delete=models.CASCADE,
        related_name="plan",
    )

    class Meta:
        verbose_name = _("aftercare plan")
        verbose_name_plural = _("aftercare plans")

    def __str__(self) -> str:
        return str(_("aftercare plan"))

    @property
    def current(self) -> AftercarePlanVersion:
        return self.versions.order_by("-number").first()  # type: ignore[return-value]


class AftercarePlanVersion(models.Model):
    """One version of the plan: what the patient had, who follows up what and when, what to
    watch for, and when to come back."""

    plan = models.ForeignKey(
        AftercarePlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    diagnosis = models.CharField(_("diagnosis"), max_length=200)
    stage = models.CharField(_("stage"), max_length=60, blank=True)
    treatment_summary = models.TextField(
        _("treatments with dates"), help_text=_("Filled in from the timeline; correct it here.")
    )
    late_effects = models.JSONField(_("late effects to watch"), default=list, blank=True)
    late_effects_notes = models.TextField(_("about the late effects"), blank=True)
    alarm_symptoms = models.TextField(_("alarm symptoms: come back when"))
    alarm_contact = models.ForeignKey(
        ContactPoint,
        verbose_name=_("with alarm symptoms, contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lifestyle = models.TextField(_("lifestyle advice"), blank=True)
    hospital_contact = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("hospital contact for questions"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    questionnaire_schedule = models.ForeignKey(
        PromSchedule,
        verbose_name=_("aftercare questionnaires"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_date = models.DateField(_("review the plan on"))

    class Meta:
        verbose_name = _("aftercare plan version")
        verbose_name_plural = _("aftercare plan versions")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="handovers_one_plan_number")
        ]

    def __str__(self) -> str:
        return f"{_('aftercare plan')} v{self.number}"

    def late_effect_labels(self) -> list[Any]:
        return [LateEffect(code).label for code in self.late_effects if code in LateEffect.values]


class AftercareCheck(models.Model):
    """A planned follow-up check of a plan version: what, by whom, when. A check for the GP
    becomes a task at its date once the GP has accepted the plan."""

    version = models.ForeignKey(
        AftercarePlanVersion,
        verbose_name=_("plan version"),
        on_delete=models.CASCADE,
        related_name="checks",
    )
    what = models.CharField(_("what"), max_length=200)
    by = models.CharField(_("by"), max_length=10, choices=FollowUpBy.choices)
    due_on = models.DateField(_("when"))
    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("aftercare check")
        verbose_name_plural = _("aftercare checks")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.due_on}: {self.what}"


# --- Contact moments between the network case manager and the GP or POH ---------------------


class MomentPoint(models.TextChoices):
    """Where in a pathway a contact moment between case manager and GP/POH falls."""

    AFTER_DIAGNOSIS = "after_diagnosis", _("after the diagnosis")
    AFTER_MDO = "after_mdo", _("after the MDO")
    END_OF_TREATMENT = "end_of_treatment", _("at the end of treatment")
    OTHER = "other", _("another moment")


class ContactMomentSetting(models.Model):
    """The region's choice: at which points of every pathway a contact moment is planned, and
    within how many working days. Set by the network coordinator."""

    point = models.CharField(
        _("point in the pathway"),
        max_length=20,
        unique=True,
        choices=[(p.value, p.label) for p in MomentPoint if p != MomentPoint.OTHER],
    )
    is_active = models.BooleanField(_("planned for every pathway"), default=True)
    working_days = models.PositiveSmallIntegerField(_("within working days"), default=5)

    class Meta:
        verbose_name = _("contact moment setting")
        verbose_name_plural = _("contact moment settings")
        ordering = ["point"]

    def __str__(self) -> str:
        return str(self.get_point_display())


class ContactMomentStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("held")
    CANCELLED = "cancelled", _("cancelled")


class ContactMoment(TimestampedModel):
    """A contact moment on a pathway: the case manager is aan zet to hold it with the GP or
    POH; its outcome (what was agreed, who does what next) goes on the timeline and makes the
    next step someone's task."""

    pathway = models.ForeignKey(
        CarePathway,
        verbose_name=_("care pathway"),
        on_delete=models.PROTECT,
        related_name="contact_moments",
    )
    point = models.CharField(_("point in the pathway"), max_length=20, choices=MomentPoint.choices)
    planned_for = models.DateField(_("planned for"))
    case_manager = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("case manager"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    participant = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("with"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ContactMomentStatus.choices,
        default=ContactMomentStatus.PLANNED,
    )
    task = models.ForeignKey(
        Task, verbose_name=_("task"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreed = models.TextField(_("what was agreed"), blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_owner = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("next step by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    next_task = models.ForeignKey(
        Task, verbose_name=_("next task"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact moment")
        verbose_name_plural = _("contact moments")
        ordering = ["planned_for", "pk"]
        constraints = [
            # One planned moment per point on a pathway: an event recorded twice plans once.
            models.UniqueConstraint(
                fields=["pathway", "point"],
                condition=models.Q(status="planned") & ~models.Q(point="other"),
                name="handovers_one_planned_moment_per_point",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_point_display()} ({self.planned_for})"

    def get_absolute_url(self) -> str:
        return reverse("handovers:contact_moment", args=[self.pk])


class ConsultationMode(models.TextChoices):
    TELEPHONE = "telephone", _("by telephone")
    VIDEO = "video", _("video call")
    MEETING = "meeting", _("meeting")


class Recurrence(models.TextChoices):
    WEEKLY = "weekly", _("every week")
    FORTNIGHTLY = "fortnightly", _("every two weeks")
    MONTHLY = "monthly", _("once a month")


class ConsultationSeries(TimestampedModel):
    """Consultation moments a hospital team offers the region's GPs, again and again: a
    telephone hour every Tuesday 12:30-13:00, or a monthly regional meeting. GPs book a slot
    with a short question; the host (an oncologist, say) is aan zet to answer it then."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("hospital"),
        on_delete=models.PROTECT,
        related_name="consultation_series",
    )
    tumour_type = models.ForeignKey(
        TumourType,
        verbose_name=_("tumour type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: for questions about every kind of cancer."),
    )
    title = models.CharField(_("title"), max_length=120)
    host = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("held by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    mode = models.CharField(_("how"), max_length=10, choices=ConsultationMode.choices)
    how_to_join = models.CharField(
        _("how to join"),
        max_length=200,
        blank=True,
        help_text=_("The number to call, the video link or the address."),
    )
    recurrence = models.CharField(_("how often"), max_length=12, choices=Recurrence.choices)
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("minutes per question"),
        default=10,
        help_text=_("0: one booking list for the whole moment (a meeting)."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("bookings per slot"), default=1, validators=[MinValueValidator(1)]
    )
    first_date = models.DateField(_("from date"))
    is_active = models.BooleanField(_("offered"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consultation series")
        verbose_name_plural = _("consultation series")
        ordering = ["organization__name", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="handovers_consultation_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:series", args=[self.pk])


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    CANCELLED = "cancelled", _("cancelled")


class ConsultationSession(TimestampedModel):
    """One occurrence of a consultation series, with its slots; cancelling it tells everyone
    who booked."""

    series = models.ForeignKey(
        ConsultationSeries,
        verbose_name=_("consultation series"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    cancel_reason = models.CharField(_("why it does not take place"), max_length=300, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consultation moment")
        verbose_name_plural = _("consultation moments")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "starts_at"], name="handovers_one_session_per_start"
            )
        ]
        indexes = [models.Index(fields=["starts_at"], name="handovers_session_start_idx")]

    def __str__(self) -> str:
        return f"{self.series} {self.starts_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("consultations:session", args=[self.pk])

    @property
    def is_planned(self) -> bool:
        return self.status == SessionStatus.PLANNED


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("booked")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


class ConsultationBooking(TimestampedModel):
    """A GP's slot in a consultation moment, with the question, optionally about a patient
    (through the pathway): the host is aan zet to answer it, and records the outcome, which
    goes on the pathway's timeline."""

    session = models.ForeignKey(
        ConsultationSession,
        verbose_name=_("consultation moment"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    slot_start = models.DateTimeField(_("time"))
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    booked_role = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("booked as"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    pathway = models.ForeignKey(
        CarePathway,
        verbose_name=_("about the patient"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultation_bookings",
    )
    question = models.TextField(_("your question"), max_length=600)
    status = models.CharField(
        _("status"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    task = models.ForeignKey(
        Task, verbose_name=_("task"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    relation = models.ForeignKey(
        "patients.CareRelation",
        verbose_name=_("care relation"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("outcome recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("why it was cancelled"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("consultation booking")
        verbose_name_plural = _("consultation bookings")
        ordering = ["slot_start", "pk"]
        indexes = [
            models.Index(fields=["booked_by", "slot_start"], name="handovers_booking_user_idx")
        ]

    def __str__(self) -> str:
        return f"{self.session} – {self.slot_start:%H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("consultations:booking", args=[self.pk])

    @property
    def patient(self) -> Any:
        """The patient the question is about (for the work layer: a task's patient)."""
        return self.pathway.patient if self.pathway is not None else None
