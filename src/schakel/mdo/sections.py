"""The MDO section of the pathway page: this patient's cases on MDO agendas, the GP's input
(with a way back to it until the advice) and the advice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Max
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from schakel.directory.models import Function
from schakel.mdo.models import AgendaItem

if TYPE_CHECKING:
    from schakel.pathways.access import PathwayAccess


def mdo_section(request: HttpRequest, access: PathwayAccess) -> SafeString:
    items = list(
        AgendaItem.objects.filter(pathway=access.pathway, removed_at__isnull=True)
        .select_related("meeting", "outcome")
        .annotate(input_version=Max("inputs__version"), input_at=Max("inputs__created_at"))
        .order_by("-meeting__starts_at")
    )
    if not items:
        return SafeString("")
    # The patient's GP practice gives the input (the same people the input request goes to).
    gives_input = access.can_write and access.patient_access.role.function in (
        Function.GP,
        Function.POH_ONCOLOGY,
    )
    return render_to_string(
        "mdo/_section.html",
        {"pathway": access.pathway, "items": items, "gives_input": gives_input},
        request,
    )
