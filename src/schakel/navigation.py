"""The main navigation, per persona. Each app's pages appear only for those who may use them."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from schakel.directory.access import can_manage_directory, has_function
from schakel.directory.models import Function

# Functions that care for patients (everyone but the coordinator and the privacy officer).
CARE_FUNCTIONS = tuple(
    f for f in Function if f not in (Function.NETWORK_COORDINATOR, Function.PRIVACY_OFFICER)
)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    current: bool


def items_for(request: HttpRequest) -> list[NavItem]:
    user = request.user
    if not user.is_authenticated:
        return []
    entries: list[tuple[str | Promise, str]] = []
    if has_function(user, *CARE_FUNCTIONS):
        entries.append((_("My patients with cancer"), reverse("pathways:list")))
        entries.append((_("Tasks"), reverse("pathways:worklist")))
        entries.append((_("MDO"), reverse("mdo:meetings")))
        entries.append((_("Notifications"), reverse("messaging:inbox")))
        entries.append((_("Patients"), reverse("patients:list")))
    entries += [
        (_("Whom to contact"), reverse("directory:finder")),
        (_("Organisations"), reverse("directory:organizations")),
    ]
    if can_manage_directory(user):
        entries.append((_("Directory worklist"), reverse("directory:worklist")))
    if has_function(user, Function.PRIVACY_OFFICER):
        entries.append((_("Access log"), reverse("patients:access_log")))
        entries.append((_("Emergency access review"), reverse("patients:emergency_review")))
    if user.is_staff:
        entries.append((_("Management"), reverse("admin:index")))
    entries.append((_("Security"), reverse("accounts:security")))
    # The current item is the one whose address is the longest prefix of this page's.
    matching = [url for _label, url in entries if request.path.startswith(url)]
    current = max(matching, key=len) if matching else None
    return [NavItem(label, url, url == current) for label, url in entries]
