"""Template helpers of the work layer."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from schakel.work.models import Task
from schakel.work.registry import registry

register = template.Library()


@register.simple_tag
def task_action(task: Task) -> SafeString:
    """The button for what this kind of task asks (give MDO input, read the advice, …), as the
    app that registered the kind says; else a link to the task itself."""
    kind = registry.task_kinds.get(task.kind)
    action = kind.action(task) if kind is not None and kind.action is not None else None
    if action is None or not task.is_open:
        return SafeString("")
    label, url = action
    return format_html('<a class="button button--secondary" href="{}">{}</a>', url, label)
