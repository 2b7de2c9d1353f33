"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from schakel.core.menu import items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu items for the current user, as the apps registered them.

    Worked out once per request, and only when a template shows the menu: a page made of
    sections renders each with the request (and so with this processor), and a fragment for
    htmx shows no menu at all.
    """
    items = getattr(request, "_schakel_nav_items", None)
    if items is None:
        items = SimpleLazyObject(lambda: items_for(request))
        request._schakel_nav_items = items  # type: ignore[attr-defined]
    return {"nav_items": items}
