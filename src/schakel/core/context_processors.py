"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from schakel.core.menu import items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu items for the current user, as the apps registered them."""
    return {"nav_items": items_for(request)}
