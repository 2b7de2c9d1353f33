"""The forms of handovers: sending (with the aftercare plan and its checks), accepting,
rejecting, a new plan version, an attachment. Pickers offer who matters and search the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schakel.core.forms import OfferedChoiceField
from schakel.core.uploads import AttachmentField
from schakel.core.widgets import DateInput
from schakel.directory.models import (
    MEDICAL_SPECIALISTS,
    ContactPoint,
    Function,
    Organization,
    OrganizationKind,
    PractitionerRole,
)
from schakel.directory.offers import chosen_ids, organisations_offered, roles_offered
from schakel.handovers.models import (
    REASONS,
    AftercarePlanVersion,
    Direction,
    FollowUpBy,
    LateEffect,
)
from schakel.pathways.forms import RoleChoiceField
from schakel.pathways.models import CarePathway
from schakel.proms.models import PromSchedule

# Who may receive a handover at a hospital: the people who treat or coordinate care.
HOSPITAL_RECEIVERS = [
    *MEDICAL_SPECIALISTS,
    Function.NURSE_SPECIALIST,
    Function.ONCOLOGY_NURSE,
    Function.CASE_MANAGER,
]


class HandoverForm(forms.Form):
    """Whom the handover goes to, why, and the letter."""

    reason = forms.ChoiceField(label=_("Reason"))
    receiver_organization = OfferedChoiceField(
        label=_("To"), queryset=Organization.objects.filter(is_active=True)
    )
    receiver_role = RoleChoiceField(
        label=_("To (person)"),
        required=False,
        queryset=PractitionerRole.objects.active().select_related("practitioner", "organization"),
    )
    letter = forms.CharField(
        label=_("Summary letter"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=8000,
        help_text=_(
            "What the receiver needs to know: the course, the current situation, what you ask."
        ),
    )

    def __init__(
        self,
        *args: Any,
        pathway: CarePathway,
        direction: Direction,
        user: Any,
        search: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.direction = direction
        self.pathway = pathway
        reason: Any = self.fields["reason"]
        reason.choices = [(r.value, r.label) for r in REASONS[direction]]
        organisation: Any = self.fields["receiver_organization"]
        person: Any = self.fields["receiver_role"]
        chosen = chosen_ids(self, "receiver_organization", "receiver_role")
        if direction == Direction.TO_GP:
            # The patient's own practice; its GPs (empty: the practice's team).
            practice_id = pathway.patient.gp_practice_id
            organisation.offer(
                Organization.objects.filter(pk__in=[practice_id] if practice_id else [])
            )
            organisation.initial = practice_id
            person.queryset = person.queryset.filter(
                organization_id=practice_id, function=Function.GP
            )
            person.offer(person.queryset.order_by("practitioner__sort_name"))
            person.initial = pathway.general_practitioner_id
            person.help_text = _("Empty: the practice's team receives it.")
            return
        hospitals = organisations_offered(
            user,
            OrganizationKind.HOSPITAL,
            search=search,
            chosen=chosen,
            recent=pathway.hospitals.values_list("hospital_id", flat=True),
        )
        organisation.queryset = organisation.queryset.filter(kind=OrganizationKind.HOSPITAL)
        organisation.offer(hospitals)
        person.queryset = person.queryset.filter(
            organization__kind=OrganizationKind.HOSPITAL, function__in=HOSPITAL_RECEIVERS
        )
        person.required = True
        person.help_text = _(
            "A person at that hospital: they get access to the patient to read it."
        )
        person.offer(
            roles_offered(
                person.queryset,
                near=Q(organization__in=pathway.hospitals.values("hospital"))
                & (Q(tumour_types=pathway.tumour_type_id) | Q(tumour_types=None)),
                search=search,
                chosen=chosen,
                limit=40,
            )
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        organisation, person = cleaned.get("receiver_organization"), cleaned.get("receiver_role")
        if organisation and person and person.organization_id != organisation.pk:
            self.add_error("receiver_role", _("Choose someone of the receiving organisation."))
        if self.direction != Direction.TO_GP and organisation:
            current = self.pathway.hospitals.filter(until__isnull=True, hospital=organisation)
            if self.direction == Direction.TRANSFER and current.filter(role="main").exists():
                self.add_error("receiver_organization", _("The patient is already treated there."))
        return cleaned


class PlanForm(forms.ModelForm[AftercarePlanVersion]):
    """One version of the aftercare plan."""

    late_effects = forms.MultipleChoiceField(
        label=_("Late effects to watch"),
        choices=LateEffect.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = AftercarePlanVersion
        fields = [
            "diagnosis",
            "stage",
            "treatment_summary",
            "late_effects",
            "late_effects_notes",
            "alarm_symptoms",
            "alarm_contact",
            "lifestyle",
            "hospital_contact",
            "questionnaire_schedule",
            "review_date",
        ]
        widgets = {
            "treatment_summary": forms.Textarea(attrs={"rows": 5}),
            "late_effects_notes": forms.Textarea(attrs={"rows": 3}),
            "alarm_symptoms": forms.Textarea(attrs={"rows": 3}),
            "lifestyle": forms.Textarea(attrs={"rows": 3}),
            "review_date": DateInput,
        }

    def __init__(self, *args: Any, hospital_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contact: Any = self.fields["alarm_contact"]
        contact.queryset = ContactPoint.objects.filter(
            organization_id__in=hospital_ids, is_active=True
        ).order_by("name")
        person: Any = self.fields["hospital_contact"]
        person.queryset = (
            PractitionerRole.objects.active()
            .filter(organization_id__in=hospital_ids, function__in=HOSPITAL_RECEIVERS)
            .select_related("practitioner", "organization")
            .order_by("practitioner__sort_name")
        )
        person.label_from_instance = RoleChoiceField.label_from_instance.__get__(person)
        schedules: Any = self.fields["questionnaire_schedule"]
        schedules.queryset = PromSchedule.objects.filter(is_active=True).order_by("name")


class CheckForm(forms.Form):
    what = forms.CharField(label=_("Check"), max_length=200)
    by = forms.ChoiceField(label=_("By"), choices=FollowUpBy.choices)
    due_on = forms.DateField(label=_("When"), widget=DateInput)

    def has_changed(self) -> bool:
        """A row without a check and a date is an empty row, whichever "by" its select shows
        (a browser always sends one): left out, not an error."""
        return any(self.data.get(self.add_prefix(name), "").strip() for name in ("what", "due_on"))


CheckFormSet = forms.formset_factory(CheckForm, extra=3, max_num=20, validate_max=True)


def checks_of(formset: Any) -> list[dict[str, Any]]:
    """The checks a valid formset holds (empty rows left out)."""
    return [form.cleaned_data for form in formset.forms if form.cleaned_data.get("what")]


class RevisionForm(forms.Form):
    change_note = forms.CharField(
        label=_("What changed"),
        max_length=300,
        help_text=_("The GP sees this with the new version."),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you do not accept it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The sender reads this and is aan zet again."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why you withdraw it"), max_length=300)


class AcceptForm(forms.Form):
    patient_email = forms.EmailField(
        label=_("The patient's e-mail address for the aftercare questionnaires"),
        required=False,
        help_text=_("Empty: the questionnaires do not start now (you can start them later)."),
    )


class AttachmentForm(forms.Form):
    file = AttachmentField()


# --- Contact moments ---------------------------------------------------------------------


def _pathway_people(pathway: CarePathway) -> Any:
    """Who can be aan zet for a next step: the care team, the case manager, the practice's GPs
    and POHs (a handful, never the country)."""
    practice_id = pathway.patient.gp_practice_id
    return (
        PractitionerRole.objects.filter(
            Q(pk__in=pathway.team.filter(until__isnull=True).values("role_id"))
            | Q(pk=pathway.case_manager_id)
            | Q(organization_id=practice_id, function__in=[Function.GP, Function.POH_ONCOLOGY])
        )
        .filter(is_active=True)
        .select_related("practitioner", "organization")
        .order_by("organization__name", "practitioner__sort_name")
    )


class PlanMomentForm(forms.Form):
    point = forms.ChoiceField(label=_("Point in the pathway"))
    planned_for = forms.DateField(label=_("Planned for"), widget=DateInput)
    participant = RoleChoiceField(
        label=_("With"), queryset=PractitionerRole.objects.none(), required=False
    )

    def __init__(self, *args: Any, pathway: CarePathway, **kwargs: Any) -> None:
        from schakel.handovers.contact_moments import participants
        from schakel.handovers.models import MomentPoint

        super().__init__(*args, **kwargs)
        point: Any = self.fields["point"]
        point.choices = MomentPoint.choices
        person: Any = self.fields["participant"]
        person.queryset = PractitionerRole.objects.filter(
            pk__in=[r.pk for r in participants(pathway)]
        )
        person.help_text = _("Empty: the patient's GP.")


class MomentOutcomeForm(forms.Form):
    agreed = forms.CharField(
        label=_("What was agreed"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False)
    next_owner = RoleChoiceField(
        label=_("Next step by"), queryset=PractitionerRole.objects.none(), required=False
    )
    next_due = forms.DateField(
        label=_("Next step before"),
        widget=DateInput,
        required=False,
        help_text=_("Empty: within five working days."),
    )

    def __init__(self, *args: Any, pathway: CarePathway, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner: Any = self.fields["next_owner"]
        owner.queryset = _pathway_people(pathway)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("next_step") and not data.get("next_owner"):
            self.add_error("next_owner", _("Say who takes the next step."))
        if data.get("next_owner") and not data.get("next_step"):
            self.add_error("next_step", _("Say what the next step is."))
        return data


class CancelMomentForm(forms.Form):
    reason = forms.CharField(label=_("Why it does not take place"), max_length=300)
