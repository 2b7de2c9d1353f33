"""Seals of the access log's head, kept outside the database.

Now and then (a periodic job, and ``schakel audit seal``) the number of entries and the hash
of the last one are appended, signed with the audit key, to a file the database cannot reach
(``SCHAKEL_AUDIT_SEAL_FILE``; put it where the database's administrators cannot write).
``schakel audit verify`` then also notices entries removed from the end, a truncated table,
or a chain rebuilt from some point on: the sealed entry must still be there, unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from schakel.audit.chain import chain_head, chain_pending
from schakel.audit.models import audit_key


@dataclass(frozen=True)
class Seal:
    sequence: int
    entry_hash: str
    sealed_at: str

    def payload(self) -> str:
        return f"{self.sequence}:{self.entry_hash}:{self.sealed_at}"

    def signature(self) -> str:
        return hmac.new(audit_key(), self.payload().encode(), hashlib.sha256).hexdigest()


def seal_file() -> Path:
    return Path(settings.SCHAKEL_AUDIT_SEAL_FILE)


def seal_chain() -> Seal | None:
    """Chain what waits, then append a seal of the chain's head (nothing when it is empty)."""
    chain_pending()
    head = chain_head()
    if head is None:
        return None
    seal = Seal(head[0], head[1], timezone.now().isoformat())
    path = seal_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({**seal.__dict__, "signature": seal.signature()})
    with path.open("a", encoding="utf-8") as file:
        file.write(line + "\n")
    return seal


def last_seal() -> tuple[Seal | None, str]:
    """The newest seal and a problem ("" when none): a seal whose signature does not match
    was written by someone without the key."""
    path = seal_file()
    if not path.exists():
        return None, ""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        return None, ""
    try:
        data = json.loads(lines[-1])
        seal = Seal(int(data["sequence"]), str(data["entry_hash"]), str(data["sealed_at"]))
        signature = str(data["signature"])
    except (ValueError, KeyError, TypeError):
        return None, "the last seal cannot be read"
    if not hmac.compare_digest(signature, seal.signature()):
        return None, "the last seal's signature does not match (it was not written by Schakel)"
    return seal, ""
