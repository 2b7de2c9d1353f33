"""Giving appended access-log entries their place in the chain.

Appending takes no lock (a lock held by every request that shows a patient made the whole
application take turns). An entry is inserted with a keyed MAC of its content and no place in
the chain; the chainer then takes the one chain lock, finds the waiting entries (a partial index
holds only them), and gives each, in the order they were written, its sequence number, the hash
of the entry before it and its own hash, in one statement.

When: at the end of every request that logged something, after its response has gone out and
without waiting for the lock (whoever holds it chains what it sees; what it missed goes with
the next request or, at the latest, the periodic job); before a seal; before ``audit verify``.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from django.core.signals import request_finished
from django.db import DatabaseError, connection, transaction

from schakel.audit.models import GENESIS_HASH, AccessLogEntry

logger = logging.getLogger(__name__)

# Any fixed number: the PostgreSQL advisory lock that only the chainer takes.
CHAIN_LOCK_KEY = 7513
# Entries chained per statement; a long backlog (after an outage of the job) goes in rounds.
BATCH = 5000

# Set when this thread of work appended an entry that still waits to be chained.
_appended: ContextVar[bool] = ContextVar("schakel_audit_appended", default=False)


def mark_appended() -> None:
    """Remember that entries wait: the end of the request chains them."""
    _appended.set(True)


def _take_lock(wait: bool) -> bool:
    """The chain lock, for this transaction. SQLite: our transactions are IMMEDIATE (settings),
    so the database's write lock is already held; nothing more to take."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def chain_head() -> tuple[int, str] | None:
    """The last chained entry's sequence number and hash (None for an empty chain)."""
    last = (
        AccessLogEntry.objects.filter(sequence__isnull=False)
        .order_by("-sequence")
        .values_list("sequence", "entry_hash")
        .first()
    )
    if last is None or last[0] is None:
        return None
    return int(last[0]), str(last[1])


def _chain_batch() -> int:
    table = connection.ops.quote_name(AccessLogEntry._meta.db_table)
    # The waiting entries (the partial index) and the chain's head (the sequence index) in one
    # statement; written out because Django cannot slice the parts of a union on SQLite.
    found = list(
        AccessLogEntry.objects.raw(
            f"SELECT * FROM (SELECT * FROM {table} WHERE sequence IS NULL "  # noqa: S608 - no input
            f"ORDER BY id LIMIT {BATCH}) AS waiting UNION ALL "
            f"SELECT * FROM (SELECT * FROM {table} WHERE sequence IS NOT NULL "
            "ORDER BY sequence DESC LIMIT 1) AS head"
        )
    )
    waiting = sorted((e for e in found if e.sequence is None), key=lambda e: e.pk)
    if not waiting:  # someone else chained it already
        return 0
    head = next((e for e in found if e.sequence is not None), None)
    sequence, previous = (1, GENESIS_HASH)
    if head is not None and head.sequence is not None:
        sequence, previous = head.sequence + 1, head.entry_hash
    links: list[tuple[Any, ...]] = []
    for entry in waiting:
        entry.sequence, entry.previous_hash = sequence, previous
        entry.entry_hash = entry.compute_hash()
        links.append((entry.pk, sequence, previous, entry.entry_hash))
        previous, sequence = entry.entry_hash, sequence + 1
    # The only UPDATE the log allows (its PostgreSQL trigger checks the same): an entry without
    # a place gets one, its content untouched. Application code cannot write it another way.
    values = ", ".join(["(%s, %s, %s, %s)"] * len(links))
    with connection.cursor() as cursor:
        cursor.execute(
            # VALUES names its columns column1.. on both databases: id, sequence, hashes.
            f"UPDATE {table} SET sequence = link.column2, previous_hash = link.column3, "  # noqa: S608 - placeholders only
            f"entry_hash = link.column4 FROM (VALUES {values}) AS link "
            f"WHERE {table}.id = link.column1 AND {table}.sequence IS NULL",
            [value for link in links for value in link],
        )
        if cursor.rowcount != len(links):
            raise DatabaseError("the access log changed while it was being chained")
    return len(links)


def chain_pending(*, wait: bool = True) -> int:
    """Chain every waiting entry; return how many. ``wait=False`` gives up at once when someone
    else holds the chain lock (they chain what they see)."""
    chained = 0
    while True:
        with transaction.atomic():
            if not _take_lock(wait):
                return chained
            done = _chain_batch()
        chained += done
        if done < BATCH:
            return chained


def chain_after_request(**kwargs: Any) -> None:
    """``request_finished``: the response has gone out; chain what this request appended."""
    if not _appended.get():
        return
    _appended.set(False)
    try:
        chain_pending(wait=False)
    except DatabaseError:  # the periodic job chains it; the request has been answered
        logger.exception("chaining the access log after a request failed")


def connect() -> None:
    request_finished.connect(chain_after_request, dispatch_uid="schakel-audit-chain")
