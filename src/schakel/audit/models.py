"""The access log (NEN 7513): who did what with which (patient) data, when, on what grounds.

Append-only. An entry is written with a keyed MAC of its content and, moments later, given its
place in a chain (``schakel.audit.chain``): a sequence number and the hash of the entry before
it, so that changing, removing or inserting an entry afterwards breaks the chain; ``schakel audit
verify`` finds the first break. The log never holds the data itself, only which object was
involved.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64
HMAC_SCHEME = "hmac-sha256"
LEGACY_SCHEME = "sha256"


def audit_key() -> bytes:
    """The key of the chain and the seals: ``SCHAKEL_AUDIT_KEY``, else derived from the
    ``SECRET_KEY``. Neither lives in the database."""
    configured = getattr(settings, "SCHAKEL_AUDIT_KEY", "")
    if configured:
        return str(configured).encode()
    return hashlib.sha256(f"schakel-audit-chain:{settings.SECRET_KEY}".encode()).digest()


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an access-log entry."""


class AccessEvent(models.TextChoices):
    """What happened. The first group is NEN 7513's event actions on data."""

    CREATE = "create", _("create")
    READ = "read", _("read")
    UPDATE = "update", _("update")
    DELETE = "delete", _("delete")
    SEARCH = "search", _("search")
    EXPORT = "export", _("print or export")
    EMERGENCY_ACCESS = "emergency", _("emergency access")
    LOGIN = "login", _("login")
    LOGOUT = "logout", _("logout")
    TWO_FACTOR_CHECK = "2fa_check", _("second factor checked")
    TWO_FACTOR_ENABLED = "2fa_enabled", _("second factor enabled")
    TWO_FACTOR_DISABLED = "2fa_disabled", _("second factor removed")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("success")
    FAILURE = "failure", _("failure")
    DENIED = "denied", _("denied")


class Grounds(models.TextChoices):
    """On what grounds access to patient data was given."""

    NONE = "", _("not applicable")
    CARE_RELATION = "care_relation", _("care relation")
    CONSENT = "consent", _("consent")
    EMERGENCY = "emergency", _("emergency access")


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Refuses the bulk paths that would change or remove entries of a log."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Log entries cannot be changed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Log entries cannot be removed.")


class AppendOnlyModel(models.Model):
    """An entry of a log: written once, never changed or removed."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Log entries cannot be removed.")


# The access log's queryset (its name is used by the privacy pages' type hints).
AccessLogQuerySet = AppendOnlyQuerySet


class AccessLogEntry(AppendOnlyModel):
    """One event on (patient) data or on an account, as NEN 7513 asks.

    Snapshots (user identifier, role, organisation) are stored as text so that the entry still
    says who it was after people change roles or leave.
    """

    # The place in the chain; empty for the moments between the append and the chaining.
    sequence = models.PositiveBigIntegerField(
        _("sequence"), unique=True, null=True, blank=True, editable=False
    )
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    event = models.CharField(_("event"), max_length=20, choices=AccessEvent.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        # An account with log entries is deactivated, never deleted.
        on_delete=models.PROTECT,
        related_name="+",
    )
    user_identifier = models.CharField(_("user identifier"), max_length=254, blank=True)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    patient_id = models.BigIntegerField(_("patient"), null=True, blank=True, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=60, blank=True)
    grounds = models.CharField(
        _("grounds"), max_length=20, choices=Grounds.choices, blank=True, default=Grounds.NONE
    )
    source_address = models.GenericIPAddressField(_("source address"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    previous_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    entry_hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)
    # A keyed MAC of the content, written with the entry: it protects the content already before
    # the entry has its place in the chain. Empty on entries from before chaining was deferred
    # (they were chained as they were written); none may follow an entry that has one.
    content_mac = models.CharField(_("content MAC"), max_length=64, blank=True, editable=False)
    # "hmac-sha256": keyed with a key the database does not hold (SCHAKEL_AUDIT_KEY), so a
    # changed entry cannot be re-hashed by someone with only database access. Entries written
    # before the key existed keep "sha256"; none may follow a keyed one.
    hash_scheme = models.CharField(
        _("hash scheme"), max_length=12, default=HMAC_SCHEME, editable=False
    )

    objects: ClassVar[AppendOnlyQuerySet] = AppendOnlyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("access-log entry")
        verbose_name_plural = _("access log")
        # The order of writing; the chain's order (``sequence``) follows it within moments.
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["user", "occurred_at"], name="audit_user_when_idx"),
            # Only the entries waiting for their place in the chain: a handful at any time.
            models.Index(
                fields=["id"],
                condition=models.Q(sequence__isnull=True),
                name="audit_access_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        when = f"{self.occurred_at:%Y-%m-%d %H:%M:%S}"
        return f"#{self.sequence or '-'} {when} {self.event} {self.outcome}"

    def hashed_content(self) -> dict[str, Any]:
        """The fields the hash covers, as plain JSON values."""
        return {
            "sequence": self.sequence,
            "occurred_at": self.occurred_at.isoformat(),
            "event": self.event,
            "outcome": self.outcome,
            "user_id": self.user_id,
            "user_identifier": self.user_identifier,
            "responsible_user_id": self.responsible_user_id,
            "role": self.role,
            "organisation": self.organisation,
            "patient_id": self.patient_id,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "grounds": self.grounds,
            "source_address": self.source_address,
            "detail": self.detail,
        }

    @property
    def chained(self) -> bool:
        return self.sequence is not None

    def compute_content_mac(self) -> str:
        """HMAC-SHA-256 with the audit key over the content alone (no place in the chain)."""
        content = self.hashed_content()
        del content["sequence"]
        payload = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hmac.new(audit_key(), f"content\n{payload}".encode(), hashlib.sha256).hexdigest()

    def compute_hash(self) -> str:
        """The hash over the previous hash and this entry's content, in a canonical form:
        HMAC-SHA-256 with the audit key (plain SHA-256 for entries from before the key)."""
        payload = json.dumps(self.hashed_content(), sort_keys=True, separators=(",", ":"))
        message = f"{self.previous_hash}\n{payload}".encode()
        if self.hash_scheme == LEGACY_SCHEME:
            return hashlib.sha256(message).hexdigest()
        return hmac.new(audit_key(), message, hashlib.sha256).hexdigest()


class ChangeAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("removed")


class ChangeLogEntry(AppendOnlyModel):
    """A write on data that is not a patient's (directory entries, MDO series, thresholds,
    roles): who changed what, when, the old and the new values. Append-only.

    ``flag`` marks changes someone must look at, such as a role that gives patient access.
    """

    occurred_at = models.DateTimeField(_("when"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    user_identifier = models.CharField(_("user identifier"), max_length=254, blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=ChangeAction.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=60)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes (old, new)"), default=dict, blank=True)
    flag = models.CharField(_("to review"), max_length=40, blank=True, db_index=True)

    objects: ClassVar[AppendOnlyQuerySet] = AppendOnlyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("change-log entry")
        verbose_name_plural = _("change log")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_change_object_idx")
        ]

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Change-log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Change-log entries cannot be removed.")
