"""Reference data that migrations seed, restored after a transactional test flushed it."""

from __future__ import annotations

import importlib

from django.apps import apps

SEED_MIGRATIONS = [
    "schakel.directory.migrations.0002_seed_tumour_types_and_topics",
    "schakel.pathways.migrations.0002_default_signal_thresholds",
    "schakel.mdo.migrations.0004_default_mdo_signal_thresholds",
]


def reseed() -> None:
    """Run the seed functions of the data migrations again (they are idempotent)."""
    for module in SEED_MIGRATIONS:
        importlib.import_module(module).seed(apps, None)
    from schakel.proms.catalogue import load_catalogue  # loaded after migrate, not by one

    load_catalogue()
