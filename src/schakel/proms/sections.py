"""The questionnaire section of the pathway page: latest score per instrument, with a link."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from schakel.proms.overview import latest_by_pathway

if TYPE_CHECKING:
    from schakel.pathways.access import PathwayAccess


def questionnaire_section(request: HttpRequest, access: PathwayAccess) -> SafeString:
    latest = latest_by_pathway([access.pathway.pk]).get(access.pathway.pk, [])
    return render_to_string(
        "proms/_section.html",
        {"pathway": access.pathway, "latest": latest, "access": access},
        request,
    )


def questionnaire_action(task: Any) -> tuple[str, str]:
    """The button of a "discuss this score" task."""
    return _("See the questionnaire"), reverse("proms:pathway", args=[task.subject_id])
