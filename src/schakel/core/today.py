"""The parts of the "Vandaag" start page: each app registers what it adds (its tasks, its
signals, the MDO requests, a worklist), at any level of the domain map; the page shows them
in order and says all is quiet when none has anything."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class TodaySection:
    """A part of the start page: ``render`` returns its HTML, or "" when it has nothing."""

    code: str
    order: int
    render: Callable[[HttpRequest], SafeString | str]


@dataclass(frozen=True)
class TodayRow:
    text: str
    url: str
    patient: str = ""
    meta: str = ""
    late: bool = False


_sections: dict[str, TodaySection] = {}


def register_today_section(section: TodaySection) -> None:
    _sections[section.code] = section


def render_sections(request: HttpRequest) -> list[SafeString | str]:
    """The sections that have something for this user, in order."""
    return [
        html
        for section in sorted(_sections.values(), key=lambda s: s.order)
        if (html := section.render(request)).strip()
    ]


def render_today_list(
    request: HttpRequest,
    code: str,
    title: str | Promise,
    rows: list[TodayRow],
    more_url: str = "",
    more_label: str | Promise = "",
) -> SafeString | str:
    """A simple list section, or nothing when there are no rows."""
    if not rows:
        return ""
    return render_to_string(
        "_today_list.html",
        {
            "code": code,
            "title": title,
            "rows": rows,
            "more_url": more_url,
            "more_label": more_label,
        },
        request,
    )
