"""Webhooks: signed JSON to a centre's own system, retried with back-off, dead-lettered at the end.

Each delivery row is written, and its task queued, in the transaction of the change it reports.
The delivery's id is sent as ``Idempotency-Key``: a retry after a lost answer repeats the same key,
so the receiver recognises it. The payload carries ids, kinds and states, never case content.

An attempt never holds a database lock while it waits for the network: it locks the delivery,
reads what it needs and commits; makes the HTTP call outside any transaction; then records the
result in a second short transaction that re-reads the row and re-checks its state.

Where a webhook may point (``check_url``): ``https://`` only, and never to a private, loopback,
link-local or otherwise non-public address, unless the settings ``NOTIFY_WEBHOOK_ALLOW_HTTP`` and
``NOTIFY_WEBHOOK_ALLOW_PRIVATE`` say otherwise (the former names ``REFERRALS_WEBHOOK_ALLOW_*`` are
read when the new ones are unset; both default to ``DEBUG``). The address is checked when a manager
saves it and again before every attempt (a host name may resolve elsewhere later). At an attempt
the name is resolved **once**: the addresses checked are the addresses connected to (the request
keeps the ``Host`` header and, for https, the SNI and certificate check of the name), so a DNS
answer that changes between the check and the connection cannot reach an internal host.
Redirects are not followed. A failure is stored as a category (``DeliveryError``), never as the
exception's text, which may name internal hosts, addresses and ports.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import ssl
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.canonical_urls import is_public_address
from notify.models import DeliveryError, DeliveryStatus, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
TIMEOUT_SECONDS = 10
URL_MAX_LENGTH = 500

# A pending delivery this long past its due time has lost its worker (it died during a call, or
# its queued task was lost): longer than any call (TIMEOUT_SECONDS) and any queue delay we expect.
STALLED_AFTER = timedelta(minutes=15)


class Failure(NamedTuple):
    """Why an attempt failed: a category, and the HTTP status for an HTTP error."""

    kind: str
    status: int | None = None


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8, 16 minutes after the 1st…5th failure."""
    return timedelta(minutes=2 ** (attempts - 1))


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


# --- Where a webhook may point ---------------------------------------------------------------------


def _allowed(name: str) -> bool:
    value = getattr(settings, f"NOTIFY_WEBHOOK_{name}", None)
    if value is None:  # the former name, for a settings module that still sets it
        value = getattr(settings, f"REFERRALS_WEBHOOK_{name}", None)
    return settings.DEBUG if value is None else bool(value)


def allow_http() -> bool:
    return _allowed("ALLOW_HTTP")


def allow_private() -> bool:
    return _allowed("ALLOW_PRIVATE")


def resolve(host: str, port: int) -> list[str]:
    """The addresses a host name resolves to (an IP literal resolves to itself)."""
    return sorted({info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})


def _is_public(address: str) -> bool:
    # A scoped IPv6 address (fe80::1%eth0) is judged without its zone.
    return is_public_address(ipaddress.ip_address(address.split("%", 1)[0]))


@dataclass(frozen=True)
class Target:
    """A checked address: where to connect (``addresses``) and what to ask for there."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def _parse(url: str) -> Target | Failure:
    """The address's form (scheme, credentials, host, port), before any look-up."""
    if len(url) > URL_MAX_LENGTH:
        return Failure(DeliveryError.TOO_LONG)
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme != "https" and not (scheme == "http" and allow_http()):
        return Failure(DeliveryError.NOT_HTTPS)
    if parts.username is not None or parts.password is not None:
        return Failure(DeliveryError.CREDENTIALS)
    if not parts.hostname:
        return Failure(DeliveryError.NO_HOST)
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        return Failure(DeliveryError.BAD_PORT)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme=scheme, host=parts.hostname, port=port, path=path, addresses=())


def _addresses(target: Target) -> Target | Failure:
    """The target with the addresses its host resolves to, each allowed; one look-up."""
    try:
        addresses = [str(ipaddress.ip_address(target.host))]  # an address literal: no look-up
    except ValueError:
        try:
            addresses = resolve(target.host, target.port)
        except (OSError, UnicodeError):
            return Failure(DeliveryError.UNRESOLVED)
    if not addresses:
        return Failure(DeliveryError.UNRESOLVED)
    if not allow_private() and not all(_is_public(a) for a in addresses):
        return Failure(DeliveryError.PRIVATE)
    return Target(**{**target.__dict__, "addresses": tuple(addresses)})


def check_url(url: str):
    """None when a webhook may be sent to ``url``, else the (translatable) reason it may not.

    Where private targets are allowed, a name is not looked up when it is saved (it may resolve
    only inside the network the workers run in); every attempt still resolves it.
    """
    target = _parse(url)
    if isinstance(target, Target) and not allow_private():
        target = _addresses(target)
    return DeliveryError(target.kind).label if isinstance(target, Failure) else None


