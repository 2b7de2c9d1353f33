"""Background jobs of the audit app."""

from __future__ import annotations

from django_tasks import task

from schakel.audit.chain import chain_pending
from schakel.audit.seal import seal_chain


@task()
def seal_access_log() -> int:
    """Periodically: seal the access log's head outside the database."""
    seal = seal_chain()
    return seal.sequence if seal else 0


@task()
def chain_access_log() -> int:
    """Every minute: chain entries that no request's end chained (a job, a command, a race)."""
    return chain_pending()
