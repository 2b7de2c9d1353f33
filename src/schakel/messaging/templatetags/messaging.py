"""Template helpers of messaging."""

from __future__ import annotations

from django import template

from schakel.messaging.models import Notification
from schakel.messaging.texts import render_notification

register = template.Library()


@register.simple_tag
def notification_text(notification: Notification) -> str:
    """A notification in the reader's language."""
    return render_notification(notification)
