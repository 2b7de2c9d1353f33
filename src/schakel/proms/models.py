"""Questionnaires (PROMs and frailty screenings): instruments, invitations, responses, scores."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from schakel.core.models import TimestampedModel
from schakel.directory.models import PractitionerRole
from schakel.pathways.models import CarePathway, Phase
from schakel.proms.scoring import rule_label
from schakel.work.models import Task


class Licence(models.TextChoices):
    FREE = "free", _("free to use")
    ATTRIBUTION = "attribution", _("free, with the source named")
    LICENSED = "licensed", _("licensed: items not shipped")
    OUTSIDE = "outside", _("imported by the operator")


class Respondent(models.TextChoices):
    PATIENT = "patient", _("the patient")
    PROFESSIONAL = "professional", _("a professional")


class InstrumentQuerySet(models.QuerySet["Instrument"]):
    def with_versions(self) -> InstrumentQuerySet:
        """For lists: the versions without their (large) definitions, for ``current``."""
        light = QuestionnaireVersion.objects.defer("definition")
        return self.prefetch_related(models.Prefetch("versions", queryset=light))


class Instrument(TimestampedModel):
    """A questionnaire in the catalogue. Scoring binds to it by ``code``.

    A licensed instrument is listed before its Questionnaire is imported; until then it has no
    version and cannot be used ("licence required").
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=160)
    licence = models.CharField(_("licence"), max_length=12, choices=Licence.choices)
    source = models.TextField(_("source"), blank=True)
    respondent = models.CharField(
        _("filled in by"), max_length=12, choices=Respondent.choices, default=Respondent.PATIENT
    )

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def current(self) -> QuestionnaireVersion | None:
        """The newest loaded version, or None (a licence is still required). Uses prefetched
        ``versions`` when a list page prefetched them, so it adds no query per instrument."""
        if "versions" in getattr(self, "_prefetched_objects_cache", {}):
            versions = list(self.versions.all())
            return max(versions, key=lambda v: v.loaded_at) if versions else None
        return self.versions.order_by("-loaded_at").first()


class QuestionnaireVersion(models.Model):
    """One version of an instrument's FHIR Questionnaire. Responses keep the version they
    answered, so a new version never changes what an old answer meant."""

    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    version = models.CharField(_("version"), max_length=40)
    definition = models.JSONField(_("FHIR Questionnaire"))
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("loaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        ordering = ["instrument", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "version"], name="proms_one_version")
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.version}"


class Direction(models.TextChoices):
    AT_MOST = "at_most", _("at most")
    AT_LEAST = "at_least", _("at least")


