"""Background jobs of the audit app."""

from __future__ import annotations

from django_tasks import task

from schakel.audit.seal import seal_chain


@task()
def seal_access_log() -> int:
    """Periodically: seal the access log's head outside the database."""
    seal = seal_chain()
    return seal.sequence if seal else 0
