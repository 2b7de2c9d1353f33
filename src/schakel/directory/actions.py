"""Writes on the directory."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from schakel.accounts.models import User
from schakel.directory.models import (
    ContactPoint,
    ContactReport,
    Organization,
    PractitionerRole,
    ReportReason,
    VerifiedEntry,
)


@transaction.atomic
def do_report_contact_entry(
    entry: PractitionerRole | ContactPoint,
    *,
    reason: ReportReason,
    comment: str = "",
    acting_user: User,
) -> ContactReport:
    """A user reports that an entry is wrong or outdated; it lands on the coordinator's worklist.

    A second report by the same user on the same entry while the first is open adds nothing new,
    so it returns the open one (with the latest comment, if any).
    """
    target = {"role": entry} if isinstance(entry, PractitionerRole) else {"contact_point": entry}
    existing = ContactReport.objects.filter(
        reported_by=acting_user, resolved_at__isnull=True, **target
    ).first()
    if existing is not None:
        if comment:
            existing.comment = comment
            existing.reason = reason
            existing.save(update_fields=["comment", "reason", "updated_at"])
        return existing
    return ContactReport.objects.create(
        reason=reason, comment=comment, reported_by=acting_user, **target
    )


@transaction.atomic
def do_verify_directory_entry(entry: VerifiedEntry, *, acting_user: User) -> None:
    """The coordinator confirms an entry is current; it leaves the stale list for six months."""
    entry.last_verified_at = timezone.now()
    entry.last_verified_by = acting_user
    entry.save(update_fields=["last_verified_at", "last_verified_by", "updated_at"])


@transaction.atomic
def do_resolve_contact_report(
    report: ContactReport, *, resolution: str, acting_user: User, entry_verified: bool
) -> None:
    """Close a report, noting what was done; optionally mark the entry verified too."""
    report.resolved_at = timezone.now()
    report.resolved_by = acting_user
    report.resolution = resolution
    report.save(update_fields=["resolved_at", "resolved_by", "resolution", "updated_at"])
    if entry_verified:
        do_verify_directory_entry(report.entry, acting_user=acting_user)


@transaction.atomic
def do_save_directory_entry(
    entry: Organization | PractitionerRole | ContactPoint, *, acting_user: User
) -> None:
    """Save an entry edited by the coordinator (the management screens); an edit is a check."""
    entry.last_verified_at = timezone.now()
    entry.last_verified_by = acting_user
    entry.save()
