"""Forms built from a Questionnaire's items, and the professionals' forms around them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from schakel.core.widgets import DateInput
from schakel.proms.definitions import Item
from schakel.proms.models import Channel, Instrument, PromSchedule
from schakel.proms.tokens import normalise_code


def _range_messages(item: Item) -> dict[str, str]:
    """One message for a number out of range that names both ends ("tussen 1 en 10"), instead
    of Django's two half-messages."""
    if item.minimum is None or item.maximum is None:
        return {}

    def shown(value: float) -> str:
        return number_format(int(value) if float(value).is_integer() else value)

    message = _("Enter a number between %(low)s and %(high)s.") % {
        "low": shown(item.minimum),
        "high": shown(item.maximum),
    }
    return {"min_value": message, "max_value": message}


def _field_for(item: Item) -> forms.Field:
    common: dict[str, Any] = {"label": item.text, "required": False}
    if item.type == "choice":
        return forms.ChoiceField(
            choices=[(o.code, o.display) for o in item.options], widget=forms.RadioSelect, **common
        )
    if item.type == "boolean":
        return forms.ChoiceField(
            choices=[("true", _("yes")), ("false", _("no"))], widget=forms.RadioSelect, **common
        )
    if item.type == "integer":
        return forms.IntegerField(
            min_value=int(item.minimum) if item.minimum is not None else None,
            max_value=int(item.maximum) if item.maximum is not None else None,
            error_messages=_range_messages(item),
            **common,
        )
    if item.type == "decimal":
        return forms.DecimalField(
            min_value=Decimal(str(item.minimum)) if item.minimum is not None else None,
            max_value=Decimal(str(item.maximum)) if item.maximum is not None else None,
            error_messages=_range_messages(item),
            **common,
        )
    if item.type == "date":
        return forms.DateField(widget=DateInput(), **common)
    if item.type == "text":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, **common)
    return forms.CharField(max_length=500, **common)


class QuestionnaireForm(forms.Form):
    """One field per question. Required answers are checked only on submitting, so a patient
    can save halfway and come back."""

    def __init__(self, items: list[Item], *args: Any, complete: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.complete = complete
        self.questions: dict[str, Item] = {}  # field name → the item it asks
        self.headings: dict[str, str] = {}
        heading = ""
        for index, item in enumerate(items):
            name = f"v{index}"
            if item.type in ("group", "display"):
                heading = item.text  # shown above the next question
                continue
            if not item.asks:
                continue
            if heading:
                self.headings[name], heading = heading, ""
            self.fields[name] = _field_for(item)
            self.questions[name] = item

    @classmethod
    def initial_from(cls, items: list[Item], answers: dict[str, Any]) -> dict[str, Any]:
        initial = {}
        for index, item in enumerate(items):
            if item.link_id in answers:
                value = answers[item.link_id]
                initial[f"v{index}"] = {True: "true", False: "false"}.get(value, value)
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.complete:
            for name, item in self.questions.items():
                unanswered = cleaned.get(name) in (None, "") and name not in self.errors
                if item.required and unanswered:
                    self.add_error(name, _("Please answer this question."))
        return cleaned

    def answers(self) -> dict[str, Any]:
        """By link id, as JSON: choice codes, numbers, booleans, ISO dates, text."""
        found: dict[str, Any] = {}
        for name, item in self.questions.items():
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if item.type == "boolean":
                value = value == "true"
            elif isinstance(value, Decimal):
                value = float(value)
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            found[item.link_id] = value
        return found

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(question, anchor, message) for each question with an error, in questionnaire order:
        the summary at the top names each one and links to it."""
        summary = []
        for name in self.fields:
            if name in self.errors:
                bound = self[name]
                subwidgets = bound.subwidgets
                anchor = subwidgets[0].id_for_label if subwidgets else bound.id_for_label
                message = " ".join(str(error) for error in self.errors[name])
                summary.append((str(bound.label), anchor, message))
        return summary

    def rows(self) -> list[tuple[str | None, Any]]:
        """(heading or None, bound field) in questionnaire order, for the template."""
        return [(self.headings.get(name), self[name]) for name in self.fields]


class LetterCodeForm(forms.Form):
    """The short code from a printed letter, typed by the patient."""

    code = forms.CharField(
        label=_("Code from your letter"),
        max_length=40,
        help_text=_("For example HK7P-3MXA-CQ9T. Capitals, spaces and dashes do not matter."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("A code has 12 letters and digits, like HK7P-3MXA-CQ9T."), code="invalid"
            )
        return code


class InviteForm(forms.Form):
    instrument = forms.ModelChoiceField(
        label=_("Questionnaire"), queryset=Instrument.objects.none()
    )
    channel = forms.ChoiceField(
        label=_("How"), choices=Channel.choices, widget=forms.RadioSelect, initial=Channel.EMAIL
    )
    email = forms.EmailField(label=_("E-mail address of the patient"), required=False)

    def __init__(self, instruments: Any, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["instrument"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = instruments

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("channel") == Channel.EMAIL and not cleaned.get("email"):
            self.add_error("email", _("Give the e-mail address, or choose a printed letter."))
        return cleaned


class FollowScheduleForm(forms.Form):
    schedule = forms.ModelChoiceField(label=_("Schedule"), queryset=PromSchedule.objects.none())
    email = forms.EmailField(label=_("E-mail address of the patient"))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["schedule"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = PromSchedule.objects.filter(is_active=True).prefetch_related(
            "moments__instrument"
        )
