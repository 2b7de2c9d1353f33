"""What apps add to a person's calendar feed: each registers a source of entries, and the feed
(one secret address per user) lists them all. An entry never carries patient data: a calendar
app is outside Schakel and outside its access log."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class CalendarEntry:
    """One appointment in the feed: when, what (no patient), where and how to join."""

    uid: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    location: str = ""
    url: str = ""
    description: str = ""
    cancelled: bool = False


# A source gets the user and the earliest start wanted, and returns that user's entries.
CalendarSource = Callable[[Any, datetime], Iterable[CalendarEntry]]

_sources: dict[str, CalendarSource] = {}


def register_calendar_source(code: str, source: CalendarSource) -> None:
    _sources[code] = source


def calendar_entries(user: Any, since: datetime) -> list[CalendarEntry]:
    """Every registered source's entries for this user, in order of time."""
    entries = [entry for source in _sources.values() for entry in source(user, since)]
    return sorted(entries, key=lambda entry: (entry.starts_at, entry.uid))
