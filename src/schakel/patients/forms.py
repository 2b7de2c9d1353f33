"""Forms for patient data. Errors are explained in the user's language (Dutch by default)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.core.forms import BsnField, OfferedChoiceField
from schakel.core.widgets import DateInput
from schakel.directory.models import Organization, OrganizationKind
from schakel.directory.offers import chosen_ids, organisations_offered
from schakel.patients.models import ConsentMethod, Patient, Sharing, Verdict


class PatientForm(forms.ModelForm):
    """Register a patient (or change their details).

    The BSN is a plain form field, not one of the model's fields in the form: whether it is
    already known is for the action to decide, which answers with a link to the existing record.
    """

    bsn = BsnField()
    gp_practice = OfferedChoiceField(
        label=_("GP practice"),
        queryset=Organization.objects.filter(kind=OrganizationKind.GP_PRACTICE, is_active=True),
    )
    field_order = ["bsn"]

    class Meta:
        model = Patient
        fields = [
            "given_name",
            "name_prefix",
            "family_name",
            "birth_date",
            "gender",
            "phone",
            "email",
            "street",
            "postal_code",
            "city",
            "gp_practice",
        ]
        widgets = {"birth_date": DateInput()}

    def __init__(self, *args: Any, user: Any, search: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        practice = self.fields["gp_practice"]
        assert isinstance(practice, OfferedChoiceField)  # noqa: S101
        chosen = chosen_ids(self, "gp_practice")
        if self.instance.gp_practice_id:
            chosen.append(self.instance.gp_practice_id)
        # The user's own practice, the region's first ones, and what a search found.
        practice.offer(
            organisations_offered(user, OrganizationKind.GP_PRACTICE, search=search, chosen=chosen)
        )
        if self.instance.pk:
            self.fields["bsn"].initial = self.instance.bsn
            self.fields["bsn"].disabled = True

    def clean_birth_date(self) -> Any:
        birth_date = self.cleaned_data["birth_date"]
        if birth_date > timezone.localdate():
            raise forms.ValidationError(_("The date of birth lies in the future."))
        return birth_date


class ConsentForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("The patient"),
        choices=[
            (Sharing.PERMITTED, _("consents to sharing within the network")),
            (Sharing.OBJECTED, _("objects to sharing")),
        ],
        widget=forms.RadioSelect,
    )
    method = forms.ChoiceField(label=_("How"), choices=ConsentMethod.choices)
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)


class EmergencyAccessForm(forms.Form):
    bsn = BsnField()
    reason = forms.CharField(
        label=_("Reason"),
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why you need this patient's data now without a care relation."),
        error_messages={"min_length": _("Describe the reason in at least 10 characters.")},
    )


class PatientSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or BSN"), max_length=100, required=False)


class AccessLogSearchForm(forms.Form):
    bsn = BsnField(required=False)
    user = forms.CharField(label=_("User (e-mail)"), max_length=254, required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DateInput)


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DateInput)


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        choices=Verdict.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a verdict: justified, not justified or follow-up.")},
    )
    note = forms.CharField(
        label=_("Review"),
        max_length=500,
        error_messages={"required": _("Write down what you found.")},
    )
