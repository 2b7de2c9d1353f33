""" "Ask a question" where people look for whom to ask: on the contact card of a person or a
desk that accepts messages, and for a hospital's tumour-type team in the contact finder."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from schakel.directory.models import ContactPoint, Function, OrganizationKind, PractitionerRole


def _ask(**query: object) -> str:
    return f"{reverse('messaging:ask')}?{urlencode(query)}"


def ask_contact(entry: Any) -> tuple[str, str] | None:
    if not getattr(entry, "secure_messaging", False):
        return None
    if isinstance(entry, PractitionerRole):
        return _("Ask a question"), _ask(rol=entry.pk)
    if isinstance(entry, ContactPoint):
        return _("Ask this department a question"), _ask(organisatie=entry.organization_id)
    return None


def ask_team(organization: Any, tumour_type: Any) -> tuple[str, str] | None:
    """A hospital's team for the tumour type: its nurse specialists first (the usual first
    contact for a GP); the asker can choose another function."""
    if getattr(organization, "kind", None) != OrganizationKind.HOSPITAL:
        return None
    if tumour_type is None:
        return (
            _("Ask %(hospital)s a question") % {"hospital": organization.name},
            _ask(organisatie=organization.pk, functie=Function.NURSE_SPECIALIST),
        )
    return (
        _("Ask the %(tumour)s team of %(hospital)s a question")
        % {"tumour": str(tumour_type).lower(), "hospital": organization.name},
        _ask(organisatie=organization.pk, tumor=tumour_type.pk, functie=Function.NURSE_SPECIALIST),
    )


def ask_about(role: Any, pathway: Any, subject: str) -> tuple[str, str] | None:
    """A question about the MDO advice or the aftercare plan, to the person it names."""
    query: dict[str, object] = {"traject": pathway.pk, "onderwerp": subject}
    if role is not None:
        query["rol"] = role.pk
    return _("Ask a question about this"), _ask(**query)
