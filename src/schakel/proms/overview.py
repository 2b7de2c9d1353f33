"""What the pathway page, the MDO and the GP input show of a patient's questionnaires."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.safestring import SafeString

from schakel.proms.charts import Series, trend_svg
from schakel.proms.models import Cutoff, Score
from schakel.proms.scoring import SCORERS
from schakel.proms.texts import score_summary


@dataclass
class Trend:
    """One instrument's scores on one pathway, newest first, with its chart."""

    name: str
    code: str
    scores: list[Score] = field(default_factory=list)
    chart: SafeString | None = None
    cutoff: Cutoff | None = None

    @property
    def latest(self) -> Score:
        return self.scores[0]

    @property
    def latest_summary(self) -> str:
        return score_summary(self.latest)


def _scores(pathway_ids: Iterable[int]) -> list[Score]:
    return list(
        Score.objects.filter(response__pathway_id__in=list(pathway_ids))
        .select_related("instrument", "response__entered_by_role__practitioner")
        .order_by("-response__submitted_at", "-pk")
    )


def trends(pathway_id: int) -> list[Trend]:
    """Per instrument: the scores and a chart (two queries, whatever the number of scores)."""
    scores = _scores([pathway_id])
    cutoffs = {
        c.instrument_id: c
        for c in Cutoff.objects.filter(instrument__in={s.instrument_id for s in scores})
    }
    by_code: dict[str, Trend] = {}
    for score in scores:
        trend = by_code.setdefault(
            score.instrument.code,
            Trend(
                score.instrument.name,
                score.instrument.code,
                cutoff=cutoffs.get(score.instrument_id),
            ),
        )
        trend.scores.append(score)
    for trend in by_code.values():
        scorer = SCORERS.get(trend.code)
        if scorer is None or not scorer.series:
            continue
        series = []
        for key in scorer.series:
            points = [
                (timezone.localtime(s.response.submitted_at), float(value))
                for s in trend.scores
                if (value := (s.value if key == "value" else s.subscales.get(key))) is not None
            ]
            if points:
                series.append(Series(str(scorer.labels.get(key, trend.name)), points))
        if series:
            threshold = (
                float(trend.cutoff.value) if trend.cutoff and scorer.series == ("value",) else None
            )
            trend.chart = trend_svg(
                trend.name,
                series,
                minimum=scorer.minimum,
                maximum=scorer.maximum,
                threshold=threshold,
            )
    return list(by_code.values())


def latest_by_pathway(pathway_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    """Per pathway, the latest score of each instrument in words (one query): for the MDO."""
    found: dict[int, dict[str, tuple[str, str]]] = defaultdict(dict)
    for score in _scores(pathway_ids):
        per = found[score.response.pathway_id]
        if score.instrument.code not in per:
            when = f"{timezone.localtime(score.response.submitted_at):%d-%m-%Y}"
            per[score.instrument.code] = (score.instrument.name, f"{score_summary(score)} ({when})")
    return {pk: list(per.values()) for pk, per in found.items()}


__all__ = ["Trend", "latest_by_pathway", "trends"]
