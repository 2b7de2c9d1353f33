"""Verifying the access log: its keyed hash chain, and its head against the last seal."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from schakel.audit.models import GENESIS_HASH, HMAC_SCHEME, LEGACY_SCHEME, AccessLogEntry
from schakel.audit.seal import last_seal


@dataclass(frozen=True)
class ChainReport:
    """The outcome of a verification: how many entries were checked and the first break."""

    checked: int
    broken_sequence: int | None = None
    problem: str = ""
    # Entries appended but not yet given their place in the chain (a handful, for moments).
    waiting: int = 0

    @property
    def intact(self) -> bool:
        return self.broken_sequence is None and not self.problem


def verify_chain(chunk_size: int = 2000) -> ChainReport:
    """Walk the chain in order and report the first entry whose link or content is wrong; check
    that the entry the last seal names is still there, unchanged; and check the content MAC of
    the entries still waiting for their place."""
    expected_previous = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    keyed = False
    maced = False
    hashes: dict[int, str] = {}
    seal, seal_problem = last_seal()
    chained = AccessLogEntry.objects.filter(sequence__isnull=False).order_by("sequence")
    for entry in chained.iterator(chunk_size=chunk_size):
        if entry.sequence != expected_sequence:
            return ChainReport(
                checked,
                entry.sequence,
                f"entry {expected_sequence} is missing (found {entry.sequence} instead)",
            )
        if entry.hash_scheme not in (HMAC_SCHEME, LEGACY_SCHEME) or (
            keyed and entry.hash_scheme == LEGACY_SCHEME
        ):
            return ChainReport(
                checked, entry.sequence, "its hash scheme was downgraded (it was forged)"
            )
        keyed = keyed or entry.hash_scheme == HMAC_SCHEME
        if entry.previous_hash != expected_previous:
            return ChainReport(
                checked,
                entry.sequence,
                "its previous-hash does not match the entry before it "
                "(an entry was removed, inserted or changed)",
            )
        if entry.compute_hash() != entry.entry_hash:
            return ChainReport(
                checked, entry.sequence, "its content does not match its hash (it was changed)"
            )
        if entry.content_mac or maced:
            maced = True
            if not hmac.compare_digest(entry.content_mac, entry.compute_content_mac()):
                return ChainReport(
                    checked,
                    entry.sequence,
                    "its content does not match the MAC written with it "
                    "(it was changed before it was chained)",
                )
        if seal is not None and entry.sequence == seal.sequence:
            hashes[entry.sequence] = entry.entry_hash
        expected_previous = entry.entry_hash
        expected_sequence += 1
        checked += 1
    waiting = 0
    for entry in AccessLogEntry.objects.filter(sequence__isnull=True).iterator(chunk_size):
        waiting += 1
        if not hmac.compare_digest(entry.content_mac, entry.compute_content_mac()):
            return ChainReport(
                checked,
                None,
                f"entry {entry.pk}, waiting to be chained, does not match the MAC written with it "
                "(it was changed)",
                waiting,
            )
    if seal_problem:
        return ChainReport(checked, None, seal_problem, waiting)
    if seal is not None:
        if checked < seal.sequence:
            return ChainReport(
                checked,
                checked + 1,
                f"the chain ends at entry {checked}, but entry {seal.sequence} was sealed on "
                f"{seal.sealed_at} (entries were removed from the end, or the table emptied)",
            )
        if hashes.get(seal.sequence) != seal.entry_hash:
            return ChainReport(
                checked,
                seal.sequence,
                f"entry {seal.sequence} differs from what was sealed on {seal.sealed_at} "
                "(the chain was rebuilt)",
                waiting,
            )
    return ChainReport(checked, waiting=waiting)
