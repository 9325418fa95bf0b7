"""Writing audit entries. Callers are actions (changes) and views (reads of sensitive records)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from audit.models import GENESIS_HASH, AuditEntry, ChainHead
from core.crypto_rotation import reencrypt_fields
from core.db import fetch_prepared, insert_sql

_HEAD = ChainHead._meta.db_table
_ENTRIES = AuditEntry._meta.db_table
# The row lock that serialises writers on PostgreSQL (a test removes it to show the chain forks).
HEAD_LOCK = " FOR UPDATE"
_COLUMNS = ("at", "actor_id", "actor_label", "centre_id", "action", "object_type", "object_id", "changes")


def _lock_head() -> str:
    """Lock the chain's head and read the last hash.

    On PostgreSQL, FOR UPDATE waits for a concurrent writer's commit and then reads the row as that
    writer left it, so two transactions never chain onto the same entry. SQLite transactions start
    IMMEDIATE (settings): writers are already serialised there.
    """
    lock = HEAD_LOCK if connection.vendor == "postgresql" else ""
    read = f"SELECT seq, hash FROM {_HEAD} WHERE id = 1{lock}"  # noqa: S608 - our own table
    with connection.cursor() as cursor:
        cursor.execute(read)
        row = cursor.fetchone()
        if row is None:
            # A new chain (or a flushed test database): the head starts at the last entry.
            last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first() or (0, GENESIS_HASH)
            cursor.execute(f"INSERT INTO {_HEAD} (id, seq, hash) VALUES (1, %s, %s) ON CONFLICT (id) DO NOTHING", last)  # noqa: S608
            cursor.execute(read)
            row = cursor.fetchone()
    return row[1]


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
    """Append one entry. Never pass the plaintext of a sensitive field in ``changes``.

    ``details``: actor, actor_label, centre_id, obj (or object_type and object_id), changes.
    """
    entry = _entry(action, **details)
    # No savepoint inside the caller's transaction (two round trips saved on every action): an
    # entry that cannot be written must undo the action anyway.
    with transaction.atomic(savepoint=False):
        entry.prev_hash = _lock_head()
        entry.hash = entry.compute_hash()
        _append_rows([entry])
    return entry


def record_many(entries: list[tuple[str, dict[str, Any]]]) -> None:
    """Append (action, details) entries, in this order, under one lock of the chain's head.

    For steps that act on many records at once (attaching a batch of reports): one INSERT and one
    move of the head instead of two statements per entry. ``details`` as for ``record``.
    """
    if not entries:
        return
    built = [_entry(action, **details) for action, details in entries]
    with transaction.atomic(savepoint=False):
        previous = _lock_head()
        for entry in built:
            entry.prev_hash = previous
            entry.hash = previous = entry.compute_hash()
        for start in range(0, len(built), 500):
            _append_rows(built[start : start + 500])


def _append_rows(entries: list[AuditEntry]) -> None:
    """INSERT the entries in one statement and move the head onto the last.

    The rows take their sequence numbers in the list's order (a VALUES list, or unnest's arrays,
    give rows in order), so the chain's order (by seq) is the order the hashes were computed in;
    audit_verify checks exactly that.
    """
    fields = [AuditEntry._meta.get_field(name) for name in (*_COLUMNS, "prev_hash", "hash")]
    rows = [
        [field.get_db_prep_save(getattr(entry, field.attname), connection) for field in fields] for entry in entries
    ]
    insert, params = insert_sql(_ENTRIES, fields, rows)
    last = entries[-1]
    if connection.vendor == "postgresql":
        # Prepared, with the values bound on the server: a batch's arrays are sent, not spelled out
        # in the text and parsed again on every batch.
        ((last.seq,),) = fetch_prepared(
            f"WITH e AS ({insert} RETURNING seq) UPDATE {_HEAD} SET seq = (SELECT max(seq) FROM e), "  # noqa: S608
            "hash = %s WHERE id = 1 RETURNING seq",
            [*params, last.hash],
        )
    else:
        with connection.cursor() as cursor:
            cursor.execute(insert, params)
            last.seq = cursor.lastrowid
            cursor.execute(f"UPDATE {_HEAD} SET seq = %s, hash = %s WHERE id = 1", [last.seq, last.hash])  # noqa: S608
    for entry in entries:
        entry._state.adding, entry._state.db = False, connection.alias


def rotate_field_keys(*, batch_size: int | None = None) -> dict[str, int]:
    """Re-encrypt every encrypted field with the newest key, and say so in one audit entry (the
    rows rewritten per model, no values)."""
    options = {} if batch_size is None else {"batch_size": batch_size}
    rewritten = reencrypt_fields(**options)
    record("core.field_keys_rotated", actor_label="manage.py rotate_field_keys", changes={"rows": rewritten})
    return rewritten
