"""Who sees a handover and who acts on it. A handover is part of its patient's pathway: it is
seen through ``pathways.access`` (and so logged), by the sending and the receiving side alike
(the receiving person got a care relation when it was sent; a GP practice sees its patients)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from schakel.accounts.models import User
from schakel.audit.models import AccessEvent
from schakel.directory.access import active_roles
from schakel.handovers.models import Attachment, Handover
from schakel.pathways.access import PathwayAccess, get_pathway_for_user, visible_pathways


@dataclass(frozen=True)
class HandoverAccess:
    handover: Handover
    pathway_access: PathwayAccess
    organisation_ids: frozenset[int]

    @property
    def can_write(self) -> bool:
        return self.pathway_access.can_write

    @property
    def is_receiver(self) -> bool:
        """Someone at the receiving organisation, with more than read-only access."""
        return self.can_write and self.handover.receiver_organization_id in self.organisation_ids

    @property
    def is_sender(self) -> bool:
        return self.can_write and self.handover.sender_organization_id in self.organisation_ids


def visible_handovers(user: User | AnonymousUser) -> QuerySet[Handover]:
    """Handovers of the pathways the user may see."""
    return Handover.objects.filter(pathway__in=visible_pathways(user).values("pk"))


def get_handover_for_user(
    request: HttpRequest, pk: int | str, *, event: AccessEvent = AccessEvent.READ
) -> HandoverAccess:
    """The handover, if the user may see its patient (logged); 404 otherwise."""
    pathway_id = Handover.objects.filter(pk=pk).values_list("pathway_id", flat=True).first()
    if pathway_id is None:
        raise Http404
    pathway_access = get_pathway_for_user(request, pathway_id, event=event)
    handover = Handover.objects.select_related(
        "pathway__patient",
        "pathway__tumour_type",
        "sender_organization",
        "sender_role__practitioner",
        "receiver_organization",
        "receiver_role__practitioner",
        "receiver_role__organization",
    ).get(pk=pk)
    organisations = frozenset(r.organization_id for r in active_roles(request.user))
    return HandoverAccess(handover, pathway_access, organisations)


def get_attachment_for_user(
    request: HttpRequest, pk: int | str
) -> tuple[Attachment, HandoverAccess]:
    """An attachment, through its handover's access (an export of patient data, logged)."""
    handover_id = Attachment.objects.filter(pk=pk).values_list("handover_id", flat=True).first()
    if handover_id is None:
        raise Http404
    access = get_handover_for_user(request, handover_id, event=AccessEvent.EXPORT)
    return Attachment.objects.get(pk=pk), access
