"""Template helpers shared by every app."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.forms import BoundField
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import pgettext_lazy

from schakel.core.contact_actions import about_actions, contact_actions, team_actions

register = template.Library()


@register.simple_tag
def accessible_widget(field: BoundField) -> SafeString:
    """Render a field's widget tied to its help text and errors for screen readers."""
    described_by = []
    attrs: dict[str, str | bool] = {}
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        described_by.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return SafeString(field.as_widget(attrs=attrs))


# Month abbreviations as Dutch writes them ("5 dec. 2026", "12 mei"), translatable.
_MONTHS = (
    pgettext_lazy("abbreviated month", "Jan."),
    pgettext_lazy("abbreviated month", "Feb."),
    pgettext_lazy("abbreviated month", "March"),
    pgettext_lazy("abbreviated month", "Apr."),
    pgettext_lazy("abbreviated month", "May"),
    pgettext_lazy("abbreviated month", "June"),
    pgettext_lazy("abbreviated month", "July"),
    pgettext_lazy("abbreviated month", "Aug."),
    pgettext_lazy("abbreviated month", "Sept."),
    pgettext_lazy("abbreviated month", "Oct."),
    pgettext_lazy("abbreviated month", "Nov."),
    pgettext_lazy("abbreviated month", "Dec."),
)


def _local(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _day(value: date | datetime, always_year: bool) -> str:
    text = f"{value.day} {_MONTHS[value.month - 1]}"
    if always_year or value.year != timezone.localdate().year:
        text += f" {value.year}"
    return text


@register.filter
def datum(value: date | datetime | None) -> str:
    """ "5 dec." this year, "5 dec. 2027" in another."""
    return _day(_local(value), always_year=False) if value else ""


@register.filter
def datum_jaar(value: date | datetime | None) -> str:
    """Always with the year ("5 dec. 2026"): expiry dates and deadlines far off."""
    return _day(_local(value), always_year=True) if value else ""


@register.filter
def datumtijd(value: datetime | None) -> str:
    """ "5 dec. 14:30" (with the year when not this year)."""
    if not value:
        return ""
    local = _local(value)
    return f"{_day(local, always_year=False)} {local:%H:%M}"


@register.simple_tag
def contact_actions_for(entry: Any) -> list[tuple[str, str]]:
    """What registered apps offer on this contact (``{% contact_actions_for entry as … %}``)."""
    return contact_actions(entry)


@register.simple_tag
def team_actions_for(organization: Any, tumour_type: Any) -> list[tuple[str, str]]:
    return team_actions(organization, tumour_type)


@register.simple_tag
def about_actions_for(role: Any, pathway: Any, subject: str) -> list[tuple[str, str]]:
    """A question about what the page shows, to the person it names."""
    return about_actions(role, pathway, str(subject))
