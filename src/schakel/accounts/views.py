"""Login, logout, two-factor enrolment and verification, language."""

from __future__ import annotations

import base64
from typing import Any

import segno
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import activate
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from schakel.accounts.actions import (
    do_confirm_two_factor_device,
    do_record_logout,
    do_record_second_factor,
    do_record_successful_login,
    do_remove_two_factor_devices,
    do_set_language,
)
from schakel.accounts.forms import (
    LanguageForm,
    LoginForm,
    TokenForm,
    UnlockForm,
    too_many_from_this_address,
)
from schakel.accounts.middleware import two_factor_exempt, two_factor_required
from schakel.accounts.models import User
from schakel.core.redirects import safe_next


def _safe_next(request: HttpRequest, default: str = settings.LOGIN_REDIRECT_URL) -> str:
    return safe_next(request, resolve_url(default))


def _with_language_cookie(response: HttpResponse, language: str) -> HttpResponse:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", secure=not settings.DEBUG
    )
    return response


@two_factor_exempt
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request))
    form = LoginForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.user
        assert user is not None  # noqa: S101
        login(request, user)
        do_record_successful_login(user, request=request)
        activate(user.language)
        if two_factor_required(user):
            has_device = any(True for _ in devices_for_user(user, confirmed=True))
            step = "accounts:two_factor_verify" if has_device else "accounts:two_factor_setup"
            target = f"{resolve_url(step)}?next={_safe_next(request)}"
        else:
            target = _safe_next(request)
        return _with_language_cookie(HttpResponseRedirect(target), user.language)
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request)})


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """What django-axes answers a locked-out attempt: the login page with the same words as a
    wrong password, so a visitor cannot tell a locked account from an unknown one."""
    form = LoginForm(request, initial={"email": request.POST.get("email", "")})
    context = {"form": form, "next": _safe_next(request), "refused": form.refuse().message}
    return render(request, "accounts/login.html", context)


@two_factor_exempt
@require_http_methods(["GET", "POST"])
def unlock(request: HttpRequest) -> HttpResponse:
    """A user locked out after failed logins unlocks with the code from their authenticator
    app. An unknown address and a wrong code get the same answer, and count as failures."""
    form = UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        device = (
            match_token(user, form.cleaned_data["token"])
            if user is not None and not too_many_from_this_address(request)
            else None
        )
        if user is not None and device is not None:
            axes_reset(username=email)
            do_record_second_factor(user, request=request, success=True)
            messages.success(request, _("Your account is unlocked. You can log in again."))
            return redirect("accounts:login")
        # Counted like a failed login (the address throttle sees it); the answer stays
        # this page, not django-axes' lock-out page.
        user_login_failed.send(sender=__name__, credentials={"username": email}, request=request)
        request.axes_locked_out = False  # type: ignore[attr-defined]
        if user is not None:
            do_record_second_factor(user, request=request, success=False)
        form.add_error(None, _("The code is not correct, or the e-mail address is unknown."))
    return render(request, "accounts/unlock.html", {"form": form})


@two_factor_exempt
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if isinstance(request.user, User):
        do_record_logout(request.user, request=request)
    logout(request)
    messages.info(request, _("You are logged out."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@two_factor_exempt
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of logging in: the code from the authenticator app."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101
    if not any(True for _ in devices_for_user(user, confirmed=True)):
        return redirect("accounts:two_factor_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        do_record_second_factor(user, request=request, success=device is not None)
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", _("This code is not correct or has expired. Try the next one."))
    return render(request, "accounts/two_factor_verify.html", {"form": form})


def _qr_svg(device: TOTPDevice) -> str:
    return str(segno.make(device.config_url, error="m").svg_inline(scale=5, title="QR"))


@two_factor_exempt
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code, confirm with a code."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101
    has_confirmed = any(True for _ in devices_for_user(user, confirmed=True))
    if has_confirmed and not user.is_verified():  # type: ignore[attr-defined]
        # Replacing a device needs the current one first.
        return redirect("accounts:two_factor_verify")
    # The unconfirmed device is kept across page loads, so the QR code stays the same.
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            do_confirm_two_factor_device(device, acting_user=user, request=request)
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(_safe_next(request))
        do_record_second_factor(user, request=request, success=False)
        form.add_error("token", _("This code is not correct. Check the time on your phone."))
    context = {
        "form": form,
        "qr_svg": _qr_svg(device),
        "secret": base64.b32encode(device.bin_key).decode(),
        "replacing": has_confirmed,
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def security(request: HttpRequest) -> HttpResponse:
    """The user's own security settings: second factor status, remove or replace it."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101
    if request.method == "POST" and request.POST.get("action") == "remove":
        do_remove_two_factor_devices(user, acting_user=user, request=request)
        messages.success(request, _("Your authenticator app was removed."))
        return redirect("accounts:two_factor_setup")
    context = {
        "has_device": any(True for _ in devices_for_user(user, confirmed=True)),
        "optional": settings.SCHAKEL_TWO_FACTOR_OPTIONAL,
    }
    return render(request, "accounts/security.html", context)


@two_factor_exempt
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; remembered on the account when logged in."""
    form = LanguageForm(request.POST)
    target = _safe_next(request, default="directory:finder")
    response = HttpResponseRedirect(target)
    if not form.is_valid():
        return response
    language = form.cleaned_data["language"]
    if isinstance(request.user, User):
        do_set_language(request.user, language)
    return _with_language_cookie(response, language)
