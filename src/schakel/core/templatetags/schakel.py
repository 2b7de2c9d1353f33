"""Template helpers shared by every app."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

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
