"""One helper decides whether a request gets a fragment or the full page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request that wants a part of the page (a boosted one wants the whole page)."""
    htmx: HtmxDetails = request.htmx  # type: ignore[attr-defined]  # set by HtmxMiddleware
    return bool(htmx) and not htmx.boosted


def render_page_or_fragment(
    request: HttpRequest,
    page_template: str,
    fragment_template: str,
    context: Mapping[str, Any],
    status: int = 200,
) -> HttpResponse:
    """Render ``fragment_template`` for htmx, else ``page_template`` (which includes it)."""
    template = fragment_template if is_htmx(request) else page_template
    response = render(request, template, context, status=status)
    response["Vary"] = "HX-Request"
    return response
