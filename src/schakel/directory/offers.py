"""What a picker of organisations or people offers: the candidates that matter to this user,
and what their search found. Never a whole country's list.

A form keeps validating against every allowed row (``core.forms.OfferedChoiceField``); these
functions choose the rows it lists. The chosen value is always among them, so a form that
comes back with an error still shows it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from schakel.directory.models import Organization, OrganizationKind, PractitionerRole

# A region has about ten hospitals: all of them fit; a national network's list does not.
REGION_LIMIT = 25
# What a search adds at most; a longer list means the search should be more precise.
SEARCH_LIMIT = 20
SEARCH_MAX_LENGTH = 100


def _words(search: str) -> list[str]:
    return search.strip()[:SEARCH_MAX_LENGTH].split()[:4]


def _own_organisations(user: Any) -> QuerySet[Organization]:
    return Organization.objects.filter(
        roles__practitioner__user=user, roles__is_active=True
    ).distinct()


def _ids(rows: Iterable[Any]) -> list[int]:
    return [row for row in rows if isinstance(row, int)]


def organisations_offered(
    user: Any,
    kind: OrganizationKind,
    *,
    search: str = "",
    chosen: Iterable[Any] = (),
    recent: Iterable[Any] = (),
) -> QuerySet[Organization]:
    """Organisations of ``kind``: the user's own, their region's (up to ``REGION_LIMIT``, by
    name), the recently chosen, the chosen, and those a search by name or place found."""
    active = Organization.objects.filter(kind=kind, is_active=True)
    own = _own_organisations(user)
    # Sliced subqueries (PostgreSQL and SQLite take a LIMIT there): the list is one query.
    region = active.filter(region__in=own.values("region")).order_by("name").values("pk")
    near = Q(pk__in=own.values("pk")) | Q(pk__in=region[:REGION_LIMIT])
    near |= Q(pk__in=_ids(recent)) | Q(pk__in=_ids(chosen))
    words = _words(search)
    if words:
        found = Q()
        for word in words:
            found &= Q(name__icontains=word) | Q(city__icontains=word)
        near |= Q(pk__in=active.filter(found).order_by("name").values("pk")[:SEARCH_LIMIT])
    return active.filter(near).order_by("name", "pk")


def roles_offered(
    roles: QuerySet[PractitionerRole],
    *,
    near: Q,
    search: str = "",
    chosen: Iterable[Any] = (),
    limit: int = REGION_LIMIT,
) -> QuerySet[PractitionerRole]:
    """People (roles) from ``roles``: those ``near`` selects (up to ``limit``), the chosen, and
    those a search by name, title or organisation found."""
    picked = roles.filter(near).order_by("practitioner__sort_name", "pk").values("pk")[:limit]
    offered = Q(pk__in=picked) | Q(pk__in=_ids(chosen))
    words = _words(search)
    if words:
        found = Q()
        for word in words:
            found &= (
                Q(practitioner__family_name__icontains=word)
                | Q(practitioner__given_name__icontains=word)
                | Q(title__icontains=word)
                | Q(organization__name__icontains=word)
            )
        matches = roles.filter(found).order_by("practitioner__sort_name", "pk").values("pk")
        offered |= Q(pk__in=matches[:SEARCH_LIMIT])
    return roles.filter(offered).order_by("practitioner__sort_name", "pk")


def chosen_ids(form: Any, *names: str) -> list[int]:
    """The ids a form chose for these fields: what it was sent, or, unbound, what it starts
    with (digits only; the rest is the form's to refuse)."""
    data = form.data if form.is_bound else form.initial
    found = []
    for name in names:
        if hasattr(data, "getlist"):
            values = data.getlist(name)
        else:
            value = data.get(name)
            values = value if isinstance(value, list | tuple) else [value]
        for value in values:
            if hasattr(value, "pk"):
                value = value.pk
            text = str(value or "")
            if text.isdigit() and len(text) <= 18:
                found.append(int(text))
    return found
