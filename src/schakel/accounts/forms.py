"""Login and two-factor forms."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.accounts.actions import do_record_failed_login
from schakel.accounts.models import User


def login_name(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The e-mail address as django-axes counts it: "GP@x.nl" and "gp@x.nl" are one."""
    source = credentials if credentials is not None else request.POST
    return str(source.get("email") or source.get("username") or "").strip().lower()


def too_many_from_this_address(request: HttpRequest) -> bool:
    """One client address may fail a limited number of times per period, over all e-mail
    addresses: a throttle per address beside django-axes' lock per address and account."""
    from axes.models import AccessAttempt

    from schakel.audit.actions import client_address

    since = timezone.now() - timedelta(minutes=settings.SCHAKEL_LOGIN_LOCKOUT_MINUTES)
    failures = AccessAttempt.objects.filter(
        ip_address=client_address(request), attempt_time__gte=since
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return (failures or 0) >= settings.SCHAKEL_LOGIN_ADDRESS_MAX_FAILURES


class LoginForm(forms.Form):
    """E-mail and password. A wrong password, an unknown address and a lock-out all get the
    same answer: nothing tells a visitor which e-mail addresses have accounts."""

    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid": _(
            "The e-mail address or password is not correct, or there were too many attempts "
            "from here. Try again later, or unlock your account with the code from your "
            "authenticator app."
        ),
    }

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def refuse(self) -> forms.ValidationError:
        return forms.ValidationError(self.error_messages["invalid"], code="invalid")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email = cleaned.get("email")
        password = cleaned.get("password")
        if not email or not password:
            return cleaned
        if too_many_from_this_address(self.request):
            do_record_failed_login(email, request=self.request, reason="too many from address")
            raise self.refuse()
        # django-axes refuses a locked-out pair here (and counts every failure).
        user = authenticate(self.request, username=email, password=password)
        if user is None:
            do_record_failed_login(email, request=self.request, reason="wrong password")
            raise self.refuse()
        assert isinstance(user, User)  # noqa: S101
        self.user = user
        return cleaned


class UnlockForm(forms.Form):
    """A locked-out user proves who they are with their second factor."""

    email = forms.EmailField(label=_("E-mail address"))
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class TokenForm(forms.Form):
    """The six-digit code from the authenticator app."""

    token = forms.CharField(
        label=_("Code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "autofocus": True,
            }
        ),
        error_messages={"min_length": _("The code has 6 digits.")},
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit():
            raise forms.ValidationError(_("The code consists of digits only."), code="digits")
        return token


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
