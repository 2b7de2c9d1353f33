"""Answers worked out once per request: a page built from several sections asks the same
question (which patients may this user see?) several times.

The cache lives only while a request is served (``RequestCacheMiddleware``); outside one (a
job, a management command, a test calling a function) every call computes afresh. Writes that
change an answer clear the cache (see the apps that register ``forget_all`` on their models).

Work can also be gathered during a request and done once when the view has answered
(``gathered``): the sections of a page each name patients, and the access log takes them in
one go instead of once per section.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse

T = TypeVar("T")
_cache: ContextVar[dict[Hashable, Any] | None] = ContextVar("schakel_request_cache", default=None)
_gathered: ContextVar[dict[Hashable, tuple[Any, Callable[[Any], None]]] | None] = ContextVar(
    "schakel_request_gathered", default=None
)


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, once per request for this key."""
    store = _cache.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]


def gathered(key: Hashable, start: Callable[[], T], finish: Callable[[T], None]) -> T | None:
    """A collection (``start()``, once per request for this key) that the caller adds to while
    the request is served; ``finish(collection)`` runs once the view has answered, before the
    response goes out. None outside a request: the caller does its work at once.

    Not cleared by ``forget_all``: what was gathered is work promised, not an answer."""
    store = _gathered.get()
    if store is None:
        return None
    if key not in store:
        store[key] = (start(), finish)
    collection: T = store[key][0]
    return collection


def forget_all(**_signal_arguments: Any) -> None:
    """Drop what this request worked out (a write changed it); usable as a signal receiver."""
    store = _cache.get()
    if store is not None:
        store.clear()


class RequestCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _cache.set({})
        gathering = _gathered.set({})
        try:
            response = self.get_response(request)
            # Django has turned any error into a response by now: what the view gathered is
            # finished either way (an access log entry too many beats one missing).
            for collection, finish in (_gathered.get() or {}).values():
                finish(collection)
            return response
        finally:
            _gathered.reset(gathering)
            _cache.reset(token)
