"""Notification texts, rendered in the reader's language when shown."""

from __future__ import annotations

from django.utils.translation import gettext as _

from schakel.messaging.models import Notification, NotificationKind
from schakel.pathways.models import EventKind, SignalRule


def render_notification(notification: Notification) -> str:
    if notification.kind == NotificationKind.TASK:
        return _("New task for you: %(title)s") % {"title": notification.text}
    if notification.kind == NotificationKind.SIGNAL:
        rule = SignalRule(notification.text).label if notification.text in SignalRule.values else ""
        return _("Signal on your patient: %(rule)s") % {"rule": rule}
    if notification.kind == NotificationKind.MDO:
        if notification.text == "moved":
            return _("An MDO was moved: your input request has a new deadline")
        return _("An MDO input request was withdrawn")
    what = EventKind(notification.text).label if notification.text in EventKind.values else ""
    return _("News on a pathway you follow: %(what)s") % {"what": what}
