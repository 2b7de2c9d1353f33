"""Personal links: a long random token for the patient, of which only a hash is stored."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """256 bits, URL-safe: not guessable, and short enough to type from a letter if need be."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
