"""Shared model bases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    """Working days, numbered as ``date.weekday()`` does (recurring meetings and moments)."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")


class TimestampedModel(models.Model):
    """Records when a row was created and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AttachedFile(models.Model):
    """A PDF or image someone attached (to a handover, to a question): stored through Django's
    storage under a random name (the uploaded name may hold the patient's name: it is a field),
    served only through the access helper of what it is attached to. A subclass adds the
    ``file`` field with its own storage path, and what the file is attached to."""

    stored_name = models.CharField(max_length=80, editable=False)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class ScheduledRun(models.Model):
    """One run of a periodic job in one time slot.

    Every worker runs the scheduler; the unique constraint lets exactly one of them enqueue the
    job for a slot, so any number of workers share one schedule.
    """

    job = models.CharField(_("job"), max_length=200)
    slot = models.BigIntegerField(_("slot"))
    enqueued_at = models.DateTimeField(_("enqueued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="core_run_once_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.job} #{self.slot}"
