"""Start-up checks on what apps registered with the work layer."""

from __future__ import annotations

from typing import Any

from django.core import checks

from schakel.work.models import Notification, Signal, Task
from schakel.work.registry import registry


@checks.register()
def check_registry(**kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    limits = (
        (registry.task_kinds, Task._meta.get_field("kind").max_length, "task kind"),
        (registry.signal_rules, Signal._meta.get_field("rule").max_length, "signal rule"),
        (
            registry.notification_kinds,
            Notification._meta.get_field("kind").max_length,
            "notification kind",
        ),
    )
    for entries, limit, what in limits:
        for code in entries:
            if limit is not None and len(code) > limit:
                errors.append(
                    checks.Error(f"{what} code {code!r} is longer than {limit}", id="work.E001")
                )
    for rule in registry.signal_rules.values():
        if rule.patient_field is not None:
            field = rule.patient_field.removesuffix("_id")
            try:
                rule.subject._meta.get_field(field)
            except Exception:  # FieldDoesNotExist
                errors.append(
                    checks.Error(
                        f"signal rule {rule.code!r}: {rule.subject.__name__} has no {field!r}",
                        id="work.E002",
                    )
                )
    return errors