# --- Connecting to the address that was checked ----------------------------------------------------


def tls_context() -> ssl.SSLContext:
    """The system's trusted certificates, with the host name checked (tests trust their own)."""
    return ssl.create_default_context()


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to ``address`` while the request names ``host`` (its Host header)."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """Connects to ``address``; TLS sends ``host`` as SNI and checks the certificate against it."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=tls_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        try:
            self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


def _connect(target: Target) -> http.client.HTTPConnection:
    """A connection to the first of the checked addresses that answers."""
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    error: Exception = OSError("no address")
    for address in target.addresses:
        connection = kind(target.host, target.port, address=address, timeout=TIMEOUT_SECONDS)
        try:
            connection.connect()
        except OSError as exc:
            connection.close()
            error = exc
            if isinstance(exc, ssl.SSLError):
                break  # the host answered: another of its addresses will not have another certificate
            continue
        return connection
    raise error


def _category(exc: BaseException) -> Failure:
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return Failure(DeliveryError.TLS)
    if isinstance(exc, ConnectionRefusedError):
        return Failure(DeliveryError.REFUSED)
    if isinstance(exc, TimeoutError):
        return Failure(DeliveryError.TIMEOUT)
    if isinstance(exc, socket.gaierror | UnicodeError):
        return Failure(DeliveryError.UNRESOLVED)
    return Failure(DeliveryError.NETWORK)


def post(url: str, body: bytes, headers: dict) -> Failure | None:
    """One HTTP POST: None when the receiver accepted it, else why not. Never raises for a
    network or HTTP failure; a redirect is a failure (following it could lead anywhere)."""
    target = _parse(url)
    if isinstance(target, Target):
        target = _addresses(target)
    if isinstance(target, Failure):
        return target
    try:
        connection = _connect(target)
        try:
            connection.request("POST", target.path, body=body, headers=headers)
            status = connection.getresponse().status
        finally:
            connection.close()
    except (OSError, http.client.HTTPException, ValueError) as exc:
        # The details are for the server's log only: they may name internal hosts and ports.
        logger.info("Webhook POST failed: %r", exc)
        return _category(exc)
    return None if 200 <= status < 300 else Failure(DeliveryError.HTTP, status)


# --- Queueing and delivering -----------------------------------------------------------------------


def queue_event(event: str, centre_id, *, payload: dict, target_type: str = "", target_id=None) -> list:
    """Write a delivery per active endpoint of the centre that wants the event, and queue it.

    Call inside the transaction of the change it reports.
    """
    from notify.tasks import deliver_webhook

    if centre_id is None:
        return []
    deliveries = []
    for endpoint in WebhookEndpoint.objects.filter(centre_id=centre_id, is_active=True):
        if not endpoint.wants(event):
            continue
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            event=event,
            target_type=target_type,
            target_id=target_id,
            payload={"event": event, **payload, "at": timezone.now().isoformat()},
            due_at=timezone.now(),
        )
        deliver_webhook.enqueue(delivery_id=str(delivery.pk))
        deliveries.append(delivery)
    return deliveries


def attempt(delivery_id: str) -> str:
    """One try; on failure queue the next try after the back-off, or dead-letter after the last."""
    # 1. Lock, read, release: nothing is locked while the network is slow.
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery_id)
        if delivery.status != DeliveryStatus.PENDING:
            return delivery.status
        if not delivery.endpoint.is_active:
            # A disabled endpoint is not called; the manager can send the event again later.
            delivery.status, delivery.error, delivery.error_status = DeliveryStatus.DEAD, DeliveryError.DISABLED, None
            delivery.save(update_fields=["status", "error", "error_status", "updated_at"])
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
    failure = post(
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
        return _record(delivery, failure=failure, seen_attempts=seen_attempts)


def _record(delivery: WebhookDelivery, *, failure: Failure | None, seen_attempts: int) -> str:
    from notify.tasks import deliver_webhook

    if delivery.status == DeliveryStatus.DELIVERED:
        # Another run delivered it meanwhile; the receiver recognises ours by its key.
        return delivery.status
    fields = ["attempts", "status", "error", "error_status", "updated_at"]
    if failure is None:
        delivery.attempts += 1
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, timezone.now()
        delivery.error, delivery.error_status = "", None
        delivery.save(update_fields=[*fields, "delivered_at"])
        return delivery.status
    if delivery.status != DeliveryStatus.PENDING or delivery.attempts != seen_attempts:
        # Another run recorded an attempt (or a manager queued it again) while we waited: its
        # outcome stands and it queued what comes next; a second retry here would double the chain.
        return delivery.status
    delivery.attempts += 1
    delivery.error, delivery.error_status = failure.kind, failure.status
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

    Run from cron (``manage.py notify_redeliver``, and the referrals deadline check). Nothing is
    lost; a delivery sent twice carries the same idempotency key, so the receiver recognises it.
    """
    from notify.tasks import deliver_webhook

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
