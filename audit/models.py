"""The append-only, hash-chained audit log."""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def for_centres(self, centre_ids) -> "AuditEntryQuerySet":
        return self.filter(centre_id__in=centre_ids)


class AuditEntry(models.Model):
    """One accountable event: who did what to which object, chained to the entry before it."""

    # A sequence, not a UUID: the chain has an order and verification walks it.
    seq = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("when"), db_index=True)
    actor_id = models.UUIDField(_("actor"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("actor label"), max_length=254, blank=True)
    centre_id = models.UUIDField(_("centre"), null=True, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=80, blank=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["centre_id", "-at"], name="audit_centre_at")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def content(self) -> dict:
        """The fields the hash covers (everything but the sequence number and the hash)."""
        return {
            "at": self.at.isoformat(),
            "actor_id": str(self.actor_id) if self.actor_id else None,
            "actor_label": self.actor_label,
            "centre_id": str(self.centre_id) if self.centre_id else None,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "changes": self.changes,
        }

    def compute_hash(self) -> str:
        payload = json.dumps(self.content(), sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=True)
        return hashlib.sha256(f"{self.prev_hash}\n{payload}".encode()).hexdigest()
