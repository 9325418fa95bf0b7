"""Models of notify: in-application notifications, e-mail preferences, webhook endpoints and deliveries.

A notification and a delivery name what they are about generically: a target type label such as
``"referrals.referral"`` and the target's id (no foreign key into any app), and the notification
the path of the page it opens. They never carry case content.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.crypto import EncryptedTextField
from core.models import BaseModel
from notify import registry


class Notification(BaseModel):
    """An in-application notification for one user; it carries no case content."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    event = models.CharField(_("event"), max_length=100)
    target_type = models.CharField(_("about (type)"), max_length=100, blank=True)
    target_id = models.UUIDField(_("about (id)"), null=True, blank=True)
    # The page it opens, a path in this site, fixed when it is written.
    link = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notify_unread")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return registry.label(self.event)


class NotificationPreference(BaseModel):
    """Whether a user also wants notifications by e-mail (yes unless they said no)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    email = models.BooleanField(_("send me an e-mail too"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class WebhookEndpoint(BaseModel):
    """A centre's own system that receives events as signed JSON."""

    centre = models.ForeignKey(
        "network.Centre", on_delete=models.CASCADE, related_name="webhook_endpoints", verbose_name=_("centre")
    )
    url = models.URLField(_("URL"), max_length=500)
    secret = EncryptedTextField(_("signing secret"))
    is_active = models.BooleanField(_("active"), default=True)
    # Event names the centre's system wants; empty means every event.
    events = models.JSONField(_("events"), default=list, blank=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def wants(self, event: str) -> bool:
        return not self.events or event in self.events

    @property
    def event_labels(self) -> list[str]:
        return [registry.label(e) for e in self.events if registry.is_event(e)]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Failed: in the dead-letter list")


class DeliveryError(models.TextChoices):
    """Why an attempt failed, as stored and shown: a category, never the exception's own text (which
    may name internal hosts, addresses and ports)."""

    HTTP = "http", _("The receiver answered with an error")  # shown as "HTTP <status>"
    REFUSED = "refused", _("Connection refused")
    TIMEOUT = "timeout", _("Timed out")
    TLS = "tls", _("TLS error (certificate or encryption)")
    NETWORK = "network", _("Network error")
    UNRESOLVED = "unresolved", _("This host name could not be found.")
    PRIVATE = "private", _("This address points into a private or local network, which is not allowed here.")
    NOT_HTTPS = "not_https", _("Use an address that starts with https://.")
    CREDENTIALS = "credentials", _("Leave the user name and password out of the address.")
    NO_HOST = "no_host", _("Enter a complete address, with a host name.")
    BAD_PORT = "bad_port", _("The port in this address is not valid.")
    TOO_LONG = "too_long", _("The address is too long.")
    DISABLED = "disabled", _("The endpoint is disabled.")


class WebhookDelivery(BaseModel):
    """One event for one endpoint; its id is the idempotency key the receiver de-duplicates on."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    event = models.CharField(_("event"), max_length=100)
    target_type = models.CharField(_("about (type)"), max_length=100, blank=True)
    target_id = models.UUIDField(_("about (id)"), null=True, blank=True)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("last error"), max_length=20, choices=DeliveryError.choices, blank=True)
    error_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    # When a worker should next be busy with it: the queued try's time, or the end of the lease an
    # attempt in progress holds. A pending delivery long past it lost its worker: the sweep
    # (webhooks.requeue_stalled) queues it again.
    due_at = models.DateTimeField(_("due"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(fields=["endpoint", "status"], name="notify_delivery_status"),
            models.Index(fields=["status", "due_at"], name="notify_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.get_status_display()}"

    @property
    def event_label(self) -> str:
        return registry.label(self.event)

    @property
    def last_error(self) -> str:
        """The last failure in the reader's language ("HTTP 500", "Timed out"...), "" for none."""
        if not self.error:
            return ""
        if self.error == DeliveryError.HTTP and self.error_status:
            return f"HTTP {self.error_status}"
        return str(self.get_error_display())
