"""Sections that apps above pathways add to the pathway page (e.g. the questionnaire scores).

Pathways does not import those apps; they register a function from their ``ready()`` that
renders their part of the page for a pathway the access helper has already allowed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from schakel.pathways.access import PathwayAccess

Section = Callable[[HttpRequest, "PathwayAccess"], SafeString]
SECTIONS: list[Section] = []


def register_section(section: Section) -> None:
    if section not in SECTIONS:
        SECTIONS.append(section)


def render_sections(request: HttpRequest, access: PathwayAccess) -> list[SafeString]:
    return [section(request, access) for section in SECTIONS]
