"""The change log for writes on non-patient data, with the acting user: what actions call."""

from __future__ import annotations

from typing import Any

from django.db import models

from schakel.audit.actions import do_record_change
from schakel.audit.models import ChangeAction
from schakel.directory.actor import Actor


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The instance's own field values (foreign keys as ids, many-to-many as sorted ids), as
    JSON values: what a change is compared against."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        values[field.name] = (
            value if isinstance(value, str | int | float | bool) or value is None else str(value)
        )
    if instance.pk is not None:
        for field in instance._meta.many_to_many:
            values[field.name] = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    return values


def differences(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that changed (timestamps of the row itself left out)."""
    skip = {"updated_at", "created_at"}
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if name not in skip and before.get(name) != value
    }


def log_change(
    actor: Actor,
    instance: models.Model,
    action: ChangeAction,
    changes: dict[str, list[Any]] | None = None,
    *,
    flag: str = "",
) -> None:
    """One change-log entry for this write, by this actor, in the caller's transaction."""
    do_record_change(
        user=actor.user,
        user_identifier=actor.label,
        role=actor.role_label,
        organisation=actor.organisation_label,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=instance.pk,
        object_repr=str(instance),
        changes=changes,
        flag=flag,
    )
