"""FHIR R4 exports: a response as QuestionnaireResponse (definitions are stored as FHIR)."""

from __future__ import annotations

from typing import Any

from schakel.proms import definitions
from schakel.proms.models import Response

BSN_SYSTEM = "http://fhir.nl/fhir/NamingSystem/bsn"


def _answer(item: definitions.Item, raw: Any) -> dict[str, Any]:
    if item.type == "choice":
        option = next((o for o in item.options if o.code == str(raw)), None)
        coding = {"code": str(raw)}
        if option is not None:
            coding["display"] = option.display
            if option.system:
                coding["system"] = option.system
        return {"valueCoding": coding}
    key = {
        "boolean": "valueBoolean",
        "integer": "valueInteger",
        "decimal": "valueDecimal",
        "date": "valueDate",
    }.get(item.type, "valueString")
    return {key: raw}


def questionnaire_response(response: Response) -> dict[str, Any]:
    definition = response.version.definition
    canonical = definition.get("url") or f"Questionnaire/{response.version.instrument.code}"
    items = []
    for item in definitions.items(definition, "nl"):
        if not item.asks or item.link_id not in response.answers:
            continue
        items.append(
            {
                "linkId": item.link_id,
                "text": item.text,
                "answer": [_answer(item, response.answers[item.link_id])],
            }
        )
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": str(response.pk),
        "questionnaire": f"{canonical}|{response.version.version}",
        "status": "completed",
        "subject": {
            "identifier": {"system": BSN_SYSTEM, "value": response.pathway.patient.bsn},
            "display": response.pathway.patient.full_name,
        },
        "authored": response.submitted_at.isoformat(),
        "item": items,
    }
    if response.entered_by_id is not None:
        resource["author"] = {"display": str(response.entered_by_role or response.entered_by)}
    else:
        resource["source"] = {"display": "patient"}
    return resource
