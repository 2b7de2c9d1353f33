"""The questions section of the pathway page: the questions about this patient, and asking one
(pre-filled with the patient and, to choose from, the care team)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from schakel.messaging.models import Question

if TYPE_CHECKING:
    from schakel.pathways.access import PathwayAccess


def questions_section(request: HttpRequest, access: PathwayAccess) -> SafeString:
    pathway = access.pathway
    # The user may see the patient (the page's access says so): every question about them.
    questions = list(
        Question.objects.filter(patient_id=pathway.patient_id)
        .select_related("asker_role__practitioner", "addressee_role__practitioner", "team")
        .order_by("-asked_at")[:10]
    )
    can_ask = access.can_write and pathway.is_open
    if not questions and not can_ask:
        return SafeString("")
    return render_to_string(
        "messaging/_section.html",
        {"pathway": pathway, "questions": questions, "can_ask": can_ask},
        request,
    )
