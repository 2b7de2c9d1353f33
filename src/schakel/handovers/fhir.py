"""FHIR R4 exports of a handover: the Task (as eOverdracht uses it) and the aftercare plan as a
CarePlan, in one collection Bundle. Both are validated with ``fhir.resources`` (R4B, which
matches R4 for these resources) before they leave."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.bundle import Bundle

from schakel.core.identifiers import IdentifierSystem
from schakel.directory.models import Organization, PractitionerRole
from schakel.handovers.models import AftercarePlanVersion, FollowUpBy, Handover, HandoverStatus


def _organisation(organisation: Organization) -> dict[str, Any]:
    reference: dict[str, Any] = {"display": organisation.name}
    if organisation.ura:
        reference["identifier"] = {"system": IdentifierSystem.URA, "value": organisation.ura}
    elif organisation.agb:
        reference["identifier"] = {"system": IdentifierSystem.AGB, "value": organisation.agb}
    return reference


def _role(role: PractitionerRole) -> dict[str, Any]:
    return {"display": f"{role.practitioner.full_name}, {role.function_label}, {role.organization}"}


def _patient(handover: Handover) -> dict[str, Any]:
    patient = handover.pathway.patient
    return {
        "identifier": {"system": IdentifierSystem.BSN, "value": patient.bsn},
        "display": patient.full_name,
    }


def task(handover: Handover) -> dict[str, Any]:
    """The handover as a FHIR Task: status, who asks whom, what for, and when."""
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "id": f"handover-{handover.pk}",
        "status": handover.status,
        "intent": "order",
        "code": {"text": handover.get_direction_display()},
        "description": handover.get_reason_display(),
        "for": _patient(handover),
        "authoredOn": handover.sent_at.isoformat(),
        "lastModified": handover.updated_at.isoformat(),
        "requester": _organisation(handover.sender_organization),
        "owner": _organisation(handover.receiver_organization),
        "note": [{"text": handover.letter}],
    }
    if handover.status == HandoverStatus.REJECTED and handover.rejection_reason:
        resource["statusReason"] = {"text": handover.rejection_reason}
    if handover.has_plan:
        resource["focus"] = {"reference": f"CarePlan/aftercare-{handover.pk}"}
    return resource


_PERFORMER = {
    FollowUpBy.HOSPITAL: "hospital",
    FollowUpBy.GP: "GP practice",
    FollowUpBy.SHARED: "hospital and GP practice",
}


def care_plan(handover: Handover, version: AftercarePlanVersion) -> dict[str, Any]:
    """The aftercare plan (this version) as a FHIR CarePlan."""
    notes = [
        f"Diagnose: {version.diagnosis}" + (f", stadium {version.stage}" if version.stage else ""),
        f"Behandelingen:\n{version.treatment_summary}",
    ]
    if version.late_effects or version.late_effects_notes:
        effects = ", ".join(str(label) for label in version.late_effect_labels())
        notes.append(f"Late gevolgen: {effects}\n{version.late_effects_notes}".strip())
    notes.append(f"Alarmsymptomen: {version.alarm_symptoms}")
    if version.alarm_contact is not None:
        contact = version.alarm_contact
        notes.append(f"Bij alarmsymptomen: {contact.name}, {contact.phone}".strip(", "))
    if version.lifestyle:
        notes.append(f"Leefstijl: {version.lifestyle}")
    accepted = handover.status in (HandoverStatus.ACCEPTED, HandoverStatus.COMPLETED)
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": f"aftercare-{handover.pk}",
        "status": "active" if accepted else "draft",
        "intent": "plan",
        "title": "Nazorgplan",
        "subject": _patient(handover),
        "created": version.created_at.isoformat(),
        "period": {"end": version.review_date.isoformat()},
        "author": _organisation(handover.sender_organization),
        "note": [{"text": text} for text in notes],
        "activity": [
            {
                "detail": {
                    "status": "not-started",
                    "description": check.what,
                    "scheduledString": check.due_on.isoformat(),
                    "performer": [{"display": _PERFORMER[FollowUpBy(check.by)]}],
                }
            }
            for check in version.checks.all()
        ],
    }
    if version.hospital_contact is not None:
        resource["contributor"] = [_role(version.hospital_contact)]
    return resource


def handover_bundle(handover: Handover) -> dict[str, Any]:
    """A collection Bundle with the Task and (to the GP) the CarePlan, validated."""
    resources = [task(handover)]
    if handover.has_plan:
        resources.append(care_plan(handover, handover.plan.current))
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": f"urn:schakel:{r['resourceType']}/{r['id']}", "resource": r}
            for r in resources
        ],
    }
    Bundle.model_validate(bundle)  # refuses anything that is not valid FHIR
    return bundle
