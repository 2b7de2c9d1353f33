"""Forms of the work pages."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.core.widgets import DateInput
from schakel.directory.models import Organization, PractitionerRole
from schakel.work.models import TaskStatus


def end_of_working_day(day: Any) -> datetime:
    return datetime.combine(day, time(17, 0), tzinfo=timezone.get_current_timezone())


class FutureDateField(forms.DateField):
    widget = DateInput

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The date lies in the past."), code="past")


class StatusForm(forms.Form):
    """Accept, start, complete or decline (a reason is required), or cancel a task."""

    status = forms.ChoiceField(
        choices=[
            (TaskStatus.ACCEPTED, _("Accept")),
            (TaskStatus.IN_PROGRESS, _("Start")),
            (TaskStatus.COMPLETED, _("Done")),
            (TaskStatus.DECLINED, _("Decline")),
            (TaskStatus.CANCELLED, _("Cancel")),
        ]
    )
    note = forms.CharField(label=_("Reason or note"), max_length=1000, required=False)
    next = forms.CharField(required=False, max_length=500)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("status") == TaskStatus.DECLINED and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say why you decline this task."))
        return cleaned


OwnerOption = tuple[str, PractitionerRole | None, Organization | None]


class HandOverForm(forms.Form):
    owner = forms.ChoiceField(label=_("To"))
    note = forms.CharField(
        label=_("Note for the new owner"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, options: dict[str, OwnerOption], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = options
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a colleague or a team")),
            *((key, label) for key, (label, _r, _t) in options.items()),
        ]

    def owner_objects(self) -> tuple[PractitionerRole | None, Organization | None]:
        _label, role, team = self.options[self.cleaned_data["owner"]]
        return role, team


class PostponeForm(forms.Form):
    due_on = FutureDateField(label=_("New deadline"))
    reason = forms.CharField(label=_("Why"), max_length=1000)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SnoozeForm(forms.Form):
    until = FutureDateField(label=_("Snooze until"))
    reason = forms.CharField(label=_("Why"), max_length=300)


class TakeSignalForm(forms.Form):
    due_on = FutureDateField(label=_("I act before"))


class TaskListForm(forms.Form):
    lijst = forms.ChoiceField(
        choices=[
            ("mijn", _("My tasks")),
            ("team", _("My team's tasks")),
            ("te-laat", _("Late")),
            ("gegeven", _("Tasks I gave to others")),
        ],
        required=False,
    )


class SignalListForm(forms.Form):
    regel = forms.ChoiceField(label=_("Rule"), required=False)
    mijn = forms.BooleanField(label=_("Only patients I am responsible for"), required=False)

    def __init__(self, rules: list[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regel"].choices = [("", _("All rules")), *rules]  # type: ignore[attr-defined]
