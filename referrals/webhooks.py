"""Webhooks: signed JSON to a centre's own system, retried with back-off, dead-lettered at the end.

Each delivery row is written, and its task queued, in the transaction of the change it reports.
The delivery's id is sent as ``Idempotency-Key``: a retry after a lost answer repeats the same key,
so the receiver recognises it. The payload carries ids, kinds and states, never packet content.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

MAX_ATTEMPTS = 6
TIMEOUT_SECONDS = 10


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8, 16 minutes after the 1st…5th failure."""
    return timedelta(minutes=2 ** (attempts - 1))


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def queue_event(referral, event: str, centre_id) -> list:
    """Write a delivery per active endpoint of the centre and queue it (call inside the transaction)."""
    from referrals.models import WebhookDelivery, WebhookEndpoint
    from referrals.tasks import deliver_webhook

    if centre_id is None:
        return []
    deliveries = []
    for endpoint in WebhookEndpoint.objects.filter(centre_id=centre_id, is_active=True):
        payload = {
            "event": event,
            "referral": str(referral.pk),
            "kind": referral.kind,
            "service": referral.service,
            "status": referral.status,
            "at": timezone.now().isoformat(),
        }
        delivery = WebhookDelivery.objects.create(endpoint=endpoint, event=event, payload=payload)
        deliver_webhook.enqueue(delivery_id=str(delivery.pk))
        deliveries.append(delivery)
    return deliveries


def attempt(delivery_id: str) -> str:
    """One try; on failure queue the next try after the back-off, or dead-letter after the last."""
    from referrals.models import DeliveryStatus, WebhookDelivery
    from referrals.tasks import deliver_webhook

    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery_id)
        if delivery.status != DeliveryStatus.PENDING:
            return delivery.status
        body = json.dumps({"id": str(delivery.pk), **delivery.payload}, sort_keys=True).encode()
        timestamp = str(int(timezone.now().timestamp()))
        if not delivery.endpoint.url.lower().startswith(("http://", "https://")):
            raise ValueError("A webhook endpoint must be an http(s) URL.")
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            delivery.endpoint.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Idempotency-Key": str(delivery.pk),
                "X-SICNet-Timestamp": timestamp,
                "X-SICNet-Signature": "sha256=" + signature(delivery.endpoint.secret, timestamp, body),
            },
        )
        error = ""
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - scheme checked above
                ok = 200 <= response.status < 300
                error = "" if ok else f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            ok, error = False, f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            ok, error = False, str(exc)[:300]
        delivery.attempts += 1
        fields = ["attempts", "status", "last_error", "updated_at"]
        if ok:
            delivery.status, delivery.delivered_at, delivery.last_error = DeliveryStatus.DELIVERED, timezone.now(), ""
            fields.append("delivered_at")
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status, delivery.last_error = DeliveryStatus.DEAD, error
        else:
            delivery.last_error = error
            deliver_webhook.using(run_after=timezone.now() + backoff(delivery.attempts)).enqueue(
                delivery_id=str(delivery.pk)
            )
        delivery.save(update_fields=fields)
        return delivery.status
