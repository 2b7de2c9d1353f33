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


@pytest.fixture(autouse=True)
def the_minute_stands_still(monkeypatch: pytest.MonkeyPatch) -> None:
    """The idle mark moves once a minute and then writes the session: a test that counts
    queries must not see a minute pass. Tests of the timeout move the minute themselves."""
    from schakel.accounts import idle

    minute = idle._minute()
    monkeypatch.setattr(idle, "_minute", lambda: minute)
