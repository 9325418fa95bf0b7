"""Writing audit entries. Callers are actions (changes) and views (reads of sensitive records)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from audit.models import GENESIS_HASH, AuditEntry

# Serialises writers so that two transactions never chain onto the same previous entry.
_CHAIN_LOCK_KEY = 0x53494341  # "SICA"


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: transactions start IMMEDIATE (settings), so writers are already serialised.


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


def record(
    action: str,
    *,
    actor=None,
    centre_id=None,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    changes: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry. Never pass the plaintext of a sensitive field in ``changes``."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    # No savepoint inside the caller's transaction (two round trips saved on every action): an
    # entry that cannot be written must undo the action anyway.
    with transaction.atomic(savepoint=False):
        _lock_chain()
        last = AuditEntry.objects.order_by("-seq").only("hash").first()
        entry = AuditEntry(
            at=timezone.now(),
            actor_id=_uuid_or_none(getattr(actor, "pk", None)),
            actor_label=actor_label or getattr(actor, "email", "") or "",
            centre_id=_uuid_or_none(centre_id),
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            changes=_normalised(changes),
            prev_hash=last.hash if last else GENESIS_HASH,
        )
        entry.hash = entry.compute_hash()
        entry.save(force_insert=True)
    return entry
