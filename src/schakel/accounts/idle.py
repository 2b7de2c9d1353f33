"""The idle timeout, without writing the session on every request.

Django can renew a session's expiry only by saving it (``SESSION_SAVE_EVERY_REQUEST``): one
UPDATE per request, for every user, all day. Instead the session keeps the minute of the last
activity; it is written only when that minute moves on (or when something else in the session
changed), and a request after more than the idle minutes logs the user out. The session's own
expiry is one minute longer, so it never ends before this check does: the timeout stays exact to
the minute.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

LAST_ACTIVE = "schakel_last_active_minute"


def _minute() -> int:
    return int(time.time() // 60)


class IdleTimeoutMiddleware:
    """Logs out after ``SCHAKEL_SESSION_IDLE_MINUTES`` without a request; marks activity once
    a minute. Place it after the authentication middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = _minute()
            last = request.session.get(LAST_ACTIVE)
            if isinstance(last, int) and now - last > settings.SCHAKEL_SESSION_IDLE_MINUTES:
                logout(request)  # the session is flushed; the view sees an anonymous user
            elif last != now:
                request.session[LAST_ACTIVE] = now  # modified: saved with a renewed expiry
        return self.get_response(request)
