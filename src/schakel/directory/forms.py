"""Forms of the directory pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from schakel.core.forms import OfferedChoiceField
from schakel.directory.models import (
    ContactTopic,
    Organization,
    OrganizationKind,
    ReportReason,
    TumourType,
)
from schakel.directory.offers import chosen_ids, organisations_offered


class FinderForm(forms.Form):
    """Hospital, tumour type and topic for "Wie benader ik waarvoor?"."""

    hospital = OfferedChoiceField(
        label=_("Hospital"),
        queryset=Organization.objects.filter(kind=OrganizationKind.HOSPITAL, is_active=True),
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

    def __init__(
        self,
        *args: Any,
        user: Any,
        search: str = "",
        recent: list[int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["hospital"]
        assert isinstance(field, OfferedChoiceField)  # noqa: S101
        field.offer(
            organisations_offered(
                user,
                OrganizationKind.HOSPITAL,
                search=search,
                chosen=chosen_ids(self, "hospital"),
                recent=recent or [],
            )
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


class OrganizationFilterForm(forms.Form):
    zoek = forms.CharField(
        label=_("Name or place"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    soort = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("All kinds")), *OrganizationKind.choices],
        required=False,
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
