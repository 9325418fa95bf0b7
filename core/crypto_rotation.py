"""Re-encrypting every stored encrypted field with the newest key (the mechanism; the audited action
that runs it is audit.actions.rotate_field_keys, since core writes no audit entry)."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction

from core.crypto import EncryptedTextField

ROTATE_BATCH = 500


def encrypted_fields():
    """(model, names of its encrypted fields), for every model that has any."""
    for model in apps.get_models():
        names = [field.name for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)]
        if names:
            yield model, names


def reencrypt_fields(*, batch_size: int = ROTATE_BATCH) -> dict[str, int]:
    """Re-encrypt every encrypted field with the newest key; answers the rows rewritten per model.

    Each batch is one statement in a transaction of its own: a table of millions is never locked as
    a whole, and a run that stops can simply be started again (every configured key still
    decrypts). Rows whose encrypted fields are all empty have nothing to rewrite. Timestamps are
    left alone: the records did not change.
    """
    rewritten: dict[str, int] = {}
    for model, names in encrypted_fields():
        label = model._meta.label
        rewritten[label] = 0
        batch = []
        for obj in model._base_manager.only("pk", *names).order_by("pk").iterator(chunk_size=batch_size):
            if any(getattr(obj, name) for name in names):
                batch.append(obj)
            if len(batch) == batch_size:
                rewritten[label] += _rewrite(model, batch, names)
                batch = []
        if batch:
            rewritten[label] += _rewrite(model, batch, names)
    return rewritten


def _rewrite(model, batch: list, names: list[str]) -> int:
    # The objects hold the decrypted values: writing them back encrypts them with the newest key.
    with transaction.atomic():
        model._base_manager.bulk_update(batch, names)
    return len(batch)
