"""Who may do what in the directory. The one place these decisions live."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from schakel.accounts.models import User
from schakel.directory.models import Function, PractitionerRole


def active_roles(user: User | AnonymousUser) -> list[PractitionerRole]:
    """The user's active practitioner roles, with their organisations (cached per user object)."""
    if not user.is_authenticated:
        return []
    cached: list[PractitionerRole] | None = getattr(user, "_schakel_roles", None)
    if cached is None:
        cached = list(
            PractitionerRole.objects.active()
            .filter(practitioner__user=user)
            .select_related("organization", "practitioner")
            .order_by("pk")
        )
        user._schakel_roles = cached  # type: ignore[attr-defined]  # a per-request cache
    return cached


def has_function(user: User | AnonymousUser, *functions: Function) -> bool:
    """Whether the user holds an active role with one of ``functions``."""
    return any(role.function in functions for role in active_roles(user))


def can_manage_directory(user: User | AnonymousUser) -> bool:
    """The network coordinator keeps the directory current (and so may a superuser)."""
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser) or has_function(user, Function.NETWORK_COORDINATOR)


def acting_role(user: User | AnonymousUser, role_id: int | None = None) -> PractitionerRole | None:
    """The role a user acts in: the one chosen (if it is theirs), else their first."""
    roles = active_roles(user)
    if role_id is not None:
        return next((role for role in roles if role.pk == role_id), None)
    return roles[0] if roles else None


# Functions that care for patients (everyone but the coordinator and the privacy officer).
CARE_FUNCTIONS = tuple(
    f for f in Function if f not in (Function.NETWORK_COORDINATOR, Function.PRIVACY_OFFICER)
)


def cares_for_patients(user: User | AnonymousUser) -> bool:
    return has_function(user, *CARE_FUNCTIONS)


def is_privacy_officer(user: User | AnonymousUser) -> bool:
    return has_function(user, Function.PRIVACY_OFFICER)
