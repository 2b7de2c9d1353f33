"""Access to pathways follows access to their patient (``patients.access``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from schakel.accounts.models import User
from schakel.audit.models import AccessEvent
from schakel.directory.actor import Actor
from schakel.pathways.models import CarePathway
from schakel.patients.access import PatientAccess, get_patient_for_user, visible_patient_ids


@dataclass(frozen=True)
class PathwayAccess:
    pathway: CarePathway
    patient_access: PatientAccess

    @property
    def can_write(self) -> bool:
        return self.patient_access.can_write

    def actor(self, request: HttpRequest) -> Actor:
        """Who writes on this pathway, for an action; 403 when the access is read-only."""
        return self.patient_access.actor(request)


def visible_pathways(user: User | AnonymousUser) -> QuerySet[CarePathway]:
    """Pathways of the patients the user may see."""
    return CarePathway.objects.filter(patient_id__in=visible_patient_ids(user))


def get_pathway_for_user(
    request: HttpRequest, pk: int | str, *, event: AccessEvent = AccessEvent.READ
) -> PathwayAccess:
    """The pathway, if the user may see its patient (logged); 404 otherwise."""
    try:
        patient_id = CarePathway.objects.values_list("patient_id", flat=True).get(pk=int(pk))
    except (CarePathway.DoesNotExist, ValueError):
        raise Http404 from None
    patient_access = get_patient_for_user(request, patient_id, event=event)
    pathway = CarePathway.objects.select_related(
        "patient",
        "tumour_type",
        "case_manager__practitioner",
        "case_manager__organization",
        "general_practitioner__practitioner",
        "general_practitioner__organization",
    ).get(pk=int(pk))
    return PathwayAccess(pathway, patient_access)


def search_pathways(user: User | AnonymousUser, query: str) -> QuerySet[CarePathway]:
    """Open pathways of the patients the user may see, whose patient matches a BSN or the
    words of a name: for a picker that shows patients only when asked (and logs them)."""
    from django.db.models import Q

    from schakel.core.identifiers import normalise_bsn
    from schakel.pathways.models import Phase

    pathways = visible_pathways(user).exclude(phase=Phase.CLOSED)
    digits = normalise_bsn(query)
    if digits.isdigit():
        return pathways.filter(patient__bsn=digits)
    words = query.split()[:4]
    if not words:
        return pathways.none()
    for word in words:
        pathways = pathways.filter(
            Q(patient__family_name__icontains=word) | Q(patient__given_name__icontains=word)
        )
    return pathways
