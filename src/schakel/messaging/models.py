"""The notification inbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schakel.pathways.models import CarePathway


class NotificationKind(models.TextChoices):
    TASK = "task", _("new task")
    SIGNAL = "signal", _("signal")
    PATHWAY = "pathway", _("pathway changed")
    MDO = "mdo", _("MDO request changed")


class Notification(models.Model):
    """Something new for one user. The text names no patient: opening it goes through the
    access helper, which decides and logs."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=NotificationKind.choices)
    text = models.CharField(_("text"), max_length=200)
    pathway = models.ForeignKey(
        CarePathway,
        verbose_name=_("care pathway"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="messaging_inbox_idx"),
            models.Index(fields=["emailed_at", "read_at"], name="messaging_pending_mail_idx"),
        ]

    def __str__(self) -> str:
        return self.text
