"""Writing audit entries. Callers are actions (changes) and views (reads of sensitive records)."""

from __future__ import annotations

import json
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


def _normalised(changes: dict[str, Any] | None) -> dict[str, Any]:
    # Round-trip through JSON so the stored value hashes the same when read back.
    return json.loads(json.dumps(changes or {}, cls=DjangoJSONEncoder, sort_keys=True))


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
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-seq").only("hash").first()
        entry = AuditEntry(
            at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_label=actor_label or getattr(actor, "email", "") or "",
            centre_id=centre_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            changes=_normalised(changes),
            prev_hash=last.hash if last else GENESIS_HASH,
        )
        entry.hash = entry.compute_hash()
        entry.save(force_insert=True)
    return entry
