"""Domain events: a lower app announces what happened, a higher app reacts.

The domain map lets apps import only downwards; when a lower app's action needs a higher app to
act (a new task should notify people, and notifications live in ``messaging``), the action
publishes an event and the higher app subscribes at start-up. Handlers run synchronously,
inside the publishing action's transaction, so both are kept or neither. Events are named
explicitly by the actions; there is no generic save hook.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

Handler = Callable[..., None]

_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(event: str, handler: Handler) -> None:
    """Call ``handler(**payload)`` whenever ``event`` is published (once per handler)."""
    if handler not in _handlers[event]:
        _handlers[event].append(handler)


def publish(name: str, /, **payload: Any) -> None:
    """Tell every subscriber of the event ``name``."""
    for handler in _handlers.get(name, []):
        handler(**payload)
