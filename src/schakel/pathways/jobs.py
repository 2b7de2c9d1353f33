"""Background jobs of the pathways app (Django's tasks API, database backend)."""

from __future__ import annotations

from django_tasks import task

from schakel.pathways.signals import evaluate_signals


@task()
def evaluate_pathway_signals(pathway_ids: list[int]) -> dict[str, int]:
    """After a write: the signals of the pathways it touched."""
    result = evaluate_signals(pathway_ids)
    return {"opened": result.opened, "resolved": result.resolved}


@task()
def evaluate_all_signals() -> dict[str, int]:
    """On a schedule: every pathway (time passing makes tasks overdue and silences long)."""
    result = evaluate_signals()
    return {"opened": result.opened, "resolved": result.resolved}
