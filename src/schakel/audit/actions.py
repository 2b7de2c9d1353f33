"""Appending to the access log."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from schakel.audit.chain import mark_appended
from schakel.audit.models import (
    AccessEvent,
    AccessLogEntry,
    ChangeAction,
    ChangeLogEntry,
    Grounds,
    Outcome,
)

if TYPE_CHECKING:
    from schakel.accounts.models import User


def client_address(request: HttpRequest | None) -> str | None:
    """The address the request came from.

    Behind N reverse proxies (``SCHAKEL_TRUSTED_PROXIES``), the client is the N-th address
    from the right in X-Forwarded-For: each proxy appends the address it received from, and
    anything further left was written by the client and may be forged.
    """
    if request is None:
        return None
    proxies = settings.SCHAKEL_TRUSTED_PROXIES
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                return None
    return request.META.get("REMOTE_ADDR") or None


@transaction.atomic
def do_record_access(
    *,
    event: AccessEvent,
    outcome: Outcome,
    user: User | None,
    request: HttpRequest | None = None,
    user_identifier: str = "",
    responsible_user: User | None = None,
    role: str = "",
    organisation: str = "",
    patient_id: int | None = None,
    object_type: str = "",
    object_id: str | int = "",
    grounds: Grounds = Grounds.NONE,
    detail: str = "",
) -> AccessLogEntry:
    """Append one entry to the access log; it gets its place in the chain moments later.

    Call it inside the transaction of the change it records, so both are kept or neither.
    """
    entry = AccessLogEntry(
        occurred_at=timezone.now(),
        event=event,
        outcome=outcome,
        user=user,
        user_identifier=(user.email if user is not None else user_identifier)[:254],
        responsible_user=responsible_user,
        role=role[:200],
        organisation=organisation[:200],
        patient_id=patient_id,
        object_type=object_type[:60],
        object_id=str(object_id)[:60],
        grounds=grounds,
        source_address=client_address(request),
        detail=detail[:200],
    )
    entry.content_mac = entry.compute_content_mac()
    entry.save(force_insert=True)
    mark_appended()
    return entry


@transaction.atomic
def do_record_accesses(
    *,
    event: AccessEvent,
    user: User,
    request: HttpRequest | None,
    object_type: str,
    patients: list[tuple[int, Grounds, str, str]],
) -> None:
    """Append one successful entry per patient (a list page or search), in one insert.

    ``patients``: (patient id, grounds, role, organisation), the role being the one that
    gives access to that patient.
    """
    now = timezone.now()
    address = client_address(request)
    entries = []
    for patient_id, grounds, role, organisation in patients:
        entry = AccessLogEntry(
            occurred_at=now,
            event=event,
            outcome=Outcome.SUCCESS,
            user=user,
            user_identifier=user.email[:254],
            role=role[:200],
            organisation=organisation[:200],
            patient_id=patient_id,
            object_type=object_type,
            object_id=str(patient_id),
            grounds=grounds,
            source_address=address,
        )
        entry.content_mac = entry.compute_content_mac()
        entries.append(entry)
    AccessLogEntry.objects.bulk_create(entries)
    mark_appended()


def do_record_change(
    *,
    user: User | None,
    user_identifier: str = "",
    role: str = "",
    organisation: str = "",
    action: ChangeAction,
    object_type: str,
    object_id: str | int,
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    flag: str = "",
) -> ChangeLogEntry:
    """Append one entry to the change log; call it inside the transaction of the change."""
    return ChangeLogEntry.objects.create(
        occurred_at=timezone.now(),
        user=user,
        user_identifier=(user.email if user is not None else user_identifier)[:254],
        role=role[:200],
        organisation=organisation[:200],
        action=action,
        object_type=object_type[:100],
        object_id=str(object_id)[:60],
        object_repr=object_repr[:200],
        changes=changes or {},
        flag=flag,
    )
