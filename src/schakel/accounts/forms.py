"""Login and two-factor forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from schakel.accounts.actions import do_record_failed_login
from schakel.accounts.models import User


class LoginForm(forms.Form):
    """E-mail and password. Counts failures and refuses a locked account."""

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
        "invalid": _("The e-mail address or password is not correct."),
        "locked": _(
            "This account is locked for a while after too many failed attempts. "
            "Try again in %(minutes)d minutes."
        ),
    }

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email = cleaned.get("email")
        password = cleaned.get("password")
        if not email or not password:
            return cleaned
        account = User.objects.filter(email__iexact=email).first()
        if account is not None and account.is_locked():
            do_record_failed_login(email, request=self.request, reason="account locked")
            raise self._locked_error()
        user = authenticate(self.request, username=email, password=password)
        if user is None:
            account = do_record_failed_login(email, request=self.request, reason="wrong password")
            if account is not None and account.is_locked():
                raise self._locked_error()
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        assert isinstance(user, User)  # noqa: S101
        self.user = user
        return cleaned

    def _locked_error(self) -> forms.ValidationError:
        return forms.ValidationError(
            self.error_messages["locked"],
            code="locked",
            params={"minutes": settings.SCHAKEL_LOGIN_LOCKOUT_MINUTES},
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
