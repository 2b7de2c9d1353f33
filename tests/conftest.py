"""Fixtures for every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def no_seal_from_another_test() -> Iterator[None]:
    """Each test starts without seals of the access log: a seal names entries of a database
    that an earlier test rolled back."""
    settings.SCHAKEL_AUDIT_SEAL_FILE.unlink(missing_ok=True)
    yield
    settings.SCHAKEL_AUDIT_SEAL_FILE.unlink(missing_ok=True)
