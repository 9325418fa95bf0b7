"""The append-only, hash-chained audit log."""

import hashlib
import json
import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.access import GuardedQuerySet, centre_ids_with

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit entry, or to add one outside its chain."""


def _uuid_text(value) -> str | None:
    # Canonical text, so an id given as text (any case, with or without dashes) hashes like the
    # UUID the database gives back.
    if not value:
        return None
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


class AuditEntryQuerySet(GuardedQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be changed.")

    def bulk_update(self, objs, fields, batch_size=None):
        # Refused before Django opens its own atomic block, so the caller's transaction stays usable.
        raise AppendOnlyError("Audit entries cannot be changed.")

    def bulk_create(self, objs, *args, **kwargs):
        raise AppendOnlyError("Audit entries are written one at a time by audit.actions.record().")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def for_centres(self, centre_ids) -> "AuditEntryQuerySet":
        return self.filter(centre_id__in=centre_ids)

    def visible_to(self, user, code: str | None = None) -> "AuditEntryQuerySet":
        """The entries of the centres where the user holds ``code`` (default ``AuditPerm.VIEW``)."""
        from audit.permissions import AuditPerm

        return self.for_centres(centre_ids_with(user, code or AuditPerm.VIEW))


class AuditEntry(models.Model):
    """One accountable event: who did what to which object, chained to the entry before it in its
    centre's chain (or the network's, for an entry with no centre)."""

    # A sequence, not a UUID: the chain has an order and verification walks it.
    seq = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("when"), db_index=True)
    actor_id = models.UUIDField(_("actor"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("actor label"), max_length=254, blank=True)
    # Indexed by audit_centre_at (centre first): an index of its own would be written for nothing.
    centre_id = models.UUIDField(_("centre"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=80, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        # object_id and hash by Meta rather than on the field: on PostgreSQL an indexed text field
        # gets a second index for LIKE searches, which only ``action`` has use for (its prefix
        # filter), and every entry would write them.
        indexes = [
            models.Index(fields=["centre_id", "-at"], name="audit_centre_at"),
            models.Index(fields=["object_id"], name="audit_object_id"),
        ]
        constraints = [models.UniqueConstraint(fields=["hash"], name="audit_unique_hash")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        if not self.hash or not self.prev_hash:
            # AuditEntry.objects.create() would write an entry outside the chain.
            raise AppendOnlyError("Audit entries are written by audit.actions.record().")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def content(self) -> dict:
        """The fields the hash covers (everything but the sequence number and the hash)."""
        return {
            "at": self.at.isoformat() if self.at else None,
            "actor_id": _uuid_text(self.actor_id),
            "actor_label": self.actor_label,
            "centre_id": _uuid_text(self.centre_id),
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "changes": self.changes,
        }

    def compute_hash(self) -> str:
        payload = json.dumps(self.content(), sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=True)
        return hashlib.sha256(f"{self.prev_hash}\n{payload}".encode()).hexdigest()


NETWORK_CHAIN = "network"
# The entries written before chains were split (migration 0006): one chain, verified as it was.
LEGACY_CHAIN = "legacy"


def chain_of(centre_id) -> str:
    """The chain an entry belongs to: its centre's, or the network's for entries with no centre."""
    return _uuid_text(centre_id) or NETWORK_CHAIN


class ChainHead(models.Model):
    """A chain's newest link, one row per chain (a centre's, the network's, the legacy chain).

    Writers lock their chain's row (SELECT ... FOR UPDATE) instead of the whole table, so writers of
    different centres never wait for each other. ``signature`` is an HMAC of the chain and its last
    hash under ``AUDIT_ANCHOR_KEY``, a key the database does not hold: whoever rewrites this row
    outside the application cannot sign it (see audit/anchor.py).
    """

    chain = models.CharField(_("chain"), max_length=40, primary_key=True)
    seq = models.BigIntegerField(_("last entry"))
    hash = models.CharField(_("last hash"), max_length=64)
    signature = models.CharField(_("signature"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self) -> str:
        return f"{self.chain} #{self.seq}"
