"""Writing audit entries. Callers are actions (changes) and views (reads of sensitive records)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from audit.anchor import sign_head
from audit.models import GENESIS_HASH, NETWORK_CHAIN, AuditEntry, ChainHead, chain_of
from core.crypto_rotation import reencrypt_fields
from core.db import fetch_prepared, insert_sql

_HEAD = ChainHead._meta.db_table
_ENTRIES = AuditEntry._meta.db_table
# The row lock that serialises a chain's writers on PostgreSQL (a test removes it to show the chain forks).
HEAD_LOCK = " FOR UPDATE"
_COLUMNS = ("at", "actor_id", "actor_label", "centre_id", "action", "object_type", "object_id", "changes")
# Rows at a time in one INSERT (SQLite's limit on a statement's parameters).
_CHUNK = 500


def _lock_heads(chains: list[str]) -> dict[str, str]:
    """Lock the heads of these chains, in the order of their names, and read their last hashes.

    One statement however many chains, which also starts a chain seen for the first time. On
    PostgreSQL, FOR UPDATE waits for a concurrent writer of the same chain to commit and then reads
    the row as that writer left it, so two transactions never chain onto the same entry; writers
    of other chains do not wait. Locking in one order means two batches never wait for each other
    in a circle. SQLite transactions start IMMEDIATE (settings): writers are already serialised.
    """
    chains = sorted(set(chains))
    if connection.vendor != "postgresql":
        values = ", ".join(["(%s, 0, %s, '')"] * len(chains))
        rows = fetch_prepared(
            f"INSERT INTO {_HEAD} (chain, seq, hash, signature) VALUES {values} "  # noqa: S608 - our own table
            "ON CONFLICT (chain) DO UPDATE SET seq = seq RETURNING chain, hash",
            [value for chain in chains for value in (chain, GENESIS_HASH)],
        )
        return dict(rows)
    heads: dict[str, str] = {}
    for _round in range(3):
        # A chain another transaction is starting right now is not in this statement's snapshot
        # yet: the next round finds (and locks) it.
        heads.update(fetch_prepared(_LOCK_SQL.format(lock=HEAD_LOCK), [GENESIS_HASH, chains, chains]))
        if len(heads) == len(chains):
            return heads
    raise RuntimeError(f"audit chain heads not found: {sorted(set(chains) - set(heads))}")


_LOCK_SQL = (
    f"WITH started AS (INSERT INTO {_HEAD} (chain, seq, hash, signature) "  # noqa: S608 - our own table
    "SELECT name, 0, %s, '' FROM unnest(%s::varchar[]) AS wanted(name) "
    "ON CONFLICT (chain) DO NOTHING RETURNING chain, hash), "
    f"locked AS (SELECT chain, hash FROM {_HEAD} WHERE chain = ANY(%s::varchar[]) ORDER BY chain{{lock}}) "
    "SELECT chain, hash FROM started UNION ALL SELECT chain, hash FROM locked"
)


def _canonical_numbers(value: Any) -> Any:
    # PostgreSQL's jsonb gives a whole float back without its fraction (1e16 comes back as
    # 10000000000000000, -0.0 as 0): store it as the int it will be read back as.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _canonical_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical_numbers(item) for item in value]
    return value


def _normalised(changes: dict[str, Any] | None) -> dict[str, Any]:
    # Round-trip through JSON so the stored value hashes the same when read back (keys become
    # text, dates ISO strings...). No sort_keys here: it fails on mixed int and str keys; the
    # hash sorts them itself. NaN and infinity are refused: no database stores them in JSON.
    text = json.dumps(changes or {}, cls=DjangoJSONEncoder, allow_nan=False)
    return _canonical_numbers(json.loads(text))


def _uuid_or_none(value) -> uuid.UUID | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _entry(
    action: str,
    *,
    actor=None,
    centre_id=None,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    changes: dict[str, Any] | None = None,
    actor_label: str = "",
    at=None,
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEntry(
        at=at or timezone.now(),
        actor_id=_uuid_or_none(getattr(actor, "pk", None)),
        actor_label=actor_label or getattr(actor, "email", "") or "",
        centre_id=_uuid_or_none(centre_id),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        changes=_normalised(changes),
    )


def record(action: str, **details) -> AuditEntry:
    """Append one entry to its centre's chain. Never pass the plaintext of a sensitive field in ``changes``.

    ``details``: actor, actor_label, centre_id, obj (or object_type and object_id), changes.
    A transaction that writes entries of several centres takes their chains' locks one after the
    other; two such transactions taking them in opposite orders would wait for each other (the
    database then aborts one): write them with one ``record_many``, which locks in a fixed order.
    """
    entry = _entry(action, **details)
    # No savepoint inside the caller's transaction (two round trips saved on every action): an
    # entry that cannot be written must undo the action anyway.
    with transaction.atomic(savepoint=False):
        chain = chain_of(entry.centre_id)
        entry.prev_hash = _lock_heads([chain])[chain]
        entry.hash = entry.compute_hash()
        _append_rows([entry])
    return entry


def record_many(entries: list[tuple[str, dict[str, Any]]]) -> None:
    """Append (action, details) entries, in this order within each chain, under one lock per chain.

    For steps that act on many records at once (attaching a batch of reports): one statement locks
    the heads of every chain the batch writes to (in a fixed order), one INSERT writes the entries
    and moves the heads, however many entries and chains. ``details`` as for ``record``.
    """
    if not entries:
        return
    built = [_entry(action, **details) for action, details in entries]
    with transaction.atomic(savepoint=False):
        previous = _lock_heads([chain_of(entry.centre_id) for entry in built])
        for entry in built:
            chain = chain_of(entry.centre_id)
            entry.prev_hash = previous[chain]
            entry.hash = previous[chain] = entry.compute_hash()
        for start in range(0, len(built), _CHUNK):
            _append_rows(built[start : start + _CHUNK])


def _append_rows(entries: list[AuditEntry]) -> None:
    """INSERT the entries in one statement and move each chain's head onto its last, signed.

    The rows take their sequence numbers in the list's order (a VALUES list, or unnest's arrays,
    give rows in order), so a chain's order (by seq) is the order its hashes were computed in;
    audit_verify checks exactly that.
    """
    fields = [AuditEntry._meta.get_field(name) for name in (*_COLUMNS, "prev_hash", "hash")]
    rows = [
        [field.get_db_prep_save(getattr(entry, field.attname), connection) for field in fields] for entry in entries
    ]
    insert, params = insert_sql(_ENTRIES, fields, rows)
    last = {chain_of(entry.centre_id): entry for entry in entries}  # each chain's last entry
    chains = list(last)
    hashes = [last[chain].hash for chain in chains]
    signatures = [sign_head(chain, last[chain].hash) for chain in chains]
    if connection.vendor == "postgresql":
        # Prepared, with the values bound on the server: a batch's arrays are sent, not spelled out
        # in the text and parsed again on every batch. The head's seq is the chain's largest new one.
        moved = fetch_prepared(
            f"WITH e AS ({insert} RETURNING seq, centre_id), "  # noqa: S608 - our own tables
            "m AS (SELECT coalesce(centre_id::text, %s) AS chain, max(seq) AS seq FROM e GROUP BY 1) "
            f"UPDATE {_HEAD} h SET seq = m.seq, hash = v.hash, signature = v.signature "
            "FROM m JOIN unnest(%s::varchar[], %s::varchar[], %s::varchar[]) AS v(chain, hash, signature) "
            "USING (chain) WHERE h.chain = m.chain RETURNING h.chain, h.seq",
            [*params, NETWORK_CHAIN, chains, hashes, signatures],
        )
        for chain, seq in moved:
            last[chain].seq = seq
    else:
        with connection.cursor() as cursor:
            cursor.execute(insert, params)
            # SQLite numbers the rows of one INSERT one after the other (AUTOINCREMENT).
            first = cursor.lastrowid - len(entries) + 1
            for number, entry in enumerate(entries):
                entry.seq = first + number
            cases = " ".join(["WHEN %s THEN %s"] * len(chains))
            cursor.execute(
                f"UPDATE {_HEAD} SET seq = CASE chain {cases} END, hash = CASE chain {cases} END, "  # noqa: S608
                f"signature = CASE chain {cases} END WHERE chain IN ({', '.join(['%s'] * len(chains))})",
                [
                    *[v for chain in chains for v in (chain, last[chain].seq)],
                    *[v for chain, value in zip(chains, hashes, strict=True) for v in (chain, value)],
                    *[v for chain, value in zip(chains, signatures, strict=True) for v in (chain, value)],
                    *chains,
                ],
            )
    for entry in entries:
        entry._state.adding, entry._state.db = False, connection.alias


def rotate_field_keys(*, batch_size: int | None = None) -> dict[str, int]:
    """Re-encrypt every encrypted field with the newest key, and say so in one audit entry (the
    rows rewritten per model, no values)."""
    options = {} if batch_size is None else {"batch_size": batch_size}
    rewritten = reencrypt_fields(**options)
    record("core.field_keys_rotated", actor_label="manage.py rotate_field_keys", changes={"rows": rewritten})
    return rewritten


def save_recorded(obj, *, by, action: str, fields: list[str], centre_id=None) -> bool:
    """Save a record edited field by field (reference data in the admin) with one audit entry
    naming the fields; answers whether anything was written. ``action`` gets ``.created`` or
    ``.changed`` appended. For an app's own action to call, in its transaction."""
    created = obj._state.adding
    if not created and not fields:
        return False
    with transaction.atomic(savepoint=False):
        if created:
            obj.save()
        else:
            auto = [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
            obj.save(update_fields=sorted({*fields, *auto}))
        record(
            f"{action}.{'created' if created else 'changed'}",
            actor=by,
            centre_id=centre_id,
            obj=obj,
            changes={"fields": sorted(fields)},
        )
    return True
