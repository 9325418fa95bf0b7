"""The referrals app's routes in the permission matrix (see core/tests/matrix.py).

Records point at referrals from Albania to a third centre (Serbia): Albania's staff of the
referral's service see it, everybody else (North Macedonia, the coordinator, other roles in
Albania) gets 404, as a third centre must.
"""

from core.tests.matrix import (
    FORBIDDEN,
    INVALID,
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
from helpline.tests import fixtures as helpline_fixtures
from referrals.tests import fixtures

HOTLINE_STAFF = ("al_analyst", "al_supervisor", "al_manager", "mk_analyst", "mk_manager")
HELPLINE_STAFF = ("al_counsellor", "mk_counsellor")
STAFF = HOTLINE_STAFF + HELPLINE_STAFF
# Who works a service somewhere (hotline.assess or helpline.log): steps, sending, requests.
WORKERS = ("al_analyst", "al_supervisor", "mk_analyst", "al_counsellor", "mk_counsellor")
BAD_REQUEST = Status(400, "BAD_REQUEST")
CONFLICT = Status(409, "CONFLICT")
# Staff of a service who do not see a referral of Albania's hotline to Serbia.
NOT_THEIRS = each(NOT_FOUND, "al_counsellor", "mk_analyst", "mk_manager", "mk_counsellor")


def _hotline_referral(t) -> dict:
    return {"referral_id": fixtures.al_hotline_referral(t).pk}


def _item(t) -> dict:
    return {"item_id": fixtures.al_item(t).pk}


def _case(t) -> dict:
    return {"case_id": helpline_fixtures.al_case(t).pk}


ROUTES = {
    "referrals:incoming": Expect(signed_in=FORBIDDEN, anonymous=LOGIN, users=each(OK, *STAFF)),
    "referrals:information_request": Expect(signed_in=FORBIDDEN, anonymous=LOGIN, users=each(OK, *WORKERS)),
    "referrals:outgoing": Expect(signed_in=FORBIDDEN, anonymous=LOGIN, users=each(OK, *STAFF)),
    "referrals:network": Expect(signed_in=FORBIDDEN, anonymous=LOGIN, users=each(OK, "coordinator")),
    "referrals:detail": Expect(
        signed_in=FORBIDDEN,
        anonymous=LOGIN,
        users={**NOT_THEIRS, **each(OK, "al_analyst", "al_supervisor", "al_manager")},
        object_kwargs=_hotline_referral,
    ),
    "referrals:step": (
        Expect(everyone=NOT_ALLOWED, object_kwargs=lambda t: {**_hotline_referral(t), "step": "revoke"}),
        Expect(
            signed_in=FORBIDDEN,
            anonymous=LOGIN,
            # The managers see referrals but do not work the hotline's items: 403 (no such code).
            users={
                **each(NOT_FOUND, "al_counsellor", "mk_analyst", "mk_counsellor"),
                **each(redirect_to("referrals:detail"), "al_analyst", "al_supervisor"),
            },
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
    # The lists are scoped: staff of another centre get an empty list.
    "GET /api/v1/referrals": Expect(signed_in=FORBIDDEN, anonymous=UNAUTHORIZED, users=each(OK, *STAFF)),
    "GET /api/v1/referrals/notifications/unread": Expect(signed_in=OK, anonymous=UNAUTHORIZED),
    "GET /api/v1/referrals/{referral_id}": Expect(
        signed_in=FORBIDDEN,
        anonymous=UNAUTHORIZED,
        users={**NOT_THEIRS, **each(OK, "al_analyst", "al_supervisor", "al_manager")},
        object_kwargs=_hotline_referral,
    ),
}


def _rs_request(t) -> dict:
    return {"referral_id": fixtures.rs_to_al_request(t).pk}


# Receiver's steps, on Serbia's request to Albania's hotline (Albania receives): the matrix posts
# "{}". Who lacks hotline.assess and helpline.log everywhere gets 403 before anything is read.
def _receiver_step(**outcomes) -> Expect:
    return Expect(
        signed_in=FORBIDDEN,
        anonymous=UNAUTHORIZED,
        users={**each(NOT_FOUND, "al_counsellor", "mk_analyst", "mk_counsellor"), **outcomes},
        object_kwargs=_rs_request,
    )


API.update(
    {
        "POST /api/v1/referrals/{referral_id}/acknowledge": _receiver_step(**each(OK, "al_analyst", "al_supervisor")),
        "POST /api/v1/referrals/{referral_id}/accept": _receiver_step(**each(OK, "al_analyst", "al_supervisor")),
        # No reason, no outcome: the action's own translated 422.
        "POST /api/v1/referrals/{referral_id}/decline": _receiver_step(**each(INVALID, "al_analyst", "al_supervisor")),
        "POST /api/v1/referrals/{referral_id}/complete": _receiver_step(**each(INVALID, "al_analyst", "al_supervisor")),
        # Not accepted yet: the wrong state.
        "POST /api/v1/referrals/{referral_id}/start": _receiver_step(**each(CONFLICT, "al_analyst", "al_supervisor")),
        # The sender's step, on Albania's referral to Serbia.
        "POST /api/v1/referrals/{referral_id}/revoke": Expect(
            signed_in=FORBIDDEN,
            anonymous=UNAUTHORIZED,
            users={
                **each(NOT_FOUND, "al_counsellor", "mk_analyst", "mk_counsellor"),
                **each(OK, "al_analyst", "al_supervisor"),
            },
            object_kwargs=_hotline_referral,
        ),
        # Either side; an empty message is refused.
        "POST /api/v1/referrals/{referral_id}/messages": _receiver_step(**each(INVALID, "al_analyst", "al_supervisor")),
    }
)


def _al_centre(t) -> dict:
    return {"centre_id": t.al_centre.pk}


def _manager_only(outcome, **options) -> Expect:
    return Expect(
        signed_in=FORBIDDEN, anonymous=LOGIN, users={"al_manager": outcome, "mk_manager": NOT_FOUND}, **options
    )


ROUTES["referrals:centre_settings"] = (
    _manager_only(OK, object_kwargs=_al_centre),
    # An empty form: shown again with its errors.
    _manager_only(BAD_REQUEST, methods=("POST",), object_kwargs=_al_centre),
)
# Sending through the API: the body "{}" names no receiver (or target): 400 with the form's errors.
API.update(
    {
        "POST /api/v1/referrals/hotline-items/{item_id}": Expect(
            signed_in=FORBIDDEN,
            anonymous=UNAUTHORIZED,
            users={**each(INVALID, "al_analyst", "al_supervisor"), **each(NOT_FOUND, "mk_analyst")},
            object_kwargs=_item,
        ),
        "POST /api/v1/referrals/hotline-items/{item_id}/external": Expect(
            signed_in=FORBIDDEN,
            anonymous=UNAUTHORIZED,
            users={**each(INVALID, "al_analyst", "al_supervisor"), **each(NOT_FOUND, "mk_analyst")},
            object_kwargs=_item,
        ),
        "POST /api/v1/referrals/helpline-cases/{case_id}": Expect(
            signed_in=FORBIDDEN,
            anonymous=UNAUTHORIZED,
            users={**each(INVALID, "al_counsellor", "al_supervisor"), **each(NOT_FOUND, "mk_counsellor")},
            object_kwargs=_case,
        ),
    }
)
