"""Every state change of notify: one transaction, explicit update_fields, an audit entry where it
is a manager's or a user's choice.

``notify()`` is how any app tells people and systems that something happened. Call it inside the
transaction of the change that causes it: the in-application rows, the queued e-mails and the
queued webhook deliveries then commit with the change, or not at all.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.actions import record
from core.tasks import send_email
from notify import registry, webhooks
from notify.models import DeliveryStatus, Notification, NotificationPreference, WebhookDelivery, WebhookEndpoint


class NotifyError(Exception):
    """A refused action; ``message`` is translated and can be shown as it is."""

    status_code = 400

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


class StateConflict(NotifyError):
    """The step does not fit the delivery's current state."""

    status_code = 409


WRONG_STATE = gettext_lazy("This event cannot be sent again in its current state.")


# --- Telling people and systems --------------------------------------------------------------------


def notify(
    event: str,
    *,
    recipients: Iterable = (),
    about=None,
    target: tuple[str, UUID | str | None] | None = None,
    link: str | None = None,
    centre_id=None,
    payload: dict | None = None,
) -> list[Notification]:
    """Tell ``recipients`` (in the application, and by e-mail in each one's language unless they
    turned it off) and the systems of ``centre_id`` (its webhook endpoints that want ``event``).

    What it is about: ``about`` (a model instance), or ``target=("app.model", id)``. ``link`` is
    the path the notification opens; by default the page the target's app registered
    (``registry.register_target``). ``payload``: what the webhook carries besides ``event``,
    ``at`` and the delivery's ``id`` (ids, kinds, states; never case content). Answers the
    in-application notifications written.
    """
    registry.event(event)  # an unknown event is a programming error, caught in development
    target_type, target_id = (registry.target_type(about), about.pk) if about is not None else (target or ("", None))
    if link is None:
        link = registry.target_url(target_type, target_id)
    users = list(recipients)
    notes = Notification.objects.bulk_create(
        [Notification(recipient=u, event=event, target_type=target_type, target_id=target_id, link=link) for u in users]
    )
    _email(users, event, link)
    if centre_id is not None:
        default = {"type": target_type, "object": str(target_id) if target_id else None}
        webhooks.queue_event(
            event,
            centre_id,
            payload=default if payload is None else payload,
            target_type=target_type,
            target_id=target_id,
        )
    return notes


def _email(users: list, event: str, link: str) -> None:
    """One queued e-mail per recipient who wants e-mail, in their language; a link, never content."""
    if not users:
        return
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    no_email = set(NotificationPreference.objects.filter(user__in=users, email=False).values_list("user_id", flat=True))
    for user in users:
        if not user.email or user.pk in no_email:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject = registry.label(event)
            if link:
                body = _("%(event)s.\n\nOpen it in SICNet: %(url)s") % {"event": subject, "url": f"{base}{link}"}
            else:
                body = _("%(event)s.\n\nOpen SICNet: %(url)s") % {"event": subject, "url": f"{base}/"}
        send_email.enqueue(subject=f"SICNet: {subject}", body=body, to=[user.email])


# --- A user's own notifications --------------------------------------------------------------------


@transaction.atomic
def mark_read(notification: Notification, *, by) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])


@transaction.atomic
def mark_all_read(*, by) -> int:
    return Notification.objects.filter(recipient=by, read_at__isnull=True).update(
        read_at=timezone.now(), updated_at=timezone.now()
    )


@transaction.atomic
def set_email_preference(*, by, email: bool) -> None:
    NotificationPreference.objects.update_or_create(user=by, defaults={"email": email})
    record("notify.email_preference_set", actor=by, obj=by, changes={"email": email})


# --- A centre's webhook endpoints (managers) -------------------------------------------------------


MAX_ENDPOINTS = 5
TOO_MANY_ENDPOINTS = gettext_lazy("A centre can have at most 5 webhook endpoints.")
UNKNOWN_EVENT = gettext_lazy("Choose events from the list.")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def _check_endpoint(url: str, events: list[str]) -> None:
    reason = webhooks.check_url(url)
    if reason is not None:
        raise NotifyError(reason)
    if not set(events) <= {e.name for e in registry.webhook_events()}:
        raise NotifyError(UNKNOWN_EVENT)


def _where(url: str) -> str:
    """The host of an endpoint for the audit log: a query string may carry the receiver's token."""
    return urlsplit(url).hostname or ""


@transaction.atomic
def create_endpoint(centre, *, by, url: str, events: list[str]) -> tuple[WebhookEndpoint, str]:
    """A new endpoint with a new signing secret; the secret is returned to be shown once."""
    url = url.strip()
    _check_endpoint(url, events)
    if WebhookEndpoint.objects.select_for_update().filter(centre=centre).count() >= MAX_ENDPOINTS:
        raise NotifyError(TOO_MANY_ENDPOINTS)
    secret = new_secret()
    endpoint = WebhookEndpoint.objects.create(centre=centre, url=url, events=sorted(set(events)), secret=secret)
    record(
        "notify.webhook_created",
        actor=by,
        centre_id=centre.pk,
        obj=endpoint,
        changes={"host": _where(url), "events": endpoint.events},
    )
    return endpoint, secret


@transaction.atomic
def update_endpoint(endpoint: WebhookEndpoint, *, by, url: str, events: list[str]) -> WebhookEndpoint:
    url = url.strip()
    _check_endpoint(url, events)
    endpoint.url, endpoint.events = url, sorted(set(events))
    endpoint.save(update_fields=["url", "events", "updated_at"])
    record(
        "notify.webhook_changed",
        actor=by,
        centre_id=endpoint.centre_id,
        obj=endpoint,
        changes={"host": _where(url), "events": endpoint.events},
    )
    return endpoint


@transaction.atomic
def set_endpoint_active(endpoint: WebhookEndpoint, *, by, active: bool) -> WebhookEndpoint:
    """Disable (events are no longer queued for it, queued ones are dead-lettered) or enable again."""
    if active and not endpoint.is_active:
        # It may have been saved under laxer rules; it must pass today's before it is called again.
        _check_endpoint(endpoint.url, [e for e in endpoint.events if registry.is_event(e)])
    endpoint.is_active = active
    endpoint.save(update_fields=["is_active", "updated_at"])
    record(
        "notify.webhook_enabled" if active else "notify.webhook_disabled",
        actor=by,
        centre_id=endpoint.centre_id,
        obj=endpoint,
    )
    return endpoint


@transaction.atomic
def rotate_secret(endpoint: WebhookEndpoint, *, by) -> str:
    """A new signing secret, returned to be shown once; deliveries from now on are signed with it."""
    secret = new_secret()
    endpoint.secret = secret
    endpoint.save(update_fields=["secret", "updated_at"])
    record("notify.webhook_secret_rotated", actor=by, centre_id=endpoint.centre_id, obj=endpoint)
    return secret


@transaction.atomic
def retry_delivery(delivery: WebhookDelivery, *, by) -> WebhookDelivery:
    """A manager sends a dead-lettered event again (same idempotency key)."""
    from notify.tasks import deliver_webhook

    delivery = WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery.pk)
    if delivery.status != DeliveryStatus.DEAD:
        raise StateConflict(WRONG_STATE)
    delivery.status, delivery.attempts, delivery.due_at = DeliveryStatus.PENDING, 0, timezone.now()
    delivery.save(update_fields=["status", "attempts", "due_at", "updated_at"])
    record("notify.webhook_retried", actor=by, centre_id=delivery.endpoint.centre_id, obj=delivery)
    deliver_webhook.enqueue(delivery_id=str(delivery.pk))
    return delivery
