"""Forms of the pathway pages."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.core.forms import OfferedChoiceField
from schakel.core.widgets import DateInput, DateTimeInput
from schakel.directory.models import (
    Function,
    Organization,
    OrganizationKind,
    PractitionerRole,
    TumourType,
)
from schakel.directory.offers import chosen_ids, organisations_offered, roles_offered
from schakel.pathways.models import CarePathway, ClosedReason, EventKind, Modality, Phase


def hospitals() -> Any:
    return Organization.objects.filter(kind=OrganizationKind.HOSPITAL, is_active=True)


class RoleChoiceField(OfferedChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.practitioner.sorted_name} – {obj.function_label}, {obj.organization}"


class StartPathwayForm(forms.Form):
    """Offers the user's region's hospitals, the specialists of the user's own hospitals and
    the case managers of their region; a search (``search``) finds anyone else."""

    tumour_type = forms.ModelChoiceField(label=_("Tumour type"), queryset=TumourType.objects.all())
    phase = forms.ChoiceField(
        label=_("Phase"), choices=[c for c in Phase.choices if c[0] != Phase.CLOSED]
    )
    hospital = OfferedChoiceField(label=_("Main treating hospital"), queryset=hospitals())
    specialist = RoleChoiceField(
        label=_("Responsible specialist"),
        required=False,
        queryset=PractitionerRole.objects.active()
        .filter(organization__kind=OrganizationKind.HOSPITAL)
        .exclude(function__in=[Function.SECRETARY, Function.PRIVACY_OFFICER])
        .select_related("practitioner", "organization"),
    )
    case_manager = RoleChoiceField(
        label=_("Network case manager"),
        required=False,
        queryset=PractitionerRole.objects.active()
        .filter(function=Function.CASE_MANAGER)
        .select_related("practitioner", "organization"),
    )

    def __init__(self, *args: Any, user: Any, search: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        own = Organization.objects.filter(roles__practitioner__user=user, roles__is_active=True)
        chosen = chosen_ids(self, "hospital", "specialist", "case_manager")
        offers = {
            "hospital": organisations_offered(
                user, OrganizationKind.HOSPITAL, search=search, chosen=chosen
            ),
            "specialist": roles_offered(
                self.fields["specialist"].queryset,  # type: ignore[attr-defined]
                near=Q(organization__in=own.values("pk")),
                search=search,
                chosen=chosen,
            ),
            "case_manager": roles_offered(
                self.fields["case_manager"].queryset,  # type: ignore[attr-defined]
                near=Q(organization__region__in=own.values("region")),
                search=search,
                chosen=chosen,
            ),
        }
        for name, rows in offers.items():
            field = self.fields[name]
            assert isinstance(field, OfferedChoiceField)  # noqa: S101
            field.offer(rows)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        specialist, hospital = cleaned.get("specialist"), cleaned.get("hospital")
        if specialist and hospital and specialist.organization_id != hospital.pk:
            self.add_error("specialist", _("Choose a specialist of the main treating hospital."))
        return cleaned


# Which fields each event kind needs, beside the time.
EVENT_NEEDS: dict[str, set[str]] = {
    EventKind.REFERRAL: {"to_organization"},
    EventKind.DIAGNOSIS: {"organization"},
    EventKind.MDO: {"organization"},
    EventKind.TREATMENT_START: {"organization", "modality"},
    EventKind.TREATMENT_END: {"organization", "modality"},
    EventKind.ARRIVAL: {"organization"},
    EventKind.ADMISSION: {"organization"},
    EventKind.DISCHARGE: {"organization"},
    EventKind.COMPLICATION: set(),
    EventKind.DEATH: set(),
    EventKind.NOTE: {"summary"},
}


# What a person records by hand. A transfer or a handover is a handover between organisations
# (it must be received and accepted): the handovers app writes those on the timeline.
RECORDED_BY_HAND = [(kind.value, kind.label) for kind in EventKind if kind in EVENT_NEEDS]


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), choices=RECORDED_BY_HAND)
    occurred_at = forms.DateTimeField(
        label=_("When"), widget=DateTimeInput, required=False, help_text=_("Empty: now.")
    )
    organization = OfferedChoiceField(
        label=_("Where (organisation)"),
        queryset=Organization.objects.filter(is_active=True),
        required=False,
    )
    to_organization = OfferedChoiceField(
        label=_("To (organisation)"),
        queryset=Organization.objects.filter(is_active=True),
        required=False,
    )
    modality = forms.ChoiceField(
        label=_("Treatment"), choices=[("", "–"), *Modality.choices], required=False
    )
    summary = forms.CharField(label=_("Short summary"), max_length=300, required=False)

    def __init__(self, pathway: CarePathway, *args: Any, search: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offered = organisations_for(pathway, search)
        for name in ("organization", "to_organization"):
            field = self.fields[name]
            assert isinstance(field, OfferedChoiceField)  # noqa: S101
            field.offer(offered)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        for name in EVENT_NEEDS.get(kind or "", set()):
            if not cleaned.get(name):
                self.add_error(name, _("This kind of event needs this field."))
        when = cleaned.get("occurred_at")
        if when and when > timezone.now() + timedelta(minutes=5):
            self.add_error("occurred_at", _("An event cannot lie in the future."))
        return cleaned


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Next step"), max_length=200)
    owner = forms.ChoiceField(label=_("Who is aan zet"))
    due_on = forms.DateField(label=_("Before"), widget=DateInput)
    description = forms.CharField(
        label=_("Explanation (optional)"), max_length=1000, required=False
    )

    def __init__(self, pathway: CarePathway, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pathway = pathway
        self.owners = owner_options(pathway)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)  # noqa: S101
        owner.choices = [(key, label) for key, (label, _r, _t) in self.owners.items()]

    def clean_due_on(self) -> Any:
        due = self.cleaned_data["due_on"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("The deadline lies in the past."))
        return due

    def due_at(self) -> datetime:
        return datetime.combine(
            self.cleaned_data["due_on"], time(17, 0), tzinfo=timezone.get_current_timezone()
        )

    def owner_objects(self) -> tuple[PractitionerRole | None, Organization | None]:
        _label, role, team = self.owners[self.cleaned_data["owner"]]
        return role, team


def owner_options(
    pathway: CarePathway,
) -> dict[str, tuple[str, PractitionerRole | None, Organization | None]]:
    """Who can be aan zet: the care team, the GP, the case manager, or a whole team."""
    options: dict[str, tuple[str, PractitionerRole | None, Organization | None]] = {}
    people = [
        m.role
        for m in pathway.team.filter(until__isnull=True).select_related(
            "role__practitioner", "role__organization"
        )
    ]
    for role in (pathway.general_practitioner, pathway.case_manager, *people):
        if role is not None:
            options[f"role:{role.pk}"] = (
                f"{role.practitioner.full_name} ({role.function_label})",
                role,
                None,
            )
    # The patient's own practice: its GP and POH.
    practice_roles = PractitionerRole.objects.active().filter(
        organization=pathway.patient.gp_practice,
        function__in=[Function.GP, Function.POH_ONCOLOGY],
    )
    for role in practice_roles.select_related("practitioner", "organization"):
        options.setdefault(
            f"role:{role.pk}",
            (f"{role.practitioner.full_name} ({role.function_label})", role, None),
        )
    teams = [
        h.hospital for h in pathway.hospitals.filter(until__isnull=True).select_related("hospital")
    ]
    if pathway.patient.gp_practice is not None:
        teams.append(pathway.patient.gp_practice)
    for team in teams:
        options[f"team:{team.pk}"] = (str(_("Team: %(name)s") % {"name": team}), None, team)
    return options


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)
    closed_reason = forms.ChoiceField(
        label=_("Closed because"), choices=[("", "–"), *ClosedReason.choices], required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("phase") == Phase.CLOSED and not cleaned.get("closed_reason"):
            self.add_error("closed_reason", _("Say why the pathway is closed."))
        return cleaned


class OfferedRoleField(OfferedChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.practitioner.sorted_name} – {obj.function_label}, {obj.organization}"


CARE_TEAM_ROLES = (
    PractitionerRole.objects.active()
    .exclude(function__in=[Function.NETWORK_COORDINATOR, Function.PRIVACY_OFFICER])
    .select_related("practitioner", "organization")
)
SEARCH_LIMIT = 30
# The people of the pathway's hospitals and the patient's practice, offered in the picker.
TEAM_OFFER_LIMIT = 60


class TeamMemberForm(forms.Form):
    """Offers the people of the pathway's hospitals and of the patient's practice; anyone
    else in the region is found by a search (``search``), never listed in full."""

    role = OfferedRoleField(label=_("Person"), queryset=CARE_TEAM_ROLES)
    responsibility = forms.CharField(
        label=_("Responsibility (optional)"), max_length=120, required=False
    )

    def __init__(self, pathway: CarePathway, *args: Any, search: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A handful of organisations, listed first: with their ids the database goes straight
        # to their people (an index), instead of walking everyone in name order.
        organisations = [
            *pathway.hospitals.filter(until__isnull=True).values_list("hospital", flat=True),
            pathway.patient.gp_practice_id,
        ]
        field = self.fields["role"]
        assert isinstance(field, OfferedChoiceField)  # noqa: S101
        field.offer(
            roles_offered(
                CARE_TEAM_ROLES,
                near=Q(organization_id__in=[pk for pk in organisations if pk]),
                search=search,
                chosen=chosen_ids(self, "role"),
                limit=TEAM_OFFER_LIMIT,
            )
        )


def organisations_for(pathway: CarePathway, search: str = "") -> Any:
    """The organisations an event on this pathway is about: its hospitals (past ones too),
    the patient's practice, and what a search for another one found."""
    # Their ids first: with a list the database goes straight to them (the primary key), where
    # a subquery OR-ed with the practice read every organisation in the country.
    ids = [*pathway.hospitals.values_list("hospital", flat=True), pathway.patient.gp_practice_id]
    near = Q(pk__in=[pk for pk in ids if pk])
    if search:
        near |= Q(name__icontains=search[:100]) | Q(city__icontains=search[:100])
    return (
        Organization.objects.filter(is_active=True)
        .filter(near)
        .order_by("name", "pk")[: SEARCH_LIMIT + 20]
    )


class PathwayFilterForm(forms.Form):
    phase = forms.ChoiceField(
        label=_("Phase"), choices=[("", _("All open phases")), *Phase.choices], required=False
    )
    signals = forms.BooleanField(label=_("Only with open signals"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[("name", _("name")), ("phase", _("phase")), ("updated", _("last change"))],
        required=False,
    )
