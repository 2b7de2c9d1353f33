"""Schakel's scoring rules, by instrument code."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from schakel.proms.scoring import frailty, licensed
from schakel.proms.scoring.base import Answers, Result, Scorer

SCORERS: dict[str, Scorer] = {s.code: s for s in (*frailty.SCORERS, *licensed.SCORERS)}

# How a professional recognises each scoring rule: its source, not the code stored with the
# score (which stays, so a later rule never rewrites what an earlier one computed).
RULE_LABELS: dict[str, str | Promise] = {
    "ecog-1": _("WHO/ECOG performance status (Oken et al., 1982)"),
    "karnofsky-1": _("Karnofsky performance status (1949)"),
    "surprise-1": _("the surprise question"),
    "g8-bellera-2012": _("G8, Bellera et al. (2012)"),
    "gfi-steverink-2001": _("GFI, Steverink et al. (2001)"),
    "tfi-gobbens-2010": _("TFI, Gobbens et al. (2010)"),
    "promis-gh-1.2": _("PROMIS Global Health v1.2, Hays et al. (2009)"),
    "qlq-c30-v3-manual-2001+summary-2016": _(
        "EORTC QLQ-C30 scoring manual (2001), summary score Giesinger et al. (2016)"
    ),
    "eq5d5l-nl-versteegh-2016": _("EQ-5D-5L, Dutch tariff, Versteegh et al. (2016)"),
    "lastmeter-nl-2017": _("Lastmeter, Dutch version (2017)"),
    "4dkl-terluin-2006": _("4DKL, Terluin et al. (2006)"),
}


def rule_label(rule_version: str) -> str:
    """The scoring rule as people name it (the stored code only when it has no name yet)."""
    return str(RULE_LABELS.get(rule_version, rule_version))


__all__ = ["RULE_LABELS", "SCORERS", "Answers", "Result", "Scorer", "rule_label"]
