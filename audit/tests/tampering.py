"""Raw-SQL tampering for the tests: what an attacker with database access could do."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection

from audit.actions import record
from audit.models import AuditEntry, ChainHead, chain_of

TABLE = AuditEntry._meta.db_table
HEADS = ChainHead._meta.db_table


@contextmanager
def tampering():
    """A cursor that may change the log: on PostgreSQL the append-only triggers are switched off."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        try:
            yield cursor
        finally:
            if postgres:
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")


def build_chain(count: int = 5, **kwargs) -> list[AuditEntry]:
    return [record(f"test.event{i}", changes={"n": i}, **kwargs) for i in range(count)]


def head_row(chain: str) -> tuple[int, str, str]:
    """(seq, hash, signature) of a chain's head, as an attacker reading the database sees it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, hash, signature FROM {HEADS} WHERE chain = %s", [chain])
        return cursor.fetchone()


def rewrite_head(chain: str, seq: int, last_hash: str, signature: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {HEADS} SET seq = %s, hash = %s, signature = %s WHERE chain = %s",
            [seq, last_hash, signature, chain],
        )


def truncate_log() -> None:
    """TRUNCATE the entries and the heads (which no trigger refuses); SQLite has DELETE only."""
    with tampering() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {TABLE}, {HEADS}")
        else:
            cursor.execute(f"DELETE FROM {TABLE}")
            cursor.execute(f"DELETE FROM {HEADS}")


def rewrite_from(seq: int, *, action: str, head_signature=None) -> None:
    """Change an old entry and recompute every later hash of its chain and the head, as a careful
    forger who knows the algorithm would. ``head_signature(chain, hash)`` signs the new head (a
    forger who also stole the anchor key); by default the head keeps its old signature."""
    changed = AuditEntry.objects.get(seq=seq)
    chain = chain_of(changed.centre_id)
    later = [e for e in AuditEntry.objects.filter(seq__gte=seq).order_by("seq") if chain_of(e.centre_id) == chain]
    later[0].action = action
    previous = later[0].prev_hash
    with tampering() as cursor:
        for entry in later:
            entry.prev_hash = previous
            entry.hash = previous = entry.compute_hash()
            cursor.execute(
                f"UPDATE {TABLE} SET action = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                [entry.action, entry.prev_hash, entry.hash, entry.seq],
            )
    _seq, _hash, signature = head_row(chain)
    rewrite_head(chain, later[-1].seq, previous, head_signature(chain, previous) if head_signature else signature)
