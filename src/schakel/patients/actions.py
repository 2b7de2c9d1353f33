"""Writes on patient data. Each action is one transaction with its access-log entry."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from schakel.audit.actions import do_record_access
from schakel.audit.models import AccessEvent, Grounds, Outcome
from schakel.core.identifiers import normalise_bsn
from schakel.directory.actor import Actor
from schakel.directory.models import PractitionerRole
from schakel.patients.models import (
    CareRelation,
    Consent,
    ConsentMethod,
    EmergencyAccess,
    Patient,
    RelationKind,
    Sharing,
    Verdict,
)


class DuplicatePatientError(Exception):
    """A patient with this BSN is already registered."""

    def __init__(self, existing: Patient) -> None:
        super().__init__(f"patient {existing.pk} has this BSN")
        self.existing = existing


def log_patient_change(
    actor: Actor,
    patient: Patient,
    event: AccessEvent,
    *,
    object_type: str = "Patient",
    object_id: int | str = "",
    detail: str = "",
) -> None:
    """The access-log entry for a write on a patient's data, inside the action's transaction."""
    do_record_access(
        event=event,
        outcome=Outcome.SUCCESS,
        user=actor.user,
        user_identifier=actor.label,
        request=actor.request,
        role=actor.role_label,
        organisation=actor.organisation_label,
        patient_id=patient.pk,
        object_type=object_type,
        object_id=object_id or patient.pk,
        grounds=actor.grounds,
        detail=detail,
    )


@transaction.atomic
def do_register_patient(*, actor: Actor, **fields: Any) -> Patient:
    """Register a patient, recorded by the actor's organisation.

    Raises ``DuplicatePatientError`` (with the existing record) when the BSN is known.
    """
    bsn = normalise_bsn(fields.pop("bsn"))
    existing = Patient.objects.filter(bsn=bsn).first()
    if existing is not None:
        raise DuplicatePatientError(existing)
    patient = Patient(bsn=bsn, recorded_by=actor.acting_role.organization, **fields)
    try:
        with transaction.atomic():
            patient.save()
    except IntegrityError:
        # Registered by someone else a moment ago.
        raise DuplicatePatientError(Patient.objects.get(bsn=bsn)) from None
    log_patient_change(actor, patient, AccessEvent.CREATE)
    return patient


@transaction.atomic
def do_update_patient(patient: Patient, *, actor: Actor, **fields: Any) -> None:
    """Change a patient's details (not the BSN, not the consent)."""
    fields.pop("bsn", None)
    fields.pop("sharing", None)
    for name, value in fields.items():
        setattr(patient, name, value)
    patient.save()
    log_patient_change(actor, patient, AccessEvent.UPDATE, detail=",".join(sorted(fields)))


@transaction.atomic
def do_record_consent(
    patient: Patient, *, decision: Sharing, method: ConsentMethod, note: str = "", actor: Actor
) -> Consent:
    """Record the patient's consent or objection; it applies at once to every list and page."""
    if decision not in (Sharing.PERMITTED, Sharing.OBJECTED):
        raise ValueError(f"not a decision: {decision}")
    consent = Consent.objects.create(
        patient=patient,
        decision=decision,
        method=method,
        note=note,
        recorded_by=actor.account,
        recorded_by_role=actor.acting_role,
    )
    Patient.objects.filter(pk=patient.pk).update(sharing=decision, updated_at=timezone.now())
    patient.sharing = decision
    log_patient_change(
        actor,
        patient,
        AccessEvent.UPDATE,
        object_type="Consent",
        object_id=consent.pk,
        detail=f"sharing {decision}",
    )
    return consent


@transaction.atomic
def do_start_care_relation(
    patient: Patient,
    role: PractitionerRole,
    *,
    kind: RelationKind,
    actor: Actor,
    until: datetime | None = None,
) -> CareRelation:
    """Give a role a care relation with the patient (joining the care team, say), open-ended
    or ``until`` a moment (a consultation: as long as the question needs).

    An existing active relation of the same kind is kept rather than duplicated; one that
    would end sooner than ``until`` is extended to it.
    """
    existing = CareRelation.objects.active().filter(patient=patient, role=role, kind=kind).first()
    if existing is not None:
        if existing.ended_at is not None and (until is None or until > existing.ended_at):
            existing.ended_at = until
            existing.save(update_fields=["ended_at", "updated_at"])
        return existing
    relation = CareRelation.objects.create(patient=patient, role=role, kind=kind, ended_at=until)
    log_patient_change(
        actor, patient, AccessEvent.CREATE, object_type="CareRelation", object_id=relation.pk
    )
    return relation


@transaction.atomic
def do_end_care_relation(relation: CareRelation, *, actor: Actor) -> None:
    """End a care relation now (also one that was to end later); the role loses access unless
    another relation remains."""
    now = timezone.now()
    if relation.ended_at is not None and relation.ended_at <= now:
        return
    relation.ended_at = now
    relation.save(update_fields=["ended_at", "updated_at"])
    log_patient_change(
        actor,
        relation.patient,
        AccessEvent.UPDATE,
        object_type="CareRelation",
        object_id=relation.pk,
        detail="ended",
    )


@transaction.atomic
def do_start_emergency_access(patient: Patient, *, reason: str, actor: Actor) -> EmergencyAccess:
    """Break the glass: access for a stated reason, expiring after a set time, logged as such."""
    reason = reason.strip()
    if len(reason) < 10:
        raise ValueError("an emergency access needs a reason")
    now = timezone.now()
    access = EmergencyAccess.objects.create(
        patient=patient,
        user=actor.account,
        role=actor.acting_role,
        reason=reason,
        started_at=now,
        expires_at=now + timedelta(hours=settings.SCHAKEL_EMERGENCY_ACCESS_HOURS),
    )
    do_record_access(
        event=AccessEvent.EMERGENCY_ACCESS,
        outcome=Outcome.SUCCESS,
        user=actor.user,
        request=actor.request,
        role=actor.role_label,
        organisation=actor.organisation_label,
        patient_id=patient.pk,
        object_type="EmergencyAccess",
        object_id=access.pk,
        grounds=Grounds.EMERGENCY,
    )
    return access


@transaction.atomic
def do_review_emergency_access(
    access: EmergencyAccess, *, verdict: Verdict, note: str, actor: Actor
) -> None:
    """The privacy officer reviews a break-the-glass access: a verdict and a note."""
    access.reviewed_at = timezone.now()
    access.reviewed_by = actor.account
    access.verdict = verdict
    access.review_note = note
    access.save(update_fields=["reviewed_at", "reviewed_by", "verdict", "review_note"])
