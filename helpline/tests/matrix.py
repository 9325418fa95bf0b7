"""The helpline's routes and API operations in the permission matrix (see core/tests/matrix.py).

Case data is for the centre's counsellors and supervisors (HELPLINE_LOG): the centre manager,
the analyst, the auditor, the coordinator and the state viewer get 403, North Macedonia's
counsellor 404 on every record of Albania.
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
from helpline.tests import fixtures

LOGGERS = ("al_counsellor", "al_supervisor", "mk_counsellor")
AL_LOGGERS = ("al_counsellor", "al_supervisor")
# Managers hold HELPLINE_SUPERVISE but see no case data: every supervised record is "not theirs".
MANAGERS = ("al_manager", "mk_manager")


def _contact(t) -> dict:
    return {"contact_id": fixtures.al_contact(t).pk}


def _draft(t) -> dict:
    return {"contact_id": fixtures.al_draft(t).pk}


def _case(t) -> dict:
    return {"case_id": fixtures.al_case(t).pk}


def _task(t) -> dict:
    task = fixtures.al_task(t)
    return {"case_id": task.case_id, "task_id": task.pk}


def _alert(t) -> dict:
    return {"alert_id": fixtures.al_alert(t).pk}


def _page(users=LOGGERS, methods=("GET",)) -> Expect:
    return Expect(signed_in=FORBIDDEN, anonymous=LOGIN, users=each(OK, *users), methods=methods)


def _post(target, object_kwargs=None, *, ok_users=AL_LOGGERS, extra=None) -> tuple:
    """A POST-only route: 405 to GET; the permitted users are redirected to ``target``."""
    users = {**each(redirect_to(target), *ok_users), **(extra or {})}
    return (
        Expect(everyone=NOT_ALLOWED, object_kwargs=object_kwargs),
        Expect(signed_in=FORBIDDEN, anonymous=LOGIN, users=users, methods=("POST",), object_kwargs=object_kwargs),
    )


def _object(object_kwargs, users=AL_LOGGERS, methods=("GET",)) -> Expect:
    return Expect(
        signed_in=FORBIDDEN,
        anonymous=LOGIN,
        users={**each(OK, *users), "mk_counsellor": NOT_FOUND},
        methods=methods,
        object_kwargs=object_kwargs,
    )


def _al_centre(t) -> dict:
    return {"centre_id": t.al_centre.pk}


def _service(t) -> dict:
    return {"service_id": fixtures.al_service(t).pk}


def _referral(t) -> dict:
    return {"referral_id": fixtures.al_referral(t).pk}


def _manager_object(object_kwargs) -> Expect:
    return Expect(
        signed_in=FORBIDDEN,
        anonymous=LOGIN,
        users={"al_manager": OK, "mk_manager": NOT_FOUND},
        methods=("GET", "POST"),
        object_kwargs=object_kwargs,
    )


def _export() -> Expect:
    return Expect(
        signed_in=FORBIDDEN,
        anonymous=LOGIN,
        users={"al_supervisor": OK, "al_manager": OK, "mk_manager": NOT_FOUND},
        object_kwargs=_al_centre,
    )


MK_404 = {"mk_counsellor": NOT_FOUND}
SUPERVISOR_404 = {"al_manager": NOT_FOUND, "mk_manager": NOT_FOUND}

ROUTES = {
    "helpline:contacts": _page(),
    "helpline:contact_new": _page(methods=("GET", "POST")),
    "helpline:contact_quick": _post("helpline:contact_new", ok_users=LOGGERS),
    "helpline:contact_autosave": (
        Expect(everyone=NOT_ALLOWED),
        Expect(signed_in=FORBIDDEN, anonymous=LOGIN, users=each(OK, *LOGGERS), methods=("POST",)),
    ),
    "helpline:contact": (
        _object(_contact),
        # A colleague's draft does not exist for anyone but its author (who is sent on to finish it).
        Expect(
            signed_in=FORBIDDEN,
            anonymous=LOGIN,
            users={"al_counsellor": redirect_to("helpline:contact_edit"), "al_supervisor": NOT_FOUND, **MK_404},
            object_kwargs=_draft,
        ),
    ),
    # A draft is its counsellor's own until logged: the supervisor gets 404 as well.
    "helpline:contact_edit": Expect(
        signed_in=FORBIDDEN,
        anonymous=LOGIN,
        users={"al_counsellor": OK, "al_supervisor": NOT_FOUND, "mk_counsellor": NOT_FOUND},
        methods=("GET", "POST"),
        object_kwargs=_draft,
    ),
    "helpline:contact_discard": _post(
        "helpline:contact_new", _draft, ok_users=("al_counsellor",), extra={"al_supervisor": NOT_FOUND, **MK_404}
    ),
    "helpline:contact_flag": _post("helpline:contact", _contact, extra=MK_404),
    "helpline:contact_open_case": _post("helpline:case", _contact, extra=MK_404),
    "helpline:cases": _page(),
    "helpline:case": _object(_case),
    "helpline:case_update": _post("helpline:case", _case, extra=MK_404),
    "helpline:case_note": _post("helpline:case", _case, extra=MK_404),
    "helpline:case_task": _post("helpline:case", _case, extra=MK_404),
    "helpline:task_done": _post("helpline:case", _task, extra=MK_404),
    "helpline:case_link": _post("helpline:case", _case, extra=MK_404),
    "helpline:case_assign": _post("helpline:supervisor", _case, ok_users=("al_supervisor",), extra=SUPERVISOR_404),
    "helpline:case_close": _post("helpline:supervisor", _case, ok_users=("al_supervisor",), extra=SUPERVISOR_404),
    "helpline:supervisor": Expect(signed_in=FORBIDDEN, anonymous=LOGIN, users={"al_supervisor": OK}),
    "helpline:alert_acknowledge": _post(
        "helpline:supervisor", _alert, ok_users=("al_supervisor",), extra=SUPERVISOR_404
    ),
    # The directory of services is no case data: every helpline role reads its country's.
    "helpline:services": _page(users=(*LOGGERS, *MANAGERS)),
    "helpline:service_new": _manager_object(_al_centre),
    "helpline:service_edit": _manager_object(_service),
    "helpline:referral_new": _object(_contact, methods=("GET", "POST")),
    "helpline:referral_outcome": _post("helpline:contact", _referral, extra=MK_404),
    "helpline:contact_escalate": _object(_contact, methods=("GET", "POST")),
    "helpline:retention": _manager_object(_al_centre),
    # Counts only: the centre's supervisors and its manager.
    "helpline:exports": Expect(signed_in=FORBIDDEN, anonymous=LOGIN, users=each(OK, "al_supervisor", *MANAGERS)),
    "helpline:export_chi": _export(),
    "helpline:export_insafe": _export(),
}

CREATED = Status(201, "CREATED")


def _api(outcome, users=LOGGERS, object_kwargs=None) -> Expect:
    overrides = each(outcome, *users)
    if object_kwargs:
        overrides["mk_counsellor"] = NOT_FOUND
    return Expect(signed_in=FORBIDDEN, anonymous=UNAUTHORIZED, users=overrides, object_kwargs=object_kwargs)


API = {
    "GET /api/v1/helpline/contacts": _api(OK),
    # An empty body is a valid counselling contact logged now.
    "POST /api/v1/helpline/contacts": _api(CREATED),
    "GET /api/v1/helpline/contacts/{contact_id}": (
        _api(OK, AL_LOGGERS, _contact),
        # A draft is its author's alone: the supervisor gets 404 like the other country.
        Expect(
            signed_in=FORBIDDEN,
            anonymous=UNAUTHORIZED,
            users={"al_counsellor": OK, "al_supervisor": NOT_FOUND, "mk_counsellor": NOT_FOUND},
            object_kwargs=_draft,
        ),
    ),
    "POST /api/v1/helpline/contacts/{contact_id}/case": _api(CREATED, AL_LOGGERS, _contact),
    "GET /api/v1/helpline/cases": _api(OK),
    "GET /api/v1/helpline/cases/{case_id}": _api(OK, AL_LOGGERS, _case),
    "PATCH /api/v1/helpline/cases/{case_id}": _api(OK, AL_LOGGERS, _case),
    "POST /api/v1/helpline/cases/{case_id}/notes": _api(INVALID, AL_LOGGERS, _case),
}
