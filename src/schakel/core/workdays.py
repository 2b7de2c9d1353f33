"""Working days in the Netherlands: weekdays that are not public holidays.

Deadlines such as "two working days before the MDO" count back over weekends and Dutch public
holidays (Koningsdag, Easter and Whit Mondays, Ascension Day, Christmas, New Year's Day, Good
Friday), as the `holidays` package lists them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone


@lru_cache(maxsize=32)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NL", years=[year]).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def working_days_before(day: date, count: int) -> date:
    """The working day ``count`` working days before ``day`` (``day`` itself not counted)."""
    current = day
    remaining = count
    while remaining > 0:
        current -= timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_after(day: date, count: int) -> date:
    """The working day ``count`` working days after ``day``."""
    current = day
    remaining = count
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def last_day_overdue(now: datetime, working_days: int, due_time: time) -> date:
    """The last day D whose deadline (``due_time``, ``working_days`` working days after D) has
    passed at ``now``.

    Deadlines grow with D, so "the deadline of D has passed" is "D <= this day": a date
    comparison the database can do, instead of working-day arithmetic per row.
    """
    day = timezone.localdate(now)
    zone = timezone.get_current_timezone()
    while datetime.combine(working_days_after(day, working_days), due_time, zone) >= now:
        day -= timedelta(days=1)
    return day


def start_of_day_after(day: date) -> datetime:
    """Midnight at the end of ``day``, in the current time zone."""
    return datetime.combine(
        day + timedelta(days=1), datetime.min.time(), timezone.get_current_timezone()
    )


# Working hours: a reply-by time counts only these hours of working days.
WORKING_HOURS = (time(8), time(17))


def add_working_hours(start: datetime, hours: int) -> datetime:
    """The moment ``hours`` working hours after ``start``: only 08:00-17:00 on working days
    count, so four hours from Friday 15:00 is Monday 10:00, and a holiday is skipped. A start
    outside working hours counts from the next working morning."""
    zone = timezone.get_current_timezone()
    opens, closes = WORKING_HOURS
    moment = timezone.localtime(start, zone)
    remaining = timedelta(hours=hours)
    while True:
        day = moment.date()
        day_opens = datetime.combine(day, opens, zone)
        day_closes = datetime.combine(day, closes, zone)
        if not is_working_day(day) or moment >= day_closes:
            moment = datetime.combine(working_days_after(day, 1), opens, zone)
            continue
        moment = max(moment, day_opens)
        if moment + remaining <= day_closes:
            return moment + remaining
        remaining -= day_closes - moment
        moment = day_closes
