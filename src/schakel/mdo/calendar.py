"""iCalendar for MDOs: a personal feed per user and a file per meeting. No patient data."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from schakel.accounts.models import User
from schakel.core.calendar import CalendarEntry, calendar_entries
from schakel.directory.actor import Actor
from schakel.mdo.access import meetings_for
from schakel.mdo.models import CalendarFeed, GpInput, MdoMeeting, MeetingStatus


@transaction.atomic
def do_reset_calendar_feed(*, actor: Actor) -> CalendarFeed:
    """Give the user a new secret feed address; the old one stops working at once."""
    user = actor.account
    feed, _created = CalendarFeed.objects.get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    if not _created:
        feed.token = secrets.token_urlsafe(32)
        feed.save(update_fields=["token", "created_at"])
    return feed


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Schakel//MDO//NL")
    calendar.add("version", "2.0")
    return calendar


def _meeting_event(meeting: MdoMeeting) -> Event:
    event = Event()
    event.add("uid", f"mdo-{meeting.pk}@schakel")
    event.add("summary", meeting.name)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("dtstamp", timezone.now())
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.video_link:
        event.add("url", meeting.video_link)
    if meeting.status == MeetingStatus.CANCELLED:
        event.add("status", "CANCELLED")
    return event


def _entry_event(entry: CalendarEntry) -> Event:
    """An entry another app registered (a consultation moment, say)."""
    event = Event()
    event.add("uid", entry.uid)
    event.add("summary", entry.summary)
    event.add("dtstart", entry.starts_at)
    event.add("dtend", entry.ends_at)
    event.add("dtstamp", timezone.now())
    if entry.location:
        event.add("location", entry.location)
    if entry.url:
        event.add("url", entry.url)
    if entry.description:
        event.add("description", entry.description)
    if entry.cancelled:
        event.add("status", "CANCELLED")
    return event


def meeting_ics(meeting: MdoMeeting) -> bytes:
    calendar = _calendar()
    calendar.add_component(_meeting_event(meeting))
    return bytes(calendar.to_ical())


def _joined_slots(user: User, since: datetime) -> Iterable[Event]:
    """The MDO discussions the GP said they would join: time and video link, no patient."""
    inputs = GpInput.objects.filter(
        submitted_by=user,
        wants_to_join=True,
        agenda_item__removed_at__isnull=True,
        agenda_item__meeting__starts_at__gte=since,
    ).select_related("agenda_item__meeting")
    for gp_input in inputs:
        item = gp_input.agenda_item
        assert item is not None  # noqa: S101 - filtered on it above
        meeting = item.meeting
        start = meeting.starts_at
        if item.slot_start is not None:
            start = datetime.combine(
                timezone.localdate(meeting.starts_at),
                item.slot_start,
                tzinfo=timezone.get_current_timezone(),
            )
        event = Event()
        event.add("uid", f"mdo-slot-{item.pk}@schakel")
        event.add("summary", "MDO: bespreking van uw patiënt")
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=15))
        event.add("dtstamp", timezone.now())
        event.add("description", f"{settings.SITE_URL}/mdo/{meeting.pk}/")
        if meeting.video_link:
            event.add("url", meeting.video_link)
        yield event


def feed_ics(user: User) -> bytes:
    """The user's MDOs (chair, coordinator, their hospitals), the slots they join, and what
    other apps registered for them (consultation moments)."""
    since = timezone.now() - timedelta(days=30)
    calendar = _calendar()
    for meeting in meetings_for(user).filter(starts_at__gte=since).order_by("starts_at")[:500]:
        calendar.add_component(_meeting_event(meeting))
    for event in _joined_slots(user, since):
        calendar.add_component(event)
    for entry in calendar_entries(user, since):
        calendar.add_component(_entry_event(entry))
    return bytes(calendar.to_ical())
