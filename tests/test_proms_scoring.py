"""Scoring of every instrument against worked examples derived from PROMS.md, including the
cases where missing answers must leave the score empty."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.test import SimpleTestCase

from schakel.proms.scoring import SCORERS, Answers, Result
from schakel.proms.scoring.licensed import promis_pain_recode


def score(code: str, raw: dict[str, Any], **kwargs: Any) -> Result:
    return SCORERS[code].compute(Answers(raw, **kwargs))


def d(value: str) -> Decimal:
    return Decimal(value)


class FrailtyScoringTests(SimpleTestCase):
    def test_ecog_and_karnofsky_with_its_ecog_mapping(self):
        self.assertEqual(score("ecog", {"ecog": "2"}).value, 2)
        self.assertIsNone(score("ecog", {}).value)
        result = score("karnofsky", {"kps": "60"})
        self.assertEqual((result.value, result.subscales["ecog_mapping"]), (60, 2))
        self.assertEqual(score("karnofsky", {"kps": "90"}).subscales["ecog_mapping"], 0)

    def test_a_no_to_the_surprise_question_is_a_flag(self):
        self.assertEqual(score("surprise-question", {"sq1": "no"}).flags, ("surprise_no",))
        self.assertEqual(score("surprise-question", {"sq1": "yes", "sq2": "no"}).flags, ())
        self.assertEqual(score("surprise-question", {}).missing, ("sq1",))

    def test_g8_sums_half_points_and_refuses_a_missing_item(self):
        answers = {
            "g8-1": "1",
            "g8-2": "2",
            "g8-3": "2",
            "g8-4": "2",
            "g8-5": "3",
            "g8-6": "1",
            "g8-7": "0.5",
            "g8-8": "1",
        }
        self.assertEqual(score("g8", answers).value, d("12.5"))
        del answers["g8-5"]
        result = score("g8", answers)
        self.assertIsNone(result.value)
        self.assertEqual(result.missing, ("g8-5",))

    def gfi(self, **changes: str | int) -> dict[str, Any]:
        answers: dict[str, Any] = {f"gfi-{n}": "yes" for n in range(1, 5)}
        answers |= {"gfi-5": 8} | {f"gfi-{n}": "no" for n in range(6, 16)}
        answers |= {k.replace("_", "-"): v for k, v in changes.items()}
        return answers

    def test_gfi_points_per_item_and_subscales(self):
        self.assertEqual(score("gfi", self.gfi()).value, 0)
        result = score(
            "gfi",
            self.gfi(
                gfi_1="no",
                gfi_5=6,
                gfi_6="yes",
                gfi_9="yes",
                gfi_10="sometimes",
                gfi_11="sometimes",
                gfi_14="yes",
            ),
        )
        self.assertEqual(result.value, 6)
        self.assertEqual(
            result.subscales,
            {"daily_activities": 1, "health_problems": 3, "psychosocial": 2},
        )
        # A mark of 7 counts 0; "yes" to memory complaints counts 1.
        self.assertEqual(score("gfi", self.gfi(gfi_5=7, gfi_10="yes")).value, 1)

    def test_gfi_with_an_unanswered_item_has_no_score(self):
        answers = self.gfi()
        del answers["gfi-12"]
        self.assertIsNone(score("gfi", answers).value)

    def test_tfi_reverse_items_and_sometimes(self):
        healthy: dict[str, Any] = {f"tfi-{n}": "no" for n in range(1, 16)}
        healthy |= {"tfi-1": "yes", "tfi-12": "yes", "tfi-15": "yes"}
        self.assertEqual(score("tfi", healthy).value, 0)
        frail = healthy | {
            "tfi-1": "no",
            "tfi-5": "yes",
            "tfi-9": "sometimes",
            "tfi-10": "sometimes",
            "tfi-13": "yes",
            "tfi-15": "no",
        }
        result = score("tfi", frail)
        self.assertEqual(result.value, 5)
        self.assertEqual(result.subscales, {"physical": 2, "psychological": 1, "social": 2})
        del frail["tfi-3"]
        self.assertIsNone(score("tfi", frail).value)


class LicensedScoringTests(SimpleTestCase):
    def test_promis_pain_recode(self):
        self.assertEqual(
            [promis_pain_recode(p) for p in (0, 1, 3, 4, 6, 7, 9, 10)], [5, 4, 4, 3, 3, 2, 2, 1]
        )

    def test_promis_t_scores_from_the_tables(self):
        answers = {
            "Global01": 3,
            "Global02": 4,
            "Global03": 3,
            "Global04": 3,
            "Global05": 3,
            "Global06": 4,
            "Global07rc": 5,
            "Global08r": 4,
            "Global09r": 2,
            "Global10r": 2,
        }
        result = score("promis-gh", answers)
        self.assertEqual(result.subscales["physical_raw"], 14)  # 3 + 4 + recode(5)=3 + 4
        self.assertEqual(result.subscales["physical_t"], d("44.9"))
        self.assertEqual(result.subscales["mental_raw"], 12)
        self.assertEqual(result.subscales["mental_t"], d("43.5"))
        self.assertEqual(result.subscales["global01"], 3)
        lowest = dict.fromkeys(answers, 1) | {"Global07rc": 10}
        self.assertEqual(score("promis-gh", lowest).subscales["physical_t"], d("16.2"))

    def test_promis_needs_all_four_items_of_a_scale(self):
        answers = {
            "Global02": 4,
            "Global03": 3,
            "Global04": 3,
            "Global05": 3,
            "Global06": 4,
            "Global07rc": 5,
            "Global08r": 4,
        }
        result = score("promis-gh", answers)
        self.assertIsNone(result.subscales["mental_t"])
        self.assertEqual(result.subscales["physical_t"], d("44.9"))
        self.assertIn("Global10r", result.missing)

    def eortc(self, value: int = 1) -> dict[str, Any]:
        return {f"q{n}": value for n in range(1, 29)} | {"q29": 7, "q30": 7}

    def test_eortc_best_answers_score_100(self):
        result = score("eortc-qlq-c30", self.eortc())
        self.assertEqual(result.value, 100)
        self.assertEqual((result.subscales["PF2"], result.subscales["FA"]), (100, 0))
        self.assertEqual(result.subscales["QL2"], 100)

    def test_eortc_scales_and_the_half_items_rule(self):
        answers = self.eortc() | {f"q{n}": 2 for n in range(1, 6)} | {"q29": 4, "q30": 5}
        answers.pop("q7")  # RF2 has one of two items: half is enough
        del answers["q22"], answers["q23"]  # EF has two of four: still scored
        result = score("eortc-qlq-c30", answers)
        self.assertEqual(result.subscales["PF2"], d("66.7"))  # (1 - (2 - 1)/3) x 100
        self.assertEqual(result.subscales["QL2"], d("58.3"))  # (4.5 - 1)/6 x 100
        self.assertEqual(result.subscales["RF2"], 100)
        self.assertEqual(result.subscales["EF"], 100)
        # Summary: mean of the 13 scales, symptoms as 100 - S: (66.67 + 4 x 100 + 8 x 100) / 13
        self.assertEqual(result.value, d("97.4"))
        del answers["q24"]  # EF now one of four: not scored, and so no summary
        result = score("eortc-qlq-c30", answers)
        self.assertIsNone(result.subscales["EF"])
        self.assertIsNone(result.value)

    def test_eq5d_dutch_value_set(self):
        dims = [
            "mobility",
            "self-care",
            "usual-activities",
            "pain-discomfort",
            "anxiety-depression",
        ]

        def profile(levels: str) -> dict[str, Any]:
            return dict(zip(dims, levels, strict=True)) | {"vas": 70}

        self.assertEqual(score("eq-5d-5l", profile("11111")).value, 1)
        result = score("eq-5d-5l", profile("21312"))
        self.assertEqual(result.value, d("0.761"))  # 1 - 0.047 - 0.035 - 0.087 - 0.070
        self.assertEqual((result.profile, result.subscales["vas"]), ("21312", 70))
        self.assertEqual(score("eq-5d-5l", profile("55555")).value, d("-0.446"))
        missing = profile("21312")
        del missing["pain-discomfort"]
        self.assertIsNone(score("eq-5d-5l", missing).value)

    def test_eq5d_levels_from_ordinal_values_of_an_imported_file(self):
        ordinals = {
            d: {"LA-a": 1.0, "LA-b": 2.0}
            for d in [
                "mobility",
                "self-care",
                "usual-activities",
                "pain-discomfort",
                "anxiety-depression",
            ]
        }
        raw = {
            "mobility": "LA-b",
            "self-care": "LA-a",
            "usual-activities": "LA-a",
            "pain-discomfort": "LA-a",
            "anxiety-depression": "LA-a",
        }
        self.assertEqual(score("eq-5d-5l", raw, ordinals=ordinals).value, d("0.918"))

    def test_lastmeter_problem_list_and_referral_wish_always_shown(self):
        texts = {"problem-1": "Placeholder probleem A", "problem-2": "Placeholder probleem B"}
        result = score(
            "lastmeter",
            {"thermometer": 3, "referral": "yes", "problem-1": "yes", "problem-2": "no"},
            texts=texts,
        )
        self.assertEqual(result.value, 3)
        self.assertEqual(result.flags, ("referral_wish",))
        self.assertEqual(result.details, ("Placeholder probleem A",))
        no_thermometer = score("lastmeter", {"referral": "no", "problem-2": "yes"}, texts=texts)
        self.assertIsNone(no_thermometer.value)
        self.assertEqual(no_thermometer.details, ("Placeholder probleem B",))

    def test_4dkl_recodes_and_needs_every_item_of_a_scale(self):
        answers = {f"distress-{n}": 3 for n in range(1, 17)}
        answers |= {f"depression-{n}": 1 for n in range(1, 7)}
        answers |= {f"anxiety-{n}": 0 for n in range(1, 13)}
        answers |= {f"somatisation-{n}": 4 for n in range(1, 16)}  # one short
        result = score("4dkl", answers)
        self.assertEqual(result.subscales["distress"], 32)  # 16 x (3 → 2)
        self.assertEqual(result.subscales["depression"], 6)
        self.assertEqual(result.subscales["anxiety"], 0)
        self.assertIsNone(result.subscales["somatisation"])
        self.assertEqual(result.missing, ("somatisation-16",))
