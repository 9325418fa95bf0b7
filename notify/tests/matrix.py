"""notify's routes in the permission matrix (see core/tests/matrix.py).

A user's notifications are their own: anyone signed in opens the list; another user's
notification answers 404. A centre's webhook pages are its managers' (``centre.manage`` there):
Albania's manager gets them, North Macedonia's manager 404, every other role 403.
"""

from core.tests.matrix import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, Expect, Status, each, redirect_to

BAD_REQUEST = Status(400, "BAD_REQUEST")


def _notification(t) -> dict:
    from django.urls import reverse

    from notify.models import Notification

    note = Notification.objects.create(recipient=t.al_analyst, event="sent", link=reverse("core:dashboard"))
    return {"notification_id": note.pk}


def _al_centre(t) -> dict:
    return {"centre_id": t.al_centre.pk}


def _al_endpoint(t) -> dict:
    from notify.models import WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(centre=t.al_centre, url="https://hooks.al.example/in", secret="x")
    return {"centre_id": t.al_centre.pk, "endpoint_id": endpoint.pk}


def _al_dead_delivery(t) -> dict:
    from notify.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(centre=t.al_centre, url="http://127.0.0.1:9/", secret="x")
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event="sent", status=DeliveryStatus.DEAD)
    return {"centre_id": t.al_centre.pk, "delivery_id": delivery.pk}


def _manager_only(outcome, **options) -> Expect:
    return Expect(
        signed_in=FORBIDDEN, anonymous=LOGIN, users={"al_manager": outcome, "mk_manager": NOT_FOUND}, **options
    )


ROUTES = {
    "notify:notifications": Expect(signed_in=OK, anonymous=LOGIN),
    "notify:email_preference": (
        Expect(everyone=NOT_ALLOWED),
        Expect(signed_in=redirect_to("notify:notifications"), anonymous=LOGIN, methods=("POST",)),
    ),
    "notify:notifications_read_all": (
        Expect(everyone=NOT_ALLOWED),
        Expect(signed_in=redirect_to("notify:notifications"), anonymous=LOGIN, methods=("POST",)),
    ),
    "notify:notification_read": (
        Expect(everyone=NOT_ALLOWED, object_kwargs=_notification),
        Expect(
            signed_in=NOT_FOUND,
            anonymous=LOGIN,
            users=each(redirect_to("core:dashboard"), "al_analyst"),
            methods=("POST",),
            object_kwargs=_notification,
        ),
    ),
    "notify:webhooks": _manager_only(OK, object_kwargs=_al_centre),
    "notify:webhook_new": (
        _manager_only(OK, object_kwargs=_al_centre),
        # An empty form: shown again with its errors.
        _manager_only(BAD_REQUEST, methods=("POST",), object_kwargs=_al_centre),
    ),
    "notify:webhook_edit": (
        _manager_only(OK, object_kwargs=_al_endpoint),
        _manager_only(BAD_REQUEST, methods=("POST",), object_kwargs=_al_endpoint),
    ),
    "notify:webhook_active": (
        Expect(everyone=NOT_ALLOWED, object_kwargs=_al_endpoint),
        _manager_only(redirect_to("notify:webhooks"), methods=("POST",), object_kwargs=_al_endpoint),
    ),
    "notify:webhook_rotate": (
        Expect(everyone=NOT_ALLOWED, object_kwargs=_al_endpoint),
        # The new secret is shown once, on the answer to the POST itself.
        _manager_only(OK, methods=("POST",), object_kwargs=_al_endpoint),
    ),
    "notify:dead_letters": _manager_only(OK, object_kwargs=_al_centre),
    "notify:retry_delivery": (
        Expect(everyone=NOT_ALLOWED, object_kwargs=_al_dead_delivery),
        _manager_only(redirect_to("notify:dead_letters"), methods=("POST",), object_kwargs=_al_dead_delivery),
    ),
}
