"""What every scorer shares: the answers as scoring sees them, the result, the scorer itself.

Scores are computed in Python and are the authoritative value (see PROMS.md). A scorer binds
to an instrument by its code and to items by their link ids; it never guesses a missing answer:
when the rules need an answer that is not there, the score is None and ``missing`` says why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise


class Answers:
    """A response's answers by link id, with the numbers the rules need.

    A choice answer is its code; its number is the option's ``ordinalValue`` when the
    Questionnaire gives one (licensed files often do), otherwise the code read as a number.
    """

    def __init__(
        self,
        raw: Mapping[str, Any],
        ordinals: Mapping[str, Mapping[str, float]] | None = None,
        texts: Mapping[str, str] | None = None,
    ):
        self.raw = raw
        self.ordinals = ordinals or {}
        # Item texts by link id, for results that quote the questions (a problem list).
        self.texts = texts or {}

    def code(self, link_id: str) -> str | None:
        value = self.raw.get(link_id)
        return None if value in (None, "") else str(value)

    def number(self, link_id: str) -> float | None:
        value = self.raw.get(link_id)
        if value is None or value == "" or isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            return float(value)
        ordinal = self.ordinals.get(link_id, {}).get(str(value))
        if ordinal is not None:
            return float(ordinal)
        try:
            return float(value)
        except ValueError:
            return None

    def missing(self, link_ids: list[str]) -> list[str]:
        return [link for link in link_ids if self.code(link) is None]


def dec(value: float | None, places: int = 1) -> Decimal | None:
    """A stored score: rounded for people, exact enough for trends."""
    return None if value is None else Decimal(str(round(value, places)))


@dataclass(frozen=True)
class Result:
    """A computed score. ``value`` is None when the rules could not produce one."""

    value: Decimal | None
    subscales: dict[str, Decimal | None] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    # Reasons to act that are not a cut-off: a referral wish, a "no" to the surprise question.
    flags: tuple[str, ...] = ()
    # Text shown beside the score whatever it is (e.g. the Lastmeter's problem list).
    details: tuple[str, ...] = ()
    profile: str = ""


@dataclass(frozen=True)
class Scorer:
    """The scoring rules of one instrument."""

    code: str
    name: str | Promise
    rule_version: str
    compute: Callable[[Answers], Result]
    # What crossing the cut-off means, and the words for a score within it.
    flag_meaning: str | Promise = ""
    normal_meaning: str | Promise = ""
    # The values a trend chart draws: "value" is the total, others are subscale keys.
    series: tuple[str, ...] = ("value",)
    # The range of the total (for the chart's axis).
    minimum: float = 0
    maximum: float = 100
    # Labels of subscales, for people.
    labels: Mapping[str, str | Promise] = field(default_factory=dict)
