"""Where to go after a form: only an address on this site, checked before anything is written."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` address of the request when it is a path on this site, else ``fallback``.

    Only absolute paths pass ("/taken/3/"): a bare word would be read by ``redirect`` as the
    name of a view and fail after the write was done.
    """
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if (
        candidate.startswith("/")
        and not candidate.startswith("//")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return fallback
