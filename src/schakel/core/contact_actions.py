"""What a higher app offers on a contact in the directory: "Ask a question" on a person's card
or on a hospital's tumour-type team, say. The directory lists contacts; apps register the
actions, and the cards show them (a lower app never names a higher app's pages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Given a contact card's entry (a person in a role, or a contact point): a label and an address.
ContactAction = Callable[[Any], tuple[str, str] | None]
# Given a hospital and a tumour type (or None): a label and an address for its team.
TeamAction = Callable[[Any, Any], tuple[str, str] | None]

# Given a person (or None), a pathway and a subject: a question about something on a page
# (the MDO advice, the aftercare plan) to the person it names.
AboutAction = Callable[[Any, Any, str], tuple[str, str] | None]

_contact_actions: dict[str, ContactAction] = {}
_about_actions: dict[str, AboutAction] = {}
_team_actions: dict[str, TeamAction] = {}


def register_contact_action(code: str, action: ContactAction) -> None:
    _contact_actions[code] = action


def register_team_action(code: str, action: TeamAction) -> None:
    _team_actions[code] = action


def register_about_action(code: str, action: AboutAction) -> None:
    _about_actions[code] = action


def about_actions(role: Any, pathway: Any, subject: str) -> list[tuple[str, str]]:
    return [
        found for action in _about_actions.values() if (found := action(role, pathway, subject))
    ]


def contact_actions(entry: Any) -> list[tuple[str, str]]:
    return [found for action in _contact_actions.values() if (found := action(entry))]


def team_actions(organization: Any, tumour_type: Any) -> list[tuple[str, str]]:
    if organization is None:
        return []
    return [
        found for action in _team_actions.values() if (found := action(organization, tumour_type))
    ]
