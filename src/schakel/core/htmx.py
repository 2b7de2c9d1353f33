"""One helper decides whether a request gets a fragment or the full page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails


def is_htmx(request: HttpRequest, target: str | None = None) -> bool:
    """An htmx request that wants a part of the page (a boosted one wants the whole page);
    with ``target``, only one that swaps that element (a picker's search on the same page
    swaps another and picks it out of the whole page)."""
    htmx: HtmxDetails = request.htmx  # type: ignore[attr-defined]  # set by HtmxMiddleware
    if not htmx or htmx.boosted:
        return False
    return target is None or htmx.target == target


def render_page_or_fragment(
    request: HttpRequest,
    page_template: str,
    fragment_template: str,
    context: Mapping[str, Any],
    status: int = 200,
    target: str | None = None,
) -> HttpResponse:
    """Render ``fragment_template`` for htmx (swapping ``target``, when given), else
    ``page_template`` (which includes it)."""
    template = fragment_template if is_htmx(request, target) else page_template
    response = render(request, template, context, status=status)
    response["Vary"] = "HX-Request, HX-Target" if target else "HX-Request"
    return response
