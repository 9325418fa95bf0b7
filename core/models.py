"""The base model every SICNet record builds on, and the rows of events between apps (core.events)."""

import json
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.crypto import EncryptedTextField


class BaseModel(models.Model):
    """Abstract base: a UUID primary key and creation/update timestamps (UTC)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    # Django's unique and constraint validation reads through the default manager: for case data
    # that is a named internal read (a row's existence, never its content), not a forgotten scope.
    def _perform_unique_checks(self, unique_checks):
        from core.access import internal_read

        with internal_read("unique validation"):
            return super()._perform_unique_checks(unique_checks)

    def validate_constraints(self, exclude=None):
        from core.access import internal_read

        with internal_read("constraint validation"):
            return super().validate_constraints(exclude=exclude)


class EventStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for delivery")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Given up")


class Event(BaseModel):
    """A fact one app tells the others (``core.events.emit``), written in the transaction that made it.

    The payload is small JSON (ids, codes); whatever sensitive a subscriber needs goes in
    ``sealed``, encrypted at rest and erased once every subscriber has handled the event.
    """

    name = models.CharField(_("event"), max_length=100)
    payload = models.JSONField(_("payload"), default=dict)
    sealed = EncryptedTextField(_("sealed content"), blank=True)
    centre_id = models.UUIDField(_("centre"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    # When the sweeper (manage.py deliver_events) next tries, if the queued delivery did not finish.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["next_attempt_at"], name="core_event_waiting", condition=models.Q(status="pending")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def sealed_data(self) -> dict:
        """The sealed content as the emitter gave it ({} once delivered and erased)."""
        return json.loads(self.sealed) if self.sealed else {}


class EventHandled(models.Model):
    """One subscriber handled one event: written in the subscriber's own transaction, so a
    redelivery skips it, and its unique key keeps two deliveries from running it at once."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="handled", verbose_name=_("event"))
    subscriber = models.CharField(_("subscriber"), max_length=100)
    handled_at = models.DateTimeField(_("handled"), auto_now_add=True)

    class Meta:
        verbose_name = _("handled event")
        verbose_name_plural = _("handled events")
        constraints = [models.UniqueConstraint(fields=["event", "subscriber"], name="core_eventhandled_once")]

    def __str__(self) -> str:
        return f"{self.subscriber}: {self.event_id}"
