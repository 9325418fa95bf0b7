"""Reads of notify: a user's unread count and list, a centre's endpoints and dead letters."""

from __future__ import annotations

from django.db.models import QuerySet

from notify.models import DeliveryStatus, Notification, NotificationPreference, WebhookDelivery, WebhookEndpoint


def unread_count(user) -> int:
    """Unread in-application notifications of the user (for the page header)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_of(user) -> QuerySet:
    return Notification.objects.filter(recipient=user)


def wants_email(user) -> bool:
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference is None or preference.email


def endpoints_of(centre) -> QuerySet:
    return WebhookEndpoint.objects.filter(centre=centre).order_by("created_at")


def deliveries_of(centre) -> QuerySet:
    return WebhookDelivery.objects.filter(endpoint__centre=centre).select_related("endpoint")


def dead_letters_of(centre) -> QuerySet:
    return deliveries_of(centre).filter(status=DeliveryStatus.DEAD)
