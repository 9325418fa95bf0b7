"""The hashes app's routes and API operations in the permission matrix (see core/tests/matrix.py)."""

import uuid

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

BAD_REQUEST = Status(400, "BAD_REQUEST")

# Holders of HashesPerm.VIEW somewhere.
VIEWERS = ("al_analyst", "al_supervisor", "al_manager", "mk_analyst", "mk_manager")
AL_VIEWERS = ("al_analyst", "al_supervisor", "al_manager")
MK_VIEWERS = ("mk_analyst", "mk_manager")


def _al_list(t) -> dict:
    """Albania's own list: invisible to North Macedonia."""
    from hashes.tests.helpers import make_list

    return {"list_id": make_list(t.al_centre, f"matrix {uuid.uuid4()}").pk}


def _al_entry(t) -> dict:
    from hashes.tests.helpers import make_entry, make_list, sha256_of

    hash_list = make_list(t.al_centre, f"matrix {uuid.uuid4()}")
    return {"list_id": hash_list.pk, "entry_id": make_entry(hash_list, "sha256", sha256_of("matrix")).pk}


def _al_import(t) -> dict:
    from hashes.models import ImportJob
    from hashes.tests.helpers import make_list

    hash_list = make_list(t.al_centre, f"matrix {uuid.uuid4()}")
    job = ImportJob.objects.create(
        hash_list=hash_list, created_by=t.al_analyst, file_name="m.txt", fmt="txt", classification="baseline", size=1
    )
    return {"job_id": job.pk}


ROUTES = {
    "hashes:lists": Expect(signed_in=FORBIDDEN, anonymous=LOGIN, users=each(OK, *VIEWERS)),
    # An empty POST is answered with the form and its errors.
    "hashes:list_create": (
        Expect(everyone=NOT_ALLOWED),
        Expect(
            signed_in=FORBIDDEN,
            anonymous=LOGIN,
            users=each(BAD_REQUEST, "al_supervisor", "al_manager", "mk_manager"),
            methods=("POST",),
        ),
    ),
    "hashes:list": (
        Expect(
            signed_in=FORBIDDEN,
            anonymous=LOGIN,
            users=each(OK, *AL_VIEWERS) | each(NOT_FOUND, *MK_VIEWERS),
            object_kwargs=_al_list,
        ),
        # Adding a hash: the list's analysts and supervisor; an empty POST gets the form's errors.
        Expect(
            signed_in=FORBIDDEN,
            anonymous=LOGIN,
            users=each(BAD_REQUEST, "al_analyst", "al_supervisor") | each(NOT_FOUND, *MK_VIEWERS),
            methods=("POST",),
            object_kwargs=_al_list,
        ),
    ),
    "hashes:export": Expect(
        signed_in=FORBIDDEN,
        anonymous=LOGIN,
        users=each(OK, *AL_VIEWERS) | each(NOT_FOUND, *MK_VIEWERS),
        object_kwargs=_al_list,
    ),
    "hashes:entry_toggle": (
        Expect(everyone=NOT_ALLOWED, object_kwargs=_al_entry),
        Expect(
            signed_in=FORBIDDEN,
            anonymous=LOGIN,
            users=each(redirect_to("hashes:list"), "al_analyst", "al_supervisor") | {"mk_analyst": NOT_FOUND},
            methods=("POST",),
            object_kwargs=_al_entry,
        ),
    ),
    # An empty POST lacks the list's name: the form comes back with its errors.
    "hashes:list_settings": (
        Expect(everyone=NOT_ALLOWED, object_kwargs=_al_list),
        Expect(
            signed_in=FORBIDDEN,
            anonymous=LOGIN,
            users=each(BAD_REQUEST, "al_supervisor", "al_manager") | {"mk_manager": NOT_FOUND},
            methods=("POST",),
            object_kwargs=_al_list,
        ),
    ),
    # An empty POST lacks the file: the list page comes back with the form's errors.
    "hashes:import": (
        Expect(everyone=NOT_ALLOWED, object_kwargs=_al_list),
        Expect(
            signed_in=FORBIDDEN,
            anonymous=LOGIN,
            users=each(BAD_REQUEST, "al_analyst", "al_supervisor") | {"mk_analyst": NOT_FOUND},
            methods=("POST",),
            object_kwargs=_al_list,
        ),
    ),
    "hashes:import_job": Expect(
        signed_in=FORBIDDEN,
        anonymous=LOGIN,
        users=each(OK, *AL_VIEWERS) | each(NOT_FOUND, *MK_VIEWERS),
        object_kwargs=_al_import,
    ),
    "hashes:lookup": (
        Expect(signed_in=FORBIDDEN, anonymous=LOGIN, users=each(OK, *VIEWERS)),
        # An empty POST: "paste hashes or choose a file".
        Expect(signed_in=FORBIDDEN, anonymous=LOGIN, users=each(BAD_REQUEST, *VIEWERS), methods=("POST",)),
    ),
}

API = {
    # The body "{}" lacks the hashes.
    "POST /api/v1/hashes/lookup": Expect(signed_in=FORBIDDEN, anonymous=UNAUTHORIZED, users=each(INVALID, *VIEWERS)),
    "GET /api/v1/hashes/lists": Expect(signed_in=FORBIDDEN, anonymous=UNAUTHORIZED, users=each(OK, *VIEWERS)),
    "GET /api/v1/hashes/lists/{list_id}/entries": Expect(
        signed_in=FORBIDDEN,
        anonymous=UNAUTHORIZED,
        users=each(OK, *AL_VIEWERS) | each(NOT_FOUND, *MK_VIEWERS),
        object_kwargs=_al_list,
    ),
    # The body "{}" is not a hash: 400 with the reasons.
    "POST /api/v1/hashes/lists/{list_id}/entries": Expect(
        signed_in=FORBIDDEN,
        anonymous=UNAUTHORIZED,
        users=each(INVALID, "al_analyst", "al_supervisor") | {"mk_analyst": NOT_FOUND},
        object_kwargs=_al_list,
    ),
    # The body "{}" names no centre: 400.
    "POST /api/v1/hashes/lists": Expect(
        signed_in=FORBIDDEN,
        anonymous=UNAUTHORIZED,
        users=each(INVALID, "al_supervisor", "al_manager", "mk_manager"),
    ),
    # The body "{}" changes nothing: the list as it is.
    "PATCH /api/v1/hashes/lists/{list_id}": Expect(
        signed_in=FORBIDDEN,
        anonymous=UNAUTHORIZED,
        users=each(OK, "al_supervisor", "al_manager") | {"mk_manager": NOT_FOUND},
        object_kwargs=_al_list,
    ),
    # The body "{}" lacks "active": 400.
    "POST /api/v1/hashes/lists/{list_id}/entries/{entry_id}/active": Expect(
        signed_in=FORBIDDEN,
        anonymous=UNAUTHORIZED,
        users=each(INVALID, "al_analyst", "al_supervisor") | {"mk_analyst": NOT_FOUND},
        object_kwargs=_al_entry,
    ),
}
