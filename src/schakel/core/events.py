"""Domain events: a lower app announces what happened, a higher app reacts.

The domain map lets apps import only downwards; when a lower app's action needs a higher app to
act (a new task should notify people, a new MDO case may invite the patient to a questionnaire),
the action publishes an event and the higher app subscribes at start-up.

Events are frozen dataclasses owned by the publishing app; a handler takes exactly that event,
so mypy checks both sides. Handlers run synchronously, inside the publishing action's
transaction, so both are kept or neither. There is no generic save hook.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

E = TypeVar("E")

_handlers: dict[type, list[Callable[[Any], None]]] = defaultdict(list)


def subscribe(event_type: type[E], handler: Callable[[E], None]) -> None:
    """Call ``handler(event)`` whenever an event of ``event_type`` is published (once each)."""
    if handler not in _handlers[event_type]:
        _handlers[event_type].append(handler)


def publish(event: object) -> None:
    """Tell every subscriber of this event's type."""
    for handler in _handlers.get(type(event), []):
        handler(event)