class Cutoff(models.Model):
    """When a score asks for action (e.g. G8 at most 14). Cut-offs differ between sources, so
    they are set per region; each score records the cut-off it was judged by."""

    instrument = models.OneToOneField(
        Instrument, verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="cutoff"
    )
    direction = models.CharField(
        _("flag when the score is"), max_length=8, choices=Direction.choices
    )
    value = models.DecimalField(_("value"), max_digits=7, decimal_places=2)
    source = models.CharField(_("source of the cut-off"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("cut-off")
        verbose_name_plural = _("cut-offs")

    def __str__(self) -> str:
        sign = "≤" if self.direction == Direction.AT_MOST else "≥"
        return f"{self.instrument.code} {sign} {self.value.normalize()}"

    def label(self) -> str:
        return str(self).split(" ", 1)[1]


class Channel(models.TextChoices):
    EMAIL = "email", _("by e-mail")
    LETTER = "letter", _("printed letter")


class Invitation(TimestampedModel):
    """A personal link for the patient. Only a hash of its token is kept: the link itself
    exists in the e-mail or letter only. It expires, and works once."""

    pathway = models.ForeignKey(
        CarePathway,
        verbose_name=_("care pathway"),
        on_delete=models.CASCADE,
        related_name="prom_invitations",
    )
    version = models.ForeignKey(
        QuestionnaireVersion,
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    # A printed letter also carries a short code to type at a short address; keyed hash only.
    code_hash = models.CharField(_("letter code hash"), max_length=64, blank=True)
    expires_at = models.DateTimeField(_("valid until"))
    channel = models.CharField(_("sent"), max_length=8, choices=Channel.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by_role = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("in the role of"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    follows = models.ForeignKey(
        "PathwaySchedule",
        verbose_name=_("sent for schedule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
    )
    moment = models.ForeignKey(
        "ScheduleMoment",
        verbose_name=_("schedule moment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Which occurrence of the moment (an event, an agenda item, a period): one invitation each.
    occurrence = models.CharField(_("occurrence"), max_length=40, blank=True)
    partial_answers = models.JSONField(_("answers so far"), default=dict, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("filled in at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "moment", "occurrence"],
                condition=models.Q(moment__isnull=False),
                name="proms_one_invitation_per_occurrence",
            ),
            models.UniqueConstraint(
                fields=["code_hash"],
                condition=~models.Q(code_hash=""),
                name="proms_letter_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} → {self.pathway_id}"

    def usable(self, now: datetime | None = None) -> bool:
        return self.submitted_at is None and self.expires_at > (now or timezone.now())


class Response(models.Model):
    """Answers to one questionnaire version, by the patient or by a professional for them."""

    pathway = models.ForeignKey(
        CarePathway,
        verbose_name=_("care pathway"),
        on_delete=models.CASCADE,
        related_name="prom_responses",
    )
    version = models.ForeignKey(
        QuestionnaireVersion,
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    answers = models.JSONField(_("answers"))
    invitation = models.OneToOneField(
        Invitation,
        verbose_name=_("invitation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="response",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filled in by (professional)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the patient, through their personal link."),
    )
    entered_by_role = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("in the role of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("filled in at"), default=timezone.now)

    class Meta:
        verbose_name = _("questionnaire response")
        verbose_name_plural = _("questionnaire responses")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["pathway", "submitted_at"], name="proms_response_pathway_idx")
        ]

    def __str__(self) -> str:
        return f"{self.version} ({self.submitted_at:%Y-%m-%d})"

    @property
    def by_patient(self) -> bool:
        return self.entered_by_id is None


class Score(models.Model):
    """The computed score of a response, with the rule version and the cut-off that judged it.

    ``value`` is empty when the rules could not compute one (``missing`` says which answers).
    """

    response = models.OneToOneField(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="score"
    )
    instrument = models.ForeignKey(
        Instrument, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(_("score"), max_digits=8, decimal_places=3, null=True, blank=True)
    subscales = models.JSONField(_("subscales"), default=dict, blank=True)
    missing = models.JSONField(_("missing answers"), default=list, blank=True)
    flags = models.JSONField(_("reasons to act"), default=list, blank=True)
    details = models.JSONField(_("details"), default=list, blank=True)
    profile = models.CharField(_("profile"), max_length=20, blank=True)
    rule_version = models.CharField(_("scoring rule"), max_length=60)
    cutoff = models.CharField(_("cut-off used"), max_length=40, blank=True)
    crossed = models.BooleanField(_("past the cut-off"), default=False)
    flagged = models.BooleanField(_("asks for action"), default=False)
    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self) -> str:
        return f"{self.instrument.code}: {self.value}"

    @property
    def rule_label(self) -> str:
        """The scoring rule as professionals know it (its source), not its stored code."""
        return rule_label(self.rule_version)


class LinkMiss(models.Model):
    """A request for a link that does not work, kept briefly to slow down guessing."""

    client = models.CharField(_("client (hashed)"), max_length=64, db_index=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("failed link attempt")
        verbose_name_plural = _("failed link attempts")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"


class MomentKind(models.TextChoices):
    DIAGNOSIS = "diagnosis", _("at diagnosis")
    BEFORE_MDO = "before_mdo", _("before the MDO")
    TREATMENT_END = "treatment_end", _("at the end of treatment")
    PERIODIC = "periodic", _("regularly during a phase")


class PromSchedule(models.Model):
    """A regional schedule of questionnaires a pathway can follow (e.g. frailty at diagnosis,
    before the MDO, at the end of treatment and every three months in aftercare)."""

    name = models.CharField(_("name"), max_length=160, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("questionnaire schedule")
        verbose_name_plural = _("questionnaire schedules")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ScheduleMoment(models.Model):
    """One moment of a schedule: which questionnaire, and when."""

    schedule = models.ForeignKey(
        PromSchedule, verbose_name=_("schedule"), on_delete=models.CASCADE, related_name="moments"
    )
    instrument = models.ForeignKey(
        Instrument, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("when"), max_length=16, choices=MomentKind.choices)
    phase = models.CharField(
        _("phase"),
        max_length=12,
        choices=Phase.choices,
        blank=True,
        help_text=_("For a regular moment: during which phase."),
    )
    interval_days = models.PositiveSmallIntegerField(
        _("interval in days"),
        null=True,
        blank=True,
        help_text=_("For a regular moment: how many days between two questionnaires."),
    )

    class Meta:
        verbose_name = _("schedule moment")
        verbose_name_plural = _("schedule moments")
        ordering = ["schedule", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="periodic")
                | (models.Q(interval_days__gt=0) & ~models.Q(phase="")),
                name="proms_periodic_moment_has_interval_and_phase",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument.code} {self.get_kind_display()}"

    @property
    def when(self) -> str:
        """When, in words: "at diagnosis", "every 90 days in the phase treatment"."""
        if self.kind != MomentKind.PERIODIC or not self.interval_days:
            return str(self.get_kind_display())
        days = self.interval_days
        every = ngettext("every day", "every %(n)d days", days) % {"n": days}
        return _("%(every)s in the phase %(phase)s") % {
            "every": every,
            "phase": self.get_phase_display(),
        }


class PathwaySchedule(models.Model):
    """A pathway following a schedule: the worker invites the patient by e-mail when due."""

    pathway = models.ForeignKey(
        CarePathway,
        verbose_name=_("care pathway"),
        on_delete=models.CASCADE,
        related_name="prom_schedules",
    )
    schedule = models.ForeignKey(
        PromSchedule, verbose_name=_("schedule"), on_delete=models.PROTECT, related_name="+"
    )
    email = models.EmailField(_("e-mail address of the patient"))
    started_at = models.DateTimeField(_("since"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_by_role = models.ForeignKey(
        PractitionerRole,
        verbose_name=_("in the role of"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pathway schedule")
        verbose_name_plural = _("pathway schedules")
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "schedule"],
                condition=models.Q(stopped_at__isnull=True),
                name="proms_follow_a_schedule_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.schedule} ({self.pathway_id})"
