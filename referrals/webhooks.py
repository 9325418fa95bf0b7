"""Webhooks: signed JSON to a centre's own system, retried with back-off, dead-lettered at the end.

Each delivery row is written, and its task queued, in the transaction of the change it reports.
The delivery's id is sent as ``Idempotency-Key``: a retry after a lost answer repeats the same key,
so the receiver recognises it. The payload carries ids, kinds and states, never packet content.

An attempt never holds a database lock while it waits for the network: it locks the delivery,
reads what it needs and commits; makes the HTTP call outside any transaction; then records the
result in a second short transaction that re-reads the row and re-checks its state.

Where a webhook may point (``check_url``): ``https://`` only, and never to a private, loopback,
link-local or otherwise non-public address, unless the settings ``REFERRALS_WEBHOOK_ALLOW_HTTP``
and ``REFERRALS_WEBHOOK_ALLOW_PRIVATE`` say otherwise (both default to ``DEBUG``: on in
development and tests, off in production). The address is checked when a manager saves it and
again before every attempt (a host name may resolve elsewhere later); redirects are not followed.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_ATTEMPTS = 6
TIMEOUT_SECONDS = 10
URL_MAX_LENGTH = 500

NOT_HTTPS = _("Use an address that starts with https://.")
HAS_CREDENTIALS = _("Leave the user name and password out of the address.")
NO_HOST = _("Enter a complete address, with a host name.")
BAD_PORT = _("The port in this address is not valid.")
UNRESOLVED = _("This host name could not be found.")
PRIVATE_TARGET = _("This address points into a private or local network, which is not allowed here.")
TOO_LONG = _("The address is too long.")


# A pending delivery this long past its due time has lost its worker (it died during a call, or
# its queued task was lost): longer than any call (TIMEOUT_SECONDS) and any queue delay we expect.
STALLED_AFTER = timedelta(minutes=15)


# Stored for the manager's dead-letter list, in the site's default language (as post()'s reasons).
ENDPOINT_DISABLED = _("The endpoint is disabled.")


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8, 16 minutes after the 1st…5th failure."""
    return timedelta(minutes=2 ** (attempts - 1))


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


# --- Where a webhook may point ---------------------------------------------------------------------


def _allowed(name: str) -> bool:
    value = getattr(settings, name, None)
    return settings.DEBUG if value is None else bool(value)


def allow_http() -> bool:
    return _allowed("REFERRALS_WEBHOOK_ALLOW_HTTP")


def allow_private() -> bool:
    return _allowed("REFERRALS_WEBHOOK_ALLOW_PRIVATE")


