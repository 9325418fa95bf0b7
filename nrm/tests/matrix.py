"""The nrm app's routes in the permission matrix (see core/tests/matrix.py)."""

from __future__ import annotations

import shutil
import tempfile

from django.core.files.base import ContentFile
from django.test import override_settings

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
UNPROCESSABLE = Status(422, "UNPROCESSABLE")
# Readers of Albania's assessments: every member of an Albanian centre, the state viewer, the coordinator.
AL_READERS = ("al_analyst", "al_counsellor", "al_supervisor", "al_manager", "al_auditor", "state_viewer", "coordinator")
COMPARERS = ("al_analyst", "al_counsellor", "al_supervisor", "al_manager", "al_auditor", "mk_analyst",
             "mk_counsellor", "mk_manager", "mk_auditor", "coordinator")  # fmt: skip
MK = ("mk_analyst", "mk_counsellor", "mk_manager", "mk_auditor")


def al_draft(t):
    from nrm.models import Assessment
    from nrm.queries import current_framework

    assessment, _created = Assessment.objects.get_or_create(
        country=t.network["countries"]["AL"], period="2099", defaults={"framework": current_framework()}
    )
    return assessment


def _assessment(t) -> dict:
    return {"assessment_id": al_draft(t).pk}


def _rate(t) -> dict:
    return {"assessment_id": al_draft(t).pk, "number": 1}


def _item(t) -> dict:
    import datetime

    from nrm.models import ActionItem

    item = ActionItem.objects.create(
        assessment=al_draft(t), title="Plan", owner_organisation="Ministry", due_date=datetime.date(2030, 1, 1)
    )
    return {"item_id": item.pk}


def _evidence(t) -> dict:
    from nrm.models import Capability, EvidenceFile, Rating

    media = tempfile.mkdtemp()
    override = override_settings(MEDIA_ROOT=media)
    override.enable()
    t.addCleanup(shutil.rmtree, media, True)
    t.addCleanup(override.disable)
    rating = Rating.objects.create(assessment=al_draft(t), capability=Capability.objects.get(number=1), level=1)
    document = EvidenceFile(rating=rating, original_name="law.pdf", size=9)
    document.file.save("law.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    document.save()
    return {"file_id": document.pk}


def _editor(t) -> dict:
    from nrm.models import Editor

    editor, _created = Editor.objects.get_or_create(
        country=t.network["countries"]["AL"], user=t.al_analyst, defaults={"named_by": t.al_manager}
    )
    return {"editor_id": editor.pk}


def readers(outcome=OK, **extra) -> dict:
    return each(outcome, *AL_READERS) | {"outsider": FORBIDDEN} | extra


ROUTES: dict = {
    "nrm:assessments": Expect(signed_in=OK, anonymous=LOGIN, users={"outsider": FORBIDDEN}, methods=("GET", "POST")),
    "nrm:assessment": Expect(signed_in=NOT_FOUND, anonymous=LOGIN, users=readers(), object_kwargs=_assessment),
    "nrm:rate": Expect(
        signed_in=NOT_FOUND,
        anonymous=LOGIN,
        users=readers(FORBIDDEN, al_manager=OK),
        methods=("GET", "POST"),
        object_kwargs=_rate,
    ),
    "nrm:transition": (
        Expect(everyone=NOT_ALLOWED, object_kwargs=_assessment),
        Expect(
            signed_in=NOT_FOUND,
            anonymous=LOGIN,
            users=readers(redirect_to("nrm:assessment")),
            methods=("POST",),
            object_kwargs=_assessment,
        ),
    ),
    "nrm:summary": (
        Expect(everyone=NOT_ALLOWED, object_kwargs=_assessment),
        Expect(
            signed_in=NOT_FOUND,
            anonymous=LOGIN,
            users=readers(FORBIDDEN, al_manager=redirect_to("nrm:assessment")),
            methods=("POST",),
            object_kwargs=_assessment,
        ),
    ),
    "nrm:add_action_item": (
        Expect(everyone=NOT_ALLOWED, object_kwargs=_assessment),
        Expect(
            signed_in=NOT_FOUND,
            anonymous=LOGIN,
            users=readers(FORBIDDEN, al_manager=BAD_REQUEST),
            methods=("POST",),
            object_kwargs=_assessment,
        ),
    ),
    "nrm:change": Expect(signed_in=NOT_FOUND, anonymous=LOGIN, users=readers(), object_kwargs=_assessment),
    "nrm:assessment_csv": Expect(signed_in=NOT_FOUND, anonymous=LOGIN, users=readers(), object_kwargs=_assessment),
    "nrm:assessment_pdf": Expect(signed_in=NOT_FOUND, anonymous=LOGIN, users=readers(), object_kwargs=_assessment),
    "nrm:evidence": Expect(signed_in=NOT_FOUND, anonymous=LOGIN, users=readers(), object_kwargs=_evidence),
    "nrm:action_item": (
        Expect(signed_in=NOT_FOUND, anonymous=LOGIN, users=readers(), object_kwargs=_item),
        Expect(
            signed_in=NOT_FOUND,
            anonymous=LOGIN,
            users=readers(FORBIDDEN, al_manager=OK),
            methods=("POST",),
            object_kwargs=_item,
        ),
    ),
    "nrm:compare": Expect(signed_in=FORBIDDEN, anonymous=LOGIN, users=each(OK, *COMPARERS)),
    "nrm:compare_csv": Expect(signed_in=FORBIDDEN, anonymous=LOGIN, users=each(OK, *COMPARERS)),
    "nrm:compare_pdf": Expect(signed_in=FORBIDDEN, anonymous=LOGIN, users=each(OK, *COMPARERS)),
    "nrm:editors": Expect(
        signed_in=FORBIDDEN,
        anonymous=LOGIN,
        users=each(OK, "al_manager", "mk_manager"),
        methods=("GET", "POST"),
    ),
    "nrm:remove_editor": (
        Expect(everyone=NOT_ALLOWED, object_kwargs=_editor),
        Expect(
            signed_in=FORBIDDEN,
            anonymous=LOGIN,
            users={"al_manager": redirect_to("nrm:editors"), "mk_manager": NOT_FOUND},
            methods=("POST",),
            object_kwargs=_editor,
        ),
    ),
}

NAMESPACES: dict = {}

API: dict = {
    "GET /api/v1/nrm/assessments": Expect(signed_in=OK, anonymous=UNAUTHORIZED, users={"outsider": FORBIDDEN}),
    "GET /api/v1/nrm/assessments/{assessment_id}": Expect(
        signed_in=NOT_FOUND, anonymous=UNAUTHORIZED, users=readers(), object_kwargs=_assessment
    ),
    # An empty body: the editor is told what is missing; everyone else is refused before that.
    "POST /api/v1/nrm/assessments/{assessment_id}/ratings": Expect(
        signed_in=NOT_FOUND,
        anonymous=UNAUTHORIZED,
        users=readers(FORBIDDEN, al_manager=UNPROCESSABLE),
        object_kwargs=_assessment,
    ),
    # No file: the editor is told to send one; everyone else is refused before that.
    "POST /api/v1/nrm/assessments/{assessment_id}/ratings/{number}/evidence": Expect(
        signed_in=NOT_FOUND,
        anonymous=UNAUTHORIZED,
        users=readers(FORBIDDEN, al_manager=INVALID),
        object_kwargs=lambda t: {**_assessment(t), "number": 1},
    ),
}

ROUTES["nrm_public:summaries"] = Expect(everyone=OK)
