"""Form fields for Dutch identifiers: they normalise what people type and explain errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from schakel.core.identifiers import (
    clean_digits,
    normalise_bsn,
    validate_agb,
    validate_big,
    validate_bsn,
    validate_ura,
    validate_uzi,
)


class BsnField(forms.CharField):
    """A BSN: accepts spaces and dots, restores a dropped leading zero, checks the 11-check."""

    default_validators = [validate_bsn]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("label", _("BSN"))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        return normalise_bsn(text) if text else text


class _DigitsField(forms.CharField):
    length = 0

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", self.length + 4)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        return clean_digits(text) if text else text


class AgbField(_DigitsField):
    """An AGB code of a care provider or organisation (8 digits)."""

    length = 8
    default_validators = [validate_agb]


class BigField(_DigitsField):
    """A BIG registration number (11 digits)."""

    length = 11
    default_validators = [validate_big]


class UraField(_DigitsField):
    """A URA number of an organisation (8 digits)."""

    length = 8
    default_validators = [validate_ura]


class UziField(_DigitsField):
    """A UZI number of a person (9 digits)."""

    length = 9
    default_validators = [validate_uzi]


class OfferedChoiceField(forms.ModelChoiceField):
    """A choice that validates against every allowed row but offers only some: the ones that
    matter here, plus what a search found. A page never lists a whole country's people or
    organisations; what is chosen must still be allowed."""

    def offer(self, rows: Any) -> None:
        """List these rows (a queryset, possibly sliced) instead of the whole queryset."""
        iterator = self.iterator(self)
        iterator.queryset = rows
        self.widget.choices = iterator


def kept_initial(
    request: Any, form_class: type[forms.Form | forms.ModelForm[Any]], search_param: str
) -> dict[str, Any]:
    """What a person had already filled in when they searched a picker.

    The search (``search_param``, a GET parameter) sends the form's current values along (htmx
    includes them), and the form is shown again with them, so a search never empties it. Without
    the search, or without JavaScript (the plain search sends only itself), nothing is kept.
    """
    if request.method != "GET" or search_param not in request.GET:
        return {}
    kept: dict[str, Any] = {}
    for name, field in form_class.base_fields.items():
        if getattr(field.widget, "allow_multiple_selected", False):
            kept[name] = request.GET.getlist(name)
        elif isinstance(field, forms.BooleanField):
            kept[name] = name in request.GET  # an unticked box is not sent
        elif name in request.GET:
            kept[name] = request.GET.get(name)
    if not any(value for value in kept.values()):
        return {}  # only the search itself: the form's own defaults stand
    return {name: value for name, value in kept.items() if value not in ("", [])}
