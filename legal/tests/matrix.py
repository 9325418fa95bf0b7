"""The legal app's routes in the permission matrix (see core/tests/matrix.py)."""

from __future__ import annotations

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

# Readers of Albania's entries: every member of an Albanian centre, the state viewer, the coordinator.
AL_READERS = ("al_analyst", "al_counsellor", "al_supervisor", "al_manager", "al_auditor", "state_viewer", "coordinator")


def _country(t) -> dict:
    return {"country_id": t.network["countries"]["AL"].pk}


def _entry(t) -> dict:
    return {"country_id": t.network["countries"]["AL"].pk, "code": "L01"}


def _editor(t) -> dict:
    from legal.models import Editor

    editor, _created = Editor.objects.get_or_create(
        country=t.network["countries"]["AL"], user=t.al_analyst, defaults={"named_by": t.al_manager}
    )
    return {"editor_id": editor.pk}


def readers(outcome=OK, **extra) -> dict:
    return each(outcome, *AL_READERS) | {"outsider": FORBIDDEN} | extra


def coordinator_post(object_kwargs) -> tuple:
    return (
        Expect(everyone=NOT_ALLOWED, object_kwargs=object_kwargs),
        Expect(
            signed_in=NOT_FOUND,
            anonymous=LOGIN,
            users=readers(FORBIDDEN, coordinator=redirect_to("legal:country")),
            methods=("POST",),
            object_kwargs=object_kwargs,
        ),
    )


ROUTES: dict = {
    "legal:matrix": Expect(signed_in=OK, anonymous=LOGIN, users={"outsider": FORBIDDEN}),
    "legal:export_csv": Expect(signed_in=OK, anonymous=LOGIN, users={"outsider": FORBIDDEN}),
    "legal:export_pdf": Expect(signed_in=OK, anonymous=LOGIN, users={"outsider": FORBIDDEN}),
    "legal:country": Expect(signed_in=NOT_FOUND, anonymous=LOGIN, users=readers(), object_kwargs=_country),
    "legal:gaps": Expect(signed_in=NOT_FOUND, anonymous=LOGIN, users=readers(), object_kwargs=_country),
    "legal:edit_entry": (
        Expect(signed_in=NOT_FOUND, anonymous=LOGIN, users=readers(), object_kwargs=_entry),
        Expect(
            signed_in=NOT_FOUND,
            anonymous=LOGIN,
            users=readers(FORBIDDEN, al_manager=OK),
            methods=("POST",),
            object_kwargs=_entry,
        ),
    ),
    "legal:validate": coordinator_post(_country),
    "legal:publish": coordinator_post(_country),
    "legal:editors": Expect(
        signed_in=FORBIDDEN, anonymous=LOGIN, users=each(OK, "al_manager", "mk_manager"), methods=("GET", "POST")
    ),
    "legal:remove_editor": (
        Expect(everyone=NOT_ALLOWED, object_kwargs=_editor),
        Expect(
            signed_in=FORBIDDEN,
            anonymous=LOGIN,
            users={"al_manager": redirect_to("legal:editors"), "mk_manager": NOT_FOUND},
            methods=("POST",),
            object_kwargs=_editor,
        ),
    ),
}

NAMESPACES: dict = {}

UNPROCESSABLE = Status(422, "UNPROCESSABLE")

API: dict = {
    # An empty body: the editor is told what is missing; everyone else is refused before that.
    "PUT /api/v1/legal/countries/{country_id}/entries/{code}": Expect(
        signed_in=NOT_FOUND,
        anonymous=UNAUTHORIZED,
        users=readers(FORBIDDEN, al_manager=UNPROCESSABLE),
        object_kwargs=_entry,
    ),
    "GET /api/v1/legal/entries": Expect(signed_in=OK, anonymous=UNAUTHORIZED, users={"outsider": FORBIDDEN}),
    "GET /api/v1/legal/countries/{country_id}/entries": Expect(
        signed_in=NOT_FOUND, anonymous=UNAUTHORIZED, users=readers(), object_kwargs=_country
    ),
}

ROUTES["legal_public:matrix"] = Expect(everyone=OK)
