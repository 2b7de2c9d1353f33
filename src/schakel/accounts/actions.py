"""Writes on accounts: login bookkeeping, two-factor changes, language preference.

Each action runs in one transaction and records the access-log entry in that same transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from schakel.accounts.models import User
from schakel.audit.actions import do_record_access
from schakel.audit.models import AccessEvent, Outcome


@transaction.atomic
def do_record_successful_login(user: User, *, request: HttpRequest) -> None:
    """Log the login (django-axes forgets the failed attempts of this client and address)."""
    do_record_access(event=AccessEvent.LOGIN, outcome=Outcome.SUCCESS, user=user, request=request)


@transaction.atomic
def do_record_failed_login(email: str, *, request: HttpRequest, reason: str) -> User | None:
    """Log a failed login (django-axes counts it). Returns the account when one exists for
    ``email``; the caller never tells the visitor."""
    user = User.objects.filter(email__iexact=email).first()
    do_record_access(
        event=AccessEvent.LOGIN,
        outcome=Outcome.FAILURE,
        user=user,
        user_identifier=email,
        request=request,
        detail=reason,
    )
    return user


@transaction.atomic
def do_record_logout(user: User, *, request: HttpRequest) -> None:
    """Log that the user logged out."""
    do_record_access(event=AccessEvent.LOGOUT, outcome=Outcome.SUCCESS, user=user, request=request)


@transaction.atomic
def do_record_second_factor(user: User, *, request: HttpRequest, success: bool) -> None:
    """Log a second-factor check at login, successful or not."""
    do_record_access(
        event=AccessEvent.TWO_FACTOR_CHECK,
        outcome=Outcome.SUCCESS if success else Outcome.FAILURE,
        user=user,
        request=request,
    )


@transaction.atomic
def do_confirm_two_factor_device(
    device: TOTPDevice, *, acting_user: User, request: HttpRequest
) -> None:
    """Confirm a freshly enrolled authenticator app and remove any older ones."""
    TOTPDevice.objects.filter(user=acting_user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    do_record_access(
        event=AccessEvent.TWO_FACTOR_ENABLED,
        outcome=Outcome.SUCCESS,
        user=acting_user,
        request=request,
    )


@transaction.atomic
def do_remove_two_factor_devices(user: User, *, acting_user: User, request: HttpRequest) -> None:
    """Remove a user's authenticator apps (lost phone, new phone). They must enrol again."""
    TOTPDevice.objects.filter(user=user).delete()
    do_record_access(
        event=AccessEvent.TWO_FACTOR_DISABLED,
        outcome=Outcome.SUCCESS,
        user=acting_user,
        request=request,
        detail="" if user == acting_user else f"for user {user.pk}",
    )


@transaction.atomic
def do_set_language(user: User, language: str) -> None:
    """Remember the interface language a user chose."""
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
