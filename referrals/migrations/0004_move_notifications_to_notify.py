"""Notifications, e-mail preferences, webhook endpoints and deliveries move to the notify app.

The rows are copied with their ids (a delivery's id is the idempotency key receivers know),
timestamps, secrets and states; a delivery's stored error text becomes a category (the text could
name internal hosts, addresses and ports). Then the referrals tables are dropped. Going back copies
the rows back (notifications about referrals only), best effort.
"""

import re

from django.db import migrations

BATCH = 1000
REFERRAL = "referrals.referral"


def _keep_timestamps(*models):
    """Historical models stamp created/updated on save: copies keep the originals instead."""
    for model in models:
        for name in ("created_at", "updated_at"):
            field = model._meta.get_field(name)
            field.auto_now = field.auto_now_add = False


def _copy(source, target, convert) -> None:
    """Every row of ``source`` (a model or a queryset) into ``target``, converted, in batches."""
    rows = source.objects.all() if hasattr(source, "objects") else source
    batch = []
    for row in rows.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(target(**convert(row)))
        if len(batch) >= BATCH:
            target.objects.bulk_create(batch)
            batch = []
    if batch:
        target.objects.bulk_create(batch)


def _stamps(row) -> dict:
    return {"id": row.pk, "created_at": row.created_at, "updated_at": row.updated_at}


# The texts referrals stored (English, the site's default language, or an exception's text).
_ERRORS = (
    ("timeout", ("timed out", "timeout")),
    ("refused", ("refused",)),
    ("tls", ("ssl", "certificate", "tls")),
    ("unresolved", ("could not be found", "name or service", "getaddrinfo", "nodename", "name resolution")),
    ("private", ("private or local network",)),
    ("not_https", ("starts with https://",)),
    ("credentials", ("user name and password",)),
    ("no_host", ("with a host name",)),
    ("bad_port", ("port in this address",)),
    ("too_long", ("too long",)),
    ("disabled", ("endpoint is disabled",)),
)


def error_category(text: str) -> tuple[str, int | None]:
    text = (text or "").strip()
    if not text:
        return "", None
    status = re.fullmatch(r"HTTP (\d{3})", text)
    if status:
        return "http", int(status.group(1))
    low = text.lower()
    for kind, needles in _ERRORS:
        if any(needle in low for needle in needles):
            return kind, None
    return "network", None


def forward(apps, schema_editor):
    old = {name: apps.get_model("referrals", name) for name in ("Notification", "NotificationPreference")}
    old.update({name: apps.get_model("referrals", name) for name in ("WebhookEndpoint", "WebhookDelivery")})
    new = {name: apps.get_model("notify", name) for name in old}
    _keep_timestamps(*new.values())

    def notification(row):
        about = row.referral_id
        return {
            **_stamps(row),
            "recipient_id": row.recipient_id,
            "event": row.event,
            "target_type": REFERRAL if about else "",
            "target_id": about,
            "link": f"/referrals/{about}/" if about else "",
            "read_at": row.read_at,
        }

    def delivery(row):
        error, status = error_category(row.last_error)
        payload = row.payload or {}
        about = payload.get("referral")
        return {
            **_stamps(row),
            "endpoint_id": row.endpoint_id,
            "event": row.event,
            "target_type": REFERRAL if about else "",
            "target_id": about,
            "payload": payload,
            "status": row.status,
            "attempts": row.attempts,
            "error": error,
            "error_status": status,
            "delivered_at": row.delivered_at,
            "due_at": row.due_at,
        }

    _copy(old["Notification"], new["Notification"], notification)
    _copy(old["NotificationPreference"], new["NotificationPreference"], lambda r: {
        **_stamps(r), "user_id": r.user_id, "email": r.email,
    })
    _copy(old["WebhookEndpoint"], new["WebhookEndpoint"], lambda r: {
        **_stamps(r), "centre_id": r.centre_id, "url": r.url, "secret": r.secret, "is_active": r.is_active,
        "events": r.events,
    })
    _copy(old["WebhookDelivery"], new["WebhookDelivery"], delivery)


def backward(apps, schema_editor):
    """Copy back what referrals can hold, and remove it from notify (so forward again copies it
    once); notify keeps the notifications about other apps' records."""
    new = {name: apps.get_model("referrals", name) for name in ("Notification", "NotificationPreference")}
    new.update({name: apps.get_model("referrals", name) for name in ("WebhookEndpoint", "WebhookDelivery")})
    old = {name: apps.get_model("notify", name) for name in new}
    _keep_timestamps(*new.values())
    referral = apps.get_model("referrals", "Referral")
    referrals = set(referral.objects.values_list("pk", flat=True))

    def notification(row):
        return {
            **_stamps(row),
            "recipient_id": row.recipient_id,
            "event": row.event[:20],
            "referral_id": row.target_id if row.target_id in referrals else None,
            "read_at": row.read_at,
        }

    def delivery(row):
        text = f"HTTP {row.error_status}" if row.error == "http" and row.error_status else row.error
        return {
            **_stamps(row),
            "endpoint_id": row.endpoint_id,
            "event": row.event[:20],
            "payload": row.payload,
            "status": row.status,
            "attempts": row.attempts,
            "last_error": text,
            "delivered_at": row.delivered_at,
            "due_at": row.due_at,
        }

    _copy(old["Notification"].objects.filter(target_type=REFERRAL), new["Notification"], notification)
    _copy(old["NotificationPreference"], new["NotificationPreference"], lambda r: {
        **_stamps(r), "user_id": r.user_id, "email": r.email,
    })
    _copy(old["WebhookEndpoint"], new["WebhookEndpoint"], lambda r: {
        **_stamps(r), "centre_id": r.centre_id, "url": r.url, "secret": r.secret, "is_active": r.is_active,
        "events": r.events,
    })
    _copy(old["WebhookDelivery"], new["WebhookDelivery"], delivery)
    old["Notification"].objects.filter(target_type=REFERRAL).delete()
    old["NotificationPreference"].objects.all().delete()
    old["WebhookEndpoint"].objects.all().delete()  # and their deliveries


class Migration(migrations.Migration):

    dependencies = [
        ('referrals', '0003_delivery_due'),
        ('notify', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        # Deleted whole (no RemoveField first), so that going back recreates them with their indexes.
        migrations.DeleteModel(
            name='WebhookDelivery',
        ),
        migrations.DeleteModel(
            name='WebhookEndpoint',
        ),
        migrations.DeleteModel(
            name='Notification',
        ),
        migrations.DeleteModel(
            name='NotificationPreference',
        ),
    ]
