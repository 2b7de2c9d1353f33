"""Two factors before anything else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import urlencode
from django_otp import devices_for_user


def two_factor_exempt(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view reachable before the second factor (login, enrolment, logout, language)."""
    view.two_factor_exempt = True  # type: ignore[attr-defined]
    return view


def two_factor_required(user: Any) -> bool:
    """Required for everyone, unless the local demo relaxed it; then still for enrolled users."""
    if not settings.SCHAKEL_TWO_FACTOR_OPTIONAL:
        return True
    return any(True for _ in devices_for_user(user, confirmed=True))


class TwoFactorRequiredMiddleware:
    """Sends a logged-in user without a verified second factor to verify or enrol first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or getattr(view_func, "two_factor_exempt", False):
            return None
        # OTPMiddleware gives the user is_verified(); the type stubs do not know it.
        if user.is_verified() or not two_factor_required(user):  # type: ignore[attr-defined]
            return None
        has_device = any(True for _ in devices_for_user(user, confirmed=True))
        target = "accounts:two_factor_verify" if has_device else "accounts:two_factor_setup"
        response = redirect(target)
        response["Location"] += "?" + urlencode({"next": request.get_full_path()})
        return response
