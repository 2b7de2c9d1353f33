"""Forms of the MDO pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from schakel.core.forms import OfferedChoiceField
from schakel.core.widgets import DateInput, TimeInput
from schakel.directory.models import (
    MEDICAL_SPECIALISTS,
    Organization,
    OrganizationKind,
    PractitionerRole,
)
from schakel.directory.offers import chosen_ids, organisations_offered, roles_offered
from schakel.mdo.models import GpInput, MdoOutcome, MdoSeries
from schakel.pathways.models import CarePathway


class GpInputForm(forms.ModelForm):
    """Usable in five minutes: every field optional, "nothing to add" is an answer."""

    class Meta:
        model = GpInput
        fields = [
            "nothing_to_add",
            "performance_status",
            "g8_score",
            "gfi_score",
            "quality_of_life",
            "patient_wishes",
            "treatment_limits",
            "advance_care_planning",
            "comorbidity",
            "social_situation",
            "surprise_question",
            "other",
            "wants_to_join",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in (
                "quality_of_life",
                "patient_wishes",
                "comorbidity",
                "social_situation",
                "other",
            )
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        answered = any(
            cleaned.get(name) not in (None, "", False)
            for name in self.Meta.fields
            if name not in ("nothing_to_add", "wants_to_join")
        )
        if not answered and not cleaned.get("nothing_to_add"):
            raise forms.ValidationError(
                _("Fill in at least one question, or tick “nothing to add”."), code="empty"
            )
        return cleaned


class PathwayChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.patient.sorted_name} – {obj.tumour_type}"


class AgendaForm(forms.Form):
    """The pathway comes from a search result (hidden): no list of every patient on the page."""

    pathway = PathwayChoiceField(
        label=_("Patient"), queryset=CarePathway.objects.none(), widget=forms.HiddenInput
    )
    question = forms.CharField(label=_("Question for the MDO"), max_length=500)
    slot_start = forms.TimeField(
        label=_("Time slot (optional)"),
        required=False,
        widget=TimeInput(),
    )

    def __init__(self, pathways: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["pathway"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = pathways.select_related("patient", "tumour_type")


class MoveForm(forms.Form):
    date = forms.DateField(label=_("New date"), widget=DateInput())
    starts = forms.TimeField(label=_("From"), widget=TimeInput())
    ends = forms.TimeField(label=_("Until"), widget=TimeInput())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("starts") and cleaned.get("ends") and cleaned["ends"] <= cleaned["starts"]:
            self.add_error("ends", _("The meeting must end after it starts."))
        return cleaned


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = MdoOutcome
        fields = [
            "advice",
            "intent",
            "plan",
            "gp_request",
            "responsible_specialist",
            "informs_patient",
            "informs_patient_on",
        ]
        widgets = {
            "advice": forms.Textarea(attrs={"rows": 3}),
            "plan": forms.Textarea(attrs={"rows": 2}),
            "gp_request": forms.Textarea(attrs={"rows": 2}),
            "informs_patient_on": DateInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["responsible_specialist"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        # Only medical specialists can be responsible for the case.
        field.queryset = PractitionerRole.objects.active().filter(function__in=MEDICAL_SPECIALISTS)


class RoleChoiceField(OfferedChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.practitioner.full_name} – {obj.organization}"


class SeriesForm(forms.ModelForm):
    """A recurring MDO. The hospital choice is limited to those the user plans for; the
    network coordinator may leave it empty for a regional MDO across hospitals. The pickers
    offer the user's and the series' hospitals and their people; a search finds the rest."""

    hospital = OfferedChoiceField(
        label=_("hospital"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Empty for a regional MDO across hospitals."),
    )
    chair = RoleChoiceField(
        label=_("Chair"), queryset=PractitionerRole.objects.none(), required=False
    )
    coordinator = RoleChoiceField(
        label=_("MDO coordinator"), queryset=PractitionerRole.objects.none(), required=False
    )

    class Meta:
        model = MdoSeries
        fields = [
            "name",
            "hospital",
            "tumour_types",
            "weekday",
            "starts_at",
            "ends_at",
            "location",
            "video_link",
            "chair",
            "coordinator",
            "input_lead_days",
            "is_active",
        ]
        widgets = {
            "starts_at": TimeInput(),
            "ends_at": TimeInput(),
            "tumour_types": forms.CheckboxSelectMultiple,
        }

    def __init__(
        self,
        *args: Any,
        hospitals: QuerySet[Organization],
        regional: bool,
        user: Any,
        search: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.regional = regional
        chosen = chosen_ids(self, "hospital", "chair", "coordinator")
        if self.instance.pk:
            chosen += [
                pk
                for pk in (
                    self.instance.hospital_id,
                    self.instance.chair_id,
                    self.instance.coordinator_id,
                )
                if pk
            ]
        hospital = self.fields["hospital"]
        assert isinstance(hospital, OfferedChoiceField)  # noqa: S101
        hospital.queryset = hospitals
        hospital.required = not regional
        hospital.empty_label = _("Regional (across hospitals)") if regional else None
        offered = organisations_offered(
            user, OrganizationKind.HOSPITAL, search=search, chosen=chosen
        )
        hospital.offer(hospitals.filter(pk__in=offered.values("pk")).order_by("name", "pk"))
        roles = (
            PractitionerRole.objects.active()
            .filter(organization__kind=OrganizationKind.HOSPITAL)
            .select_related("practitioner", "organization")
        )
        own = Organization.objects.filter(roles__practitioner__user=user, roles__is_active=True)
        near = Q(organization__in=own.values("pk"))
        if self.instance.hospital_id:
            near |= Q(organization=self.instance.hospital_id)
        for name in ("chair", "coordinator"):
            field = self.fields[name]
            assert isinstance(field, OfferedChoiceField)  # noqa: S101
            field.queryset = roles
            field.offer(roles_offered(roles, near=near, search=search, chosen=chosen))
        lead = self.fields["input_lead_days"]
        assert isinstance(lead, forms.IntegerField)  # noqa: S101
        lead.max_value = 10
        lead.validators.append(MaxValueValidator(10))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        return cleaned


class CancelForm(forms.Form):
    """Cancelling an MDO tells every GP with a case on it: say why, and confirm."""

    reason = forms.CharField(
        label=_("Why is the meeting cancelled?"),
        max_length=300,
        error_messages={"required": _("Say why the meeting is cancelled.")},
    )
    confirm = forms.BooleanField(
        label=_("Yes, cancel this meeting and withdraw the GPs' input requests"),
        error_messages={"required": _("Confirm that the meeting is cancelled.")},
    )


class OutcomeChoiceForm(forms.Form):
    """Which advice the GP acknowledges: an id, parsed before it reaches a query."""

    outcome = forms.IntegerField(min_value=1, max_value=2**62)
