"""Scoring of the instruments Schakel ships with their items: ECOG/WHO, Karnofsky, the
(double) surprise question, G8, GFI and TFI. Rules and sources: ../shared/PROMS.md."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from schakel.proms.scoring.base import Answers, Result, Scorer, dec

# Karnofsky → ECOG, shown as a mapping (not a conversion).
KARNOFSKY_TO_ECOG = {100: 0, 90: 0, 80: 1, 70: 1, 60: 2, 50: 2, 40: 3, 30: 3, 20: 4, 10: 4, 0: 5}


def _single(link: str) -> Callable[[Answers], Result]:
    def compute(answers: Answers) -> Result:
        value = answers.number(link)
        if value is None:
            return Result(None, missing=(link,))
        return Result(dec(value, 0))

    return compute


def _karnofsky(answers: Answers) -> Result:
    value = answers.number("kps")
    if value is None:
        return Result(None, missing=("kps",))
    return Result(dec(value, 0), subscales={"ecog_mapping": dec(KARNOFSKY_TO_ECOG[int(value)], 0)})


def _surprise(answers: Answers) -> Result:
    first = answers.code("sq1")
    if first is None:
        return Result(None, missing=("sq1",))
    # A "no" (not surprised if the patient died) is the cue for advance care planning.
    flags = ("surprise_no",) if first == "no" else ()
    return Result(None, flags=flags)


G8_ITEMS = [f"g8-{n}" for n in range(1, 9)]


def _g8(answers: Answers) -> Result:
    missing = answers.missing(G8_ITEMS)
    if missing:
        return Result(None, missing=tuple(missing))
    return Result(dec(sum(answers.number(link) or 0 for link in G8_ITEMS)))


GFI_SUBSCALES = {
    "daily_activities": [f"gfi-{n}" for n in range(1, 5)],
    "health_problems": [f"gfi-{n}" for n in range(5, 11)],
    "psychosocial": [f"gfi-{n}" for n in range(11, 16)],
}


def _gfi_point(answers: Answers, link: str) -> int:
    number = int(link.split("-")[1])
    code = answers.code(link)
    if number <= 4:  # can do it on one's own? no = dependent = 1
        return int(code == "no")
    if number == 5:  # a mark 0-10 for physical fitness: 0-6 = 1
        mark = answers.number(link)
        return int(mark is not None and mark <= 6)
    if number <= 10:  # yes = 1 ("sometimes" memory complaints count 0)
        return int(code == "yes")
    return int(code in ("yes", "sometimes"))


def _summed(
    subscales: dict[str, list[str]], point: Callable[[Answers, str], int]
) -> Callable[[Answers], Result]:
    """A 0/1 point per item, summed per subscale and in total; no score with an item missing."""

    def compute(answers: Answers) -> Result:
        items = [link for links in subscales.values() for link in links]
        missing = answers.missing(items)
        if missing:
            return Result(None, missing=tuple(missing))
        per_scale = {
            name: dec(sum(point(answers, link) for link in links), 0)
            for name, links in subscales.items()
        }
        return Result(dec(sum(point(answers, link) for link in items), 0), subscales=per_scale)

    return compute


TFI_SUBSCALES = {
    "physical": [f"tfi-{n}" for n in range(1, 9)],
    "psychological": [f"tfi-{n}" for n in range(9, 13)],
    "social": [f"tfi-{n}" for n in range(13, 16)],
}
# Items where the frail answer is "no"; for the others it is "yes" (and for some "sometimes").
TFI_NO_IS_FRAIL = {"tfi-1", "tfi-12", "tfi-15"}
TFI_SOMETIMES_IS_FRAIL = {"tfi-10", "tfi-11", "tfi-14"}


def _tfi_point(answers: Answers, link: str) -> int:
    code = answers.code(link)
    if link in TFI_NO_IS_FRAIL:
        return int(code == "no")
    if link in TFI_SOMETIMES_IS_FRAIL:
        return int(code in ("yes", "sometimes"))
    return int(code == "yes")


SCORERS = [
    Scorer(
        "ecog",
        "WHO/ECOG",
        "ecog-1",
        _single("ecog"),
        flag_meaning=_("self-care only or less: weigh frailty in treatment decisions"),
        normal_meaning=_("active, at most restricted in strenuous activity"),
        maximum=5,
    ),
    Scorer(
        "karnofsky",
        "Karnofsky",
        "karnofsky-1",
        _karnofsky,
        normal_meaning=_("see the description"),
        labels={"ecog_mapping": _("corresponds to WHO/ECOG (mapping, not a conversion)")},
    ),
    Scorer(
        "surprise-question",
        _("Surprise question"),
        "surprise-1",
        _surprise,
        flag_meaning=_("would not be surprised: start advance care planning"),
        normal_meaning=_("would be surprised"),
        series=(),
    ),
    Scorer(
        "g8",
        "G8",
        "g8-bellera-2012",
        _g8,
        flag_meaning=_("abnormal: a comprehensive geriatric assessment is advised"),
        normal_meaning=_("normal"),
        maximum=17,
    ),
    Scorer(
        "gfi",
        "GFI",
        "gfi-steverink-2001",
        _summed(GFI_SUBSCALES, _gfi_point),
        flag_meaning=_("frail"),
        normal_meaning=_("not frail"),
        maximum=15,
        labels={
            "daily_activities": _("daily activities"),
            "health_problems": _("health problems"),
            "psychosocial": _("psychosocial"),
        },
    ),
    Scorer(
        "tfi",
        "TFI",
        "tfi-gobbens-2010",
        _summed(TFI_SUBSCALES, _tfi_point),
        flag_meaning=_("frail"),
        normal_meaning=_("not frail"),
        maximum=15,
        labels={
            "physical": _("physical"),
            "psychological": _("psychological"),
            "social": _("social"),
        },
    ),
]
