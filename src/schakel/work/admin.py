"""Management screens: the coordinator sets the signal thresholds (changes in the change log)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from schakel.directory.admin import ChangeLoggedAdmin
from schakel.work.models import SignalThreshold
from schakel.work.registry import registry


class ThresholdForm(forms.ModelForm):
    """Rule and scope are chosen from what the apps registered, in words."""

    rule = forms.ChoiceField(label=_("rule"))
    scope = forms.ChoiceField(label=_("applies to"), required=False)

    class Meta:
        model = SignalThreshold
        fields = ["rule", "scope", "days"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rules = registry.signal_rules.values()
        self.fields["rule"].choices = [  # type: ignore[attr-defined]
            (r.code, f"{r.label} ({r.unit.label})") for r in rules
        ]
        scopes = {code: label for r in rules for code, label in r.scopes}
        self.fields["scope"].choices = [  # type: ignore[attr-defined]
            ("", _("all")),
            *scopes.items(),
        ]


@admin.register(SignalThreshold)
class SignalThresholdAdmin(ChangeLoggedAdmin):
    form = ThresholdForm
    list_display = ["rule_label", "scope", "days"]
    list_filter = ["rule"]

    @admin.display(description=_("rule"))
    def rule_label(self, obj: SignalThreshold) -> str:
        rule = registry.signal_rules.get(obj.rule)
        return f"{rule.label} ({rule.unit.label})" if rule else obj.rule
