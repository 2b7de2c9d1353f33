"""Verifying the hash chain of the access log."""

from __future__ import annotations

from dataclasses import dataclass

from schakel.audit.models import GENESIS_HASH, AccessLogEntry


@dataclass(frozen=True)
class ChainReport:
    """The outcome of a verification: how many entries were checked and the first break."""

    checked: int
    broken_sequence: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_sequence is None


def verify_chain(chunk_size: int = 2000) -> ChainReport:
    """Walk the log in order and report the first entry whose link or content is wrong."""
    expected_previous = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    for entry in AccessLogEntry.objects.order_by("sequence").iterator(chunk_size=chunk_size):
        if entry.sequence != expected_sequence:
            return ChainReport(
                checked,
                entry.sequence,
                f"entry {expected_sequence} is missing (found {entry.sequence} instead)",
            )
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
        expected_previous = entry.entry_hash
        expected_sequence += 1
        checked += 1
    return ChainReport(checked)
