"""The forms of questions: asking (a person or a team; about the patient of the pathway one
came from, or general), answering, a follow-up, closing, withdrawing, handing to a colleague,
and marking oneself away. Pickers offer the people who matter here and search the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.core.forms import OfferedChoiceField
from schakel.core.uploads import AttachmentField
from schakel.core.widgets import DateInput
from schakel.directory.models import (
    Function,
    Organization,
    OrganizationKind,
    PractitionerRole,
    TumourType,
)
from schakel.directory.offers import chosen_ids, organisations_offered, roles_offered
from schakel.messaging.models import Urgency
from schakel.pathways.forms import RoleChoiceField, owner_options
from schakel.pathways.models import CarePathway

# The functions a team is made of, as people look for them.
TEAM_FUNCTIONS = [
    (code, label)
    for code, label in Function.choices
    if code not in (Function.PRIVACY_OFFICER, Function.SECRETARY)
]


class AskForm(forms.Form):
    """To a person, or to a team (organisation + function, optionally one tumour type)."""

    to_role = RoleChoiceField(
        label=_("To a person"),
        required=False,
        empty_label=_("No one in particular: to a team"),
        queryset=PractitionerRole.objects.active().select_related("practitioner", "organization"),
    )
    team = OfferedChoiceField(
        label=_("Or to a team at"),
        required=False,
        empty_label=_("No team"),
        queryset=Organization.objects.filter(is_active=True),
    )
    team_function = forms.ChoiceField(
        label=_("Team function"),
        required=False,
        choices=[("", _("Choose a function")), *TEAM_FUNCTIONS],
    )
    tumour_type = forms.ModelChoiceField(
        label=_("Tumour type"),
        required=False,
        queryset=TumourType.objects.all(),
        empty_label=_("No particular tumour type"),
    )
    about_patient = forms.BooleanField(label=_("About this patient"), required=False)
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        help_text=_("Without the patient's name: the patient is shown with the question."),
    )
    text = forms.CharField(
        label=_("Your question"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6})
    )
    urgency = forms.ChoiceField(
        label=_("Answer needed"),
        choices=Urgency.choices,
        initial=Urgency.TWO_DAYS,
        widget=forms.RadioSelect,
    )
    attachment = AttachmentField(required=False)

    def __init__(
        self,
        *args: Any,
        user: Any,
        pathway: CarePathway | None,
        search: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.pathway = pathway
        people = self.fields["to_role"]
        assert isinstance(people, OfferedChoiceField)  # noqa: S101
        people.queryset = (
            PractitionerRole.objects.active()
            .exclude(practitioner__user=user)
            .select_related("practitioner", "organization")
        )
        chosen = chosen_ids(self, "to_role", "team")
        near = Q(pk__in=[])
        teams = Q(pk__in=[])
        if pathway is not None:
            for _label, role, team in owner_options(pathway).values():
                if role is not None:
                    near |= Q(pk=role.pk)
                if team is not None:
                    teams |= Q(pk=team.pk)
        else:
            del self.fields["about_patient"]
        people.offer(roles_offered(people.queryset, near=near, search=search, chosen=chosen))
        organisations = self.fields["team"]
        assert isinstance(organisations, OfferedChoiceField)  # noqa: S101
        hospitals = organisations_offered(
            user, OrganizationKind.HOSPITAL, search=search, chosen=chosen
        )
        organisations.offer(
            Organization.objects.filter(
                Q(pk__in=hospitals.values("pk")) | teams, is_active=True
            ).order_by("name", "pk")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        person, team, function = data.get("to_role"), data.get("team"), data.get("team_function")
        if person is None and team is None:
            self.add_error("to_role", _("Choose a person or a team to ask."))
        elif person is not None and team is not None:
            self.add_error("team", _("Choose a person or a team, not both."))
        elif team is not None and not function:
            self.add_error("team_function", _("Choose the team's function."))
        return data


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6})
    )
    attachment = AttachmentField(required=False)


class FollowUpForm(forms.Form):
    text = forms.CharField(
        label=_("A follow-up question"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class CloseForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why you withdraw it"), max_length=300)


class HandOverForm(forms.Form):
    """A colleague of the same organisation; the same function first, a search finds others."""

    to = RoleChoiceField(
        label=_("Colleague"),
        queryset=PractitionerRole.objects.active().select_related("practitioner", "organization"),
    )
    note = forms.CharField(label=_("Note for your colleague"), max_length=500)

    def __init__(
        self,
        *args: Any,
        organization: Organization,
        function: str,
        user: Any,
        search: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, OfferedChoiceField)  # noqa: S101
        field.queryset = (
            PractitionerRole.objects.active()
            .filter(organization=organization)
            .exclude(practitioner__user=user)
            .select_related("practitioner", "organization")
        )
        field.offer(
            roles_offered(
                field.queryset,
                near=Q(function=function),
                search=search,
                chosen=chosen_ids(self, "to"),
            )
        )


class AbsenceForm(forms.Form):
    away_until = forms.DateField(
        label=_("Away until (including)"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: you are back. Until then, new questions to you go to your team."),
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)

    def clean_away_until(self) -> Any:
        day = self.cleaned_data.get("away_until")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later date."))
        return day
