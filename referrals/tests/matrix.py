"""The referrals app's routes in the permission matrix (see core/tests/matrix.py).

Records point at referrals from Albania to a third centre (Serbia): Albania's staff of the
referral's service see it, everybody else (North Macedonia, the coordinator, other roles in
Albania) gets 404, as a third centre must.
"""

from core.tests.matrix import (
    FORBIDDEN,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    UNAUTHORIZED,
    Expect,
    Status,
    each,
    redirect_to,
)
from referrals.tests import fixtures

HOTLINE_STAFF = ("al_analyst", "al_supervisor", "al_manager", "mk_analyst", "mk_manager")
HELPLINE_STAFF = ("al_counsellor", "mk_counsellor")
STAFF = HOTLINE_STAFF + HELPLINE_STAFF
BAD_REQUEST = Status(400, "BAD_REQUEST")


def _hotline_referral(t) -> dict:
    return {"referral_id": fixtures.al_hotline_referral(t).pk}


def _item(t) -> dict:
    return {"item_id": fixtures.al_item(t).pk}


def _case(t) -> dict:
    from helpline.tests import fixtures as helpline_fixtures

    return {"case_id": helpline_fixtures.al_case(t).pk}


def _notification(t) -> dict:
    from referrals.models import Notification

    referral = fixtures.al_hotline_referral(t)
    note = Notification.objects.create(recipient=t.al_analyst, event="sent", referral=referral)
    return {"notification_id": note.pk}


ROUTES = {
    "referrals:incoming": Expect(signed_in=FORBIDDEN, anonymous=LOGIN, users=each(OK, *STAFF)),
    "referrals:information_request": Expect(signed_in=FORBIDDEN, anonymous=LOGIN, users=each(OK, *STAFF)),
    "referrals:outgoing": Expect(signed_in=FORBIDDEN, anonymous=LOGIN, users=each(OK, *STAFF)),
    "referrals:network": Expect(signed_in=FORBIDDEN, anonymous=LOGIN, users=each(OK, "coordinator")),
    "referrals:notifications": Expect(signed_in=OK, anonymous=LOGIN),
    "referrals:email_preference": (
        Expect(everyone=NOT_ALLOWED),
        Expect(signed_in=redirect_to("referrals:notifications"), anonymous=LOGIN, methods=("POST",)),
    ),
    "referrals:notifications_read_all": (
        Expect(everyone=NOT_ALLOWED),
        Expect(signed_in=redirect_to("referrals:notifications"), anonymous=LOGIN, methods=("POST",)),
    ),
    "referrals:notification_read": (
        Expect(everyone=NOT_ALLOWED, object_kwargs=_notification),
        Expect(
            signed_in=NOT_FOUND,
            anonymous=LOGIN,
            users=each(redirect_to("referrals:detail"), "al_analyst"),
            methods=("POST",),
            object_kwargs=_notification,
        ),
    ),
    "referrals:detail": Expect(
        signed_in=NOT_FOUND,
        anonymous=LOGIN,
        users=each(OK, "al_analyst", "al_supervisor", "al_manager"),
        object_kwargs=_hotline_referral,
    ),
    "referrals:step": (
        Expect(everyone=NOT_ALLOWED, object_kwargs=lambda t: {**_hotline_referral(t), "step": "revoke"}),
        Expect(
            signed_in=NOT_FOUND,
            anonymous=LOGIN,
            # The manager sees the referral but does not work the hotline's items.
            users={**each(redirect_to("referrals:detail"), "al_analyst", "al_supervisor"), "al_manager": FORBIDDEN},
            methods=("POST",),
            object_kwargs=lambda t: {**_hotline_referral(t), "step": "revoke"},
        ),
    ),
    "referrals:send_item": Expect(
        signed_in=FORBIDDEN,
        anonymous=LOGIN,
        users={**each(OK, "al_analyst", "al_supervisor"), **each(NOT_FOUND, "mk_analyst")},
        object_kwargs=_item,
    ),
    "referrals:send_external": (
        Expect(everyone=NOT_ALLOWED, object_kwargs=_item),
        Expect(
            signed_in=FORBIDDEN,
            anonymous=LOGIN,
            # An empty form: the analyst sees it again with its errors.
            users={**each(NOT_FOUND, "mk_analyst"), **each(BAD_REQUEST, "al_analyst", "al_supervisor")},
            methods=("POST",),
            object_kwargs=_item,
        ),
    ),
    "referrals:send_case": Expect(
        signed_in=FORBIDDEN,
        anonymous=LOGIN,
        users={**each(OK, "al_counsellor", "al_supervisor"), **each(NOT_FOUND, "mk_counsellor")},
        object_kwargs=_case,
    ),
}


API = {
    # Any signed-in caller may ask: the lists are scoped, so others get an empty list.
    "GET /api/v1/referrals": Expect(signed_in=OK, anonymous=UNAUTHORIZED),
    "GET /api/v1/referrals/notifications/unread": Expect(signed_in=OK, anonymous=UNAUTHORIZED),
    "GET /api/v1/referrals/{referral_id}": Expect(
        signed_in=NOT_FOUND,
        anonymous=UNAUTHORIZED,
        users=each(OK, "al_analyst", "al_supervisor", "al_manager"),
        object_kwargs=_hotline_referral,
    ),
}


def _al_centre(t) -> dict:
    return {"centre_id": t.al_centre.pk}


def _al_dead_delivery(t) -> dict:
    from referrals.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(centre=t.al_centre, url="http://127.0.0.1:9/", secret="x")
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event="sent", status=DeliveryStatus.DEAD)
    return {"centre_id": t.al_centre.pk, "delivery_id": delivery.pk}


ROUTES["referrals:dead_letters"] = Expect(
    signed_in=FORBIDDEN,
    anonymous=LOGIN,
    users={**each(OK, "al_manager"), "mk_manager": NOT_FOUND},
    object_kwargs=_al_centre,
)
ROUTES["referrals:retry_delivery"] = (
    Expect(everyone=NOT_ALLOWED, object_kwargs=_al_dead_delivery),
    Expect(
        signed_in=FORBIDDEN,
        anonymous=LOGIN,
        users={**each(redirect_to("referrals:dead_letters"), "al_manager"), "mk_manager": NOT_FOUND},
        methods=("POST",),
        object_kwargs=_al_dead_delivery,
    ),
)
