"""Scores in words, for the pathway page, the MDO and the task a flagged score creates."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from schakel.proms.scoring import SCORERS

if TYPE_CHECKING:
    from schakel.proms.models import Score

FLAG_TEXTS = {
    "referral_wish": gettext_noop("The patient would like to be referred (or is considering it)."),
    "surprise_no": gettext_noop(
        "The professional would not be surprised if the patient died within a year: "
        "start advance care planning."
    ),
}


def number(value: Decimal | str | None) -> str:
    """12.5 → "12,5" in Dutch, 100.000 → "100" (no exponent, no trailing zeros): the active
    language's decimal separator, from Django's localisation."""
    if value is None:
        return "–"
    return number_format(Decimal(f"{Decimal(value).normalize():f}"))


def _subscale_line(score: Score) -> str:
    scorer = SCORERS[score.instrument.code]
    return ", ".join(
        f"{scorer.labels.get(key, key)} {number(value)}"
        for key, value in score.subscales.items()
        if value is not None and key in scorer.series
    )


def score_summary(score: Score, language: str | None = None) -> str:
    """E.g. "6 - frail (cut-off ≥ 4)", or why there is no score."""
    with translation.override(language or translation.get_language()):
        scorer = SCORERS.get(score.instrument.code)
        if scorer is None:
            return _("no score computed")
        parts = []
        if score.value is not None:
            meaning = scorer.flag_meaning if score.crossed else scorer.normal_meaning
            text = number(score.value)
            if meaning:
                text += f" – {meaning}"
            if score.cutoff:
                text += " " + _("(cut-off %(cutoff)s)") % {"cutoff": score.cutoff}
            parts.append(text)
        elif score.subscales and any(
            v is not None for k, v in score.subscales.items() if k in scorer.series
        ):
            parts.append(_subscale_line(score))
        if score.missing:
            parts.append(
                _("no score for what is missing: %(items)s") % {"items": ", ".join(score.missing)}
                if parts
                else _("no score: answers missing (%(items)s)")
                % {"items": ", ".join(score.missing)}
            )
        for flag in score.flags:
            parts.append(_(FLAG_TEXTS[flag]))
        return "; ".join(str(p) for p in parts) or str(scorer.normal_meaning)


def flag_reason(score: Score, language: str | None = None) -> str:
    """Why a flagged score asks for action, for the task."""
    return score_summary(score, language) if score.flagged else ""
