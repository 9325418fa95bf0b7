"""The hotline's routes and API operations in the permission matrix (see core/tests/matrix.py)."""

from core.tests.matrix import (
    FORBIDDEN,
    INVALID,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    UNAUTHORIZED,
    Expect,
    Status,
    each,
    redirect_to,
)

BAD_REQUEST = Status(400, "BAD_REQUEST")

VIEWERS = ("al_analyst", "al_supervisor", "al_manager", "mk_analyst", "mk_manager")


def _al_item(t) -> dict:
    from hotline.tests.helpers import make_report

    report, _token = make_report(["https://matrix.example.com/item"])
    return {"item_id": report.items.get().pk}


def _al_item_hash(t) -> dict:
    import uuid

    from django.utils import timezone

    from hotline.models import ItemHash

    kwargs = _al_item(t)
    item_hash = ItemHash.objects.create(
        item_id=kwargs["item_id"], algorithm="md5", value=uuid.uuid4().hex, added_at=timezone.now()
    )
    return {**kwargs, "hash_id": item_hash.pk}


def _al_centre(t) -> dict:
    return {"centre_id": t.al_centre.pk}


def _al_item_step(t) -> dict:
    return {**_al_item(t), "step": "claim"}


ROUTES = {
    # Staff pages
    "hotline:queue": Expect(signed_in=FORBIDDEN, anonymous=LOGIN, users=each(OK, *VIEWERS)),
    "hotline:dashboard": Expect(signed_in=FORBIDDEN, anonymous=LOGIN, users=each(OK, *VIEWERS)),
    # A supervisor attaches their own centre's waiting reports by hand (the loop stopped); never on GET.
    "hotline:attach": (
        Expect(everyone=NOT_ALLOWED, object_kwargs=_al_centre),
        Expect(
            signed_in=FORBIDDEN,
            anonymous=LOGIN,
            users=each(redirect_to("hotline:queue"), "al_supervisor", "al_manager") | {"mk_manager": NOT_FOUND},
            methods=("POST",),
            object_kwargs=_al_centre,
        ),
    ),
    "hotline:item": Expect(
        signed_in=FORBIDDEN,
        anonymous=LOGIN,
        users=each(OK, "al_analyst", "al_supervisor", "al_manager") | each(NOT_FOUND, "mk_analyst", "mk_manager"),
        object_kwargs=_al_item,
    ),
    "hotline:assign": (
        Expect(everyone=NOT_ALLOWED, object_kwargs=_al_item),
        Expect(
            signed_in=FORBIDDEN,
            anonymous=LOGIN,
            users=each(redirect_to("hotline:item"), "al_supervisor", "al_manager") | {"mk_manager": NOT_FOUND},
            methods=("POST",),
            object_kwargs=_al_item,
        ),
    ),
    "hotline:step": (
        Expect(everyone=NOT_ALLOWED, object_kwargs=_al_item_step),
        Expect(
            signed_in=FORBIDDEN,
            anonymous=LOGIN,
            users=each(redirect_to("hotline:item"), "al_analyst", "al_supervisor") | {"mk_analyst": NOT_FOUND},
            methods=("POST",),
            object_kwargs=_al_item_step,
        ),
    ),
    # Hashes of an item's material: an empty POST gets the form's errors ("paste hashes or choose a file").
    "hotline:hashes": (
        Expect(everyone=NOT_ALLOWED, object_kwargs=_al_item),
        Expect(
            signed_in=FORBIDDEN,
            anonymous=LOGIN,
            users=each(BAD_REQUEST, "al_analyst", "al_supervisor") | {"mk_analyst": NOT_FOUND},
            methods=("POST",),
            object_kwargs=_al_item,
        ),
    ),
    "hotline:hash_remove": (
        Expect(everyone=NOT_ALLOWED, object_kwargs=_al_item_hash),
        Expect(
            signed_in=FORBIDDEN,
            anonymous=LOGIN,
            users=each(redirect_to("hotline:item"), "al_analyst", "al_supervisor") | {"mk_analyst": NOT_FOUND},
            methods=("POST",),
            object_kwargs=_al_item_hash,
        ),
    ),
    # Public: anyone, in every language. An empty POST is answered with the form and its errors.
    "hotline_public:report": (Expect(everyone=OK), Expect(everyone=BAD_REQUEST, methods=("POST",))),
    "hotline_public:status": Expect(everyone=OK, methods=("GET", "POST")),
    "hotline_public:leave": Expect(everyone=REDIRECT),
}

API = {
    # The body "{}" lacks the required fields.
    "POST /api/v1/reports": Expect(everyone=INVALID),
    "GET /api/v1/reports/{reference}/status": Expect(
        everyone=NOT_FOUND, kwargs=lambda t: {"reference": "AL-2026-000001"}
    ),
    "GET /api/v1/hotline/items": Expect(signed_in=FORBIDDEN, anonymous=UNAUTHORIZED, users=each(OK, *VIEWERS)),
    "GET /api/v1/hotline/items/{item_id}": Expect(
        signed_in=FORBIDDEN,
        anonymous=UNAUTHORIZED,
        users=each(OK, "al_analyst", "al_supervisor", "al_manager") | each(NOT_FOUND, "mk_analyst", "mk_manager"),
        object_kwargs=_al_item,
    ),
    "GET /api/v1/hotline/items/{item_id}/hashes": Expect(
        signed_in=FORBIDDEN,
        anonymous=UNAUTHORIZED,
        users=each(OK, "al_analyst", "al_supervisor", "al_manager") | each(NOT_FOUND, "mk_analyst", "mk_manager"),
        object_kwargs=_al_item,
    ),
    # The body "{}" has no hash: 400 with the reason.
    "POST /api/v1/hotline/items/{item_id}/hashes": Expect(
        signed_in=FORBIDDEN,
        anonymous=UNAUTHORIZED,
        users=each(INVALID, "al_analyst", "al_supervisor") | {"mk_analyst": NOT_FOUND},
        object_kwargs=_al_item,
    ),
    **{
        f"POST /api/v1/hotline/items/{{item_id}}/{step}": Expect(
            signed_in=FORBIDDEN,
            anonymous=UNAUTHORIZED,
            # The body "{}" is valid for claiming and tracing; the other steps say what is missing.
            users=each(outcome, "al_analyst", "al_supervisor") | {"mk_analyst": NOT_FOUND},
            object_kwargs=_al_item,
        )
        for step, outcome in {
            "claim": OK,
            "trace": OK,
            "assess": INVALID,
            "forward": INVALID,
            "law-enforcement": INVALID,
            "notice": INVALID,
            "removal-check": INVALID,
            "close": INVALID,
        }.items()
    },
}
