"""What apps add to the work layer, registered from their ``AppConfig.ready``.

- ``register_task_kind``: a kind of task ("MDO input", "read the MDO advice", ...);
- ``register_signal_rule``: a rule that finds subjects at risk, with its texts, the unit of
  its threshold (calendar or working days), what it is about and the scopes a threshold can
  be set for;
- ``register_notification_kind``: a kind of notification and how it reads;

A lower app never lists a higher app's kinds: the codes in the database are checked against
this registry when written (and ``work.checks`` checks the registry itself at start-up).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.functional import Promise

if TYPE_CHECKING:
    from schakel.work.models import Notification

Text = str | Promise
Thresholds = dict[tuple[str, str], int]
# Given the moment and the thresholds: the subjects the rule matches now (None: switched off).
Matcher = Callable[[datetime, Thresholds], "models.QuerySet[Any] | None"]


class Unit(models.TextChoices):
    CALENDAR_DAYS = "calendar", "calendar days"
    WORKING_DAYS = "working", "working days"


@dataclass(frozen=True)
class TaskKind:
    """A kind of task. ``action`` gives the button that does what the task asks (a label and
    an address), e.g. "Give MDO input"; None: the task page itself is where it is done."""

    code: str
    label: Text
    action: Callable[[Any], tuple[Text, str] | None] | None = None


@dataclass(frozen=True)
class SignalRule:
    """A rule: its code, texts, threshold unit, subject model and how it matches.

    ``matcher`` returns a queryset of ``subject`` rows; ``patient_field`` names the column of
    that model that holds the patient (None for subjects without a patient). ``scopes`` are
    the values a threshold may be set for besides "all" (for pathways: the phases).
    """

    code: str
    label: Text
    why: Text
    what_to_do: Text
    unit: Unit
    subject: type[models.Model]
    matcher: Matcher
    patient_field: str | None = "patient_id"
    scopes: tuple[tuple[str, Text], ...] = ()
    # The thresholds a new region starts with: (scope or "" for every scope, days).
    defaults: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class NotificationKind:
    code: str
    label: Text
    # How a notification of this kind reads (in the reader's language, at display time).
    render: Callable[[Notification], str]


@dataclass
class Registry:
    task_kinds: dict[str, TaskKind] = field(default_factory=dict)
    signal_rules: dict[str, SignalRule] = field(default_factory=dict)
    notification_kinds: dict[str, NotificationKind] = field(default_factory=dict)
    # Per subject kind: which signals the roles are responsible for (their own patients).
    responsibility_filters: list[Callable[[list[Any]], Any]] = field(default_factory=list)


registry = Registry()


def register_task_kind(kind: TaskKind) -> None:
    registry.task_kinds[kind.code] = kind


def register_signal_rule(rule: SignalRule) -> None:
    registry.signal_rules[rule.code] = rule


def register_notification_kind(kind: NotificationKind) -> None:
    registry.notification_kinds[kind.code] = kind


def task_kind(code: str) -> TaskKind:
    """The registered kind; an unknown code is a programming error, refused loudly."""
    try:
        return registry.task_kinds[code]
    except KeyError:
        raise ValueError(f"unknown task kind {code!r}: register it first") from None


def signal_rule(code: str) -> SignalRule | None:
    return registry.signal_rules.get(code)


def notification_kind(code: str) -> NotificationKind:
    try:
        return registry.notification_kinds[code]
    except KeyError:
        raise ValueError(f"unknown notification kind {code!r}: register it first") from None


# Who a task about a subject can be handed to, beside the actor's own colleagues and teams:
# per subject model, e.g. a pathway's care team (registered by pathways).
OwnerOptions = dict[str, tuple[str, Any, Any]]
owner_option_providers: dict[type[models.Model], Callable[[Any], OwnerOptions]] = {}


def register_owner_options(
    model: type[models.Model], provider: Callable[[Any], OwnerOptions]
) -> None:
    owner_option_providers[model] = provider


def register_responsibility_filter(filter_for: Callable[[list[Any]], Any]) -> None:
    """``filter_for(roles)`` returns a Q on Signal: the signals these roles answer for."""
    registry.responsibility_filters.append(filter_for)
