"""Walking the chain: the first entry whose content, link or order does not add up."""

from dataclasses import dataclass

from audit.models import GENESIS_HASH, AuditEntry


@dataclass
class ChainProblem:
    seq: int
    reason: str


def verify_chain(batch_size: int = 5000) -> tuple[int, ChainProblem | None]:
    """Return (entries checked, first problem or None)."""
    expected_prev = GENESIS_HASH
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size):
        if entry.prev_hash != expected_prev:
            return checked, ChainProblem(
                entry.seq, "its link does not match the entry before it (an entry was deleted, inserted or reordered)"
            )
        if entry.compute_hash() != entry.hash:
            return checked, ChainProblem(entry.seq, "its content was changed after it was written")
        expected_prev = entry.hash
        checked += 1
    return checked, None
