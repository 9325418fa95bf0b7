"""Walking the chain: the first entry whose content, link or order does not add up."""

from contextlib import nullcontext
from dataclasses import dataclass

from django.db import connection, transaction

from audit.models import GENESIS_HASH, AuditEntry, ChainHead


@dataclass
class ChainProblem:
    seq: int
    reason: str


def _one_snapshot():
    # On PostgreSQL, iterator() reads through a server-side cursor. Outside a transaction Django
    # declares it WITH HOLD, and PostgreSQL then copies the whole result set before the first row
    # is fetched; inside one, rows stream. (Not on SQLite: a transaction there takes the write
    # lock and would block every writer while the walk lasts.)
    return transaction.atomic() if connection.vendor == "postgresql" else nullcontext()


def verify_chain(batch_size: int = 5000) -> tuple[int, ChainProblem | None]:
    """Return (entries checked, first problem or None).

    One pass in ``seq`` order, ``batch_size`` rows in memory at a time: time is linear in the
    number of entries and memory does not grow with it.
    """
    expected_prev = GENESIS_HASH
    # What the entry before the previous one hashed to: tells an inserted entry from a deleted one.
    before_prev = None
    previous_seq = None
    checked = 0
    with _one_snapshot():
        for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size):
            if entry.prev_hash != expected_prev:
                if previous_seq is not None and entry.prev_hash == before_prev:
                    return checked - 1, ChainProblem(
                        previous_seq,
                        f"it was inserted (or written concurrently with #{entry.seq}): "
                        f"#{entry.seq}, the entry after it, links to the entry before it",
                    )
                if previous_seq is None:
                    reason = "it is the first entry but links to an earlier one (an entry before it was deleted)"
                else:
                    reason = (
                        f"its link does not match #{previous_seq}, the entry before it "
                        f"(an entry was deleted, inserted or reordered, or #{previous_seq} was rewritten)"
                    )
                return checked, ChainProblem(entry.seq, reason)
            if entry.compute_hash() != entry.hash:
                return checked, ChainProblem(entry.seq, "its content was changed after it was written")
            before_prev, expected_prev, previous_seq = entry.prev_hash, entry.hash, entry.seq
            checked += 1
        return checked, _head_problem(previous_seq, expected_prev)


def _head_problem(last_seq: int | None, last_hash: str) -> ChainProblem | None:
    """The head row must name the last entry: otherwise the newest entries were deleted."""
    head = ChainHead.objects.filter(id=1).first()
    if head is None:
        return None if last_seq is None else ChainProblem(last_seq, "the chain's head record was deleted")
    if head.hash == last_hash:
        return None
    if last_seq is None:
        return ChainProblem(head.seq, "it was deleted, with every entry: the chain's head records it")
    return ChainProblem(
        head.seq,
        f"it is missing: the chain's head records it as the newest entry, but the last one is #{last_seq} "
        "(the newest entries were deleted, or the head was changed)",
    )
