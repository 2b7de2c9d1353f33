"""Security headers not covered by Django's own middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class PermissionsPolicyMiddleware:
    """No camera, microphone or location for any page (the Content-Security-Policy header is
    django-csp's, configured in settings)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class FriendlyErrorsMiddleware:
    """Schakel's own pages for "not found" and "not allowed", in the user's language, also
    with DEBUG=1 (Django's debug pages are for developers, not for the demo's users).

    A ``PermissionDenied`` subclass may name its own template (``template_name``), e.g. the
    page that explains a second factor is needed.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.core.exceptions import PermissionDenied
        from django.db import DataError
        from django.http import Http404
        from django.shortcuts import render

        if isinstance(exception, Http404):
            return render(request, "404.html", status=404)
        if isinstance(exception, PermissionDenied):
            template = getattr(exception, "template_name", "403.html")
            return render(request, template, status=403)
        if isinstance(exception, OverflowError | DataError):
            # A number too large for the database reached a query (a hand-made form post):
            # the request was wrong, nothing was written, say so instead of a server error.
            return render(request, "400.html", status=400)
        return None


class RejectNulMiddleware:
    """A NUL character has no place in any form or query parameter, and PostgreSQL cannot
    store or compare it: such a request is refused (400) before a view sees it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.shortcuts import render

        for params in (request.GET, request.POST if request.method == "POST" else {}):
            for values in params.lists() if hasattr(params, "lists") else ():
                if any("\x00" in value for value in values[1]):
                    return render(request, "400.html", status=400)
        return self.get_response(request)
