""" "Wie benader ik waarvoor?": hospital + tumour type + topic → ranked contacts.

Ranking, best first:

1. **specific**: covers the tumour type *and* the topic;
2. **tumour team**: covers the tumour type (another or no topic);
3. **general**: the hospital's general oncology contacts (no tumour type), topic matches first.

Entries for other tumour types only are left out. The work is two queries (roles and contact
points, each annotated with its matches in SQL), whatever the size of the directory.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from enum import IntEnum
from functools import reduce

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from schakel.directory.models import (
    ContactPoint,
    ContactTopic,
    Function,
    Organization,
    PractitionerRole,
    TumourType,
)

# The most entries shown per match level; the organisation page lists everything.
LEVEL_LIMIT = 25

# Functions that are not hospital contacts for a GP, even when held at a hospital.
_NOT_CONTACTS = [Function.NETWORK_COORDINATOR, Function.PRIVACY_OFFICER, Function.GP]


class MatchLevel(IntEnum):
    SPECIFIC = 1
    TUMOUR_TEAM = 2
    GENERAL = 3

    @property
    def label(self) -> str:
        return str(_LEVEL_LABELS[self])


_LEVEL_LABELS = {
    MatchLevel.SPECIFIC: _("Specific for this tumour type and topic"),
    MatchLevel.TUMOUR_TEAM: _("Team for this tumour type"),
    MatchLevel.GENERAL: _("General oncology contact of the hospital"),
}


@dataclass(frozen=True)
class Contact:
    """One ranked result: a person in a role, or a contact point."""

    level: MatchLevel
    topic_match: bool
    entry: PractitionerRole | ContactPoint

    @property
    def is_person(self) -> bool:
        return isinstance(self.entry, PractitionerRole)

    @property
    def sort_key(self) -> tuple[int, int, int, str]:
        name = (
            self.entry.practitioner.sort_name
            if isinstance(self.entry, PractitionerRole)
            else self.entry.name.casefold()
        )
        # Within a level: topic matches first, then desks (reachable without a named person
        # being in), then people by name.
        return (self.level, 0 if self.topic_match else 1, 1 if self.is_person else 0, name)


@dataclass(frozen=True)
class LevelGroup:
    level: MatchLevel
    contacts: list[Contact]
    truncated: bool


@dataclass(frozen=True)
class FinderResult:
    groups: list[LevelGroup]

    @property
    def best_level(self) -> MatchLevel | None:
        return self.groups[0].level if self.groups else None

    @property
    def count(self) -> int:
        return sum(len(group.contacts) for group in self.groups)


def _annotate(
    queryset: QuerySet,
    through: type,
    owner_field: str,
    tumour_type: TumourType | None,
    topic: ContactTopic | None,
) -> QuerySet:
    tumour_through = through.tumour_types.through  # type: ignore[attr-defined]
    topic_through = through.topics.through  # type: ignore[attr-defined]
    return queryset.annotate(
        has_tumour_types=Exists(tumour_through.objects.filter(**{owner_field: OuterRef("pk")})),
        tumour_match=(
            Exists(
                tumour_through.objects.filter(
                    **{owner_field: OuterRef("pk"), "tumourtype": tumour_type}
                )
            )
            if tumour_type
            else Value(False)
        ),
        topic_match=(
            Exists(
                topic_through.objects.filter(**{owner_field: OuterRef("pk"), "contacttopic": topic})
            )
            if topic
            else Value(False)
        ),
    ).filter(Q(tumour_match=True) | Q(has_tumour_types=False))


def _level(entry: PractitionerRole | ContactPoint) -> MatchLevel:
    if entry.tumour_match and entry.topic_match:  # type: ignore[union-attr]
        return MatchLevel.SPECIFIC
    if entry.tumour_match:  # type: ignore[union-attr]
        return MatchLevel.TUMOUR_TEAM
    return MatchLevel.GENERAL


def find_contacts(
    hospital: Organization,
    tumour_type: TumourType | None = None,
    topic: ContactTopic | None = None,
) -> FinderResult:
    """Rank the hospital's contacts for a tumour type and topic (both optional)."""
    roles = _annotate(
        PractitionerRole.objects.active()
        .filter(organization=hospital)
        .exclude(function__in=_NOT_CONTACTS)
        .select_related("practitioner", "organization"),
        PractitionerRole,
        "practitionerrole",
        tumour_type,
        topic,
    )
    points = _annotate(
        ContactPoint.objects.filter(organization=hospital, is_active=True).select_related(
            "organization"
        ),
        ContactPoint,
        "contactpoint",
        tumour_type,
        topic,
    )
    contacts = sorted(
        (
            Contact(level=_level(entry), topic_match=bool(entry.topic_match), entry=entry)
            for entry in [*roles, *points]
        ),
        key=operator.attrgetter("sort_key"),
    )
    groups = []
    for level in MatchLevel:
        in_level = [c for c in contacts if c.level == level]
        if in_level:
            groups.append(
                LevelGroup(level, in_level[:LEVEL_LIMIT], truncated=len(in_level) > LEVEL_LIMIT)
            )
    return FinderResult(groups)


def _function_codes_matching(word: str) -> list[str]:
    """Function codes whose label (in the active language, or Dutch/English) contains ``word``."""
    word = word.casefold()
    return [code for code, label in Function.choices if word in str(label).casefold()]


def search_directory(
    text: str, hospital: Organization | None = None, limit: int = 50
) -> tuple[list[PractitionerRole], list[ContactPoint]]:
    """Free-text search over people's names, functions and titles, and contact points.

    Every word must match somewhere, so "jan berg" finds Jan van den Berg.
    """
    words = [w for w in text.split() if w][:6]
    if not words:
        return [], []
    role_conditions = [
        Q(practitioner__given_name__icontains=w)
        | Q(practitioner__family_name__icontains=w)
        | Q(practitioner__name_prefix__iexact=w)
        | Q(title__icontains=w)
        | Q(function__in=_function_codes_matching(w))
        | Q(organization__name__icontains=w)
        for w in words
    ]
    point_conditions = [
        Q(name__icontains=w) | Q(description__icontains=w) | Q(organization__name__icontains=w)
        for w in words
    ]
    roles = (
        PractitionerRole.objects.active()
        .exclude(function__in=[Function.PRIVACY_OFFICER])
        .filter(reduce(operator.and_, role_conditions))
        .select_related("practitioner", "organization")
        .order_by("practitioner__sort_name", "pk")
    )
    points = (
        ContactPoint.objects.filter(is_active=True, organization__is_active=True)
        .filter(reduce(operator.and_, point_conditions))
        .select_related("organization")
        .order_by("name", "pk")
    )
    if hospital is not None:
        roles = roles.filter(organization=hospital)
        points = points.filter(organization=hospital)
    return list(roles[:limit]), list(points[:limit])