def resolve(host: str, port: int) -> list[str]:
    """The addresses a host name resolves to (an IP literal resolves to itself)."""
    return sorted({info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str):
    """None when a webhook may be sent to ``url``, else the (translatable) reason it may not."""
    if len(url) > URL_MAX_LENGTH:
        return TOO_LONG
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme != "https" and not (scheme == "http" and allow_http()):
        return NOT_HTTPS
    if parts.username is not None or parts.password is not None:
        return HAS_CREDENTIALS
    if not parts.hostname:
        return NO_HOST
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        return BAD_PORT
    if allow_private():
        return None
    try:
        addresses = [str(ipaddress.ip_address(parts.hostname))]  # an address literal: no look-up
    except ValueError:
        try:
            addresses = resolve(parts.hostname, port)
        except (OSError, UnicodeError):
            return UNRESOLVED
    if not addresses or not all(_is_public(a) for a in addresses):
        return PRIVATE_TARGET
    return None


# --- Queueing and delivering -----------------------------------------------------------------------


def queue_event(referral, event: str, centre_id) -> list:
    """Write a delivery per active endpoint of the centre that wants the event, and queue it.

    Call inside the transaction of the change it reports.
    """
    from referrals.models import WebhookDelivery, WebhookEndpoint
    from referrals.tasks import deliver_webhook

    if centre_id is None:
        return []
    deliveries = []
    for endpoint in WebhookEndpoint.objects.filter(centre_id=centre_id, is_active=True):
        if not endpoint.wants(event):
            continue
        payload = {
            "event": event,
            "referral": str(referral.pk),
            "kind": referral.kind,
            "service": referral.service,
            "status": referral.status,
            "at": timezone.now().isoformat(),
        }
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event=event, payload=payload, due_at=timezone.now()
        )
        deliver_webhook.enqueue(delivery_id=str(delivery.pk))
        deliveries.append(delivery)
    return deliveries


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is a failed attempt: following it could lead the server anywhere."""

    def redirect_request(self, *args, **kwargs):
        return None


def post(url: str, body: bytes, headers: dict) -> tuple[bool, str]:
    """One HTTP POST: (accepted, error). Never raises for a network or HTTP failure."""
    refused = check_url(url)
    if refused is not None:
        # Stored for the manager's dead-letter list; the reason in the site's default language.
        return False, str(refused)[:300]
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310 - scheme checked
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            ok = 200 <= response.status < 300
            return ok, "" if ok else f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return False, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return False, str(exc)[:300]


def attempt(delivery_id: str) -> str:
    """One try; on failure queue the next try after the back-off, or dead-letter after the last."""
    from referrals.models import DeliveryStatus, WebhookDelivery

    # 1. Lock, read, release: nothing is locked while the network is slow.
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery_id)
        if delivery.status != DeliveryStatus.PENDING:
            return delivery.status
        if not delivery.endpoint.is_active:
            # A disabled endpoint is not called; the manager can send the event again later.
            delivery.status, delivery.last_error = DeliveryStatus.DEAD, str(ENDPOINT_DISABLED)
            delivery.save(update_fields=["status", "last_error", "updated_at"])
            return delivery.status
        seen_attempts = delivery.attempts
        # Busy until the call's time-out at most: should this worker die during the call, the
        # sweep queues the delivery again once it is STALLED_AFTER past that.
        delivery.due_at = timezone.now() + timedelta(seconds=TIMEOUT_SECONDS)
        delivery.save(update_fields=["due_at", "updated_at"])
        url, secret = delivery.endpoint.url, delivery.endpoint.secret
        body = json.dumps({"id": str(delivery.pk), **delivery.payload}, sort_keys=True).encode()

    # 2. The call, outside any transaction.
    timestamp = str(int(timezone.now().timestamp()))
    ok, error = post(
        url,
        body,
        {
            "Content-Type": "application/json",
            "Idempotency-Key": str(delivery_id),
            "X-SICNet-Timestamp": timestamp,
            "X-SICNet-Signature": "sha256=" + signature(secret, timestamp, body),
        },
    )

    # 3. Record the result in a short transaction that re-checks the state.
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        return _record(delivery, ok=ok, error=error, seen_attempts=seen_attempts)


def _record(delivery, *, ok: bool, error: str, seen_attempts: int) -> str:
    from referrals.models import DeliveryStatus
    from referrals.tasks import deliver_webhook

    if delivery.status == DeliveryStatus.DELIVERED:
        # Another run delivered it meanwhile; the receiver recognises ours by its key.
        return delivery.status
    fields = ["attempts", "status", "last_error", "updated_at"]
    if ok:
        delivery.attempts += 1
        delivery.status, delivery.delivered_at, delivery.last_error = DeliveryStatus.DELIVERED, timezone.now(), ""
        delivery.save(update_fields=[*fields, "delivered_at"])
        return delivery.status
    if delivery.status != DeliveryStatus.PENDING or delivery.attempts != seen_attempts:
        # Another run recorded an attempt (or a manager queued it again) while we waited: its
        # outcome stands and it queued what comes next; a second retry here would double the chain.
        return delivery.status
    delivery.attempts += 1
    delivery.last_error = error
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.DEAD
    else:
        delivery.due_at = timezone.now() + backoff(delivery.attempts)
        fields.append("due_at")
        deliver_webhook.using(run_after=delivery.due_at).enqueue(delivery_id=str(delivery.pk))
    delivery.save(update_fields=fields)
    return delivery.status


def requeue_stalled() -> int:
    """Queue again every pending delivery whose worker is gone; answers how many.

    Run by the deadline check (cron). Nothing is lost; a delivery sent twice carries the same
    idempotency key, so the receiver recognises the repeat.
    """
    from referrals.models import DeliveryStatus, WebhookDelivery
    from referrals.tasks import deliver_webhook

    now = timezone.now()
    stalled = Q(due_at__lt=now - STALLED_AFTER) | Q(due_at__isnull=True, updated_at__lt=now - STALLED_AFTER)
    count = 0
    for delivery_id in WebhookDelivery.objects.filter(stalled, status=DeliveryStatus.PENDING).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            delivery = (
                WebhookDelivery.objects.select_for_update(skip_locked=True)
                .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
                .first()
            )
            if delivery is None:
                continue
            delivery.due_at = now
            delivery.save(update_fields=["due_at", "updated_at"])
            deliver_webhook.enqueue(delivery_id=str(delivery.pk))
            count += 1
    return count
