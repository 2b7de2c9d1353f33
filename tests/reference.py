"""Reference data that migrations seed, restored after a transactional test flushed it."""

from __future__ import annotations

import importlib

from django.apps import apps

SEED_MIGRATIONS = [
    "schakel.directory.migrations.0002_seed_tumour_types_and_topics",
]


def reseed() -> None:
    """Run the seed functions of the data migrations again (they are idempotent)."""
    for module in SEED_MIGRATIONS:
        importlib.import_module(module).seed(apps, None)
    from schakel.proms.catalogue import load_catalogue  # loaded after migrate, not by one
    from schakel.work.engine import seed_thresholds

    load_catalogue()
    seed_thresholds()
