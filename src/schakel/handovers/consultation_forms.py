"""The forms of consultation moments: offering a series, booking a slot, recording the
outcome, cancelling."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from schakel.core.widgets import DateInput, TimeInput
from schakel.directory.models import (
    MEDICAL_SPECIALISTS,
    Function,
    Organization,
    PractitionerRole,
    TumourType,
)
from schakel.handovers.models import ConsultationMode, ConsultationSeries
from schakel.pathways.forms import RoleChoiceField
from schakel.pathways.models import CarePathway

# Who holds a consultation moment: a medical specialist or a nurse specialist.
HOSTS = [*MEDICAL_SPECIALISTS, Function.NURSE_SPECIALIST]


class SeriesForm(forms.ModelForm):
    """A new series of consultation moments at one of the user's hospitals."""

    organization = forms.ModelChoiceField(
        label=_("Hospital"), queryset=Organization.objects.none(), empty_label=None
    )
    tumour_type = forms.ModelChoiceField(
        label=_("Tumour type"),
        queryset=TumourType.objects.all(),
        required=False,
        empty_label=_("All tumour types"),
    )
    host = RoleChoiceField(label=_("Held by"), queryset=PractitionerRole.objects.none())

    class Meta:
        model = ConsultationSeries
        fields = [
            "organization",
            "tumour_type",
            "title",
            "host",
            "mode",
            "how_to_join",
            "recurrence",
            "weekday",
            "starts_at",
            "ends_at",
            "slot_minutes",
            "capacity",
            "first_date",
        ]
        widgets = {"starts_at": TimeInput(), "ends_at": TimeInput(), "first_date": DateInput()}

    def __init__(self, *args: Any, hospitals: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = hospitals  # type: ignore[attr-defined]
        self.fields["host"].queryset = (  # type: ignore[attr-defined]
            PractitionerRole.objects.active()
            .filter(organization__in=hospitals, function__in=HOSTS)
            .select_related("practitioner", "organization")
            .order_by("practitioner__sort_name")
        )
        self.fields["mode"].initial = ConsultationMode.TELEPHONE

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The moment ends after it starts."))
        host, organization = data.get("host"), data.get("organization")
        if host and organization and host.organization_id != organization.pk:
            self.add_error("host", _("Choose someone of this hospital."))
        if data.get("first_date") and data["first_date"] < timezone.localdate():
            self.add_error("first_date", _("Choose today or a later date."))
        return data


class BookingForm(forms.Form):
    """A free slot, optionally the patient, and the question."""

    slot = forms.ChoiceField(label=_("Time"))
    pathway = forms.ModelChoiceField(
        label=_("About the patient"),
        queryset=CarePathway.objects.none(),
        required=False,
        empty_label=_("A general question (no patient)"),
    )
    question = forms.CharField(
        label=_("Your question"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Briefly, so the specialist can prepare (at most 600 characters)."),
    )

    def __init__(
        self,
        *args: Any,
        slots: list[datetime],
        pathways: QuerySet[CarePathway],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.slot_by_key = {start.isoformat(): start for start in slots}
        self.fields["slot"].choices = [  # type: ignore[attr-defined]
            (key, formats.time_format(timezone.localtime(start), "TIME_FORMAT"))
            for key, start in self.slot_by_key.items()
        ]
        self.fields["pathway"].queryset = pathways  # type: ignore[attr-defined]
        self.fields["pathway"].label_from_instance = (  # type: ignore[attr-defined]
            lambda pathway: f"{pathway.patient.full_name} – {pathway.tumour_type}"
        )

    def clean_slot(self) -> datetime:
        return self.slot_by_key[self.cleaned_data["slot"]]


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was advised and agreed; about a patient, it goes on the timeline."),
    )


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it does not take place"),
        max_length=300,
        help_text=_("Those who booked are told, with this reason."),
    )


class CancelBookingForm(forms.Form):
    reason = forms.CharField(label=_("Why (optional)"), max_length=300, required=False)
