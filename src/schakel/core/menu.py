"""The main menu: each app registers its entries when it starts; core knows none of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class MenuEntry:
    """An item of the main menu: shown when ``visible(user)``; ``badge`` counts what waits
    (unread notifications, say) and is shown beside the label when above zero."""

    label: str | Promise
    url_name: str
    order: int
    visible: Callable[[Any], bool]
    badge: Callable[[HttpRequest], int] | None = None


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    current: bool
    badge: int = 0


_entries: dict[str, MenuEntry] = {}


def register_menu_entry(entry: MenuEntry) -> None:
    _entries[entry.url_name] = entry


def items_for(request: HttpRequest) -> list[NavItem]:
    user = getattr(request, "user", None)  # absent on an error page before authentication
    if user is None or not user.is_authenticated:
        return []
    shown = [
        (entry, reverse(entry.url_name))
        for entry in sorted(_entries.values(), key=lambda e: e.order)
        if entry.visible(user)
    ]
    # The current item is the one whose address is the longest prefix of this page's.
    matching = [url for _entry, url in shown if request.path.startswith(url)]
    current = max(matching, key=len) if matching else None
    return [
        NavItem(entry.label, url, url == current, entry.badge(request) if entry.badge else 0)
        for entry, url in shown
    ]
