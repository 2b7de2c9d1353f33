"""Schakel's scoring rules, by instrument code."""

from __future__ import annotations

from schakel.proms.scoring import frailty, licensed
from schakel.proms.scoring.base import Answers, Result, Scorer

SCORERS: dict[str, Scorer] = {s.code: s for s in (*frailty.SCORERS, *licensed.SCORERS)}

__all__ = ["SCORERS", "Answers", "Result", "Scorer"]
