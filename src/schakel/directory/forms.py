"""Forms of the directory pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from schakel.directory.models import (
    ContactTopic,
    Organization,
    OrganizationKind,
    ReportReason,
    TumourType,
)


class FinderForm(forms.Form):
    """Hospital, tumour type and topic for "Wie benader ik waarvoor?"."""

    hospital = forms.ModelChoiceField(
        label=_("Hospital"),
        queryset=Organization.objects.none(),
        empty_label=_("Choose a hospital"),
        error_messages={"invalid_choice": _("Choose a hospital from the list.")},
    )
    tumour_type = forms.ModelChoiceField(
        label=_("Tumour type"),
        queryset=TumourType.objects.all(),
        required=False,
        empty_label=_("Any tumour type"),
        error_messages={"invalid_choice": _("Choose a tumour type from the list.")},
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=ContactTopic.objects.all(),
        required=False,
        empty_label=_("Any topic"),
        error_messages={"invalid_choice": _("Choose a topic from the list.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hospital"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            kind=OrganizationKind.HOSPITAL, is_active=True
        )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name or function"), max_length=100, required=False)


class ReportForm(forms.Form):
    """Two clicks: open the form, send it. The reason defaults to "outdated or incorrect"."""

    reason = forms.ChoiceField(
        label=_("What is wrong?"),
        choices=ReportReason.choices,
        initial=ReportReason.OUTDATED,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Explanation (optional)"),
        max_length=500,
        required=False,
        widget=forms.TextInput,
    )


class WorklistFilterForm(forms.Form):
    """Narrow the coordinator's worklist to a person, desk, organisation or place."""

    zoek = forms.CharField(
        label=_("Search by name, title, organisation or place"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class ResolveReportForm(forms.Form):
    resolution = forms.CharField(
        label=_("What did you do?"), max_length=500, widget=forms.TextInput
    )
    entry_verified = forms.BooleanField(
        label=_("The entry is now correct (mark as verified)"), required=False, initial=True
    )
