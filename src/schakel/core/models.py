"""Shared model bases."""

from __future__ import annotations

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
