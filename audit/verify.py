"""Walking the chains: per chain, the first entry whose content, link or order does not add up, and
whether the chain still holds the link its latest signed checkpoint recorded."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction

from audit.anchor import CheckpointFile, Link, head_signed, read_checkpoints
from audit.models import GENESIS_HASH, LEGACY_CHAIN, AuditEntry, ChainHead, chain_of


@dataclass
class ChainProblem:
    seq: int | None
    reason: str
    chain: str = ""


@dataclass
class ChainResult:
    """One chain's walk: entries checked before its first problem, and that problem."""

    chain: str
    checked: int = 0
    problem: ChainProblem | None = None
    checkpoint_problem: ChainProblem | None = None
    last_seq: int | None = None
    last_hash: str = GENESIS_HASH
    # Internal to the walk: the link before the last one (tells an inserted entry from a deleted
    # one) and the checkpointed hash, once seen.
    _before_last: str | None = None
    _checkpointed: str | None = None
    _checkpoint_seen: bool = False

    def add(self, entry: AuditEntry) -> None:
        if self._checkpointed and entry.hash == self._checkpointed:
            self._checkpoint_seen = True
        if self.problem is None:
            self.problem = self._link_problem(entry)
        if self.problem is None:
            self._before_last, self.last_hash, self.last_seq = entry.prev_hash, entry.hash, entry.seq
            self.checked += 1

    def _link_problem(self, entry: AuditEntry) -> ChainProblem | None:
        if entry.prev_hash != self.last_hash:
            if self.last_seq is not None and entry.prev_hash == self._before_last:
                self.checked -= 1
                return ChainProblem(
                    self.last_seq,
                    f"it was inserted (or written concurrently with #{entry.seq}): "
                    f"#{entry.seq}, the entry after it, links to the entry before it",
                    self.chain,
                )
            if self.last_seq is None:
                reason = "it is the first entry but links to an earlier one (an entry before it was deleted)"
            else:
                reason = (
                    f"its link does not match #{self.last_seq}, the entry before it "
                    f"(an entry was deleted, inserted or reordered, or #{self.last_seq} was rewritten)"
                )
            return ChainProblem(entry.seq, reason, self.chain)
        if entry.compute_hash() != entry.hash:
            return ChainProblem(entry.seq, "its content was changed after it was written", self.chain)
        return None

    @property
    def problems(self) -> list[ChainProblem]:
        return [problem for problem in (self.problem, self.checkpoint_problem) if problem]


@dataclass
class Verification:
    chains: dict[str, ChainResult]
    checkpoints: CheckpointFile
    file_problems: list[str] = field(default_factory=list)

    @property
    def checked(self) -> int:
        return sum(result.checked for result in self.chains.values())

    @property
    def intact(self) -> bool:
        return not self.file_problems and not any(result.problems for result in self.chains.values())


@contextmanager
def one_snapshot():
    """On PostgreSQL, the heads and the entries as of one moment, rows streamed.

    iterator() reads through a server-side cursor; outside a transaction Django declares it WITH
    HOLD, and PostgreSQL then copies the whole result set before the first row is fetched; inside
    one, rows stream. REPEATABLE READ makes the heads and the walk one snapshot, so a writer
    committing meanwhile is not taken for a deleted entry. (Not on SQLite: a transaction there takes
    the write lock and would block every writer while the walk lasts.)
    """
    if connection.vendor != "postgresql":
        yield
        return
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def verify_chains(batch_size: int = 5000) -> Verification:
    """Walk every chain, in one pass over the log in ``seq`` order.

    ``batch_size`` rows in memory at a time, and one small state per chain: time is linear in the
    number of entries and memory does not grow with it.
    """
    checkpoints = read_checkpoints()
    chains: dict[str, ChainResult] = {}
    with one_snapshot():
        heads = {head.chain: head for head in ChainHead.objects.all()}
        legacy = heads.get(LEGACY_CHAIN)
        if checkpoints.latest:
            for chain, link in checkpoints.latest.chains.items():
                chains[chain] = ChainResult(chain, _checkpointed=link.hash)
        for entry in AuditEntry.objects.unscoped("audit verify").order_by("seq").iterator(chunk_size=batch_size):
            chain = LEGACY_CHAIN if legacy and entry.seq <= legacy.seq else chain_of(entry.centre_id)
            result = chains.get(chain)
            if result is None:
                result = chains[chain] = ChainResult(chain)
            result.add(entry)
    for chain in heads.keys() | chains.keys():
        result = chains.setdefault(chain, ChainResult(chain))
        if result.problem is None:
            result.problem = _head_problem(result, heads.get(chain))
        if checkpoints.latest and chain in checkpoints.latest.chains:
            result.checkpoint_problem = _checkpoint_problem(result, checkpoints.latest.chains[chain], checkpoints)
    file_problems = [
        f"line {line} of the checkpoint file {checkpoints.path}: its signature does not verify "
        "(the line was changed or forged, or signed with another key)"
        for line in checkpoints.unsigned
    ]
    return Verification(dict(sorted(chains.items())), checkpoints, file_problems)


def verify_chain(batch_size: int = 5000) -> tuple[int, ChainProblem | None]:
    """Entries checked in every chain, and the first problem found (in entry order), or None."""
    verification = verify_chains(batch_size)
    problems = [problem for result in verification.chains.values() for problem in result.problems]
    problems.sort(key=lambda problem: problem.seq if problem.seq is not None else -1)
    if not problems and verification.file_problems:
        problems = [ChainProblem(None, verification.file_problems[0])]
    return verification.checked, problems[0] if problems else None


def _head_problem(result: ChainResult, head: ChainHead | None) -> ChainProblem | None:
    """The head row must name the chain's last entry, signed: otherwise the newest entries were
    deleted, or the head was rewritten outside the application."""
    chain, last_seq = result.chain, result.last_seq
    if head is None:
        if last_seq is None:
            return None
        return ChainProblem(last_seq, "the chain's head record was deleted", chain)
    if head.hash != result.last_hash:
        if last_seq is None:
            return ChainProblem(head.seq, "it was deleted, with every entry: the chain's head records it", chain)
        return ChainProblem(
            head.seq,
            f"it is missing: the chain's head records it as the newest entry, but the last one is #{last_seq} "
            "(the newest entries were deleted, or the head was changed)",
            chain,
        )
    if head.hash != GENESIS_HASH and not head_signed(chain, head.hash, head.signature):
        return ChainProblem(
            head.seq,
            "the chain's head is not signed with the anchor key: it was written outside the application "
            "(entries deleted or rewritten, and the head made to match)",
            chain,
        )
    return None


def _checkpoint_problem(result: ChainResult, link: Link, checkpoints: CheckpointFile) -> ChainProblem | None:
    if result._checkpoint_seen or link.hash == GENESIS_HASH:
        return None
    when = checkpoints.latest.at.isoformat(timespec="seconds")
    if result.last_seq is None or result.last_seq < link.seq:
        ends = f"#{result.last_seq}" if result.last_seq is not None else "nothing (no entries)"
        reason = (
            f"the chain is shorter than its checkpoint of {when}: the checkpoint records #{link.seq} as its "
            f"newest entry, the chain now ends at {ends} (entries were deleted)"
        )
    else:
        reason = (
            f"the chain differs from its checkpoint of {when}: no entry of the chain has the hash checkpointed "
            f"for #{link.seq} (entries up to it were changed, deleted or rewritten, and the hashes recomputed)"
        )
    return ChainProblem(link.seq, reason, result.chain)
