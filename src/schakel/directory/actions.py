"""Writes on the directory. Each takes the acting ``Actor`` and records the change log entry
in its own transaction.

Roles are special: a role in a care function at a GP practice or a hospital gives access to
patients, so granting one is refused to the person themselves and flagged for the privacy
officer's review.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from schakel.audit.models import ChangeAction
from schakel.directory.actor import Actor
from schakel.directory.changes import differences, log_change, snapshot
from schakel.directory.models import (
    ContactPoint,
    ContactReport,
    Function,
    OrganizationKind,
    Practitioner,
    PractitionerRole,
    ReportReason,
    VerifiedEntry,
)

# The flag on change-log entries that the privacy officer reviews.
PATIENT_ACCESS_GRANT = "patient_access_grant"

# Functions whose role at a practice or hospital gives patient access.
_NO_PATIENT_ACCESS = (Function.NETWORK_COORDINATOR, Function.PRIVACY_OFFICER, Function.SECRETARY)
_CARE_ORGANISATIONS = (OrganizationKind.GP_PRACTICE, OrganizationKind.HOSPITAL)


class SelfGrantError(PermissionDenied):
    """Nobody gives themselves a role with access to patients."""


def gives_patient_access(role: PractitionerRole) -> bool:
    """A care function at a GP practice or a hospital (the case manager's network role gets
    access through care relations only, so it does not count here)."""
    return (
        role.is_active
        and role.function not in _NO_PATIENT_ACCESS
        and role.organization.kind in _CARE_ORGANISATIONS
    )


@transaction.atomic
def do_report_contact_entry(
    entry: PractitionerRole | ContactPoint,
    *,
    reason: ReportReason,
    comment: str = "",
    actor: Actor,
) -> ContactReport:
    """A user reports that an entry is wrong or outdated; it lands on the coordinator's worklist.

    A second report by the same user on the same entry while the first is open adds nothing new,
    so it returns the open one (with the latest comment, if any).
    """
    target = {"role": entry} if isinstance(entry, PractitionerRole) else {"contact_point": entry}
    existing = ContactReport.objects.filter(
        reported_by=actor.account, resolved_at__isnull=True, **target
    ).first()
    if existing is not None:
        if comment:
            before = snapshot(existing)
            existing.comment = comment
            existing.reason = reason
            existing.save(update_fields=["comment", "reason", "updated_at"])
            log_change(
                actor, existing, ChangeAction.UPDATE, differences(before, snapshot(existing))
            )
        return existing
    report = ContactReport.objects.create(
        reason=reason, comment=comment, reported_by=actor.account, **target
    )
    log_change(actor, report, ChangeAction.CREATE)
    return report


@transaction.atomic
def do_verify_directory_entry(entry: VerifiedEntry, *, actor: Actor) -> None:
    """The coordinator confirms an entry is current; it leaves the stale list for six months."""
    before = entry.last_verified_at
    entry.last_verified_at = timezone.now()
    entry.last_verified_by = actor.account
    entry.save(update_fields=["last_verified_at", "last_verified_by", "updated_at"])
    log_change(
        actor,
        entry,
        ChangeAction.UPDATE,
        {"last_verified_at": [str(before) if before else None, str(entry.last_verified_at)]},
    )


@transaction.atomic
def do_resolve_contact_report(
    report: ContactReport, *, resolution: str, actor: Actor, entry_verified: bool
) -> None:
    """Close a report, noting what was done; optionally mark the entry verified too."""
    report.resolved_at = timezone.now()
    report.resolved_by = actor.account
    report.resolution = resolution
    report.save(update_fields=["resolved_at", "resolved_by", "resolution", "updated_at"])
    log_change(actor, report, ChangeAction.UPDATE, {"resolution": [None, resolution]})
    if entry_verified:
        do_verify_directory_entry(report.entry, actor=actor)


@transaction.atomic
def do_save_directory_entry(
    entry: models.Model, *, actor: Actor, before: dict[str, object] | None = None
) -> None:
    """Save an entry edited in the management screens: the change log keeps the old and new
    values; an edit of an entry that is checked counts as a check.

    ``before`` is the entry as it was (None: a new entry). A role that gives patient access
    cannot be given to oneself, and is flagged for the privacy officer.
    """
    if isinstance(entry, VerifiedEntry):
        entry.last_verified_at = timezone.now()
        entry.last_verified_by = actor.account
    flag = ""
    # Linking an account to a person hands it that person's roles.
    linked = (
        isinstance(entry, Practitioner)
        and entry.user_id is not None
        and (before is None or before.get("user") != entry.user_id)
        and any(gives_patient_access(r) for r in entry.roles.all())
    )
    if linked:
        if actor.user is not None and entry.user_id == actor.user.pk:  # type: ignore[attr-defined]
            raise SelfGrantError("an account cannot be linked to oneself with patient access")
        flag = PATIENT_ACCESS_GRANT
    if isinstance(entry, PractitionerRole) and gives_patient_access(entry):
        grants = before is None or any(
            before.get(name) != value
            for name, value in (
                ("function", entry.function),
                ("organization", entry.organization_id),
                ("practitioner", entry.practitioner_id),
                ("is_active", True),
            )
        )
        if grants:
            if actor.user is not None and entry.practitioner.user_id == actor.user.pk:
                raise SelfGrantError("a role with patient access cannot be given to oneself")
            flag = PATIENT_ACCESS_GRANT
    entry.save()
    if before is None:
        log_change(actor, entry, ChangeAction.CREATE, differences({}, snapshot(entry)), flag=flag)
    else:
        log_change(
            actor, entry, ChangeAction.UPDATE, differences(before, snapshot(entry)), flag=flag
        )


@transaction.atomic
def do_delete_directory_entry(entry: models.Model, *, actor: Actor) -> None:
    """Remove an entry in the management screens (the change log keeps what it was)."""
    before = snapshot(entry)
    log_change(actor, entry, ChangeAction.DELETE, differences(before, {}))
    entry.delete()


@transaction.atomic
def do_set_absence(
    role: PractitionerRole, *, until: date | None, note: str, actor: Actor
) -> PractitionerRole:
    """Mark a person away until a day (None: back). While away, new questions to them go to
    their team, and the contact finder says so."""
    if until is not None and until < timezone.localdate():
        raise ValueError("an absence ends today or later")
    before = snapshot(role)
    role.away_until = until
    role.away_note = note.strip() if until is not None else ""
    role.save(update_fields=["away_until", "away_note", "updated_at"])
    log_change(actor, role, ChangeAction.UPDATE, differences(before, snapshot(role)))
    return role
