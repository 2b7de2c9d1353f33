"""Who acts: one shape for every write (``do_*`` actions take ``actor=`` as a keyword)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from schakel.accounts.models import User
from schakel.audit.models import Grounds
from schakel.directory.models import Organization, PractitionerRole


@dataclass(frozen=True)
class Actor:
    """The user, the role they act in, on what grounds, and the request (its address).

    ``user`` is empty for what nobody logged in did: the patient through a personal link, or
    Schakel itself (a job); ``label`` then says who it was, for the timeline and the logs.
    """

    user: User | None
    role: PractitionerRole | None
    request: HttpRequest | None = None
    grounds: Grounds = Grounds.CARE_RELATION
    label: str = ""

    @property
    def account(self) -> User:
        """The person's account, for what only a person can do (not the patient, not a job)."""
        if self.user is None:
            raise PermissionDenied
        return self.user

    @property
    def acting_role(self) -> PractitionerRole:
        """The role, for what is done in a role (a consent recorded, an invitation sent)."""
        if self.role is None:
            raise PermissionDenied
        return self.role

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None

    @property
    def organisation(self) -> Organization | None:
        return self.role.organization if self.role is not None else None

    @property
    def role_label(self) -> str:
        return str(self.role.function_label) if self.role is not None else ""

    @property
    def organisation_label(self) -> str:
        return self.role.organization.name if self.role is not None else ""

    @property
    def name(self) -> str:
        """How the actor is named on a timeline or in a history."""
        if self.role is not None:
            return f"{self.role.practitioner.full_name} ({self.role.function_label})"
        if self.user is not None:
            return str(self.user)
        return self.label

    @classmethod
    def of(cls, request: HttpRequest, role: PractitionerRole | None = None) -> Actor:
        """The logged-in user acting in ``role`` (default: their first active role)."""
        from schakel.directory.access import acting_role

        user = request.user
        if not isinstance(user, User):
            raise PermissionDenied
        return cls(user, role or acting_role(user), request)

    @classmethod
    def patient(cls) -> Actor:
        """The patient, through a personal questionnaire link (no account)."""
        return cls(None, None, None, Grounds.NONE, "patiënt (persoonlijke link)")

    @classmethod
    def system(cls) -> Actor:
        """Schakel itself: a scheduled job."""
        return cls(None, None, None, Grounds.NONE, "Schakel (automatisch)")
