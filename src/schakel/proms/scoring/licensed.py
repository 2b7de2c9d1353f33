"""Scoring of licensed instruments. Their item text is not shipped: an operator imports the
Questionnaire they obtained from the rights holder (``schakel proms import``), and these rules
bind to it by the instrument code and the link ids listed in ``LINK_IDS``. Tables and rules:
../shared/PROMS.md."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from schakel.proms.scoring.base import Answers, Result, Scorer, dec

# --- PROMIS Global Health v1.2 -------------------------------------------------------------

PROMIS_PHYSICAL = ["Global03", "Global06", "Global07rc", "Global08r"]
PROMIS_MENTAL = ["Global02", "Global04", "Global05", "Global10r"]
PROMIS_PHYSICAL_T = dict(
    zip(
        range(4, 21),
        [
            16.2,
            19.9,
            23.5,
            26.7,
            29.6,
            32.4,
            34.9,
            37.4,
            39.8,
            42.3,
            44.9,
            47.7,
            50.8,
            54.1,
            57.7,
            61.9,
            67.7,
        ],
        strict=True,
    )
)
PROMIS_MENTAL_T = dict(
    zip(
        range(4, 21),
        [
            21.2,
            25.1,
            28.4,
            31.3,
            33.8,
            36.3,
            38.8,
            41.1,
            43.5,
            45.8,
            48.3,
            50.8,
            53.3,
            56.0,
            59.0,
            62.5,
            67.6,
        ],
        strict=True,
    )
)


def promis_pain_recode(pain: float) -> int:
    """Global07rc, pain 0-10, to the 1-5 scale of the other items."""
    if pain == 0:
        return 5
    if pain <= 3:
        return 4
    if pain <= 6:
        return 3
    if pain <= 9:
        return 2
    return 1


def _promis(answers: Answers) -> Result:
    subscales: dict[str, Decimal | None] = {}
    missing: list[str] = []
    for name, items, table in (
        ("physical", PROMIS_PHYSICAL, PROMIS_PHYSICAL_T),
        ("mental", PROMIS_MENTAL, PROMIS_MENTAL_T),
    ):
        absent = answers.missing(items)
        if absent:  # all four items are needed for a T-score
            missing += absent
            subscales[f"{name}_t"] = None
            continue
        raw = 0.0
        for link in items:
            value = answers.number(link) or 0
            raw += promis_pain_recode(value) if link == "Global07rc" else value
        subscales[f"{name}_raw"] = dec(raw, 0)
        subscales[f"{name}_t"] = dec(table[int(raw)])
    for single in ("Global01", "Global09r"):  # reported as single items
        subscales[single.lower()] = dec(answers.number(single), 0)
    return Result(None, subscales=subscales, missing=tuple(missing))


# --- EORTC QLQ-C30 v3 ----------------------------------------------------------------------

# scale: (items, range, kind) — kind "f" functional, "s" symptom, "q" global quality of life
EORTC_SCALES: dict[str, tuple[list[int], int, str]] = {
    "QL2": ([29, 30], 6, "q"),
    "PF2": ([1, 2, 3, 4, 5], 3, "f"),
    "RF2": ([6, 7], 3, "f"),
    "EF": ([21, 22, 23, 24], 3, "f"),
    "CF": ([20, 25], 3, "f"),
    "SF": ([26, 27], 3, "f"),
    "FA": ([10, 12, 18], 3, "s"),
    "NV": ([14, 15], 3, "s"),
    "PA": ([9, 19], 3, "s"),
    "DY": ([8], 3, "s"),
    "SL": ([11], 3, "s"),
    "AP": ([13], 3, "s"),
    "CO": ([16], 3, "s"),
    "DI": ([17], 3, "s"),
    "FI": ([28], 3, "s"),
}
EORTC_SUMMARY = ["PF2", "RF2", "EF", "CF", "SF", "FA", "PA", "NV", "DY", "SL", "AP", "CO", "DI"]


def _eortc(answers: Answers) -> Result:
    scales: dict[str, float | None] = {}
    for name, (items, span, kind) in EORTC_SCALES.items():
        values = [answers.number(f"q{n}") for n in items]
        answered = [v for v in values if v is not None]
        if len(answered) * 2 < len(items):  # at least half of the items
            scales[name] = None
            continue
        raw = sum(answered) / len(answered)
        scales[name] = (1 - (raw - 1) / span) * 100 if kind == "f" else (raw - 1) / span * 100
    summary = None
    if all(scales[name] is not None for name in EORTC_SUMMARY):
        parts = [
            scales[name] if EORTC_SCALES[name][2] == "f" else 100 - (scales[name] or 0)
            for name in EORTC_SUMMARY
        ]
        summary = sum(p or 0 for p in parts) / len(parts)
    missing = tuple(name for name, value in scales.items() if value is None)
    return Result(dec(summary), subscales={k: dec(v) for k, v in scales.items()}, missing=missing)


# --- EQ-5D-5L, Dutch value set (Versteegh et al. 2016) -------------------------------------

EQ5D_DIMENSIONS = [
    "mobility",
    "self-care",
    "usual-activities",
    "pain-discomfort",
    "anxiety-depression",
]
EQ5D_DECREMENTS = {
    "mobility": (0.035, 0.057, 0.166, 0.203),
    "self-care": (0.038, 0.061, 0.168, 0.168),
    "usual-activities": (0.039, 0.087, 0.192, 0.192),
    "pain-discomfort": (0.066, 0.092, 0.360, 0.415),
    "anxiety-depression": (0.070, 0.145, 0.356, 0.421),
}
EQ5D_CONSTANT = 0.047


def _eq5d(answers: Answers) -> Result:
    levels = {d: answers.number(d) for d in EQ5D_DIMENSIONS}
    vas = answers.number("vas")
    missing = tuple(d for d, level in levels.items() if level is None)
    subscales = {"vas": dec(vas, 0)}
    if missing:
        return Result(None, subscales=subscales, missing=missing)
    profile = "".join(str(int(level or 0)) for level in levels.values())
    if profile == "11111":
        index = 1.0
    else:
        index = (
            1
            - EQ5D_CONSTANT
            - sum(
                EQ5D_DECREMENTS[d][int(level) - 2]
                for d, level in levels.items()
                if level and level > 1
            )
        )
    return Result(dec(index, 3), subscales=subscales, profile=profile)


# --- Lastmeter (distress thermometer and problem list) -------------------------------------


def _lastmeter(answers: Answers) -> Result:
    # The problem list and the referral wish are shown whatever the score.
    problems = tuple(
        answers.texts.get(link, link)
        for link, value in answers.raw.items()
        if link.startswith("problem-") and value in (True, "yes", "true", "1")
    )
    referral = answers.code("referral")
    # "Maybe" deserves the conversation as much as "yes".
    flags = ("referral_wish",) if referral in ("yes", "maybe") else ()
    thermometer = answers.number("thermometer")
    if thermometer is None:
        return Result(None, missing=("thermometer",), flags=flags, details=problems)
    return Result(
        dec(thermometer, 0),
        subscales={"problems": dec(len(problems), 0)},
        flags=flags,
        details=problems,
    )


# --- 4DKL ----------------------------------------------------------------------------------

FOUR_DKL_SCALES = {"distress": 16, "depression": 6, "anxiety": 12, "somatisation": 16}
# Answers 0-4 (no, sometimes, regularly, often, very often or constantly) count 0, 1, 2, 2, 2.
FOUR_DKL_RECODE = {0: 0, 1: 1, 2: 2, 3: 2, 4: 2}


def _four_dkl(answers: Answers) -> Result:
    subscales: dict[str, float | None] = {}
    missing: list[str] = []
    for scale, count in FOUR_DKL_SCALES.items():
        items = [f"{scale}-{n}" for n in range(1, count + 1)]
        absent = answers.missing(items)
        if absent:  # no scale score from a partial scale
            missing += absent
            subscales[scale] = None
            continue
        subscales[scale] = sum(FOUR_DKL_RECODE[int(answers.number(i) or 0)] for i in items)
    return Result(
        None, subscales={k: dec(v, 0) for k, v in subscales.items()}, missing=tuple(missing)
    )


# The link ids each licensed Questionnaire must use (the import checks them).
LINK_IDS: dict[str, list[str]] = {
    "promis-gh": [
        "Global01",
        "Global02",
        "Global03",
        "Global04",
        "Global05",
        "Global06",
        "Global07rc",
        "Global08r",
        "Global09r",
        "Global10r",
    ],
    "eortc-qlq-c30": [f"q{n}" for n in range(1, 31)],
    "eq-5d-5l": [*EQ5D_DIMENSIONS, "vas"],
    "lastmeter": ["thermometer", "referral"],
    "4dkl": [f"{s}-{n}" for s, c in FOUR_DKL_SCALES.items() for n in range(1, c + 1)],
}

SCORERS = [
    Scorer(
        "promis-gh",
        "PROMIS Global Health v1.2",
        "promis-gh-1.2",
        _promis,
        normal_meaning=_("T-scores: 50 is the population mean, 10 points one standard deviation"),
        series=("physical_t", "mental_t"),
        labels={
            "physical_t": _("global physical health (T)"),
            "mental_t": _("global mental health (T)"),
            "physical_raw": _("physical, raw"),
            "mental_raw": _("mental, raw"),
            "global01": _("general health (Global01)"),
            "global09r": _("social activities (Global09r)"),
        },
    ),
    Scorer(
        "eortc-qlq-c30",
        "EORTC QLQ-C30",
        "qlq-c30-v3-manual-2001+summary-2016",
        _eortc,
        normal_meaning=_("summary score 0–100: higher is better"),
    ),
    Scorer(
        "eq-5d-5l",
        "EQ-5D-5L",
        "eq5d5l-nl-versteegh-2016",
        _eq5d,
        normal_meaning=_("index: 1 is full health (Dutch value set)"),
        minimum=-0.5,
        maximum=1,
        labels={"vas": _("EQ VAS (0–100)")},
    ),
    Scorer(
        "lastmeter",
        "Lastmeter",
        "lastmeter-nl-2017",
        _lastmeter,
        flag_meaning=_("distress: discuss the need for psychosocial care"),
        normal_meaning=_("little distress"),
        maximum=10,
        labels={"problems": _("problems ticked")},
    ),
    Scorer(
        "4dkl",
        "4DKL",
        "4dkl-terluin-2006",
        _four_dkl,
        series=("distress", "depression", "anxiety", "somatisation"),
        maximum=32,
        labels={
            "distress": _("distress"),
            "depression": _("depression"),
            "anxiety": _("anxiety"),
            "somatisation": _("somatisation"),
        },
    ),
]
