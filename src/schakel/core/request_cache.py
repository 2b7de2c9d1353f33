"""Answers worked out once per request: a page built from several sections asks the same
question (which patients may this user see?) several times.

The cache lives only while a request is served (``RequestCacheMiddleware``); outside one (a
job, a management command, a test calling a function) every call computes afresh. Writes that
change an answer clear the cache (see the apps that register ``forget_all`` on their models).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse

T = TypeVar("T")
_cache: ContextVar[dict[Hashable, Any] | None] = ContextVar("schakel_request_cache", default=None)


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, once per request for this key."""
    store = _cache.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]


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
        try:
            return self.get_response(request)
        finally:
            _cache.reset(token)
