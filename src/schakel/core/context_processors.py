"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation items for the current user (see ``schakel.navigation``)."""
    # Imported here: the navigation is assembled from all apps, above core in the domain map.
    from schakel.navigation import items_for

    return {"nav_items": items_for(request)}
