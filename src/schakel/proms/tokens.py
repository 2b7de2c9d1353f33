"""Personal links: a long random token for the patient, of which only a hash is stored, and
for a printed letter a short code that people can type."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings

# No look-alikes: no 0/O, 1/I/L, 5/S, 8/B, 2/Z, U/V; upper case only (what is typed is
# upper-cased first). 23 symbols, 12 of them: about 54 bits, and misses are rate-limited.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
CODE_LENGTH = 12
_CODE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")


def new_token() -> str:
    """256 bits, URL-safe: not guessable."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_code() -> str:
    """A short code for a letter, e.g. ``HK7P-3MXA-CQ9T`` (the dashes are only for reading)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return format_code(raw)


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(typed: str) -> str | None:
    """What someone typed, as the code it means (case, spaces and dashes do not matter), or
    None when it cannot be a code at all."""
    code = re.sub(r"[\s\-.]", "", typed).upper()
    return code if _CODE.match(code) else None


def code_hash(code: str) -> str:
    """Keyed: a short code has too few bits to survive an offline guess at a plain hash."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, b"prom-code:" + code.encode(), hashlib.sha256).hexdigest()
